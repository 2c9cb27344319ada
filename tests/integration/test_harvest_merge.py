"""The harvests' merge SQL (geostack.swarm.harvests_plan) on a real PostgreSQL + PostGIS: a throwaway container of the
stack's postgis image with no network, the staging table filled as ogr2ogr would, the SQL run as a run runs it
(psql -1, ON_ERROR_STOP). Upsert updates one row, inserts one, deletes one; an unchanged source leaves an identical
checksum; a bad source (a key missing, empty, duplicated) fails and leaves the table as it was. About 20 seconds."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

# The collection as `make install` put it (the integration tests run after it).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / '.collections'))
from ansible_collections.geostack.swarm.plugins.module_utils.harvest import harvests_plan, merge_sql  # noqa: E402

pytestmark = pytest.mark.integration


def docker(*args, stdin=None, check=True):
    return subprocess.run(['docker'] + list(args), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=check)


@pytest.fixture(scope='module')
def pg():
    images = docker('images', '--format', '{{.Repository}}:{{.Tag}}', 'geostack/postgis').stdout.split()
    if not images:
        pytest.skip('no geostack/postgis image on this machine (make up builds it)')
    name = 'geostack-harvest-merge-%s' % uuid.uuid4().hex[:8]
    docker('run', '-d', '--name', name, '--network', 'none', '--user', 'postgres', '--entrypoint', 'bash', images[0],
           '-c', 'initdb -D /tmp/pg -A trust >/dev/null && exec postgres -D /tmp/pg -k /tmp -c listen_addresses=')
    try:
        for _attempt in range(60):
            if docker('exec', name, 'pg_isready', '-h', '/tmp', check=False).returncode == 0:
                break
            time.sleep(0.5)
        docker('exec', name, 'psql', '-h', '/tmp', '-U', 'postgres', '-c', 'CREATE EXTENSION postgis',
               '-c', 'CREATE ROLE reader')
        yield name
    finally:
        docker('rm', '-f', name, check=False)


def psql(pg, sql, one=False):
    args = ['exec', '-i', pg, 'psql', '-h', '/tmp', '-U', 'postgres', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1']
    return docker(*(args + (['-1'] if one else [])), stdin=sql, check=False)


def stage(pg, rows, extra=''):
    """The staging table as ogr2ogr makes it (fid serial, the source's columns, geom), with ``rows`` (id, name)."""
    values = ', '.join("(%s, %s, ST_Point(%d, %d, 4326)%s)" % (
        'NULL' if i is None else i, "'%s'" % n, k, k, ", 'x'" if extra else '') for k, (i, n) in enumerate(rows))
    done = psql(pg, 'CREATE SCHEMA IF NOT EXISTS geostack_harvest; DROP TABLE IF EXISTS geostack_harvest.stations;'
                    'CREATE TABLE geostack_harvest.stations (fid serial PRIMARY KEY, id integer, name text%s, '
                    'geom geometry(Point,4326));'
                    'INSERT INTO geostack_harvest.stations (id, name, geom%s) VALUES %s;'
                    % (', %s text' % extra if extra else '', ', %s' % extra if extra else '', values))
    assert done.returncode == 0, done.stderr


def merge(pg, **change):
    harvest = dict(name='stations', source=dict(kind='geojson', url='http://source/s.geojson'),
                   table='harvest.stations', schedule='* * * * *')
    harvest.update(change)
    planned, problems = harvests_plan([harvest])
    assert problems == []
    done = psql(pg, merge_sql(planned[0], ['reader']), one=True)
    counts = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{')]
    return done.returncode, counts[-1] if counts else None, done.stderr


def checksum(pg):
    return psql(pg, "SELECT count(*) || ' ' || md5(string_agg(t::text, '|' ORDER BY fid)) FROM harvest.stations t"
                ).stdout.strip()


UPSERT = dict(mode='upsert', keys=['id'], delete_missing=True)


def test_upsert_inserts_updates_and_deletes_and_leaves_an_unchanged_table_identical(pg):
    psql(pg, 'DROP SCHEMA IF EXISTS harvest CASCADE')
    stage(pg, [(1, 'a'), (2, 'b'), (3, 'c')])
    code, counts, err = merge(pg, **UPSERT)
    assert code == 0, err
    assert (counts['rows_read'], counts['rows_inserted'], counts['rows_updated'], counts['rows_deleted']) == (3, 3, 0, 0)
    first = checksum(pg)
    stage(pg, [(1, 'a'), (2, 'b'), (3, 'c')])
    code, counts, err = merge(pg, **UPSERT)
    assert code == 0 and (counts['rows_inserted'], counts['rows_updated'], counts['rows_deleted']) == (0, 0, 0), err
    assert checksum(pg) == first                                        # unchanged source, identical table
    stage(pg, [(1, 'a'), (2, 'B'), (4, 'd')])
    code, counts, err = merge(pg, **UPSERT)
    assert code == 0 and (counts['rows_inserted'], counts['rows_updated'], counts['rows_deleted']) == (1, 1, 1), err
    rows = psql(pg, 'SELECT id, name FROM harvest.stations ORDER BY id').stdout.split()
    assert rows == ['1|a', '2|B', '4|d']
    assert psql(pg, "SELECT has_table_privilege('reader', 'harvest.stations', 'SELECT')").stdout.strip() == 't'
    assert psql(pg, "SELECT to_regclass('geostack_harvest.stations')").stdout.strip() == ''


@pytest.mark.parametrize('rows, change, error', [
    ([(1, 'a'), (1, 'b')], UPSERT, 'value(s) of the key (id) are on more than one row of the source'),
    ([(None, 'a')], UPSERT, 'row(s) of the source have no value in the key column(s) id'),
    ([(1, 'a')], dict(UPSERT, keys=['code']), 'the key column(s) code are not in the source'),
    ([], UPSERT, 'the source has no rows: the table is left as it was'),
    ([], dict(mode='replace'), 'the source has no rows: the table is left as it was'),
])
def test_a_bad_source_fails_and_leaves_the_table_as_it_was(pg, rows, change, error):
    psql(pg, 'DROP SCHEMA IF EXISTS harvest CASCADE')
    stage(pg, [(1, 'a'), (2, 'b')])
    assert merge(pg, **UPSERT)[0] == 0
    before = checksum(pg)
    if rows:
        stage(pg, rows)
    else:
        stage(pg, [(9, 'z')])
        psql(pg, 'DELETE FROM geostack_harvest.stations')
    code, counts, err = merge(pg, **change)
    assert code != 0 and counts is None and error in err
    assert checksum(pg) == before


def test_new_source_columns_are_added_and_replace_swaps_the_table(pg):
    psql(pg, 'DROP SCHEMA IF EXISTS harvest CASCADE')
    stage(pg, [(1, 'a')])
    assert merge(pg, **UPSERT)[0] == 0
    stage(pg, [(1, 'a')], extra='remark')
    code, counts, err = merge(pg, **UPSERT)
    assert code == 0 and counts['columns_added'] == ['remark'] and counts['rows_updated'] == 1, err
    stage(pg, [(7, 'g'), (8, 'h')])
    code, counts, err = merge(pg, mode='replace')
    assert code == 0 and (counts['rows_inserted'], counts['rows_deleted']) == (2, 1), err
    assert psql(pg, 'SELECT id FROM harvest.stations ORDER BY id').stdout.split() == ['7', '8']
