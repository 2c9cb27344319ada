# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack.swarm.mapproxy_plan, mapproxy_config and mapproxy_seed: the cached layers planned and checked, MapProxy's
configuration and mapproxy-seed's made from them. The cache directories these give are the ones the mapproxy
image's nginx reads (tiles.conf, tiles.js): checked here against those files too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from ansible_collections.geostack.swarm.plugins.filter.mapproxy_config import FilterModule as ConfigFilters
from ansible_collections.geostack.swarm.plugins.filter.mapproxy_plan import FilterModule as PlanFilters
from ansible_collections.geostack.swarm.plugins.filter.mapproxy_seed import FilterModule as SeedFilters
from ansible_collections.geostack.swarm.plugins.module_utils import mapproxy

pytestmark = pytest.mark.unit

plan_of = PlanFilters().filters()['mapproxy_plan']
config_of = ConfigFilters().filters()['mapproxy_config']
seed_of = SeedFilters().filters()['mapproxy_seed']

RECIPE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'images', 'files', 'recipes', 'mapproxy')
LAYERS = [dict(name='countries', title='Countries', type='polygon'), dict(name='places', title='Places', type='point'),
          dict(name='elevation', title='Elevation', type='raster')]
SERVICES = ['postgis', 'mapserver', 'mapproxy', 'edge']


def settings(**changes):
    out = dict(layers=[], levels=[0, 5], grids=['GoogleMapsCompatible', 'EPSG4326'], format='png', source='mapserver',
               replicas=1, workers=4, title='Tiles', seed_concurrency=2)
    out.update(changes)
    return out


def test_an_empty_list_caches_every_layer_with_the_defaults():
    plan = plan_of(settings(), LAYERS, SERVICES)
    assert plan['problems'] == []
    assert [(c['name'], c['levels'], c['grids'], c['mime']) for c in plan['layers']] == [
        (name, [0, 5], ['GoogleMapsCompatible', 'EPSG4326'], 'image/png') for name in ('countries', 'places', 'elevation')]


def test_an_entry_overrides_the_defaults():
    plan = plan_of(settings(layers=[dict(layer='elevation', levels=['8', 14], grids=['GoogleMapsCompatible'],
                                         format='jpeg')]), LAYERS, SERVICES)
    assert plan['problems'] == []
    assert plan['layers'] == [dict(name='elevation', title='Elevation', levels=[8, 14], grids=['GoogleMapsCompatible'],
                                   format='jpeg', mime='image/jpeg', source_layer='elevation')]


@pytest.mark.parametrize('changes, message', [
    (dict(layers=[dict(layer='roads')]),
     "mapproxy_layers[0] (roads).layer: 'roads' is not a layer of geostack_layers (countries, places, elevation)"),
    (dict(layers=[dict(layer='countries', levels=[0, 25])]),
     'mapproxy_layers[0] (countries).levels: [0, 25]: the zoom levels must be whole numbers from 0 to 24'),
    (dict(layers=[dict(layer='countries', levels=[9, 3])]),
     'mapproxy_layers[0] (countries).levels: [9, 3]: the first level (9) is after the last (3)'),
    (dict(layers=[dict(layer='countries', levels=[-1, 3])]),
     'mapproxy_layers[0] (countries).levels: [-1, 3]: the zoom levels must be whole numbers from 0 to 24'),
    (dict(levels=[4]), 'mapproxy_levels: [4] must be [first, last], two zoom levels from 0 to 24'),
    (dict(levels=[True, 3]), 'mapproxy_levels: [True, 3]: the zoom levels must be whole numbers from 0 to 24'),
    (dict(layers=[dict(layer='countries', grids=['GLOBAL_MERCATOR'])]),
     "mapproxy_layers[0] (countries).grids: 'GLOBAL_MERCATOR' is not a grid MapProxy knows here (known: "
     "GoogleMapsCompatible, EPSG4326)"),
    (dict(grids='EPSG4326'), "mapproxy_grids: 'EPSG4326' must be a list of grids (known: GoogleMapsCompatible, EPSG4326)"),
    (dict(grids=['EPSG4326', 'EPSG4326']), 'mapproxy_grids: EPSG4326, EPSG4326 lists a grid twice'),
    (dict(format='gif'), "mapproxy_format: 'gif' must be one of png, jpeg"),
    (dict(layers=[dict(layer='countries'), dict(layer='countries')]),
     'mapproxy_layers[1] (countries).layer: countries is also cached by mapproxy_layers[0]'),
    (dict(layers=[dict(layer='countries', zoom=[0, 3])]),
     'mapproxy_layers[0] (countries): unknown keys zoom (known: layer, levels, grids, format)'),
    (dict(layers='countries'), 'mapproxy_layers must be a list of {layer, levels, grids, format}'),
    (dict(source='geoserver'), 'mapproxy_source=geoserver must be one of mapserver, qgis_server (the map server that draws the tiles)'),
    (dict(source='qgis_server'), 'mapproxy_source=qgis_server is not in geostack_services: MapProxy draws its tiles with it'),
    (dict(workers=0), 'mapproxy_workers=0 must be a number from 1 to 64'),
    (dict(replicas=17), 'mapproxy_replicas=17 must be a number from 1 to 16'),
    (dict(title='a\nb'), 'mapproxy_title must be one line of text'),
])
def test_bad_input_is_named(changes, message):
    plan = plan_of(settings(**changes), LAYERS, SERVICES)
    assert message in plan['problems'], plan['problems']


def test_the_configuration_serves_wmts_tms_and_wms_from_one_cache_a_layer():
    plan = plan_of(settings(layers=[dict(layer='countries', levels=[2, 7])]), LAYERS, SERVICES)
    conf = config_of(plan, dict(source_url='http://mapserver:8080/ows', title='Tiles', cache_dir='/srv/mapproxy/cache_data',
                                lock_dir='/srv/mapproxy/locks'))
    assert set(conf['services']) == {'demo', 'tms', 'wmts', 'wms'}
    assert conf['services']['wmts']['restful'] and conf['services']['wmts']['kvp']
    assert conf['layers'] == [dict(name='countries', title='Countries', sources=['countries'])]
    cache = conf['caches']['countries']
    assert cache['cache'] == dict(type='file', directory_layout='tms')
    assert cache['grids'] == ['GoogleMapsCompatible', 'EPSG4326'] and cache['use_direct_from_level'] == 8
    assert conf['sources'][cache['sources'][0]]['req']['url'] == 'http://mapserver:8080/ows'
    # The rows count from the top (the WMTS row is the file's y) and every level up to 24 exists.
    assert conf['grids'] == {'GoogleMapsCompatible': dict(base='GLOBAL_WEBMERCATOR', origin='nw', num_levels=25),
                             'EPSG4326': dict(base='GLOBAL_GEODETIC', origin='nw', num_levels=25)}
    # The locks on another volume than the cache.
    assert conf['globals']['cache'] == dict(base_dir='/srv/mapproxy/cache_data', lock_dir='/srv/mapproxy/locks/cache',
                                            tile_lock_dir='/srv/mapproxy/locks/tiles')


def test_the_seeding_seeds_refreshes_and_cleans_each_layer():
    plan = plan_of(settings(layers=[dict(layer='places', levels=[1, 3], grids=['EPSG4326'])]), LAYERS, SERVICES)
    seed = seed_of(plan, dict(refresh_seconds=3600))
    assert seed['seeds']['places'] == dict(caches=['places'], grids=['EPSG4326'], levels={'from': 1, 'to': 3})
    assert seed['seeds']['places_refresh']['refresh_before'] == dict(seconds=3600)
    assert seed['cleanups'] == {'places_clean': dict(caches=['places'], grids=['EPSG4326'], remove_all=True)}


def test_nginx_reads_the_directories_mapproxy_writes():
    """The grid directories (measured on MapProxy 1.15: <cache>_EPSG3857, <cache>_EPSG4326) are the ones nginx's map
    and tiles.js give for each grid."""
    with open(os.path.join(RECIPE, 'tiles.conf'), encoding='utf-8') as handle:
        conf = handle.read()
    with open(os.path.join(RECIPE, 'tiles.js'), encoding='utf-8') as handle:
        script = handle.read()
    for grid, spec in mapproxy.GRIDS.items():
        assert re.search(r'^\s*%s\s+%s;$' % (grid, spec['directory']), conf, re.M), grid
        assert re.search(r"%s: \{ dir: '%s'" % (grid, spec['directory']), script), grid
        assert '%s,0?' % grid in conf and '/${kl}_%s/' % spec['directory'] in conf, grid
    plan = plan_of(settings(layers=[dict(layer='countries')]), LAYERS, SERVICES)
    assert mapproxy.cache_directories(plan) == ['countries_EPSG3857', 'countries_EPSG4326']


@pytest.mark.skipif(shutil.which('node') is None, reason='needs node to run tiles.js (njs is its subset)')
@pytest.mark.parametrize('uri, expected', [
    # Pairs measured on MapProxy 1.15: the TMS tile and the WMTS tile (z/col/row) with the same bytes.
    ('/tms/1.0.0/countries/GoogleMapsCompatible/1/1/2.png', '/countries_EPSG3857/2/1/1.png'),
    ('/tms/1.0.0/countries/GoogleMapsCompatible/3/5/9.png', '/countries_EPSG3857/4/5/6.png'),
    ('/tms/1.0.0/places/EPSG4326/1/3/0.png', '/places_EPSG4326/2/3/1.png'),
    ('/tms/1.0.0/places/EPSG4326/0/1/0.png', '/places_EPSG4326/1/1/0.png'),
    ('/tms/1.0.0/places/EPSG4326/1/3/2.png', '/-'),             # row outside the grid: MapProxy answers (404)
    ('/tms/1.0.0/places/EPSG900913/1/0/0.png', '/-'),           # a grid not served
    ('/tms/1.0.0/../EPSG4326/1/0/0.png', '/-'),
])
def test_tiles_js_finds_the_cache_file_of_a_tms_tile(uri, expected):
    with open(os.path.join(RECIPE, 'tiles.js'), encoding='utf-8') as handle:
        script = handle.read().replace('export default { tms_file };', '')
    program = script + '\nprocess.stdout.write(tms_file({uri: %s}));\n' % json.dumps(uri)
    out = subprocess.run(['node', '-e', program], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
                         universal_newlines=True)
    assert out.stdout == expected
