# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting for a service counts only the failed tasks of its current version: those of an earlier time with the same
spec (the engine's ``_up-to-date`` filter compares specs only) are not a crash loop."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import ServiceFailed
from ansible_collections.geostack.swarm.plugins.module_utils.stack.progress import service_progress
from ansible_collections.geostack.swarm.plugins.module_utils.stack.tasks import (
    current_failures,
    generation_start,
    utc_stamp,
)

pytestmark = pytest.mark.unit


class Client(object):
    def __init__(self, service, tasks):
        self.service = service
        self.task_list = tasks

    def inspect_service(self, service_id):
        return self.service

    def tasks(self, filters=None):
        tasks = self.task_list
        if filters and 'desired-state' in filters:
            tasks = [t for t in tasks if t['DesiredState'] == filters['desired-state']]
        return tasks

    def service_logs(self, service_id, tail=10):
        return []


def task(tid, state, created, desired='shutdown', err='task: non-zero exit (137): dockerexec: unhealthy container'):
    return dict(ID=tid, DesiredState=desired, CreatedAt=created,
                Status=dict(State=state, Timestamp=created, Err=err if state == 'failed' else None))


def service(created='2024-05-01T10:00:00.000000001Z', started=None, state=None, replicas=2):
    svc = dict(ID='s1', CreatedAt=created, Spec=dict(Name='geo_mapserver', Mode={'Replicated': {'Replicas': replicas}},
                                                     TaskTemplate={}))
    if started or state:
        svc['UpdateStatus'] = dict(State=state or 'completed', StartedAt=started, Message='update %s' % state)
    return svc


# Six replicas killed by their health check while PostGIS restarted, on May 2nd, same spec as now.
OLD = [task('old%d' % i, 'failed', '2024-05-02T08:00:%02d.5Z' % i) for i in range(6)]


def test_old_failures_of_the_same_spec_are_not_a_crash_loop():
    svc = service(started='2024-05-01T12:00:00Z', state='completed', replicas=2)
    tasks = OLD + [task('r1', 'running', '2024-05-02T08:01:00Z', 'running'),
                   task('new', 'starting', '2024-05-03T09:00:00.2Z', 'running')]
    # Scaled from 1 to 2 on May 3rd (the replicas roll nothing: the update status stays the one of May 1st).
    ready, seen = service_progress(Client(svc, tasks), 's1', 'geo_mapserver', since='2024-05-03T09:00:00.1Z')
    assert not ready and seen == 'geo_mapserver: 1/2 running (1 starting: not yet healthy), update completed'
    # Without the engine's time of the change they count, 6 >= 3 x 2: the wait failed as a crash loop before.
    assert len(current_failures(svc, OLD)) == 6
    with pytest.raises(ServiceFailed, match='its tasks keep failing'):
        service_progress(Client(svc, tasks), 's1', 'geo_mapserver')


def test_failures_since_the_change_are_a_crash_loop():
    svc = service(started='2024-05-01T12:00:00Z', state='completed')
    new = [task('new%d' % i, 'failed', '2024-05-03T09:00:%02d.5Z' % i, err='task: non-zero exit (1)')
           for i in range(6)]
    with pytest.raises(ServiceFailed) as exc:
        service_progress(Client(svc, OLD + new + [task('s', 'starting', '2024-05-03T09:01:00Z', 'running')]),
                         's1', 'geo_mapserver', since='2024-05-03T09:00:00Z')
    assert str(exc.value).startswith('service geo_mapserver: its tasks keep failing (6 failed, 0/2 running): '
                                     'task new5 failed: task: non-zero exit (1)')


def test_the_current_version_starts_with_its_update():
    svc = service(started='2024-05-02T09:00:00Z', state='updating')
    assert [t['ID'] for t in current_failures(svc, OLD + [task('n', 'failed', '2024-05-02T09:00:03Z')])] == ['n']
    assert [t['ID'] for t in current_failures(svc, [task('r', 'rejected', '2024-05-02T09:00:00.000000001Z')])] == ['r']


def test_a_service_never_updated_starts_when_created():
    svc = service(created='2024-05-02T08:00:03Z')
    assert [t['ID'] for t in current_failures(svc, OLD)] == ['old3', 'old4', 'old5']
    assert generation_start(dict()) is None
    assert current_failures(dict(), OLD) == OLD


def test_fractions_of_a_second_compare_by_value():
    svc = service(created='2024-05-02T08:00:00.5Z')
    assert [t['ID'] for t in current_failures(svc, [task('a', 'failed', '2024-05-02T08:00:00.45Z'),
                                                    task('b', 'failed', '2024-05-02T08:00:00.5000001Z')])] == ['b']


def test_a_failed_update_names_the_errors_of_its_own_tasks():
    svc = service(started='2024-05-03T09:00:00Z', state='rollback_completed')
    tasks = OLD + [task('new1', 'failed', '2024-05-03T09:00:04Z', err='task: non-zero exit (2): bad image')]
    with pytest.raises(ServiceFailed) as exc:
        service_progress(Client(svc, tasks), 's1', 'geo_mapserver')
    assert str(exc.value) == ('service geo_mapserver: update rollback_completed (update rollback_completed); task '
                              'errors: task new1 failed: task: non-zero exit (2): bad image')


@pytest.mark.parametrize('stamp, utc', [
    ('2024-05-01T14:00:00.5+02:00', '2024-05-01T12:00:00.5Z'),
    ('2024-05-01T00:30:00-05:30', '2024-05-01T06:00:00Z'),
    ('2024-05-01T12:00:00.123456789Z', '2024-05-01T12:00:00.123456789Z'),
])
def test_the_engine_s_system_time_in_utc(stamp, utc):
    assert utc_stamp(stamp) == utc
