# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What M(geostack.swarm.stack_status) reports, from what the engine returned (no I/O here).

- ``service_status``: one service: mode, desired / running / starting / healthy replicas, image, its version and
  recipe, the last update, the nodes of its running tasks, and for a job its last run and result.
- ``image_version``: version and recipe of an image, from its labels, else from the collection's tag convention
  ``<version>-<recipe digest of 12>``.
- ``volume_status``: the named volumes on this node, with their sizes (the engine's disk usage).
"""

from __future__ import annotations

import re

from ansible_collections.geostack.swarm.plugins.module_utils.operate.names import labels_of
from ansible_collections.geostack.swarm.plugins.module_utils.stack.tasks import job_state, task_errors
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import mode_of

VERSION_LABEL = 'org.opencontainers.image.version'
RECIPE_LABEL = 'org.geostack.recipe'
ROLE_LABEL = 'org.geostack.role'
_TAG_RE = re.compile(r'^(?P<version>.+)-(?P<recipe>[0-9a-f]{12})\Z')


def image_name(reference):
    """The reference without its digest (the engine pins ``@sha256:...`` on services it resolved)."""
    return (reference or '').split('@', 1)[0]


def image_version(reference, labels):
    """``{version, recipe, source}``: from the image's labels (``labels``), else from its tag, else unknown."""
    labels = labels or {}
    if labels.get(VERSION_LABEL) or labels.get(RECIPE_LABEL):
        return dict(version=labels.get(VERSION_LABEL), recipe=labels.get(RECIPE_LABEL), source='labels')
    name = image_name(reference)
    tag = name.rsplit(':', 1)[1] if ':' in name.rsplit('/', 1)[-1] else ''
    match = _TAG_RE.match(tag)
    if match:
        return dict(version=match.group('version'), recipe=match.group('recipe'), source='tag')
    return dict(version=tag or None, recipe=None, source='tag' if tag else None)


def has_healthcheck(spec, image_config):
    """Whether the service's tasks have a health check (their own, else the image's)."""
    container = ((spec or {}).get('TaskTemplate') or {}).get('ContainerSpec') or {}
    check = container.get('Healthcheck') or (image_config or {}).get('Healthcheck') or {}
    test = check.get('Test') or []
    return bool(test) and test[0] != 'NONE'


def _state(task):
    return (task.get('Status') or {}).get('State')


def _short(key, stack):
    return key[len(stack) + 1:] if key.startswith(stack + '_') else key


def service_status(service, tasks, node_names, image, stack):
    """The status of one service; ``image`` is ``{labels, config}`` of its image on this node (``{}`` when absent)."""
    spec = service.get('Spec') or {}
    kind, replicas, _max = mode_of(spec.get('Mode'))
    container = (spec.get('TaskTemplate') or {}).get('ContainerSpec') or {}
    reference = container.get('Image')
    live = [t for t in tasks if t.get('DesiredState') == 'running']
    running = [t for t in live if _state(t) == 'running']
    update = service.get('UpdateStatus') or {}
    out = dict(
        name=spec.get('Name'), key=_short(spec.get('Name') or '', stack), id=service.get('ID'),
        role=labels_of(service).get(ROLE_LABEL), mode=kind,
        image=image_name(reference), reference=reference,
        update=dict(state=update.get('State'), message=update.get('Message'),
                    started=update.get('StartedAt'), completed=update.get('CompletedAt')) if update else None,
        update_order=(spec.get('UpdateConfig') or {}).get('Order') or 'stop-first',
        updated=service.get('UpdatedAt'),
    )
    out.update(image_version(reference, (image or {}).get('labels')))
    if kind in ('replicated-job', 'global-job'):
        job = job_state(service, tasks)
        out.update(desired=None, running=len(running), starting=0, healthy=None, nodes=[],
                   job=dict(result=job['state'], complete=job['complete'], expected=job['expected'],
                            last_run=(service.get('JobStatus') or {}).get('LastExecution'),
                            errors=task_errors(job['failed'])))
        return out
    desired = replicas if kind == 'replicated' else len(live)
    checked = has_healthcheck(spec, (image or {}).get('config'))
    out.update(
        desired=desired, running=len(running), starting=len([t for t in live if _state(t) == 'starting']),
        healthy=len(running) if checked else None, healthcheck=checked,
        nodes=sorted(set(node_names.get(t.get('NodeID'), t.get('NodeID')) for t in running if t.get('NodeID'))),
        tasks=[dict(id=t.get('ID'), slot=t.get('Slot'), node=node_names.get(t.get('NodeID'), t.get('NodeID')),
                    node_id=t.get('NodeID'), state=_state(t),
                    container_id=((t.get('Status') or {}).get('ContainerStatus') or {}).get('ContainerID'))
               for t in sorted(live, key=lambda t: (t.get('Slot') or 0, t.get('NodeID') or ''))],
        errors=task_errors([t for t in tasks
                            if t.get('DesiredState') == 'running' or _state(t) in ('failed', 'rejected')]),
        job=None,
    )
    return out


def service_volumes(service):
    """The named volumes a service mounts."""
    container = (((service or {}).get('Spec') or {}).get('TaskTemplate') or {}).get('ContainerSpec') or {}
    return [m.get('Source') for m in container.get('Mounts') or [] if m.get('Type') == 'volume' and m.get('Source')]


def volume_status(disk_usage_volumes, names, stack, node):
    """The volumes of ``names`` (or labelled with the stack) on this node, with size and mount point."""
    out = []
    for volume in disk_usage_volumes or []:
        labels = volume.get('Labels') or {}
        if volume.get('Name') not in names and labels.get('com.docker.stack.namespace') != stack:
            continue
        usage = volume.get('UsageData') or {}
        size = usage.get('Size')
        out.append(dict(name=volume.get('Name'), node=node, driver=volume.get('Driver'),
                        mountpoint=volume.get('Mountpoint'), size=size if size is not None and size >= 0 else None,
                        size_human=human_size(size), in_use_by=usage.get('RefCount')))
    return sorted(out, key=lambda v: v['name'])


def human_size(size):
    if size is None or size < 0:
        return None
    value = float(size)
    for unit in ('B', 'kB', 'MB', 'GB', 'TB'):
        if value < 1000 or unit == 'TB':
            return ('%d %s' % (value, unit)) if unit == 'B' else ('%.1f %s' % (value, unit))
        value /= 1000.0
    return None  # pragma: no cover
