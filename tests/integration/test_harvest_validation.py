"""Bad harvests (geostack_harvests) fail before any change, with a message naming the variable, the harvest and the key.

Each case runs the whole playbooks/site.yml against this machine (inventories/local) with one bad harvest: the play
must stop in its first play, which only reads, and report changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations

import json

import pytest
from playbook_output import SITE_FIRST_PLAY, messages, refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

GOOD = dict(name='stations', source=dict(kind='geojson', url='http://harvest-source:8000/stations.geojson'),
            table='harvest.stations', schedule='*/5 * * * *', mode='upsert', keys=['id'], delete_missing=True)


def harvest(**change):
    return dict(GOOD, **change)


CASES = {
    'unknown source kind': (
        [harvest(source=dict(kind='shapefile', url='http://x.example/a.zip'))],
        "geostack_harvests[0] (stations).source.kind: 'shapefile' is not a kind of source (known: ogcapi_features, "
        "wfs, geojson, csv, gpkg, shapefile_zip)"),
    'upsert without keys': (
        [harvest(keys=[], delete_missing=False)],
        'geostack_harvests[0] (stations).keys: mode upsert needs the key columns that identify a row of the source'),
    'delete_missing without upsert': (
        [harvest(mode='append', keys=[])],
        'geostack_harvests[0] (stations).delete_missing: only with mode upsert (mode is append)'),
    'table with a trailing newline': (
        [harvest(table='harvest.stations\n')],
        "geostack_harvests[0] (stations).table: 'harvest.stations\\n' must be schema.table or table"),
    'table with upper case and a space': (
        [harvest(table='Harvest.My Stations')],
        "geostack_harvests[0] (stations).table: 'Harvest.My Stations' must be schema.table or table"),
    'table in a reserved schema': (
        [harvest(table='pg_catalog.stations')],
        'geostack_harvests[0] (stations).table: pg_catalog.stations: the schema pg_catalog is reserved'),
    'table in the staging schema': (
        [harvest(table='geostack_harvest.stations')],
        'geostack_harvests[0] (stations).table: the schema geostack_harvest is where sources are staged'),
    'table a dataset loads': (
        [harvest(table='public.countries')],
        'geostack_harvests[0] (stations).table: public.countries is also the table of a dataset of geostack_datasets'),
    'bad cron': (
        [harvest(schedule='*/5 25 * * *')],
        "geostack_harvests[0] (stations).schedule: '*/5 25 * * *': 25 is not a hour (0 to 23)"),
    'bad url': (
        [harvest(source=dict(kind='geojson', url='file:///etc/passwd'))],
        "geostack_harvests[0] (stations).source.url: 'file:///etc/passwd' must be an http:// or https:// URL"),
    'credentials in the url': (
        [harvest(source=dict(kind='geojson', url='https://me:secret@x.example/a.geojson'))],
        'geostack_harvests[0] (stations).source.url: the URL must be an http(s) URL without credentials'),
    'duplicate names': (
        [GOOD, harvest(table='harvest.other')],
        'geostack_harvests[1] (stations).name: stations is also the name of geostack_harvests[0] (stations)'),
    'credentials file missing': (
        [harvest(source=dict(GOOD['source'], credentials=dict(file='/nonexistent/harvest.cred')))],
        'geostack_harvests[0] (stations).source.credentials.file: /nonexistent/harvest.cred is not a file on the '
        'controller'),
    'wfs without a type name': (
        [harvest(source=dict(kind='wfs', url='https://x.example/wfs'))],
        'geostack_harvests[0] (stations).source.typename: a wfs source needs typename'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_harvest_fails_before_any_change(case, tmp_path):
    harvests, expected = CASES[case]
    text = refused_in_first_play(run_site(tmp_path, dict(geostack_harvests=harvests)))
    assert expected in text, text[-3000:]


def test_a_sound_harvest_becomes_a_scheduler_job_without_its_secret(tmp_path):
    """A sound harvest passes the stack's checks (a bad engine variable stops the first play after them): its job is
    added to geostack_scheduled_jobs and checked by the scheduler, and its credentials are not in the output."""
    cred = tmp_path / 'harvest.cred'
    cred.write_text('harvester:n0t-in-the-output\n')
    good = harvest(source=dict(GOOD['source'], credentials=dict(file=str(cred))))
    # A bad engine variable stops site.yml right after the stack's checks, which passed.
    result = run_site(tmp_path, dict(geostack_harvests=[good], docker_engine_log_max_size='lots'))
    parsed = json.loads(result.stdout)
    assert [p['play']['name'] for p in parsed['plays']] == [SITE_FIRST_PLAY]
    assert 'n0t-in-the-output' not in result.stdout
    assert "geostack_harvests" not in messages(parsed)
    tasks = [t['task']['name'] for t in parsed['plays'][0]['tasks']]
    assert any(t.endswith("harvest : Add the harvests to the scheduler's jobs (geostack_scheduled_jobs)") for t in tasks)
    assert any(t.endswith("scheduler : Check the scheduler's variables and jobs") for t in tasks)
    assert 'docker_engine_log_max_size=lots' in messages(parsed)
