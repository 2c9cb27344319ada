# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.module_utils.operate.logs import (
    LogOptionError,
    compile_grep,
    parse_line,
    since_epoch,
)
from ansible_collections.geostack.swarm.plugins.modules import service_logs
from ansible_collections.geostack.swarm.tests.unit.plugins.modules.operate_fakes import OperateAPI, deployed_stack

pytestmark = pytest.mark.unit

NOW = 1795000000  # 2026-11-18T...Z


@pytest.fixture
def api():
    return OperateAPI()


@pytest.fixture
def logs(make_module, outcome, api, monkeypatch):
    def run(**params):
        params.setdefault('name', 'geostack')
        module = make_module(service_logs, **params)
        monkeypatch.setattr(service_logs, 'new_module', lambda argument_spec, **kwargs: module)
        monkeypatch.setattr(service_logs, 'SwarmClient', lambda m: SwarmClient(m, api=api))
        monkeypatch.setattr(service_logs.time, 'time', lambda: NOW)
        return outcome(service_logs.main)
    return run


@pytest.fixture
def with_logs(api):
    services = deployed_stack(api)
    sid = services['mapserver']['ID']
    tasks = [t for t in api.task_list if t['ServiceID'] == sid]
    tasks[0]['Slot'], tasks[1]['Slot'] = 1, 2
    tasks[1]['NodeID'] = 'wrk1'
    a, b = tasks[0]['ID'], tasks[1]['ID']
    api.detailed_logs = [
        ('2026-11-27T18:00:01.5Z', 'mgr1', sid, a, 'GET /ows 200'),
        ('2026-11-27T18:00:00.25Z', 'wrk1', sid, b, 'started'),
        ('2026-11-27T18:00:02Z', 'wrk1', sid, b, '[error] FastCGI sent in stderr'),
        ('2026-11-27T18:00:03.123456789Z', 'mgr1', sid, a, 'GET /ows 500'),
    ]
    return a, b


def test_lines_of_every_replica_oldest_first_with_task_and_node(logs, api, with_logs):
    a, b = with_logs
    res = logs(service='mapserver')
    assert not res.failed, res.msg
    r = res.result
    assert r['service'] == 'geostack_mapserver' and r['changed'] is False
    assert [(line['task'], line['node'], line['message']) for line in r['lines']] == [
        ('mapserver.2.%s' % b[:12], 'worker1', 'started'),
        ('mapserver.1.%s' % a[:12], 'mgr1', 'GET /ows 200'),
        ('mapserver.2.%s' % b[:12], 'worker1', '[error] FastCGI sent in stderr'),
        ('mapserver.1.%s' % a[:12], 'mgr1', 'GET /ows 500'),
    ]
    assert r['text'][0] == '2026-11-27T18:00:00.25Z mapserver.2.%s@worker1 started' % b[:12]
    args, kwargs = api.called('service_logs')[0]
    assert kwargs['details'] is True and kwargs['tail'] == 100 and kwargs['since'] == 0


def test_tail_grep_and_since(logs, api, with_logs):
    r = logs(service='mapserver', tail=1).result
    assert [line['message'] for line in r['lines']] == ['GET /ows 500']
    assert api.called('service_logs')[-1][1]['tail'] == 1
    # with grep, every line is read and the last matching ones kept
    r = logs(service='mapserver', grep='(?i)error|500', tail=5).result
    assert [line['message'] for line in r['lines']] == ['[error] FastCGI sent in stderr', 'GET /ows 500']
    assert api.called('service_logs')[-1][1]['tail'] == 'all'
    r = logs(service='mapserver', since='10m').result
    assert r['since'] == NOW - 600 and api.called('service_logs')[-1][1]['since'] == NOW - 600
    assert logs(service='mapserver', tail=0).result['lines'] == []


@pytest.mark.parametrize('params, message', [
    (dict(service='mapserv'), 'service=mapserv is not a service of the stack geostack; its services: edge, '
                              'load_countries, mapserver, postgis'),
    (dict(service='geostack_mapserver'), 'give the short name, mapserver'),
    (dict(service='mapserver', since='yesterday'), 'since=yesterday is neither a duration before now'),
    (dict(service='mapserver', grep='(unclosed'), 'grep=(unclosed is not a regular expression'),
    (dict(service='mapserver', tail=-1), 'tail=-1 must be 0 or more'),
    (dict(service='mapserver', name='nostack'), 'the stack nostack has no services on this swarm'),
])
def test_bad_input_is_refused_naming_the_option(logs, api, with_logs, params, message):
    res = logs(**params)
    assert res.failed
    assert message in res.msg
    assert not api.called('service_logs')


def test_since_forms():
    assert since_epoch('2026-11-27T18:00:00Z', NOW) == 1795802400
    assert since_epoch('2026-11-27T20:00:00+02:00', NOW) == 1795802400
    assert since_epoch('2026-11-27 18:00', NOW) == 1795802400
    assert since_epoch('1795802400', NOW) == 1795802400
    assert since_epoch('1h30m', NOW) == NOW - 5400
    assert since_epoch(None, NOW) is None
    for bad in ('2026-13-01T00:00:00Z', 'soon', '-5m'):
        with pytest.raises(LogOptionError):
            since_epoch(bad, NOW)
    assert compile_grep('') is None


def test_a_line_without_details_is_kept_whole():
    key, stamp, details, message = parse_line('2026-11-27T18:00:00Z a=b message')
    assert details == {} and message == 'a=b message' and key == '2026-11-27T18:00:00.000000000'


def test_a_stream_the_engine_keeps_open_returns_what_it_sent(logs, api, with_logs, monkeypatch):
    """Docker 20.10 sends a task's lines and then nothing more, without closing the stream, when the task has fewer
    lines than asked for: the module stops after read_idle seconds and returns them, complete false."""
    import threading
    blocked = threading.Event()
    original = api.service_logs

    def hanging(*args, **kwargs):
        lines = list(original(*args, **kwargs))

        def stream():
            yield from lines
            blocked.wait(30)
        return stream()
    monkeypatch.setattr(api, 'service_logs', hanging)
    res = logs(service='mapserver', read_idle=1)
    blocked.set()
    assert not res.failed, res.msg
    assert res.result['complete'] is False
    assert [line['message'] for line in res.result['lines']][-1] == 'GET /ows 500'
    assert len(res.result['lines']) == 4


def test_a_stream_that_ends_is_complete(logs, api, with_logs):
    assert logs(service='mapserver').result['complete'] is True
