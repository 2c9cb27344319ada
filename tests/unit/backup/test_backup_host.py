# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The repository host's metrics (backup_host.py, in the postgis image's recipe): pgbackrest info's JSON read into the
last backups per repository and type, the age rule, Prometheus' text, and the reader's cache and failures."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import urllib.error
import urllib.request

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils import backup_info

pytestmark = pytest.mark.unit

sys.dont_write_bytecode = True
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
_PATH = os.path.join(_ROOT, 'roles', 'images', 'files', 'recipes', 'postgis', 'backup_host.py')
# What the images role copies into the build context beside it: the collection's module_utils/backup_info.py (as
# geostack_backup_info) and roles/images/files/shared/geostack_serve.py.
sys.modules.setdefault('geostack_backup_info', backup_info)
if os.path.join(_ROOT, 'roles', 'images', 'files', 'shared') not in sys.path:
    sys.path.insert(0, os.path.join(_ROOT, 'roles', 'images', 'files', 'shared'))
_SPEC = importlib.util.spec_from_file_location('backup_host', _PATH)
backup_host = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(backup_host)

NOW = 1_800_000_000


def backup(label, kind, stop, repo=1, error=False, size=40736948, delta=5345680):
    return {'label': label, 'type': kind, 'error': error, 'database': {'id': 1, 'repo-key': repo},
            'timestamp': {'start': stop - 4, 'stop': stop},
            'info': {'size': size, 'delta': size, 'repository': {'delta': delta, 'size': delta}}}


def info(*backups, repos=(1,), code=0):
    # the shape of pgBackRest 2.45's `info --output=json` (archive and db sections left out)
    return [{'name': 'geostack', 'cipher': 'aes-256-cbc', 'backup': list(backups),
             'repo': [{'key': k, 'cipher': 'aes-256-cbc', 'status': {'code': code, 'message': 'ok' if not code else 'x'}}
                      for k in repos],
             'status': {'code': code, 'message': 'ok' if not code else 'missing stanza path', 'lock': {}}}]


def test_newest_per_repository_and_type_and_overall():
    doc = backup_host.summary(info(backup('F', 'full', NOW - 7200), backup('D', 'diff', NOW - 3600),
                                   backup('I1', 'incr', NOW - 1800), backup('I2', 'incr', NOW - 600),
                                   backup('X', 'incr', NOW - 60, error=True),
                                   backup('F2', 'full', NOW - 900, repo=2), repos=(1, 2)),
                              'geostack', NOW, max_age=8 * 3600)
    assert doc['last']['label'] == 'I2' and doc['age'] == 600 and not doc['late']
    assert doc['newest']['1']['incr']['label'] == 'I2' and doc['newest']['1']['full']['label'] == 'F'
    assert doc['newest']['2'] == {'full': doc['newest']['2']['full']} and doc['newest']['2']['full']['label'] == 'F2'
    assert doc['counts'] == {'1': {'full': 1, 'diff': 1, 'incr': 2}, '2': {'full': 1}}
    assert doc['repos'] == {'1': {'code': 0, 'message': 'ok'}, '2': {'code': 0, 'message': 'ok'}}
    assert doc['last']['time'] == '2027-01-15T07:50:00Z'
    assert 'last backup I2 (incr)' in doc['message'] and '38.8 MiB of database' in doc['message']
    assert '5.1 MiB in the repository, 10 min ago' in doc['message']


def test_late_when_older_than_max_age_or_missing_never_without_schedule():
    old = info(backup('F', 'full', NOW - 9 * 3600))
    late = backup_host.summary(old, 'geostack', NOW, max_age=8 * 3600)
    assert late['late'] and 'LATE, older than twice its schedule (8.0 h)' in late['message']
    assert not backup_host.summary(old, 'geostack', NOW, max_age=9 * 3600)['late']   # exactly the limit: not late
    assert not backup_host.summary(old, 'geostack', NOW, max_age=None)['late']
    missing = backup_host.summary(info(), 'geostack', NOW, max_age=3600)
    assert missing['last'] is None and missing['late'] and 'no backup' in missing['message']
    other = backup_host.summary(info(backup('F', 'full', NOW)), 'other', NOW, max_age=None)
    assert not other['found'] and other['late']


def test_metrics_text():
    doc = backup_host.summary(info(backup('F', 'full', NOW - 7200), backup('I', 'incr', NOW - 600, size=10, delta=3)),
                              'geostack', NOW, max_age=28800)
    lines = backup_host.metrics(doc).splitlines()
    for line in ('geostack_backup_info_ok{stanza="geostack"} 1',
                 'geostack_backup_stanza_status{stanza="geostack"} 0',
                 'geostack_backup_repository_status{stanza="geostack",repo="1"} 0',
                 'geostack_backup_last_success_timestamp_seconds{stanza="geostack",repo="1",type="full"} %d' % (NOW - 7200),
                 'geostack_backup_last_success_timestamp_seconds{stanza="geostack",repo="1",type="incr"} %d' % (NOW - 600),
                 'geostack_backup_last_size_bytes{stanza="geostack",repo="1",type="incr"} 10',
                 'geostack_backup_last_repository_bytes{stanza="geostack",repo="1",type="incr"} 3',
                 'geostack_backup_count{stanza="geostack",repo="1",type="full"} 1',
                 'geostack_backup_age_seconds{stanza="geostack"} 600',
                 'geostack_backup_max_age_seconds{stanza="geostack"} 28800',
                 'geostack_backup_late{stanza="geostack"} 0',
                 '# TYPE geostack_backup_late gauge'):
        assert line in lines, line
    # every sample belongs to a family announced before it
    announced = set()
    for line in lines:
        if line.startswith('# TYPE '):
            announced.add(line.split()[2])
        elif not line.startswith('#'):
            assert line.split('{')[0] in announced, line
    nothing = backup_host.metrics(backup_host.summary([], 'geostack', NOW, None), ok=False)
    assert 'geostack_backup_info_ok{stanza="geostack"} 0' in nothing.splitlines()
    assert 'geostack_backup_late{stanza="geostack"} 1' in nothing.splitlines()
    assert not any(line.startswith('geostack_backup_age_seconds') for line in nothing.splitlines())


def test_labels_are_escaped():
    text = backup_host.metrics(backup_host.summary([], 'a"b\\c', NOW, None))
    assert 'geostack_backup_late{stanza="a\\"b\\\\c"} 1' in text.splitlines()


class Clock:
    def __init__(self):
        self.now = float(NOW)

    def __call__(self):
        return self.now


def test_reader_caches_and_reports_failures():
    calls = []
    answers = [json.dumps(info(backup('F', 'full', NOW - 100))), RuntimeError('pgbackrest: exit 82: no stanza'),
               json.dumps(info(backup('F', 'full', NOW - 100), backup('I', 'incr', NOW - 10)))]

    def run(argv):
        calls.append(argv)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    clock = Clock()
    reader = backup_host.Reader('geostack', 3600, 30, run, clock=clock)
    doc, ok, error = reader.view()
    assert ok and error == '' and doc['last']['label'] == 'F' and doc['age'] == 100
    assert calls[0][:3] == ['pgbackrest', '--stanza=geostack', '--output=json'] and calls[0][-1] == 'info'
    clock.now += 29
    assert reader.view()[0]['age'] == 129 and len(calls) == 1        # cached, the age still moves on
    clock.now += 1
    doc, ok, error = reader.view()
    assert not ok and 'no stanza' in error and doc['last'] is None and doc['late'] and len(calls) == 2
    clock.now += 30
    doc, ok, _error = reader.view()
    assert ok and doc['last']['label'] == 'I' and len(calls) == 3


def test_the_command_after_the_separator_is_required():
    with pytest.raises(SystemExit):
        backup_host.main(['--stanza', 'geostack'])


def test_the_routes_serve_metrics_and_status_503_when_info_fails():
    answers = [RuntimeError('pgbackrest: exit 82: no stanza')]

    def run(argv):
        raise answers[0]

    reader = backup_host.Reader('geostack', 3600, 30, run, clock=Clock())
    server = backup_host.geostack_serve.serve(backup_host.routes(reader), 'geostack-backup', '127.0.0.1', 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = 'http://127.0.0.1:%d' % server.server_address[1]
    try:
        with urllib.request.urlopen(base + '/metrics', timeout=5) as answer:
            assert answer.headers['Content-Type'].startswith('text/plain; version=0.0.4')
            assert b'geostack_backup_info_ok{stanza="geostack"} 0' in answer.read()
        for method, path, code, text in (('GET', '/status', 503, b'no stanza'), ('GET', '/', 404, b'/metrics or /status'),
                                         ('POST', '/metrics', 405, b'')):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(urllib.request.Request(base + path, method=method,
                                                              data=b'' if method == 'POST' else None), timeout=5)
            assert error.value.code == code and text in error.value.read()
    finally:
        server.shutdown()
        server.server_close()
