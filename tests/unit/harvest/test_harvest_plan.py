# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack_harvests checked on the controller: each problem names the variable, the harvest and the key; the
ogr2ogr arguments and the scheduler jobs of sound harvests."""

from __future__ import annotations

import json

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.harvest import (
    harvests_plan,
    ogr2ogr_args,
    run_config,
    scheduler_jobs,
)
from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import jobs_plan

pytestmark = pytest.mark.unit

GEOJSON = dict(name='stations', source=dict(kind='geojson', url='http://source.example/stations.geojson'),
               table='harvest.stations', schedule='*/5 * * * *')
POSTGIS = dict(host='postgis', port=5432, database='gis', owner='geostack', reader='geostack_reader',
               owner_pgpass='postgis:5432:gis:geostack:secret', ca_cert='-----CA-----', ca_path='/etc/geostack/ca.crt',
               client_env={'PGSSLMODE': 'verify-full', 'PGSSLROOTCERT': '/etc/geostack/ca.crt'})


def plan(*harvests, **kwargs):
    return harvests_plan(list(harvests), **kwargs)


def problems(*harvests, **kwargs):
    return ' | '.join(plan(*harvests, **kwargs)[1])


def test_a_sound_harvest_is_completed_with_its_defaults():
    planned, found = plan(GEOJSON)
    assert found == []
    (h,) = planned
    assert (h['job'], h['schema'], h['table'], h['staging']) == ('harvest_stations', 'harvest', 'stations',
                                                                 'geostack_harvest.stations')
    assert (h['mode'], h['keys'], h['delete_missing'], h['srid'], h['timeout'], h['retries']) == (
        'replace', [], False, 4326, 3600, 2)
    assert h['source']['auth'] == ''


@pytest.mark.parametrize('change, expected', [
    (dict(source=dict(kind='shapefile', url='http://x.example/a.zip')),
     "geostack_harvests[0] (stations).source.kind: 'shapefile' is not a kind of source (known: ogcapi_features, wfs"),
    (dict(mode='upsert'), 'geostack_harvests[0] (stations).keys: mode upsert needs the key columns'),
    (dict(mode='replace', delete_missing=True),
     'geostack_harvests[0] (stations).delete_missing: only with mode upsert (mode is replace)'),
    (dict(mode='append', keys=['id']), 'geostack_harvests[0] (stations).keys: only for mode upsert (mode is append)'),
    (dict(mode='upsert', keys=['Station Id']), "geostack_harvests[0] (stations).keys: ['Station Id'] must be a list"),
    (dict(mode='merge'), "geostack_harvests[0] (stations).mode: 'merge' must be one of replace, append, upsert"),
    (dict(table='harvest.stations\n'), "geostack_harvests[0] (stations).table: 'harvest.stations\\n' must be"),
    (dict(table='Harvest.Stations'), 'geostack_harvests[0] (stations).table:'),
    (dict(table='a.b.c'), "geostack_harvests[0] (stations).table: 'a.b.c' must be schema.table"),
    (dict(table='pg_catalog.stations'), 'the schema pg_catalog is reserved'),
    (dict(table='information_schema.stations'), 'the schema information_schema is reserved'),
    (dict(table='public.spatial_ref_sys'), 'the name spatial_ref_sys is reserved'),
    (dict(table='geostack_harvest.stations'), 'table: the schema geostack_harvest is where sources are staged'),
    (dict(table='geostack_staging.stations'), 'table: the schema geostack_staging is where sources are staged'),
    (dict(schedule='*/5 * * *'), "geostack_harvests[0] (stations).schedule: '*/5 * * *' is not a cron expression"),
    (dict(schedule='61 * * * *'), "schedule: '61 * * * *': 61 is not a minute"),
    (dict(time_zone='Mars/Olympus'), "time_zone: 'Mars/Olympus' is not a time zone"),
    (dict(source=dict(kind='geojson', url='ftp://x.example/a.geojson')), "source.url: 'ftp://x.example/a.geojson'"),
    (dict(source=dict(kind='geojson', url='http://x.example/a b.geojson')), 'source.url:'),
    (dict(source=dict(kind='geojson', url='http://x.example/a.geojson\n')), 'source.url:'),
    (dict(source=dict(kind='geojson', url='https://user:pw@x.example/a.geojson')),
     'source.url: the URL must be an http(s) URL without credentials (give them in source.credentials.file)'),
    (dict(source=dict(kind='wfs', url='http://x.example/wfs')), 'source.typename: a wfs source needs typename'),
    (dict(source=dict(kind='ogcapi_features', url='http://x.example/oapi')),
     'source.collection: a ogcapi_features source needs collection'),
    (dict(source=dict(kind='geojson', url='http://x.example/a.geojson', page_size=10)),
     'source: page_size not for a geojson source'),
    (dict(source=dict(kind='wfs', url='http://x.example/wfs', typename='a', page_size=0)),
     'source.page_size: 0 must be a number of features from 1 to 100000'),
    (dict(source=dict(kind='geojson', url='http://x.example/a.geojson', bbox=[10, 50, 5, 55])),
     'source.bbox: [10, 50, 5, 55] must be [min longitude'),
    (dict(source=dict(kind='geojson', url='http://x.example/a.geojson', filter='a = 1\nb = 2')),
     'source.filter: must be an attribute filter'),
    (dict(source=dict(kind='csv', url='http://x.example/a.csv', source_srid=4326)),
     'source: a csv source needs x and y'),
    (dict(source=dict(kind='geojson', url='http://x.example/a.geojson', credentials=dict(file='/nonexistent/cred'))),
     'source.credentials.file: /nonexistent/cred is not a file on the controller'),
    (dict(source=dict(kind='geojson', url='http://x.example/a.geojson', credentials='user:pw')),
     'source.credentials must be {file: <a file on the controller holding user:password>}'),
    (dict(srid=99999), 'srid: 99999 is not an SRID that PostGIS knows'),
    (dict(timeout=0), 'timeout: 0 must be a number of seconds from 10 to 86400'),
    (dict(retries=-1), 'retries: -1 must be a number of retries from 0 to 10'),
    (dict(geometry_type='blob'), "geometry_type: 'blob' must be one of"),
    (dict(name='Stations'), "geostack_harvests[0] (Stations).name: 'Stations' must be lower-case"),
    (dict(name='a__b'), "name: 'a__b' must be lower-case letters and digits, words joined by single _"),
    (dict(colour='red'), 'geostack_harvests[0] (stations) has unknown keys: colour'),
])
def test_bad_input_names_the_harvest_and_the_key(change, expected):
    assert expected in problems(dict(GEOJSON, **change))


def test_a_service_of_the_stack_is_a_source_host():
    assert problems(dict(GEOJSON, source=dict(kind='ogcapi_features', url='http://qgis_server:8080/ows/wfs3',
                                              collection='places'))) == ''


def test_duplicate_names_and_tables_are_refused():
    found = problems(GEOJSON, dict(GEOJSON, table='other.stations'), dict(GEOJSON, name='copy'))
    assert 'geostack_harvests[1] (stations).name: stations is also the name of geostack_harvests[0] (stations)' in found
    assert ('geostack_harvests[1] (stations).table: other.stations and harvest.stations (geostack_harvests[0] '
            '(stations)) are both staged as geostack_harvest.stations') in found
    assert 'geostack_harvests[2] (copy).table: harvest.stations is also the table of geostack_harvests[0]' in found


def test_a_table_a_dataset_loads_is_refused():
    assert ('geostack_harvests[0] (stations).table: harvest.stations is also the table of a dataset of '
            'geostack_datasets') in problems(GEOJSON, dataset_tables=['harvest.stations'])


def test_a_name_too_long_for_the_runs_service_names():
    found = problems(dict(GEOJSON, name='a' * 30), stack='geostack')
    assert 'would be longer than the 63 characters of a Docker service name' in found
    assert 'at most 29 characters with geostack_stack=geostack' in found
    assert problems(dict(GEOJSON, name='a' * 29), stack='geostack') == ''


def test_credentials_file_one_line_user_password_never_shown(tmp_path):
    good = tmp_path / 'cred'
    good.write_text('harvester:s3cr3t\n')
    planned, found = plan(dict(GEOJSON, source=dict(GEOJSON['source'], credentials=dict(file=str(good)))))
    assert found == [] and planned[0]['source']['auth'] == 'harvester:s3cr3t'
    bad = tmp_path / 'bad'
    bad.write_text('s3cr3t-without-user\n')
    found = problems(dict(GEOJSON, source=dict(GEOJSON['source'], credentials=dict(file=str(bad)))))
    assert 'credentials.file: %s must hold one line, user:password' % bad in found
    assert 's3cr3t' not in found


def test_ogr2ogr_arguments_per_kind():
    (h,) = plan(dict(GEOJSON, source=dict(kind='ogcapi_features', url='https://x.example/oapi', collection='st',
                                          page_size=500, bbox=[1, 2, 3, 4], filter="kind = 'a'")))[0]
    args = ogr2ogr_args(h)
    assert args[:2] == ['OAPIF:https://x.example/oapi', 'st']
    assert args[args.index('-nln') + 1] == 'geostack_harvest.stations' and '-overwrite' in args
    assert args[args.index('-t_srs') + 1] == 'EPSG:4326'
    assert ['-oo', 'PAGE_SIZE=500'] == args[args.index('-oo'):args.index('-oo') + 2]
    assert args[args.index('-spat') + 1:args.index('-spat') + 7] == ['1.0', '2.0', '3.0', '4.0', '-spat_srs',
                                                                     'EPSG:4326']
    assert args[args.index('-where') + 1] == "kind = 'a'"
    (w,) = plan(dict(GEOJSON, source=dict(kind='wfs', url='https://x.example/wfs', typename='ns:roads',
                                          page_size=100)))[0]
    args = ogr2ogr_args(w)
    assert args[:2] == ['WFS:https://x.example/wfs', 'ns:roads']
    assert 'OGR_WFS_PAGE_SIZE' in args and 'OGR_WFS_PAGING_ALLOWED' in args
    (z,) = plan(dict(GEOJSON, geometry_type='promote_to_multi',
                     source=dict(kind='shapefile_zip', url='https://x.example/a.zip', layer='roads')))[0]
    args = ogr2ogr_args(z)
    assert args[:2] == ['/vsizip//tmp/harvest/source.zip', 'roads']
    assert args[args.index('-nlt') + 1] == 'PROMOTE_TO_MULTI'
    (c,) = plan(dict(GEOJSON, source=dict(kind='csv', url='https://x.example/a.csv', x='lon', y='lat',
                                          source_srid=2154)))[0]
    args = ogr2ogr_args(c)
    assert args[0] == '/tmp/harvest/source.csv'
    assert args[args.index('-s_srs') + 1] == 'EPSG:2154' and 'X_POSSIBLE_NAMES=lon' in args


def test_the_jobs_are_scheduler_jobs_with_secrets_never_in_env_or_command(tmp_path):
    cred = tmp_path / 'cred'
    cred.write_text('harvester:s3cr3t\n')
    planned, found = plan(dict(GEOJSON, mode='upsert', keys=['id'], delete_missing=True, timeout=600,
                               source=dict(GEOJSON['source'], credentials=dict(file=str(cred)))))
    assert found == []
    jobs = scheduler_jobs(planned, 'print(1)\n', POSTGIS, ['geostack_back', 'geostack_front'],
                          readers=['geostack_reader'])
    (job,) = jobs
    assert (job['name'], job['concurrency'], job['timeout']) == ('harvest_stations', 'forbid', 600)
    service = job['service']
    assert service['image'] == 'tools' and service['read_only'] and service['cap_drop'] == ['ALL']
    assert service['networks'] == ['geostack_back', 'geostack_front']
    assert service['user'] == '1000:1000'
    visible = json.dumps([service['command'], service['env'], job['configs']])
    assert 's3cr3t' not in visible, visible[visible.find('s3cr3t') - 200:]
    assert POSTGIS['owner_pgpass'] not in visible
    assert job['secrets']['hv_stations_auth']['data'] == 'harvester:s3cr3t\n'
    assert {'source': 'hv_stations_auth', 'target': 'harvest_credentials', 'uid': '1000', 'gid': '1000',
            'mode': 256} in service['secrets']
    run = json.loads(job['configs']['hv_stations']['data'])
    assert run['mode'] == 'upsert' and run['download'] == '/tmp/harvest/source.geojson'
    assert "keys text[] := ARRAY['id']::text[];" in run['sql']
    # The scheduler accepts them as they are (geo_stack's service shape).
    result = jobs_plan([('geostack_scheduled_jobs', jobs)], 'geostack',
                       dict(time_zone='UTC', concurrency='forbid', starting_deadline=300, suspend=False,
                            successful_history=3, failed_history=1, timeout=3600),
                       images={'tools': 'geostack/tools:1'})
    assert result['problems'] == []
    spec = result['jobs'][0]['spec']['TaskTemplate']['ContainerSpec']
    assert spec['Image'] == 'geostack/tools:1'
    assert 'harvester' not in json.dumps(spec)


def test_run_config_holds_no_secret(tmp_path):
    cred = tmp_path / 'cred'
    cred.write_text('harvester:s3cr3t\n')
    (h,) = plan(dict(GEOJSON, source=dict(GEOJSON['source'], credentials=dict(file=str(cred)))))[0]
    assert 's3cr3t' not in json.dumps(run_config(h))
