# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the scheduler reports (GET /jobs, GET /metrics, nothing else), its health check, its declaration."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request

import pytest

from geostack_scheduler import __main__ as entry
from geostack_scheduler.jobs import load_config
from geostack_scheduler.serve import serve
from test_scheduler import World, job

pytestmark = pytest.mark.unit
SAMPLE = re.compile(r'^[a-z_:][a-z0-9_:]*(\{([a-z_]+="[^"\n]*",?)+\})? -?[0-9.e+-]+$')


def busy_world():
    world = World(job('hello', concurrency='forbid'), job('nightly', '0 3 * * *', time_zone='Europe/Paris'))
    world.at('12:00:30').at('12:01:01')
    world.clock.set('2024-01-01T12:01:21')
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:01:30').at('12:02:01')
    world.clock.set('2024-01-01T12:02:11')
    world.api.finish('geostack_run_hello_202401011202', 2)
    world.at('12:02:20').at('12:03:01').at('12:04:02')
    return world


def test_jobs_document():
    world = busy_world()
    doc = json.loads(json.dumps(entry_status(world)))
    hello = doc['jobs']['hello']
    assert hello['runs_succeeded'] == 1 and hello['runs_failed'] == 1
    assert hello['success_rate'] == 0.5
    assert hello['runs_skipped'] == 1 and hello['runs_skipped_by_reason']['concurrency'] == 1
    assert hello['running'] == ['geostack_run_hello_202401011203']
    assert hello['last_success']['finished'].startswith('2024-01-01T12:01:21')
    assert hello['last_failure']['exit_code'] == 2
    assert hello['last_duration_seconds'] == pytest.approx(10, abs=0.01)
    assert hello['next_run'] == '2024-01-01T12:05:00Z'
    nightly = doc['jobs']['nightly']
    assert nightly['next_run'] == '2024-01-02T02:00:00Z'      # 03:00 in Paris, winter
    assert nightly['success_rate'] is None and nightly['running'] == []


def entry_status(world):
    from geostack_scheduler import report
    return report.status(world.scheduler.view())


def test_metrics_follow_the_prometheus_text_format():
    from geostack_scheduler import report
    text = report.metrics(busy_world().scheduler.view())
    families = set()
    for line in text.splitlines():
        if line.startswith('# TYPE '):
            name, kind = line.split()[2:4]
            assert kind in ('gauge', 'counter')
            assert not kind == 'counter' or name.endswith('_total')
            families.add(name)
        elif not line.startswith('# HELP '):
            assert SAMPLE.match(line), line
    assert 'geostack_job_last_success_timestamp_seconds' in families
    assert 'geostack_job_runs_total{job="hello",result="success"} 1' in text
    assert 'geostack_job_runs_total{job="hello",result="failure"} 1' in text
    assert 'geostack_job_runs_skipped_total{job="hello",reason="concurrency"} 1' in text
    assert 'geostack_job_success_ratio{job="hello"} 0.5' in text
    assert 'geostack_job_running{job="hello"} 1' in text
    assert re.search(r'^geostack_job_last_success_timestamp_seconds\{job="hello"\} 1704110481\.\d+$', text, re.M)
    assert 'geostack_job_last_success_timestamp_seconds{job="nightly"}' not in text   # never succeeded: absent


def test_the_server_answers_get_only():
    world = busy_world()
    server = serve(world.scheduler, '127.0.0.1', 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = 'http://127.0.0.1:%d' % server.server_address[1]
    try:
        with urllib.request.urlopen(base + '/jobs', timeout=5) as answer:
            assert answer.headers['Content-Type'] == 'application/json'
            assert json.load(answer)['jobs']['hello']['runs_succeeded'] == 1
        with urllib.request.urlopen(base + '/metrics', timeout=5) as answer:
            assert answer.headers['Content-Type'].startswith('text/plain; version=0.0.4')
            assert b'geostack_job_runs_total' in answer.read()
        for method, path, code in (('POST', '/jobs', 405), ('DELETE', '/jobs', 405), ('GET', '/run', 404)):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(urllib.request.Request(base + path, method=method, data=b'' if method == 'POST'
                                                              else None), timeout=5)
            assert error.value.code == code
    finally:
        server.shutdown()
        server.server_close()


def test_health_reads_the_heartbeat_age(tmp_path, monkeypatch, capsys):
    beat = tmp_path / 'heartbeat'
    monkeypatch.setattr(entry, 'HEARTBEAT', str(beat))
    assert entry.health() == 1                          # no heartbeat yet
    beat.write_text('%f\n' % time.time())
    assert entry.health() == 0
    beat.write_text('%f\n' % (time.time() - 120))
    assert entry.health() == 1
    assert 'last reached Docker' in capsys.readouterr().out
    monkeypatch.setenv('SCHEDULER_HEALTH_AGE', '300')
    assert entry.health() == 0


def test_declaration_errors():
    with pytest.raises(ValueError):
        load_config(json.dumps({'jobs': []}))
    config = load_config(json.dumps(dict(owner='geostack', jobs=[
        job('ok'), job('ok'), job('neg', timeout=-1), job('zero', starting_deadline=0), job('tz', time_zone='Nowhere/X'),
        job('hist', failed_history=-1), job('Bad Name'), dict(job('nospec'), spec=None)])))
    assert [j.name for j in config.jobs] == ['ok']
    assert config.run_prefix == 'geostack_run_'
    assert set(config.errors) == {'ok', 'neg', 'zero', 'tz', 'hist', 'Bad Name', 'nospec'}
    assert 'timeout' in config.errors['neg'] and 'Nowhere/X' in config.errors['tz']
