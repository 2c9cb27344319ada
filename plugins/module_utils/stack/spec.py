# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Docker service ``Spec`` of one parsed service (raw API dicts: the SDK's typed helpers lack job modes and
differ between SDK versions), and the keyword arguments of ``create_service``/``update_service``.
"""

from __future__ import annotations

import copy

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import NAMESPACE_LABEL, SECRET_FILE_DEFAULTS


def _prune(value):
    """Drop None values (the SDK sends them as JSON null otherwise)."""
    return dict((k, v) for k, v in value.items() if v is not None)


def _update_spec(config):
    if config is None:
        return None
    return dict(Parallelism=config['parallelism'], Delay=config['delay'], FailureAction=config['failure_action'],
                Monitor=config['monitor'], MaxFailureRatio=config['max_failure_ratio'], Order=config['order'])


def _ref_spec(ref, objects, ids, kind):
    name = objects[ref['source']]['name']
    spec = {'File': dict(Name=ref['target'],
                         UID=ref['uid'] if ref['uid'] is not None else SECRET_FILE_DEFAULTS['uid'],
                         GID=ref['gid'] if ref['gid'] is not None else SECRET_FILE_DEFAULTS['gid'],
                         Mode=ref['mode'] if ref['mode'] is not None else SECRET_FILE_DEFAULTS['mode'])}
    spec['%sID' % kind] = ids.get(name) or ''
    spec['%sName' % kind] = name
    return spec


def mode_spec(svc):
    if svc['mode'] == 'replicated':
        return {'Replicated': {'Replicas': svc['replicas']}}
    if svc['mode'] == 'global':
        return {'Global': {}}
    if svc['mode'] == 'replicated-job':
        return {'ReplicatedJob': {'MaxConcurrent': svc['max_concurrent'], 'TotalCompletions': svc['replicas']}}
    return {'GlobalJob': {}}


def service_spec(stack, svc, network_ids, secret_ids=None, config_ids=None):
    """The Docker ``Spec`` of one service. ``*_ids`` map Docker names to IDs (empty for objects not yet created)."""
    container = _prune(dict(
        Image=svc['image'],
        Labels=dict(svc['container_labels'], **{NAMESPACE_LABEL: stack['name']}),
        Command=svc['entrypoint'],
        Args=svc['command'],
        Env=svc['env'] or None,
        User=svc['user'],
        Dir=svc['working_dir'],
        Hostname=svc['hostname'],
        StopSignal=svc['stop_signal'],
        StopGracePeriod=svc['stop_grace_period'],
        Init=svc['init'],
        ReadOnly=svc['read_only'] or None,
        CapabilityAdd=svc['cap_add'] or None,
        CapabilityDrop=svc['cap_drop'] or None,
    ))
    if svc['mounts']:
        mounts = []
        for m in svc['mounts']:
            mount = _prune(dict(Type=m['type'], Source=m['source'], Target=m['target'], ReadOnly=m['read_only']))
            if m['tmpfs_size']:
                mount['TmpfsOptions'] = dict(SizeBytes=m['tmpfs_size'])
            mounts.append(mount)
        container['Mounts'] = mounts
    if svc['healthcheck'] is not None:
        hc = svc['healthcheck']
        container['Healthcheck'] = dict(Test=hc['test'], Interval=hc['interval'], Timeout=hc['timeout'],
                                        Retries=hc['retries'], StartPeriod=hc['start_period'])
    if svc['secrets']:
        container['Secrets'] = [_ref_spec(r, stack['secrets'], secret_ids or {}, 'Secret') for r in svc['secrets']]
    if svc['configs']:
        container['Configs'] = [_ref_spec(r, stack['configs'], config_ids or {}, 'Config') for r in svc['configs']]
    policy = svc['restart_policy']
    task = dict(
        ContainerSpec=container,
        RestartPolicy=dict(Condition=policy['condition'], Delay=policy['delay'], MaxAttempts=policy['max_attempts'],
                           Window=policy['window']),
        ForceUpdate=svc['force_update'],
    )
    resources = {}
    for part, api_part in (('limits', 'Limits'), ('reservations', 'Reservations')):
        values = svc['resources'][part]
        if values:
            resources[api_part] = _prune(dict(NanoCPUs=values.get('nano_cpus'), MemoryBytes=values.get('memory_bytes')))
    if resources:
        task['Resources'] = resources
    placement = svc['placement']
    if placement['constraints'] or placement['preferences'] or placement['max_replicas_per_node']:
        task['Placement'] = _prune(dict(
            Constraints=placement['constraints'] or None,
            Preferences=[{'Spread': {'SpreadDescriptor': p['spread']}} for p in placement['preferences']] or None,
            MaxReplicas=placement['max_replicas_per_node'] or None))
    if svc['networks']:
        task['Networks'] = [dict(Target=network_ids.get(n['name'], n['name']), Aliases=n['aliases'])
                            for n in svc['networks']]
    if svc['logging']:
        task['LogDriver'] = dict(Name=svc['logging']['driver'], Options=svc['logging']['options'])
    endpoint = dict(Mode=svc['endpoint_mode'])
    if svc['ports']:
        endpoint['Ports'] = [_prune(dict(Protocol=p['protocol'], TargetPort=p['target'], PublishedPort=p['published'],
                                         PublishMode=p['mode'])) for p in svc['ports']]
    return _prune(dict(
        Name=svc['name'],
        Labels=dict(svc['labels'], **{NAMESPACE_LABEL: stack['name']}),
        TaskTemplate=task,
        Mode=mode_spec(svc),
        UpdateConfig=_update_spec(svc['update_config']),
        RollbackConfig=_update_spec(svc['rollback_config']),
        EndpointSpec=endpoint,
    ))


def create_kwargs(spec):
    """Keyword arguments of ``APIClient.create_service`` (and ``update_service``) for a spec."""
    return dict(task_template=copy.deepcopy(spec['TaskTemplate']), name=spec['Name'], labels=spec.get('Labels') or {},
                mode=spec['Mode'], update_config=spec.get('UpdateConfig'),
                rollback_config=spec.get('RollbackConfig'), endpoint_spec=spec.get('EndpointSpec'))
