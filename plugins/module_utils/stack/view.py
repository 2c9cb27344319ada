# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one canonical view of a service ``Spec``, applied to the desired spec and to the engine's: defaults the engine
fills are filled, absent equals empty, lists that Docker treats as sets are sorted, durations in ns.
``differences`` compares two views setting by setting, as change records.
"""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.changes import change_record
from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import (
    JOB_MODES,
    RESTART_DEFAULTS,
    SECRET_FILE_DEFAULTS,
    UPDATE_DEFAULTS,
    capability_list,
)


def mode_of(mode):
    """``(kind, replicas, max_concurrent)`` of a ``Spec.Mode``."""
    mode = mode or {}
    if 'Global' in mode:
        return 'global', None, None
    if 'ReplicatedJob' in mode:
        job = mode['ReplicatedJob'] or {}
        return 'replicated-job', int(job.get('TotalCompletions') or 0), int(job.get('MaxConcurrent') or 0) or 1
    if 'GlobalJob' in mode:
        return 'global-job', None, None
    replicas = (mode.get('Replicated') or {}).get('Replicas')
    return 'replicated', int(replicas if replicas is not None else 1), None


def _update_view(config, rollback=False):
    config = config or {}
    view = dict(UPDATE_DEFAULTS)
    if config:
        # a given UpdateConfig takes the Go zero values for what it leaves out (monitor 0 means the default)
        view.update(parallelism=int(config.get('Parallelism') or 0), delay=int(config.get('Delay') or 0),
                    failure_action=config.get('FailureAction') or 'pause',
                    monitor=int(config.get('Monitor') or 0) or UPDATE_DEFAULTS['monitor'],
                    max_failure_ratio=float(config.get('MaxFailureRatio') or 0),
                    order=config.get('Order') or 'stop-first')
    return view


def _refs_view(refs, kind):
    out = []
    for ref in refs or []:
        file_target = ref.get('File')
        if not file_target:
            continue
        mode = file_target.get('Mode')
        out.append(dict(name=ref.get('%sName' % kind), target=file_target.get('Name'),
                        uid=file_target.get('UID') or SECRET_FILE_DEFAULTS['uid'],
                        gid=file_target.get('GID') or SECRET_FILE_DEFAULTS['gid'],
                        mode='%04o' % (mode if mode is not None else SECRET_FILE_DEFAULTS['mode'])))
    return sorted(out, key=lambda r: r['target'] or '')


def _resources_view(resources):
    view = {}
    for part, api_part in (('limits', 'Limits'), ('reservations', 'Reservations')):
        values = (resources or {}).get(api_part) or {}
        pairs = (('nano_cpus', values.get('NanoCPUs')), ('memory_bytes', values.get('MemoryBytes')))
        view[part] = dict((k, int(v)) for k, v in pairs if v)
    return view


def service_view(spec, network_ids=None):
    """The canonical, comparable view of a service ``Spec`` (desired or the engine's).

    ``network_ids`` maps network names to IDs, for specs that name their networks.
    """
    spec = spec or {}
    task = spec.get('TaskTemplate') or {}
    container = task.get('ContainerSpec') or {}
    kind, replicas, max_concurrent = mode_of(spec.get('Mode'))
    job = kind in JOB_MODES
    networks = task.get('Networks') or spec.get('Networks') or []
    endpoint = spec.get('EndpointSpec') or {}
    health = container.get('Healthcheck')
    restart = task.get('RestartPolicy')
    placement = task.get('Placement') or {}
    log_driver = task.get('LogDriver') or {}
    mounts = []
    for m in container.get('Mounts') or []:
        mounts.append(dict(type=m.get('Type') or 'volume', source=m.get('Source') or None, target=m.get('Target'),
                           read_only=bool(m.get('ReadOnly')),
                           tmpfs_size=int((m.get('TmpfsOptions') or {}).get('SizeBytes') or 0) or None))
    ports = []
    for p in endpoint.get('Ports') or []:
        ports.append(dict(published=int(p.get('PublishedPort') or 0) or None, target=int(p.get('TargetPort') or 0),
                          protocol=p.get('Protocol') or 'tcp', mode=p.get('PublishMode') or 'ingress'))
    return dict(
        image=container.get('Image'),
        entrypoint=list(container.get('Command') or []),
        command=list(container.get('Args') or []),
        env=sorted(container.get('Env') or []),
        user=container.get('User') or None,
        working_dir=container.get('Dir') or None,
        hostname=container.get('Hostname') or None,
        stop_signal=container.get('StopSignal') or None,
        stop_grace_period=int(container.get('StopGracePeriod') or 0) or None,
        init=container.get('Init'),
        read_only=bool(container.get('ReadOnly')),
        cap_add=capability_list(container.get('CapabilityAdd')),
        cap_drop=capability_list(container.get('CapabilityDrop')),
        labels=dict(spec.get('Labels') or {}),
        container_labels=dict(container.get('Labels') or {}),
        mode=kind,
        replicas=replicas,
        max_concurrent=max_concurrent,
        networks=sorted(
            [dict(target=(network_ids or {}).get(n.get('Target'), n.get('Target')),
                  aliases=sorted(set(n.get('Aliases') or []))) for n in networks],
            key=lambda n: n['target'] or ''),
        endpoint_mode=endpoint.get('Mode') or 'vip',
        ports=sorted(ports, key=lambda p: (p['target'], p['protocol'], p['published'] or 0, p['mode'])),
        secrets=_refs_view(container.get('Secrets'), 'Secret'),
        configs=_refs_view(container.get('Configs'), 'Config'),
        mounts=sorted(mounts, key=lambda m: m['target'] or ''),
        healthcheck=None if health is None else dict(
            test=list(health.get('Test') or []), interval=int(health.get('Interval') or 0),
            timeout=int(health.get('Timeout') or 0), retries=int(health.get('Retries') or 0),
            start_period=int(health.get('StartPeriod') or 0)),
        resources=_resources_view(task.get('Resources')),
        placement=dict(constraints=sorted(placement.get('Constraints') or []),
                       preferences=[dict(spread=(p.get('Spread') or {}).get('SpreadDescriptor'))
                                    for p in placement.get('Preferences') or []],
                       max_replicas_per_node=int(placement.get('MaxReplicas') or 0)),
        update_config=None if job else _update_view(spec.get('UpdateConfig')),
        rollback_config=None if job else _update_view(spec.get('RollbackConfig'), rollback=True),
        restart_policy=dict(RESTART_DEFAULTS) if restart is None else dict(
            condition=restart.get('Condition') or 'any',
            delay=int(restart['Delay']) if restart.get('Delay') is not None else RESTART_DEFAULTS['delay'],
            max_attempts=int(restart.get('MaxAttempts') or 0), window=int(restart.get('Window') or 0)),
        logging=dict(driver=log_driver.get('Name'), options=dict(log_driver.get('Options') or {}))
        if log_driver.get('Name') else None,
        force_update=int(task.get('ForceUpdate') or 0),
    )


def _flatten(prefix, before, after, out):
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            _flatten('%s.%s' % (prefix, key) if prefix else str(key), before.get(key), after.get(key), out)
    elif before != after:
        out.append(change_record(prefix, before, after))


def differences(before, after):
    """Change records ``[{setting, before, after}]`` between two views; nested settings by dotted path
    (``update_config.order``).

    An image pinned by digest on the engine equals the same image asked for without a digest.
    """
    if before is None or after is None:
        return []
    before = dict(before)
    if before.get('image') and after.get('image') and '@' in before['image'] and '@' not in after['image']:
        before['image'] = before['image'].split('@', 1)[0]
    out = []
    _flatten('', before, after, out)
    return out
