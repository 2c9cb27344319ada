# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Suspensions made at run time (a Docker config the restore playbook creates and removes): the held jobs start
nothing, their runs in flight are stopped, the others go on; removed or expired, the jobs run again without catching
up; an unreadable one holds nothing and is removed; /jobs and /metrics show it."""

from __future__ import annotations

import json

import pytest

from fake_api import at_iso
from geostack_scheduler import report, suspensions
from test_scheduler import World, job

pytestmark = pytest.mark.unit


def suspend(world, jobs, until, reason='restore 1', name='geostack_scheduler_suspend_restore_1'):
    data = json.dumps(dict(jobs=jobs, until=at_iso('2024-01-01T' + until), reason=reason)).encode('utf-8')
    return world.api.create_config(name, data, labels={suspensions.LABEL: 'geostack'})['ID']


def checks():
    return World(job('backup_check'), job('backup_s3_incr', schedule='*/2 * * * *'),
                 job('hello', concurrency='allow'))


def test_held_jobs_start_nothing_the_others_go_on_and_they_resume_without_catching_up():
    world = checks().at('12:00:30')
    config_id = suspend(world, ['backup_*'], '13:00:00')
    world.at('12:01:01').at('12:02:01').at('12:03:01')
    assert world.api.run_names('backup_check') == []
    assert world.api.run_names('backup_s3_incr') == []
    assert world.api.run_names('hello') == ['geostack_run_hello_202401011201', 'geostack_run_hello_202401011202',
                                            'geostack_run_hello_202401011203']
    assert world.entry('backup_check')['skipped'] == {'missed': 0, 'deadline': 0, 'concurrency': 0}
    world.api.remove_config(config_id)          # the restore ended
    world.at('12:03:30')
    assert world.api.run_names('backup_check') == []    # 12:01..12:03 passed while held: not caught up
    world.at('12:04:01')
    assert world.api.run_names('backup_check') == ['geostack_run_backup_check_202401011204']
    assert world.api.run_names('backup_s3_incr') == ['geostack_run_backup_s3_incr_202401011204']


def test_a_run_in_flight_is_stopped_and_counted_replaced_with_the_reason():
    world = checks().at('12:00:30').at('12:01:01')
    run = 'geostack_run_backup_check_202401011201'
    assert run in world.api.run_names('backup_check')
    suspend(world, ['backup_check'], '13:00:00', reason='restore 20240101120105')
    world.at('12:01:10')
    assert world.api.run_names('backup_check') == []
    entry = world.entry('backup_check')
    assert (entry['replaced'], entry['failed'], entry['succeeded']) == (1, 0, 0)
    assert 'remove ' + run in world.api.calls
    assert world.api.run_names('hello') == ['geostack_run_hello_202401011201']     # not held: left running


def test_an_expired_suspension_holds_nothing_and_is_removed():
    world = checks().at('12:00:30')
    suspend(world, ['backup_check'], '12:02:00')
    world.at('12:01:01')
    assert world.api.run_names('backup_check') == []
    world.at('12:02:01')
    assert world.api.configs(filters={'label': suspensions.LABEL + '=geostack'}) == []
    assert world.api.run_names('backup_check') == ['geostack_run_backup_check_202401011202']


def test_an_unreadable_suspension_holds_nothing_and_is_removed():
    world = checks().at('12:00:30')
    world.api.create_config('geostack_scheduler_suspend_bad', b'{"jobs": "*"}', labels={suspensions.LABEL: 'geostack'})
    world.at('12:01:01')
    assert world.api.configs(filters={'label': suspensions.LABEL + '=geostack'}) == []
    assert world.api.run_names('backup_check') == ['geostack_run_backup_check_202401011201']


def test_another_owners_suspension_is_ignored():
    world = checks().at('12:00:30')
    world.api.create_config('other_scheduler_suspend_1', json.dumps(dict(jobs=['*'], until=at_iso(
        '2024-01-01T13:00:00'))).encode('utf-8'), labels={suspensions.LABEL: 'other'})
    world.at('12:01:01')
    assert world.api.run_names('backup_check') == ['geostack_run_backup_check_202401011201']
    assert len(world.api.configs(filters={'label': suspensions.LABEL + '=other'})) == 1


def test_jobs_and_metrics_show_the_suspension_and_its_reason():
    world = checks().at('12:00:30')
    suspend(world, ['backup_check'], '13:00:00', reason='restore 7')
    world.at('12:01:01')
    status = report.status(world.scheduler.view())['jobs']
    assert (status['backup_check']['suspend'], status['backup_check']['suspended_by']) == (True, 'restore 7')
    assert status['backup_check']['next_run'] is None
    assert (status['hello']['suspend'], status['hello']['suspended_by']) == (False, None)
    metrics = report.metrics(world.scheduler.view())
    assert 'geostack_job_suspended{job="backup_check"} 1' in metrics
    assert 'geostack_job_suspended{job="hello"} 0' in metrics


@pytest.mark.parametrize('data, error', [
    (b'[]', 'not a JSON object'),
    (b'{"jobs": [], "until": 1}', 'jobs must be'),
    (b'{"jobs": ["a"], "until": "soon"}', 'until must be'),
    (b'\xff', ''),
])
def test_parse_refuses_what_is_not_a_suspension(data, error):
    parsed = suspensions.parse('id1', 'n', data)
    assert parsed.error and error in parsed.error and parsed.jobs == []
