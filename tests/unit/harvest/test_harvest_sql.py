# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SQL a run gives psql after ogr2ogr loaded the staging table: one transaction (psql -1), the merge by mode, the
checks that refuse a bad source before the table is touched, and one JSON line of counts."""

from __future__ import annotations

import re

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.harvest import harvests_plan, merge_sql

pytestmark = pytest.mark.unit


def sql(readers=('geostack_reader',), **change):
    harvest = dict(name='stations', source=dict(kind='geojson', url='http://x.example/s.geojson'),
                   table='harvest.stations', schedule='* * * * *')
    harvest.update(change)
    planned, problems = harvests_plan([harvest])
    assert problems == []
    return merge_sql(planned[0], readers)


def declared(text, name):
    return re.search(r'^  %s [^:]+ := (.*);$' % name, text, re.M).group(1)


def test_the_parameters_are_literals_of_the_plan():
    text = sql(mode='upsert', keys=['station_id', 'network'], delete_missing=True)
    assert declared(text, 'mode') == "'upsert'"
    assert declared(text, 'staging') == "to_regclass('geostack_harvest.stations')"
    assert declared(text, 'target_schema') == "'harvest'" and declared(text, 'target_name') == "'stations'"
    assert declared(text, 'keys') == "ARRAY['station_id', 'network']::text[]"
    assert declared(text, 'readers') == "ARRAY['geostack_reader']::text[]"
    assert declared(text, 'delete_missing') == 'true' and declared(text, 'allow_empty') == 'false'
    assert declared(text, 'key_index') == "'stations_harvest_key'"


def test_replace_and_append_have_no_keys_and_never_delete_missing():
    for mode in ('replace', 'append'):
        text = sql(mode=mode)
        assert declared(text, 'mode') == "'%s'" % mode
        assert declared(text, 'keys') == 'ARRAY[]::text[]'
        assert declared(text, 'delete_missing') == 'false'


def test_no_transaction_statements_inside_psql_gives_the_one_transaction():
    # psql -1 wraps the whole file: a BEGIN/COMMIT inside would end it early and break all-or-nothing.
    text = sql(mode='upsert', keys=['id'])
    assert not re.search(r'^\s*(BEGIN|COMMIT|ROLLBACK|END)\s*;', text, re.M | re.I)
    assert 'ON COMMIT DROP' in text


def test_upsert_updates_only_rows_that_differ_and_counts_inserts_apart():
    text = sql(mode='upsert', keys=['id'])
    assert 'ON CONFLICT (%s) DO UPDATE' in text
    assert 'WHERE ROW(%s) IS DISTINCT FROM ROW(%s)' in text
    assert 'RETURNING (t.xmax = 0) AS inserted' in text
    assert "string_agg(format('t.%I::text', x), ', ')" in text   # every type compared, geometries as EWKB text
    assert 'DO NOTHING' in text                                    # a source of key columns only


def test_checks_come_before_the_table_is_touched():
    text = sql(mode='upsert', keys=['id'], delete_missing=True)
    first_write = min(text.index(s) for s in ('DROP TABLE %s', 'ALTER TABLE %s', 'INSERT INTO %s', 'DELETE FROM %s'))
    for check in ('the source has no rows', 'are not in the source', 'have no value in the key',
                  'are on more than one row of the source'):
        assert text.index(check) < first_write, check


def test_the_last_statement_prints_the_counts():
    text = sql()
    statements = [s for s in text.strip().split('\n') if s and not s.startswith((' ', '--'))]
    assert statements[-1] == 'SELECT row_to_json(c) FROM geostack_harvest_counts AS c;'
    assert 'INSERT INTO geostack_harvest_counts VALUES (n_read, n_ins, n_upd, n_del, added);' in text
    assert 'ANALYZE "harvest"."stations";' in text


def test_readers_are_granted_and_none_is_allowed():
    assert declared(sql(readers=()), 'readers') == 'ARRAY[]::text[]'
    assert "GRANT SELECT ON %s TO %I" in sql()


def test_identifiers_are_quoted_with_format_never_pasted():
    text = sql(mode='upsert', keys=['id'])
    # Every dynamic statement goes through format() with %I (identifiers) or %s of a regclass.
    for line in text.splitlines():
        if 'EXECUTE' in line:
            assert 'format(' in line, line
