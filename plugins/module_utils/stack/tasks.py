# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The state of a service's tasks, from task lists already read: the errors of failed tasks, the state of a job's
current iteration.
"""

from __future__ import annotations

import datetime
import re

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import FAILED_TASK_STATES
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import mode_of


def _timestamp_key(task):
    """Sortable form of a task's RFC 3339 status timestamp (fractions of a second have varying lengths)."""
    stamp = ((task.get('Status') or {}).get('Timestamp') or task.get('UpdatedAt') or '').rstrip('Z')
    head, _dot, fraction = stamp.partition('.')
    fraction = re.sub(r'[^0-9].*$', '', fraction)
    return head + '.' + fraction.ljust(9, '0')


def _created_key(task):
    """Sortable form of a task's creation time (``CreatedAt``, RFC 3339 in UTC as the engine gives it)."""
    stamp = (task.get('CreatedAt') or '').rstrip('Z')
    head, _dot, fraction = stamp.partition('.')
    fraction = re.sub(r'[^0-9].*$', '', fraction)
    return head + '.' + fraction.ljust(9, '0')


def _stamp_key(stamp):
    return _created_key(dict(CreatedAt=utc_stamp(stamp)))


def utc_stamp(stamp):
    """An RFC 3339 time in UTC (``...Z``), as the engine gives its objects' times; ``SystemTime`` of the engine's
    info carries the host's offset instead (``2024-05-01T14:00:00.5+02:00``)."""
    match = re.match(r'^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?([+-]\d\d):?(\d\d)\Z', stamp or '')
    if not match:
        return stamp
    year, month, day, hour, minute, second, fraction, off_hours, off_minutes = match.groups()
    offset = datetime.timedelta(hours=int(off_hours), minutes=int(off_minutes) * (-1 if off_hours[0] == '-' else 1))
    utc = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second)) - offset
    return utc.strftime('%Y-%m-%dT%H:%M:%S') + (fraction or '') + 'Z'


def generation_start(service, since=None):
    """When the service's current version began, as a sortable key (None: unknown, every task counts).

    The engine's task list has no spec version, and its ``_up-to-date`` filter compares specs only: the tasks of an
    earlier time with the same spec (failed before a rollback to it, or killed by their health check while PostGIS
    restarted days ago) pass it. The current version began when the service's last update started
    (``UpdateStatus.StartedAt``, set when Swarm starts rolling its tasks to the current spec, or back to it) or, for a
    service never updated, when it was created; ``since`` (the engine's time when a module changed the service, for
    a change that rolls nothing, such as its replicas) moves it later still.
    """
    marks = [(service.get('UpdateStatus') or {}).get('StartedAt') or service.get('CreatedAt'), since]
    keys = [_stamp_key(m) for m in marks if m]
    return max(keys) if keys else None


def current_failures(service, tasks, since=None):
    """The failed or rejected tasks of the service's current version: ``tasks`` (its up-to-date tasks, whose spec
    is the service's) created at or after ``generation_start``."""
    start = generation_start(service, since)
    return [t for t in tasks if (t.get('Status') or {}).get('State') in FAILED_TASK_STATES
            and (start is None or not t.get('CreatedAt') or _created_key(t) >= start)]


def task_errors(tasks, limit=3):
    """The own errors of the latest failed or rejected tasks, newest first."""
    failed = [t for t in tasks if (t.get('Status') or {}).get('State') in FAILED_TASK_STATES
              or (t.get('Status') or {}).get('Err')]
    failed.sort(key=_timestamp_key, reverse=True)
    out = []
    for t in failed[:limit]:
        status = t.get('Status') or {}
        out.append('task %s %s: %s' % ((t.get('ID') or '?')[:12], status.get('State'),
                                       status.get('Err') or status.get('Message') or 'no error given'))
    return out


def count_state(tasks, state):
    return len([t for t in tasks if (t.get('Status') or {}).get('State') == state])


def job_state(service, tasks):
    """The current iteration of a job: ``{state, complete, expected, failed}``.

    ``state`` is ``complete`` (a replicated job: as many complete tasks as completions; a global job: every task
    complete), ``failed`` (more failed tasks than the restart policy's ``MaxAttempts``, 0 failing at the first), or
    ``running``.
    """
    spec = service.get('Spec') or {}
    kind, replicas, _max = mode_of(spec.get('Mode'))
    iteration = ((service.get('JobStatus') or {}).get('JobIteration') or {}).get('Index', 0)
    tasks = [t for t in tasks if ((t.get('JobIteration') or {}).get('Index', 0)) == iteration]
    complete = count_state(tasks, 'complete')
    failed = [t for t in tasks if (t.get('Status') or {}).get('State') in FAILED_TASK_STATES]
    attempts = int(((spec.get('TaskTemplate') or {}).get('RestartPolicy') or {}).get('MaxAttempts') or 0)
    if kind == 'replicated-job':
        expected = replicas
        done = complete >= replicas
    else:
        expected = len([t for t in tasks if t.get('DesiredState') != 'shutdown'])
        done = expected > 0 and complete == expected
    if done:
        state = 'complete'
    elif failed and len(failed) > attempts:
        state = 'failed'
    else:
        state = 'running'
    return dict(state=state, complete=complete, expected=expected, failed=failed)
