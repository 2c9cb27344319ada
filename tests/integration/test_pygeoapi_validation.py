"""Bad input to geostack.swarm.pygeoapi fails in the first play of site.yml, before any change, naming the variable.

As tests/integration/test_stack_validation.py does: each case runs the whole playbooks/site.yml against this machine
(inventories/local) with pygeoapi in geostack_services and one bad variable; the play must stop in its first play
(which only reads) with changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations


import pytest
from playbook_output import refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

SERVICES = ['postgis', 'mapserver', 'qgis_server', 'pygeoapi', 'edge']
ELEVATION = dict(name='elevation', sample='olinda_dem', table='public.elevation', srid=4326)

CASES = {
    'pygeoapi without postgis': (
        dict(geostack_services=['pygeoapi', 'edge']),
        'geostack_services: pygeoapi needs postgis, which is not in the list'),
    'path prefix inside another service': (
        dict(pygeoapi_path='/qgis/ogcapi'),
        'pygeoapi_path (/qgis/ogcapi) and qgis_server_path (/qgis): one path prefix is inside the other'),
    'path prefix of another service': (
        dict(pygeoapi_path='/mapserver'),
        'mapserver_path and pygeoapi_path are both /mapserver: two services on one path prefix'),
    'path prefix on what the edge serves': (
        dict(pygeoapi_path='/leaflet'),
        'pygeoapi_path=/leaflet collides with /leaflet, which the edge serves itself'),
    'path prefix without a slash': (
        dict(pygeoapi_path='ogcapi'),
        "pygeoapi_path: 'ogcapi' must be a path such as /mapserver"),
    'public url not http': (
        dict(pygeoapi_url='ftp://maps.example.org/ogcapi'),
        'pygeoapi_url=ftp://maps.example.org/ogcapi must be empty or the public URL of the service'),
    'public url with a query': (
        dict(pygeoapi_url='https://maps.example.org/ogcapi?f=json'),
        'pygeoapi_url=https://maps.example.org/ogcapi?f=json must be empty or the public URL of the service'),
    'too many workers': (
        dict(pygeoapi_workers=65),
        'pygeoapi_workers=65 must be 0 (two per CPU of the node, plus one) or a number of gunicorn workers from 1 to 64'),
    'workers not a number': (
        dict(pygeoapi_workers='many'),
        "argument 'pygeoapi_workers' is of type str and we were unable to convert to int"),
    'no replica': (
        dict(pygeoapi_replicas=0),
        'pygeoapi_replicas=0 must be at least 1'),
    'default page larger than the largest': (
        dict(pygeoapi_default_items=50, pygeoapi_max_items=20),
        'pygeoapi_default_items=50 must be from 1 to pygeoapi_max_items (20)'),
    'unknown crs': (
        dict(pygeoapi_crs=['EPSG:4326', 'EPSG:99999']),
        'pygeoapi_crs: EPSG:99999 is not a coordinate system PostGIS knows'),
    'identifier of a layer that is not served': (
        dict(pygeoapi_id_fields={'elevation': 'rid'}),
        'pygeoapi_id_fields.elevation: not a vector layer of geostack_layers (countries, places)'),
    'no vector layer': (
        dict(geostack_datasets=[ELEVATION],
             geostack_layers=[dict(name='elevation', table='public.elevation', type='raster')]),
        'geostack_layers has no vector layer, and pygeoapi (in geostack_services) serves only vector layers'),
    'image with a trailing newline': (
        dict(pygeoapi_image='registry.example.org/geostack/pygeoapi:0.21\n'),
        'pygeoapi_image=registry.example.org/geostack/pygeoapi:0.21 must be empty or an image reference'),
    'title on two lines': (
        dict(pygeoapi_title='OGC API\nFeatures'),
        'pygeoapi_title must be one line of text'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_pygeoapi_input_fails_before_any_change(case, tmp_path):
    extra, expected = CASES[case]
    extra = dict(dict(geostack_services=SERVICES), **extra)
    text = refused_in_first_play(run_site(tmp_path, extra))
    assert expected in text, text[-3000:]
