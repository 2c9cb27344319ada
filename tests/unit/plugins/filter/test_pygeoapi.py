# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack.swarm.pygeoapi_config and pygeoapi_problems: pygeoapi's configuration made from the planned layers, and
the checks of the role's variables. The configuration is validated against pygeoapi 0.21.0's own configuration schema
(fixtures/pygeoapi/pygeoapi-config-0.x.json: pygeoapi/schemas/config/pygeoapi-config-0.x.yml, MIT licence, taken from
the geostack pygeoapi image and written as JSON)."""

from __future__ import annotations

import copy
import json
import os

import jsonschema
import pytest
import yaml

from ansible_collections.geostack.swarm.plugins.filter.pygeoapi_config import FilterModule as ConfigFilters
from ansible_collections.geostack.swarm.plugins.filter.pygeoapi_problems import FilterModule as ProblemFilters
from ansible_collections.geostack.swarm.plugins.module_utils.geodata import datasets_plan, layers_plan
from ansible_collections.geostack.swarm.plugins.module_utils.pygeoapi import (
    CRS84, pygeoapi_config, pygeoapi_problems)

pytestmark = pytest.mark.unit

SCHEMA = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'pygeoapi', 'pygeoapi-config-0.x.json')

DATASETS = [
    dict(name='countries', sample='naturalearth_lowres', table='public.countries', srid=4326),
    dict(name='places', sample='naturalearth_cities', table='public.places', srid=4326),
    dict(name='elevation', sample='olinda_dem', table='public.elevation', srid=4326),
]
LAYERS = [
    dict(name='countries', title='Countries (Natural Earth)', table='public.countries', type='polygon'),
    dict(name='places', title='Populated places', table='public.places', type='point', label='name'),
    dict(name='elevation', title='Elevation', table='public.elevation', type='raster'),
    dict(name='roads', abstract='Roads of the city', table='city.roads', type='line', srid=31983, external=True,
         geometry_column='the_geom'),
]
SETTINGS = dict(
    url='https://maps.example.org/ogcapi/', home='https://maps.example.org/', title='OGC API',
    description='Features', id_field='fid', id_fields={'roads': 'gid'}, crs=['EPSG:4326', 'EPSG:3857'],
    default_items=10, max_items=1000, log_level='ERROR',
    connection=dict(host='postgis', port=5432, database='gis', user='reader', sslmode='verify-full',
                    ca_path='/etc/geostack/postgis-ca.crt'))
VALUES = dict(url='', workers=0, replicas=1, default_items=10, max_items=1000, title='geostack OGC API',
              description='From PostGIS', crs=['EPSG:4326', 'EPSG:3857'], id_field='fid', id_fields={},
              log_level='ERROR', map={'url': 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
                                      'attribution': '&copy; <a href="https://openstreetmap.org/copyright">OSM</a>'})


def planned():
    datasets, problems = datasets_plan(DATASETS)
    assert problems == []
    layers, problems = layers_plan(LAYERS, datasets)
    assert problems == []
    return layers


def config(extents=None, **settings):
    return pygeoapi_config(planned(), extents if extents is not None else {}, dict(SETTINGS, **settings))


def test_the_filters_are_registered():
    assert ConfigFilters().filters()['pygeoapi_config'] is pygeoapi_config
    assert ProblemFilters().filters()['pygeoapi_problems'] is pygeoapi_problems


def test_one_collection_per_vector_layer_rasters_left_out():
    resources = config()['resources']
    assert list(resources) == ['countries', 'places', 'roads']
    assert resources['countries']['title'] == 'Countries (Natural Earth)'
    assert resources['countries']['description'] == 'Countries (Natural Earth)'
    assert resources['roads']['description'] == 'Roads of the city'
    assert resources['roads']['title'] == 'roads'
    assert resources['places']['keywords'] == ['point', 'public.places']


def test_the_provider_reads_the_layer_table_as_the_reader_over_verified_tls_without_a_password():
    provider = config()['resources']['roads']['providers'][0]
    assert provider['name'] == 'PostgreSQL' and provider['type'] == 'feature'
    assert provider['data'] == dict(host='postgis', port=5432, dbname='gis', user='reader', search_path=['city'])
    assert provider['table'] == 'roads' and provider['geom_field'] == 'the_geom'
    assert provider['options']['sslmode'] == 'verify-full'
    assert provider['options']['sslrootcert'] == '/etc/geostack/postgis-ca.crt'
    assert provider['id_field'] == 'gid'
    assert config()['resources']['places']['providers'][0]['id_field'] == 'fid'
    assert 'password' not in yaml.safe_dump(config())


def test_storage_crs_and_offered_crs_from_the_dataset():
    resources = config()['resources']
    places = resources['places']['providers'][0]
    # SRID 4326 as PostGIS stores it, longitude first: CRS84, offered once.
    assert places['storage_crs'] == CRS84
    assert places['crs'] == [CRS84, 'http://www.opengis.net/def/crs/EPSG/0/4326',
                             'http://www.opengis.net/def/crs/EPSG/0/3857']
    roads = resources['roads']['providers'][0]
    assert roads['storage_crs'] == 'http://www.opengis.net/def/crs/EPSG/0/31983'
    assert roads['crs'][0] == CRS84 and roads['crs'][-1] == roads['storage_crs']
    assert len(roads['crs']) == len(set(roads['crs']))


def test_bbox_from_the_extent_in_longitude_latitude_clamped_or_the_world():
    resources = config(extents={'countries': [-180, -90, 180.00000000000006, 83.64513000000001],
                                'places': ['-175.2205644', '-41.2999', '179.2166', '64.15'],
                                'roads': [10, 10, 5, 5]})['resources']
    assert resources['countries']['extents']['spatial'] == {'bbox': [-180.0, -90.0, 180.0, 83.64513], 'crs': CRS84}
    assert resources['places']['extents']['spatial']['bbox'] == [-175.220564, -41.2999, 179.2166, 64.15]
    # An inverted box, or none (an empty table), is the world.
    assert resources['roads']['extents']['spatial']['bbox'] == [-180.0, -90.0, 180.0, 90.0]
    assert config()['resources']['places']['extents']['spatial']['bbox'] == [-180.0, -90.0, 180.0, 90.0]


def test_links_are_built_from_the_public_url_and_point_home():
    made = config()
    # pygeoapi makes every link (self, alternate, items, next) from server.url: no trailing slash, no double slash.
    assert made['server']['url'] == 'https://maps.example.org/ogcapi'
    assert made['resources']['countries']['links'] == [
        {'type': 'text/html', 'rel': 'related', 'title': "The stack's landing page and map",
         'href': 'https://maps.example.org/'}]
    assert made['metadata']['identification']['url'] == 'https://maps.example.org/'
    assert config(home='')['resources']['countries']['links'] == []


def test_paging_limits_and_log_level():
    made = config(default_items=25, max_items=500, log_level='DEBUG')
    assert made['server']['limits'] == {'default_items': 25, 'max_items': 500, 'on_exceed': 'throttle'}
    assert made['logging'] == {'level': 'DEBUG'}


def test_the_configuration_is_valid_for_pygeoapi_0_21():
    with open(SCHEMA) as f:
        schema = json.load(f)
    made = config(extents={'countries': [-180, -90, 180, 83]})
    # As the role writes it (YAML) and pygeoapi reads it back.
    jsonschema.validate(yaml.safe_load(yaml.safe_dump(made)), schema)
    broken = copy.deepcopy(made)
    del broken['resources']['places']['extents']
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_sound_values_have_no_problem():
    assert pygeoapi_problems(VALUES, planned()) == []
    assert pygeoapi_problems(dict(VALUES, url='https://maps.example.org:8443/ogc/api', workers='8',
                                  id_fields={'roads': 'gid'}), planned()) == []


@pytest.mark.parametrize('values, message', [
    (dict(url='ftp://maps.example.org/ogcapi'), 'pygeoapi_url=ftp://maps.example.org/ogcapi must be empty or'),
    (dict(url='https://maps.example.org/ogcapi?x=1'), 'pygeoapi_url='),
    (dict(url='https://user:pw@maps.example.org/'), 'pygeoapi_url='),
    (dict(url='https://maps.example.org//ogcapi'), 'pygeoapi_url='),
    (dict(url='https://maps.example.org/ogcapi\n'), 'pygeoapi_url='),
    (dict(url='https://maps.example.org:70000/'), 'pygeoapi_url=https://maps.example.org:70000/: the port'),
    (dict(workers=65), 'pygeoapi_workers=65 must be 0'),
    (dict(workers=-1), 'pygeoapi_workers=-1 must be 0'),
    (dict(workers='many'), 'pygeoapi_workers=many'),
    (dict(workers=True), 'pygeoapi_workers=True'),
    (dict(replicas=0), 'pygeoapi_replicas=0 must be at least 1'),
    (dict(max_items=0), 'pygeoapi_max_items=0 must be from 1 to 10000'),
    (dict(max_items=20000), 'pygeoapi_max_items=20000'),
    (dict(default_items=2000), 'pygeoapi_default_items=2000 must be from 1 to pygeoapi_max_items (1000)'),
    (dict(title=''), 'pygeoapi_title must be one line of text'),
    (dict(description='two\nlines'), 'pygeoapi_description must be one line of text'),
    (dict(crs='EPSG:4326'), 'pygeoapi_crs must be a list of EPSG:<code>'),
    (dict(crs=['4326']), "pygeoapi_crs: '4326' must be EPSG:<code>"),
    (dict(crs=['EPSG:1']), "pygeoapi_crs: 'EPSG:1' must be EPSG:<code>"),
    (dict(crs=['EPSG:99999']), 'pygeoapi_crs: EPSG:99999 is not a coordinate system PostGIS knows'),
    (dict(id_field='Fid;drop'), 'pygeoapi_id_field=Fid;drop must be a column name'),
    (dict(id_fields={'elevation': 'rid'}), 'pygeoapi_id_fields.elevation: not a vector layer of geostack_layers'),
    (dict(id_fields={'roads': 'G ID'}), 'pygeoapi_id_fields.roads=G ID must be a column name'),
    (dict(id_fields=['roads']), 'pygeoapi_id_fields must be a mapping'),
    (dict(log_level='LOUD'), 'pygeoapi_log_level=LOUD must be one of'),
    (dict(map={'url': 'tile.openstreetmap.org/{z}/{x}/{y}.png', 'attribution': 'OSM'}), 'pygeoapi_map must be a mapping'),
    (dict(map={'url': 'https://tiles.example.org/{z}/{x}/{y}.png\n', 'attribution': 'OSM'}), 'pygeoapi_map must be'),
    (dict(map={'url': 'https://tiles.example.org/{z}/{x}/{y}.png'}), 'pygeoapi_map must be a mapping with url'),
    (dict(map='https://tiles.example.org/{z}/{x}/{y}.png'), 'pygeoapi_map must be a mapping with url'),
])
def test_bad_values_are_refused_naming_the_variable(values, message):
    problems = pygeoapi_problems(dict(VALUES, **values), planned())
    assert len(problems) == 1, problems
    assert problems[0].startswith(message), problems


def test_every_problem_at_once():
    problems = pygeoapi_problems(dict(VALUES, workers=100, replicas=0, log_level='x'), planned())
    assert [p.split('=')[0] for p in problems] == ['pygeoapi_workers', 'pygeoapi_replicas', 'pygeoapi_log_level']


def test_no_vector_layer_to_serve():
    rasters = [layer for layer in planned() if layer['type'] == 'raster']
    problems = pygeoapi_problems(VALUES, rasters)
    assert problems == ['geostack_layers has no vector layer, and pygeoapi (in geostack_services) serves only vector layers']
