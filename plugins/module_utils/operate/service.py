# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The change M(geostack.swarm.stack_service) makes to one service's spec, free of I/O: its replicas, or a forced
rolling restart (``TaskTemplate.ForceUpdate`` bumped), each refused with the reason when the service cannot take it."""

from __future__ import annotations

import copy

from ansible_collections.geostack.swarm.plugins.module_utils.changes import change_record
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import mode_of


class ServiceChangeRefused(ValueError):
    """The service cannot take the change; the message names the option and says why."""


def volumes_of(spec):
    container = ((spec or {}).get('TaskTemplate') or {}).get('ContainerSpec') or {}
    return [m.get('Source') for m in container.get('Mounts') or [] if m.get('Type') == 'volume' and m.get('Source')]


def new_spec(spec, key, replicas=None, restart=False):
    """``(spec, changes)``: the service's spec with the change made, and the change records (empty: nothing to do).

    Scaling is refused for a global service or a job (their tasks are not counted in replicas) and for a service that
    mounts a named volume (a local volume lives on one node and holds the data of one instance: PostGIS).
    """
    spec = copy.deepcopy(spec)
    changes = []
    kind, current, _max = mode_of(spec.get('Mode'))
    if restart and kind in ('replicated-job', 'global-job'):
        raise ServiceChangeRefused('service=%s is a one-off job: it is not restarted (it runs again when its input '
                                   'changes, on the next site.yml run)' % key)
    if replicas is not None:
        if kind != 'replicated':
            raise ServiceChangeRefused('service=%s is a %s service: replicas do not apply (%s)' % (
                key, kind, 'one task on every eligible node' if kind == 'global' else 'a one-off job'))
        if replicas < 0:
            raise ServiceChangeRefused('replicas=%d must be 0 or more' % replicas)
        volumes = volumes_of(spec)
        if volumes and replicas != current:
            raise ServiceChangeRefused('service=%s keeps its data in the volume%s %s, which hold%s one instance on one '
                                       'node: it is not scaled' % (key, 's' if len(volumes) > 1 else '',
                                                                   ', '.join(volumes), '' if len(volumes) > 1 else 's'))
        if replicas != current:
            spec['Mode'] = dict(Replicated=dict(Replicas=replicas))
            changes.append(change_record('replicas', current, replicas))
    if restart:
        task = spec.setdefault('TaskTemplate', {})
        forced = int(task.get('ForceUpdate') or 0)
        task['ForceUpdate'] = forced + 1
        changes.append(change_record('force_update', forced, forced + 1))
    return spec, changes


def update_order(spec):
    return ((spec or {}).get('UpdateConfig') or {}).get('Order') or 'stop-first'
