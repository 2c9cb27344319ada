"""Bad input to geostack.swarm.mapproxy fails in the first play of site.yml, before any change, naming the variable.

As tests/integration/test_pygeoapi_validation.py does: each case runs playbooks/site.yml against this machine
(inventories/local) with mapproxy in geostack_services and one bad variable; the play must stop in its first play
(which only reads) with changed=0. One case per distinct check (the others are unit tests of the filter,
tests/unit/plugins/filter/test_mapproxy.py). Nothing here needs the Docker engine.
"""

from __future__ import annotations

import pytest
from playbook_output import refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

SERVICES = ['postgis', 'mapserver', 'qgis_server', 'mapproxy', 'edge']

CASES = {
    'a cached layer that is not declared': (
        dict(mapproxy_layers=[dict(layer='roads')]),
        "mapproxy_layers[0] (roads).layer: 'roads' is not a layer of geostack_layers (countries, places, elevation)"),
    'zoom levels out of range': (
        dict(mapproxy_layers=[dict(layer='countries', levels=[0, 30])]),
        'mapproxy_layers[0] (countries).levels: [0, 30]: the zoom levels must be whole numbers from 0 to 24'),
    'zoom levels in the wrong order': (
        dict(mapproxy_levels=[8, 2]),
        'mapproxy_levels: [8, 2]: the first level (8) is after the last (2)'),
    'a grid MapProxy does not know': (
        dict(mapproxy_grids=['GoogleMapsCompatible', 'EPSG:2154']),
        "mapproxy_grids: 'EPSG:2154' is not a grid MapProxy knows here (known: GoogleMapsCompatible, EPSG4326)"),
    'a path prefix clash': (
        dict(mapproxy_path='/mapserver/tiles'),
        'mapproxy_path (/mapserver/tiles) and mapserver_path (/mapserver): one path prefix is inside the other'),
    'mapproxy before its source map server': (
        dict(geostack_services=['postgis', 'mapproxy', 'mapserver', 'edge']),
        'geostack_services: mapproxy must come after mapserver (mapproxy_source), which draws its tiles'),
    'the locks on the cache volume': (
        dict(mapproxy_lock_volume='geostack_mapproxy_cache'),
        'mapproxy_lock_volume=geostack_mapproxy_cache is also mapproxy_volume: the locks stay off the cache volume'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_mapproxy_input_fails_before_any_change(case, tmp_path):
    changes, expected = CASES[case]
    extra = dict(dict(geostack_services=SERVICES), **changes)
    text = refused_in_first_play(run_site(tmp_path, extra))
    assert expected in text, text[-3000:]
