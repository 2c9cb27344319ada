# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The readiness predicate geo_stack waits with: the one part of the stack package that reads the engine
(through the ``SwarmClient``). It raises ``ServiceFailed`` when waiting cannot succeed (an update paused or rolled
back, a job task failed, a crash loop).
"""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import (
    CRASH_LOOP_FAILURES,
    FAILED_UPDATE_STATES,
    JOB_MODES,
    ServiceFailed,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.tasks import (
    count_state,
    current_failures,
    job_state,
    task_errors,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import mode_of


def service_progress(client, service_id, name, log_lines=10, since=None):
    """``(ready, seen)`` for one service; raises ``ServiceFailed`` when waiting cannot succeed.

    Ready: the UpdateStatus (when present) is ``completed`` and, for services, as many up-to-date tasks are
    ``running`` as the service should have (replicas; one per eligible node, at least one, for global services; a
    task with a healthcheck is ``starting`` until healthy); for jobs, the current iteration's tasks are complete.

    A crash loop counts only the failures of the service's current version (``tasks.current_failures``: created
    since its update started, or since ``since``, the engine's time when the caller changed it), never those of an
    earlier time with the same spec.
    """
    service = client.inspect_service(service_id)
    if service is None:
        raise ServiceFailed('service %s disappeared while waiting for it' % name)
    spec = service.get('Spec') or {}
    kind, replicas, _max = mode_of(spec.get('Mode'))
    update = service.get('UpdateStatus') or {}
    state = update.get('State')
    if state in FAILED_UPDATE_STATES:
        tasks = client.tasks(filters={'service': service_id})
        errors = task_errors(current_failures(service, tasks) or tasks)
        raise ServiceFailed('service %s: update %s (%s)%s' % (
            name, state, update.get('Message') or 'no message',
            '; task errors: ' + '; '.join(errors) if errors else ''))
    if kind in JOB_MODES:
        job = job_state(service, client.tasks(filters={'service': service_id}))
        if job['state'] == 'failed':
            logs = client.service_logs(service_id, tail=log_lines)
            raise ServiceFailed('job %s failed: %s%s' % (
                name, '; '.join(task_errors(job['failed'])),
                '; last log lines:\n' + '\n'.join(logs[-log_lines:]) if logs else ''))
        return job['state'] == 'complete', '%s: job %d/%d complete' % (name, job['complete'], job['expected'])
    tasks = client.tasks(filters={'service': service_id, '_up-to-date': 'true', 'desired-state': 'running'})
    running = count_state(tasks, 'running')
    expected = replicas if kind == 'replicated' else len(tasks)
    update_done = state in (None, 'completed')
    ready = update_done and running == expected and (kind == 'replicated' or expected > 0)
    if (not ready and running < expected) or (kind == 'global' and not running):
        # A crash loop: Swarm restarts failing tasks forever (a new service has no update to pause or roll back).
        history = client.tasks(filters={'service': service_id, '_up-to-date': 'true'})
        failed = current_failures(service, history, since)
        if len(failed) >= CRASH_LOOP_FAILURES * max(expected, 1):
            logs = client.service_logs(service_id, tail=log_lines)
            raise ServiceFailed('service %s: its tasks keep failing (%d failed, %d/%d running): %s%s' % (
                name, len(failed), running, expected, '; '.join(task_errors(failed)),
                '; last log lines:\n' + '\n'.join(logs[-log_lines:]) if logs else ''))
    seen = '%s: %d/%d running' % (name, running, expected)
    starting = count_state(tasks, 'starting')
    if starting:
        seen += ' (%d starting: not yet healthy)' % starting
    if state:
        seen += ', update %s' % state
    return ready, seen
