"""Bad input to the geospatial stack fails before any change, with a message naming the variable.

Each case runs the whole playbooks/site.yml against this machine (inventories/local) with one bad variable: the play
must stop in its first play, which only reads (the declaration is checked before the engine, the swarm, the images or
any service is touched), and report changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playbook_output import messages

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

COUNTRIES = dict(name='countries', sample='naturalearth_lowres', table='public.countries', srid=4326)

CASES = {
    'unknown service': (
        dict(geostack_services=['postgis', 'mapserver', 'geoserver', 'edge']),
        # ansible-core's role argument validation (meta/argument_specs.yml) answers first.
        'value of geostack_services must be one or more of: postgis, mapserver, qgis_server, edge. '
        'Got no match for: geoserver'),
    'map server without postgis': (
        dict(geostack_services=['mapserver', 'edge']),
        'geostack_services: mapserver needs postgis, which is not in the list'),
    'missing dataset file': (
        dict(geostack_datasets=[COUNTRIES, dict(name='roads', file='/nonexistent/roads.gpkg', table='roads', srid=4326)]),
        'geostack_datasets[1] (roads).file: /nonexistent/roads.gpkg is not a file on the controller'),
    'shapefile without its sidecars': (
        dict(geostack_datasets=[COUNTRIES, dict(name='lonely', file='@SHP@', table='lonely', srid=4326)]),
        'geostack_datasets[1] (lonely).file: the Shapefile @SHP@ has no .shx beside it'),
    'layer on a missing table': (
        dict(geostack_datasets=[COUNTRIES],
             geostack_layers=[dict(name='countries', table='public.countries', type='polygon'),
                              dict(name='rivers', table='public.rivers', type='line')]),
        'geostack_layers[1] (rivers).table: public.rivers is not the table of any dataset of geostack_datasets'),
    'invalid srid': (
        dict(geostack_datasets=[dict(COUNTRIES, srid=99999)],
             geostack_layers=[dict(name='countries', table='public.countries', type='polygon')]),
        'geostack_datasets[0] (countries).srid: 99999 is not an SRID that PostGIS knows'),
    'two services on one path prefix': (
        dict(mapserver_path='/ows', qgis_server_path='/ows'),
        'mapserver_path and qgis_server_path are both /ows: two services on one path prefix'),
    'nested path prefixes': (
        dict(mapserver_path='/ows', qgis_server_path='/ows/qgis'),
        'mapserver_path (/ows) and qgis_server_path (/ows/qgis): one path prefix is inside the other'),
    'bad postgis password': (
        dict(postgis_reader_password='short'),
        'postgis_reader_password must be a string of at least 12 characters'),
    'bad mapserver replicas': (
        dict(mapserver_replicas=0),
        'mapserver_replicas must be at least 1'),
    'edge ports clash': (
        dict(edge_http_port=8443, edge_https_port=8443),
        'edge_http_port and edge_https_port must differ'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_fails_before_any_change(case, tmp_path):
    extra, expected = CASES[case]
    shp = tmp_path / 'lonely.shp'
    shp.write_bytes(b'not really a shapefile')
    extra = json.loads(json.dumps(extra).replace('@SHP@', str(shp)))
    expected = expected.replace('@SHP@', str(shp))
    extra['geostack_credentials_dir'] = str(tmp_path / 'credentials')
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
               ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', 'inventories/local', 'playbooks/site.yml',
                             '-e', json.dumps(extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                            cwd=str(REPO), check=False)
    assert result.returncode != 0, result.stdout[-4000:]
    parsed = json.loads(result.stdout)
    text = messages(parsed)
    assert expected in text, text[-3000:]
    # Only the first play ran: the declaration's checks, which change nothing.
    assert [p['play']['name'] for p in parsed['plays']] == ["Check the stack's declaration before anything changes"]
    assert parsed['stats']['localhost']['changed'] == 0
