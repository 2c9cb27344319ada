# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The state of a service's tasks, from task lists already read: the errors of failed tasks, the state of a job's
current iteration.
"""

from __future__ import annotations

import re

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import FAILED_TASK_STATES
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import mode_of


def _timestamp_key(task):
    """Sortable form of a task's RFC 3339 status timestamp (fractions of a second have varying lengths)."""
    stamp = ((task.get('Status') or {}).get('Timestamp') or task.get('UpdatedAt') or '').rstrip('Z')
    head, _dot, fraction = stamp.partition('.')
    fraction = re.sub(r'[^0-9].*$', '', fraction)
    return head + '.' + fraction.ljust(9, '0')


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
