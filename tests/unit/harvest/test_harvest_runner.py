# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The runner (roles/harvest/files/geostack_harvest.py) on a fake of the commands it runs: retries of the fetch and
the load, one JSON line at the end, the credentials only in private files, never on a command line or in env."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess

import pytest

pytestmark = pytest.mark.unit

RUNNER = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'roles', 'harvest', 'files', 'geostack_harvest.py')
COUNTS = '{"rows_read":3,"rows_inserted":1,"rows_updated":1,"rows_deleted":1,"columns_added":[]}'


def load(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location('geostack_harvest_runner', RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, 'CREDENTIALS', str(tmp_path / 'harvest_credentials'))
    monkeypatch.setenv('TMPDIR', str(tmp_path))
    monkeypatch.setenv('PGDATABASE', 'gis')
    return module


class Commands:
    """Answers each command by its program; ``fail`` = {program: times it fails first}."""

    def __init__(self, fail=None, merge_out=COUNTS + '\n'):
        self.fail = dict(fail or {})
        self.calls = []
        self.merge_out = merge_out
        self.seen_files = {}

    def __call__(self, argv, input=None, stdout=None, stderr=None, universal_newlines=None, env=None, check=None):
        self.calls.append(dict(argv=list(argv), input=input, env=dict(env or {})))
        program = argv[0]
        if env and env.get('GDAL_CONFIG_FILE'):
            with open(env['GDAL_CONFIG_FILE'], encoding='utf-8') as handle:
                self.seen_files['gdal'] = (handle.read(), os.stat(env['GDAL_CONFIG_FILE']).st_mode & 0o777)
        if '--config' in argv and program == 'curl':
            path = argv[argv.index('--config') + 1]
            with open(path, encoding='utf-8') as handle:
                self.seen_files['curl'] = (handle.read(), os.stat(path).st_mode & 0o777)
        if self.fail.get(program):
            self.fail[program] -= 1
            return subprocess.CompletedProcess(argv, 22, '', '%s: could not reach the source' % program)
        out = self.merge_out if program == 'psql' and '-1' in argv else ''
        return subprocess.CompletedProcess(argv, 0, out, '')


def config(tmp_path, **change):
    base = dict(name='stations', kind='geojson', url='http://source.example/s.geojson',
                download=str(tmp_path / 'dl' / 'source.geojson'), staging_schema='geostack_harvest',
                staging='geostack_harvest.stations', table='harvest.stations', mode='upsert', retries=2,
                retry_delay=7, ogr2ogr=[str(tmp_path / 'dl' / 'source.geojson'), '-nln', 'geostack_harvest.stations'],
                sql='-- merge\nSELECT 1;\n')
    base.update(change)
    return base


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_run_fetches_loads_merges_and_prints_the_counts(monkeypatch, tmp_path, capsys):
    runner = load(monkeypatch, tmp_path)
    commands = Commands()
    monkeypatch.setattr(runner.subprocess, 'run', commands)
    assert runner.run(config(tmp_path), sleep=lambda s: None) == 0
    report = last_json(capsys)
    assert report['result'] == 'success'
    assert (report['rows_read'], report['rows_inserted'], report['rows_updated'], report['rows_deleted']) == (3, 1, 1, 1)
    assert report['harvest'] == 'stations' and report['table'] == 'harvest.stations' and 'duration_seconds' in report
    programs = [c['argv'][0] for c in commands.calls]
    assert programs == ['psql', 'psql', 'curl', 'ogr2ogr', 'psql']
    assert commands.calls[1]['input'].startswith('CREATE SCHEMA IF NOT EXISTS geostack_harvest;')
    merge = commands.calls[-1]
    assert '-1' in merge['argv'] and 'ON_ERROR_STOP=1' in merge['argv'] and merge['input'] == '-- merge\nSELECT 1;\n'
    ogr = commands.calls[3]['argv']
    assert ogr[:4] == ['ogr2ogr', '-f', 'PostgreSQL', 'PG:dbname=gis']


def test_the_fetch_is_retried_then_the_run_fails_with_its_stage(monkeypatch, tmp_path, capsys):
    runner = load(monkeypatch, tmp_path)
    commands = Commands(fail={'curl': 5})
    slept = []
    monkeypatch.setattr(runner.subprocess, 'run', commands)
    assert runner.run(config(tmp_path), sleep=slept.append) == 1
    report = last_json(capsys)
    assert report['result'] == 'failure' and report['stage'] == 'fetch'
    assert 'could not reach the source' in report['error']
    assert slept == [7, 7]                                               # 1 + retries attempts
    assert [c['argv'][0] for c in commands.calls].count('curl') == 3
    assert not any('-1' in c['argv'] for c in commands.calls)            # never merged
    assert commands.calls[-1]['argv'][-1] == 'DROP TABLE IF EXISTS geostack_harvest.stations'


def test_a_retry_that_succeeds_is_a_success(monkeypatch, tmp_path, capsys):
    runner = load(monkeypatch, tmp_path)
    monkeypatch.setattr(runner.subprocess, 'run', Commands(fail={'ogr2ogr': 1}))
    assert runner.run(config(tmp_path), sleep=lambda s: None) == 0
    assert last_json(capsys)['result'] == 'success'


def test_a_failed_merge_is_a_failure_not_retried(monkeypatch, tmp_path, capsys):
    runner = load(monkeypatch, tmp_path)
    commands = Commands(fail={'psql': 0})
    commands.merge_out = ''
    original = commands.__call__

    def merge_fails(argv, **kwargs):
        if '-1' in argv:
            commands.calls.append(dict(argv=list(argv), input=kwargs.get('input'), env={}))
            return subprocess.CompletedProcess(argv, 3, '', 'ERROR: harvest stations: the key column(s) id are not '
                                                            'in the source')
        return original(argv, **kwargs)

    monkeypatch.setattr(runner.subprocess, 'run', merge_fails)
    assert runner.run(config(tmp_path), sleep=lambda s: None) == 1
    report = last_json(capsys)
    assert report['stage'] == 'merge' and 'the key column(s) id are not in the source' in report['error']
    assert sum(1 for c in commands.calls if '-1' in c['argv']) == 1


def test_credentials_reach_curl_and_gdal_through_private_files_only(monkeypatch, tmp_path, capsys):
    runner = load(monkeypatch, tmp_path)
    (tmp_path / 'harvest_credentials').write_text('harvester:p"ss\n')
    commands = Commands()
    monkeypatch.setattr(runner.subprocess, 'run', commands)
    assert runner.run(config(tmp_path, kind='ogcapi_features', download=None), sleep=lambda s: None) == 0
    gdal, mode = commands.seen_files['gdal']
    assert 'GDAL_HTTP_USERPWD=harvester:p"ss' in gdal and mode == 0o600
    for call in commands.calls:
        assert not any('p"ss' in a for a in call['argv'])
        assert not any('p"ss' in v for k, v in call['env'].items())
    assert not [c for c in commands.calls if c['argv'][0] == 'curl']      # the service is read by GDAL
    # The private files are gone.
    assert not [p for p in os.listdir(tmp_path) if p.startswith('harvest-')]
    capsys.readouterr()
    runner2 = load(monkeypatch, tmp_path)
    commands = Commands()
    monkeypatch.setattr(runner2.subprocess, 'run', commands)
    assert runner2.run(config(tmp_path), sleep=lambda s: None) == 0
    curl, mode = commands.seen_files['curl']
    assert curl == 'user = "harvester:p\\"ss"\n' and mode == 0o600
