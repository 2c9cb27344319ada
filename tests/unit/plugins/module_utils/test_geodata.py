# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The stack's declarations checked before anything is deployed: datasets, layers, routes, SRIDs."""

from __future__ import annotations

import zipfile

import pytest

from ansible_collections.geostack.swarm.plugins.filter.datasets_plan import FilterModule as DatasetsFilter
from ansible_collections.geostack.swarm.plugins.filter.layers_plan import FilterModule as LayersFilter
from ansible_collections.geostack.swarm.plugins.filter.route_problems import FilterModule as RoutesFilter
from ansible_collections.geostack.swarm.plugins.filter.url_credentials import FilterModule as CredentialsFilter
from ansible_collections.geostack.swarm.plugins.module_utils.geodata import (
    datasets_plan,
    layers_plan,
    route_problems,
    split_table,
    url_credentials,
)
from ansible_collections.geostack.swarm.plugins.module_utils.srids import srid_known

pytestmark = pytest.mark.unit

COUNTRIES = dict(name='countries', sample='naturalearth_lowres', table='public.countries', srid=4326)
ELEVATION = dict(name='elevation', sample='olinda_dem', table='elevation', srid=4326)


def only_problem(problems):
    assert len(problems) == 1, problems
    return problems[0]


# -- SRIDs --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('srid', [4326, 3857, 32725, 2154, 27700, '4326', 900913, 102100])
def test_known_srids(srid):
    assert srid_known(srid)


@pytest.mark.parametrize('srid', [0, -1, 1, 99999, 5, 999999, 'EPSG:4326', None, True, 4326.5])
def test_unknown_srids(srid):
    assert not srid_known(srid)


# -- datasets -----------------------------------------------------------------------------------------------------
def test_default_datasets_are_sound_and_completed():
    planned, problems = datasets_plan([COUNTRIES, ELEVATION])
    assert problems == []
    countries, elevation = planned
    assert countries['kind'] == 'vector' and countries['format'] == 'ESRI Shapefile'
    assert countries['container_path'].endswith('/naturalearth_lowres/naturalearth_lowres.shp')
    assert (countries['schema'], countries['table'], countries['qualified']) == ('public', 'countries', 'public.countries')
    assert countries['files'] == []
    assert elevation['kind'] == 'raster' and elevation['schema'] == 'public' and elevation['tile_size'] == '256x256'


def test_a_shapefile_brings_its_sidecars(tmp_path):
    for ext in ('.shp', '.shx', '.dbf', '.prj'):
        (tmp_path / ('roads' + ext)).write_bytes(b'x')
    planned, problems = datasets_plan([dict(name='roads', file=str(tmp_path / 'roads.shp'), table='roads', srid=3857)])
    assert problems == []
    assert sorted(p.rsplit('/', 1)[1] for p in planned[0]['files']) == ['roads.dbf', 'roads.prj', 'roads.shp', 'roads.shx']
    assert planned[0]['container_path'] == '/data/roads.shp'


def test_a_zip_is_read_through_vsizip():
    planned, problems = datasets_plan([dict(name='rivers', url='https://example.org/rivers.zip', table='rivers',
                                            srid=4326, checksum='sha256:' + 'a' * 64)])
    assert problems == []
    assert planned[0]['container_path'] == '/vsizip//data/rivers.zip'
    assert planned[0]['source_type'] == 'url'


@pytest.mark.parametrize('item, expected', [
    (dict(COUNTRIES, file='/tmp/x.gpkg'), 'geostack_datasets[0] (countries) needs exactly one source: sample'),
    (dict(name='c', table='c', srid=4326), 'needs exactly one source'),
    (dict(COUNTRIES, sample='nope'), "geostack_datasets[0] (countries).sample: 'nope' is not a sample dataset"),
    (dict(name='roads', file='/nonexistent/roads.gpkg', table='roads', srid=4326),
     'geostack_datasets[0] (roads).file: /nonexistent/roads.gpkg is not a file on the controller'),
    (dict(name='roads', file='roads.gpkg', table='roads', srid=4326), "must be an absolute path on the controller"),
    (dict(name='r', url='http://x/r.shp', table='r', srid=4326), 'a Shapefile needs its .shx and .dbf'),
    (dict(name='r', url='http://x/r.dat', table='r', srid=4326), 'is not known from its name: set format'),
    (dict(name='r', url='gopher://x/r.gpkg', table='r', srid=4326), 'must be an http(s):// or ftp:// URL'),
    (dict(COUNTRIES, srid=99999), 'geostack_datasets[0] (countries).srid: 99999 is not an SRID that PostGIS knows'),
    (dict(COUNTRIES, srid='EPSG:4326'), "'EPSG:4326' is not an SRID"),
    (dict(COUNTRIES, srid=None), 'geostack_datasets[0] (countries).srid: set it'),
    (dict(COUNTRIES, source_srid=12), 'source_srid: 12 is not an SRID that PostGIS knows'),
    (dict(COUNTRIES, table='Public.Countries'), "geostack_datasets[0] (countries).table: 'Public.Countries' must be"),
    (dict(COUNTRIES, table='a.b.c'), 'must be schema.table or table'),
    (dict(COUNTRIES, table='geostack_staging.countries'), 'the schema geostack_staging is where tables are loaded'),
    (dict(COUNTRIES, name='Countries'), "geostack_datasets[0] (Countries).name: 'Countries' must be lower-case"),
    (dict(COUNTRIES, colour='red'), 'geostack_datasets[0] (countries) has unknown keys: colour'),
    (dict(ELEVATION, tile_size='big'), "tile_size: 'big' must be WIDTHxHEIGHT"),
    (dict(COUNTRIES, url='http://x/c.gpkg', sample=None, checksum='md6:00'), "checksum: 'md6:00' must be algorithm:hexdigest"),
    ('countries', 'geostack_datasets[0] must be a mapping'),
    # PostgreSQL's and PostGIS's own names
    (dict(COUNTRIES, table='public.spatial_ref_sys'), 'geostack_datasets[0] (countries).table: public.spatial_ref_sys: the name'),
    (dict(COUNTRIES, table='geometry_columns'), '(countries).table: public.geometry_columns: the name geometry_columns is reserved'),
    (dict(COUNTRIES, table='gis.raster_overviews'), 'the name raster_overviews is reserved'),
    (dict(COUNTRIES, table='pg_catalog.countries'), 'the schema pg_catalog is reserved'),
    (dict(COUNTRIES, table='pg_temp.countries'), 'the schema pg_temp is reserved'),
    (dict(COUNTRIES, table='information_schema.countries'), 'the schema information_schema is reserved'),
    (dict(COUNTRIES, table='topology.countries'), 'the schema topology is reserved'),
    (dict(COUNTRIES, table='public.pg_countries'), 'the name pg_countries is reserved'),
    # a trailing newline is not accepted by an anchored pattern
    (dict(COUNTRIES, name='countries\n'), "(countries\n).name: 'countries\\n' must be lower-case"),
    (dict(COUNTRIES, table='public.countries\n'), "table: 'public.countries\\n' must be schema.table"),
    (dict(ELEVATION, tile_size='256x256\n'), 'must be WIDTHxHEIGHT'),
    (dict(COUNTRIES, url='http://x/c.gpkg', sample=None, checksum='sha256:ab\n'), 'must be algorithm:hexdigest'),
    (dict(name='r', url='https://example.org/r.gpkg\n', table='r', srid=4326), 'must be an http(s):// or ftp:// URL'),
    # URL syntax
    (dict(name='r', url='https:///r.gpkg', table='r', srid=4326), "geostack_datasets[0] (r).url: 'https:///r.gpkg' must be"),
    (dict(name='r', url='https://exa mple.org/r.gpkg', table='r', srid=4326), 'must be an http(s):// or ftp:// URL'),
    (dict(name='r', url='https://-bad-.org/r.gpkg', table='r', srid=4326), 'must be an http(s):// or ftp:// URL'),
    (dict(name='r', url=['https://example.org/r.gpkg'], table='r', srid=4326), 'must be an http(s):// or ftp:// URL'),
    # types
    (dict(COUNTRIES, name=5), "geostack_datasets[0].name: 5 must be lower-case"),
    (dict(COUNTRIES, table=['public', 'countries']), 'must be schema.table or table'),
    (dict(COUNTRIES, layer=['a']), "layer: ['a'] must be a name"),
    (dict(COUNTRIES, geometry_type='CIRCLE'), "geometry_type: 'CIRCLE' must be one of"),
    (dict(name='r', url='https://example.org/r.gpkg', table='r', srid=4326, format='KML'), "format: 'KML' must be one of"),
])
def test_bad_datasets_are_named(item, expected):
    planned, problems = datasets_plan([item])
    assert expected in only_problem(problems)
    assert planned == []


def test_csv_needs_coordinates_and_its_srid(tmp_path):
    csv = tmp_path / 'stations.csv'
    csv.write_text('id,lon,lat\n1,2,3\n')
    _planned, problems = datasets_plan([dict(name='stations', file=str(csv), table='stations', srid=4326)])
    assert sorted(problems) == sorted([
        'geostack_datasets[0] (stations): a CSV source needs x and y (the coordinate columns) or wkt (a WKT column)',
        'geostack_datasets[0] (stations).source_srid: a CSV source does not say its SRID: set source_srid'])
    planned, problems = datasets_plan([dict(name='stations', file=str(csv), table='stations', srid=3857,
                                            source_srid=4326, x='lon', y='lat')])
    assert problems == [] and planned[0]['format'] == 'CSV' and planned[0]['x'] == 'lon'


def test_a_shapefile_without_prj_needs_source_srid(tmp_path):
    for ext in ('.shp', '.shx', '.dbf'):
        (tmp_path / ('roads' + ext)).write_bytes(b'x')
    item = dict(name='roads', file=str(tmp_path / 'roads.shp'), table='roads', srid=3857)
    _planned, problems = datasets_plan([item])
    assert only_problem(problems) == ('geostack_datasets[0] (roads).source_srid: the Shapefile %s has no .prj beside '
                                      'it, so its coordinate system is not known: set source_srid (or add the .prj)'
                                      % (tmp_path / 'roads.shp'))
    planned, problems = datasets_plan([dict(item, source_srid=4326)])
    assert problems == [] and planned[0]['source_srid'] == 4326


@pytest.mark.parametrize('members, expected', [
    (('roads.shp', 'roads.shx', 'roads.dbf'), 'source_srid: the Shapefile roads.shp in @ZIP@ has no .prj beside it'),
    (('roads.shp', 'roads.prj'), 'file: the Shapefile roads.shp in @ZIP@ has no .shx, .dbf beside it'),
    (('stations.csv',), 'source_srid: @ZIP@ holds a CSV, which does not say its SRID: set source_srid'),
])
def test_a_zip_on_the_controller_is_looked_into(tmp_path, members, expected):
    path = tmp_path / 'data.zip'
    with zipfile.ZipFile(str(path), 'w') as archive:
        for member in members:
            archive.writestr(member, 'x')
    item = dict(name='roads', file=str(path), table='roads', srid=4326)
    _planned, problems = datasets_plan([item])
    assert expected.replace('@ZIP@', str(path)) in only_problem(problems)
    if 'source_srid' in expected:
        assert datasets_plan([dict(item, source_srid=4326)])[1] == []


def test_a_zip_that_is_not_one(tmp_path):
    path = tmp_path / 'data.zip'
    path.write_bytes(b'not a zip')
    _planned, problems = datasets_plan([dict(name='roads', file=str(path), table='roads', srid=4326)])
    assert 'geostack_datasets[0] (roads).file: %s is not a zip archive' % path in only_problem(problems)


def test_a_sound_zip(tmp_path):
    path = tmp_path / 'data.zip'
    with zipfile.ZipFile(str(path), 'w') as archive:
        for member in ('roads/roads.shp', 'roads/roads.shx', 'roads/roads.dbf', 'roads/roads.prj'):
            archive.writestr(member, 'x')
    planned, problems = datasets_plan([dict(name='roads', file=str(path), table='roads', srid=4326)])
    assert problems == [] and planned[0]['container_path'] == '/vsizip//data/data.zip'


def test_two_schemas_one_table_name_share_the_staging_table():
    _planned, problems = datasets_plan([dict(COUNTRIES, name='a_roads', table='a.roads'),
                                        dict(COUNTRIES, name='b_roads', table='b.roads')])
    assert only_problem(problems) == (
        'geostack_datasets[1] (b_roads).table: b.roads and a.roads (geostack_datasets[0] (a_roads)) are both loaded '
        'through the staging table geostack_staging.roads, where one would overwrite the other: give the tables '
        'different names')


def test_duplicate_names_and_tables_name_both_items():
    _planned, problems = datasets_plan([COUNTRIES, dict(COUNTRIES, table='other'), dict(COUNTRIES, name='again')])
    assert 'geostack_datasets[1] (countries).name: countries is also the name of geostack_datasets[0] (countries)' in problems
    assert ('geostack_datasets[2] (again).table: public.countries is also the table of geostack_datasets[0] (countries)'
            in problems)


def test_datasets_must_be_a_list():
    assert datasets_plan('x')[1] == ['geostack_datasets must be a list of datasets, got str']
    assert datasets_plan(None) == ([], [])


# -- layers -------------------------------------------------------------------------------------------------------
def planned_datasets():
    return datasets_plan([COUNTRIES, ELEVATION])[0]


def test_layers_are_completed_from_their_datasets():
    layers, problems = layers_plan([dict(name='countries', table='public.countries', type='polygon',
                                         style=dict(fill='#ff0000')),
                                    dict(name='elevation', table='elevation')], planned_datasets())
    assert problems == []
    countries, elevation = layers
    assert countries['srid'] == 4326 and countries['geometry_column'] == 'geom' and countries['title'] == 'countries'
    assert countries['style']['fill'] == '#ff0000' and countries['style']['stroke'] == '#3182bd'
    assert elevation['type'] == 'raster' and elevation['geometry_column'] == 'rast'


@pytest.mark.parametrize('item, expected', [
    (dict(name='rivers', table='public.rivers', type='line'),
     'geostack_layers[0] (rivers).table: public.rivers is not the table of any dataset of geostack_datasets '
     '(tables: public.countries, public.elevation)'),
    (dict(name='countries', table='public.countries', type='area'), "geostack_layers[0] (countries).type: 'area' must be"),
    (dict(name='countries', table='public.countries', type='raster'),
     'geostack_layers[0] (countries).type: raster, but the dataset countries is a vector'),
    (dict(name='elevation', table='public.elevation', type='point'), 'but the dataset elevation is a raster'),
    (dict(name='countries', table='public.countries', type='polygon', style=dict(fill='red')),
     "style.fill: 'red' must be a colour #rrggbb"),
    (dict(name='countries', table='public.countries', type='polygon', style=dict(opacity=200)),
     'style.opacity: 200 must be a number from 0 to 100'),
    (dict(name='countries', table='public.countries', type='polygon', style=dict(dash=1)), 'style has unknown keys: dash'),
    (dict(name='1countries', table='public.countries', type='polygon'), "name: '1countries' must start with a letter"),
    (dict(name='countries', table='public.countries', type='polygon', label='Name'), "label: 'Name' must be a column"),
    (dict(name='lakes', table='public.lakes', type='polygon', external=True, srid=123456),
     'geostack_layers[0] (lakes).srid: 123456 is not an SRID'),
    (dict(name='lakes', table='public.lakes', type='polygon', external=True), 'geostack_layers[0] (lakes).srid: set it'),
])
def test_bad_layers_are_named(item, expected):
    layers, problems = layers_plan([item], planned_datasets())
    assert expected in only_problem(problems)
    assert layers == []


def test_an_external_layer_needs_no_dataset():
    layers, problems = layers_plan([dict(name='lakes', table='hydro.lakes', type='polygon', external=True, srid=3857)],
                                   planned_datasets())
    assert problems == [] and layers[0]['external'] and layers[0]['qualified'] == 'hydro.lakes'


def test_layer_names_are_unique_whatever_their_case():
    _layers, problems = layers_plan([dict(name='Countries', table='public.countries', type='polygon'),
                                     dict(name='countries', table='public.countries', type='polygon')], planned_datasets())
    assert only_problem(problems) == ('geostack_layers[1] (countries).name: countries is also the name of '
                                      'geostack_layers[0] (Countries)')


# -- routes -------------------------------------------------------------------------------------------------------
def test_sound_routes():
    assert route_problems(dict(mapserver_path='/mapserver', qgis_server_path='/qgis/')) == []
    assert route_problems(dict(mapserver_path='/ows', qgis_server_path='/owsqgis')) == []


@pytest.mark.parametrize('routes, expected', [
    (dict(mapserver_path='/ows', qgis_server_path='/ows/'), 'mapserver_path and qgis_server_path are both /ows: two services on one path prefix'),
    (dict(mapserver_path='/ows', qgis_server_path='/ows/qgis'),
     'mapserver_path (/ows) and qgis_server_path (/ows/qgis): one path prefix is inside the other'),
    (dict(mapserver_path='/'), "mapserver_path: '/' must be a path such as /mapserver"),
    (dict(mapserver_path='maps'), "mapserver_path: 'maps' must be a path"),
    (dict(mapserver_path='/a b'), "mapserver_path: '/a b' must be a path"),
    (dict(mapserver_path='/maps\n'), "mapserver_path: '/maps\\n' must be a path"),
    (dict(mapserver_path='//maps'), "mapserver_path: '//maps' must be a path"),
    (dict(mapserver_path='/maps/../x'), "mapserver_path: '/maps/../x' must not have a . or .. segment"),
    (dict(mapserver_path='/..'), "mapserver_path: '/..' must not have a . or .. segment"),
    (dict(mapserver_path=5), "mapserver_path: 5 must be a path"),
    (dict(mapserver_path='/leaflet'), 'mapserver_path=/leaflet collides with /leaflet, which the edge serves itself'),
    (dict(mapserver_path='/leaflet/maps'), 'mapserver_path=/leaflet/maps collides with /leaflet'),
    (dict(qgis_server_path='/index.html'), 'qgis_server_path=/index.html collides with /index.html'),
    (dict(qgis_server_path='/geostack-map.js/'), 'qgis_server_path=/geostack-map.js collides with /geostack-map.js'),
    (dict(qgis_server_path='/geostack.css'), 'qgis_server_path=/geostack.css collides'),
    (dict(qgis_server_path='/healthz'), 'qgis_server_path=/healthz collides with /healthz'),
])
def test_bad_routes_are_named(routes, expected):
    assert expected in only_problem(route_problems(routes))


@pytest.mark.parametrize('url, expected', [
    ('https://data.example.org/a.gpkg', ('https://data.example.org/a.gpkg', None, None)),
    ('https://alice:s3cr%40t@data.example.org:8443/a.zip?x=1',
     ('https://data.example.org:8443/a.zip?x=1', 'alice', 's3cr@t')),
    # an unencoded @ in the password: the last @ of the authority ends the credentials
    ('https://alice:p@ss@data.example.org/a.gpkg', ('https://data.example.org/a.gpkg', 'alice', 'p@ss')),
    ('ftp://token@ftp.example.org/x.csv', ('ftp://ftp.example.org/x.csv', 'token', None)),
    # an @ after the path is not a credential
    ('https://data.example.org/a@b.gpkg', ('https://data.example.org/a@b.gpkg', None, None)),
])
def test_url_credentials(url, expected):
    assert url_credentials(url) == expected
    bare, username, password = expected
    expected_dict = dict(url=bare, username=username, password=password)
    assert CredentialsFilter().filters()['url_credentials'](url) == expected_dict


def test_a_dataset_url_with_credentials_never_shows_the_password():
    item = dict(name='roads', url='https://alice:hunter22secret@data.example.org/roads.gpkg', table='roads',
                srid=4326)
    planned, problems = datasets_plan([item])
    assert problems == []
    assert planned[0]['source'] == 'https://data.example.org/roads.gpkg'
    assert planned[0]['credentials'] is True
    assert 'hunter22secret' not in repr(planned)
    # a bad URL is named without its password
    planned, problems = datasets_plan([dict(item, url='https://alice:hunter22secret@bad host/roads.gpkg')])
    assert len(problems) == 1 and 'geostack_datasets[0] (roads).url' in problems[0]
    assert 'hunter22secret' not in problems[0]


def test_split_table():
    assert split_table('countries') == ('public', 'countries')
    assert split_table('gis.countries') == ('gis', 'countries')
    assert split_table('gis."countries"') is None and split_table(3) is None


def test_filters_are_exposed():
    assert sorted(DatasetsFilter().filters()) == ['datasets_plan']
    assert sorted(LayersFilter().filters()) == ['layers_plan']
    assert sorted(RoutesFilter().filters()) == ['route_problems']
    plan = DatasetsFilter().filters()['datasets_plan']([COUNTRIES])
    assert plan['problems'] == [] and plan['datasets'][0]['name'] == 'countries'
    layers_plan_filter = LayersFilter().filters()['layers_plan']
    layers = layers_plan_filter([dict(name='countries', table='countries', type='polygon')], plan['datasets'])
    assert layers['problems'] == [] and layers['layers'][0]['table'] == 'countries'
