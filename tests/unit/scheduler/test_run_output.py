# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A run's last line of output, when it is a JSON object, is kept with its result (a harvest's counts): read once,
before the run is counted, shown by /jobs and /metrics."""

from __future__ import annotations

import json

import pytest

from geostack_scheduler import report
from test_scheduler import World

pytestmark = pytest.mark.unit
RUN = 'geostack_run_hello_202401011201'
COUNTS = dict(harvest='hello', result='success', rows_read=3, rows_inserted=1, rows_updated=1, rows_deleted=1)


def finished(output, exit_code=0):
    world = World().at('12:00:30').at('12:01:01')
    world.clock.set('2024-01-01T12:01:20')
    world.api.finish(RUN, exit_code, output=output)
    world.at('12:01:25')
    return world


def test_the_last_json_line_is_kept_with_the_success():
    world = finished('fetching\nloading\n%s\n' % json.dumps(COUNTS))
    assert world.entry()['last_success']['output'] == COUNTS
    status = report.status(world.scheduler.view())['jobs']['hello']
    assert status['last_output'] == COUNTS and status['last_success']['output'] == COUNTS
    metrics = report.metrics(world.scheduler.view())
    assert 'geostack_job_last_output{job="hello",key="rows_inserted"} 1' in metrics
    assert 'key="result"' not in metrics                                 # numbers only


def test_a_failure_keeps_its_output_too_and_becomes_the_last_output():
    failure = dict(harvest='hello', result='failure', stage='fetch', error='curl exited with 7')
    world = finished(json.dumps(failure) + '\n', exit_code=1)
    assert world.entry()['last_failure']['output'] == failure
    assert report.status(world.scheduler.view())['jobs']['hello']['last_output'] == failure


@pytest.mark.parametrize('output', ['', 'done\n', '{"a": 1}\nbye\n', '{not json}\n', '[1, 2]\n',
                                    json.dumps(dict(big='x' * 3000)) + '\n'])
def test_no_json_object_last_means_no_output(output):
    world = finished(output)
    assert world.entry()['last_success']['output'] is None


def test_the_output_is_read_once_per_run():
    world = finished(json.dumps(COUNTS) + '\n')
    world.at('12:01:30').at('12:01:40')
    assert world.api.calls.count('logs ' + RUN) == 1
    assert world.entry()['succeeded'] == 1


def test_unreadable_logs_leave_the_result_counted_without_output():
    world = World().at('12:00:30').at('12:01:01')
    world.api.finish(RUN, 0)

    def refuse(*args, **kwargs):
        raise RuntimeError('configured logging driver does not support reading')

    world.api.service_logs = refuse
    world.at('12:01:25')
    assert world.entry()['succeeded'] == 1 and world.entry()['last_success']['output'] is None
