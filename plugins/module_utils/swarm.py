# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Desired-state logic for the swarm and its nodes, free of I/O so that it can be unit tested.

- ``SWARM_SETTINGS`` maps module options to paths in the Docker swarm ``Spec``; ``spec_changes`` compares.
- ``node_summary`` gives the facts the modules return for one node.
- ``quorum_problem`` is the Raft quorum guard used before demoting or removing a manager.
- ``node_spec_changes`` computes a node's new spec (role, labels, availability).
"""

from __future__ import annotations

import copy
import re

from ansible_collections.geostack.swarm.plugins.module_utils.changes import change_record
from ansible_collections.geostack.swarm.plugins.module_utils.durations import parse_duration
from ansible_collections.geostack.swarm.plugins.module_utils.host import addr_host

JOIN_TOKEN_RE = re.compile(r'^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}\Z')

# option name -> (path in the swarm Spec, converter from the option's value to the API's value)
SWARM_SETTINGS = {
    'task_history_retention_limit': (('Orchestration', 'TaskHistoryRetentionLimit'), int),
    'snapshot_interval': (('Raft', 'SnapshotInterval'), int),
    'keep_old_snapshots': (('Raft', 'KeepOldSnapshots'), int),
    'log_entries_for_slow_followers': (('Raft', 'LogEntriesForSlowFollowers'), int),
    'heartbeat_tick': (('Raft', 'HeartbeatTick'), int),
    'election_tick': (('Raft', 'ElectionTick'), int),
    'dispatcher_heartbeat_period': (('Dispatcher', 'HeartbeatPeriod'), 'duration'),
    'node_cert_expiry': (('CAConfig', 'NodeCertExpiry'), 'duration'),
    'autolock_managers': (('EncryptionConfig', 'AutoLockManagers'), bool),
    'labels': (('Labels',), dict),
}


class SpecError(ValueError):
    """A module option has a value the engine would not accept; the message names the option."""


def desired_settings(params):
    """``{path: api_value}`` for every swarm setting the user set (None means: leave as it is)."""
    desired = {}
    for option, (path, kind) in SWARM_SETTINGS.items():
        value = params.get(option)
        if value is None:
            continue
        if kind == 'duration':
            value = parse_duration(value, option, SpecError)
        elif kind is int:
            if int(value) < 0:
                raise SpecError('%s must not be negative, got %s' % (option, value))
            value = int(value)
        elif kind is dict:
            # the engine's labels are strings; YAML gives ints and bools for values such as 1 or true
            value = dict((str(k), str(v)) for k, v in value.items())
        else:
            value = kind(value)
        desired[path] = value
    if desired.get(('Raft', 'ElectionTick')) is not None:
        heartbeat = desired.get(('Raft', 'HeartbeatTick'), 1)
        if desired[('Raft', 'ElectionTick')] <= heartbeat:
            raise SpecError('election_tick (%s) must be greater than heartbeat_tick (%s)'
                            % (desired[('Raft', 'ElectionTick')], heartbeat))
    return desired


def _get(spec, path):
    node = spec
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _set(spec, path, value):
    node = spec
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value


def spec_changes(current_spec, desired):
    """``(new_spec, changes)``: the full spec to send and ``[{setting, before, after}]`` for what differs."""
    new_spec = copy.deepcopy(current_spec or {})
    changes = []
    for path, value in sorted(desired.items()):
        before = _get(new_spec, path)
        normalized = before
        if isinstance(value, bool):
            normalized = bool(before)
        elif isinstance(value, dict):
            normalized = before or {}
        elif before is None and value == 0:
            normalized = 0
        if normalized != value:
            changes.append(change_record('.'.join(path), before, value))
            _set(new_spec, path, value)
    return new_spec, changes


def spec_for_init(desired):
    spec = {}
    for path, value in desired.items():
        _set(spec, path, value)
    return spec


def swarm_summary(swarm):
    """What the modules return about a swarm (no join tokens)."""
    spec = swarm.get('Spec') or {}
    return dict(
        id=swarm.get('ID'),
        created_at=swarm.get('CreatedAt'),
        updated_at=swarm.get('UpdatedAt'),
        default_addr_pool=swarm.get('DefaultAddrPool'),
        subnet_size=swarm.get('SubnetSize'),
        data_path_port=swarm.get('DataPathPort'),
        root_rotation_in_progress=swarm.get('RootRotationInProgress'),
        settings=dict((option, _get(spec, path)) for option, (path, _kind) in sorted(SWARM_SETTINGS.items())),
    )


def node_summary(node):
    """The facts returned for one node."""
    spec = node.get('Spec') or {}
    desc = node.get('Description') or {}
    status = node.get('Status') or {}
    manager = node.get('ManagerStatus')
    return dict(
        id=node.get('ID'),
        hostname=desc.get('Hostname'),
        role=spec.get('Role'),
        availability=spec.get('Availability'),
        labels=spec.get('Labels') or {},
        state=status.get('State'),
        addr=status.get('Addr'),
        engine_version=(desc.get('Engine') or {}).get('EngineVersion'),
        manager=None if not manager else dict(
            leader=bool(manager.get('Leader')), reachability=manager.get('Reachability'), addr=manager.get('Addr')),
    )


def quorum(managers):
    return managers // 2 + 1


def quorum_problem(nodes, node_id, action, force=False):
    """Why demoting or removing ``node_id`` would lose the Raft quorum, or None when it is safe.

    ``action`` is ``demote`` or ``remove``. The last manager can only go with ``force`` (it ends the swarm);
    losing quorum is refused even with ``force``.
    """
    managers = [n for n in nodes if (n.get('Spec') or {}).get('Role') == 'manager']
    target = [n for n in managers if n.get('ID') == node_id]
    if not target:
        return None
    total = len(managers)
    reachable = [n for n in managers if (n.get('ManagerStatus') or {}).get('Reachability') == 'reachable']
    target_reachable = (target[0].get('ManagerStatus') or {}).get('Reachability') == 'reachable'
    name = (target[0].get('Description') or {}).get('Hostname') or node_id
    if total == 1:
        if force:
            return None
        return ('refusing to %s %s: it is the last manager of the swarm, and the swarm would be lost '
                '(set force=true only to destroy the swarm)' % (action, name))
    remaining = total - 1
    remaining_reachable = len(reachable) - (1 if target_reachable else 0)
    needed = quorum(remaining)
    if remaining_reachable < needed:
        return ('refusing to %s manager %s: %d of %d managers would remain, %d of them reachable, and the Raft '
                'quorum needs %d; bring the unreachable managers back (or remove them) first'
                % (action, name, remaining, total, remaining_reachable, needed))
    return None


def node_spec_changes(node, role=None, labels=None, labels_state='merge', labels_to_remove=None, availability=None):
    """``(new_spec, changes)`` for a node: what to send to ``update_node`` and what differs."""
    spec = copy.deepcopy(node.get('Spec') or {})
    changes = []
    if role is not None and spec.get('Role') != role:
        changes.append(change_record('role', spec.get('Role'), role))
        spec['Role'] = role
    if availability is not None and spec.get('Availability') != availability:
        changes.append(change_record('availability', spec.get('Availability'), availability))
        spec['Availability'] = availability
    current = dict(spec.get('Labels') or {})
    wanted = dict(current)
    if labels is not None:
        labels = dict((str(k), str(v)) for k, v in labels.items())
        if labels_state == 'replace':
            wanted = dict(labels)
        else:
            wanted.update(labels)
    for key in labels_to_remove or []:
        if labels is not None and key in labels:
            continue
        wanted.pop(key, None)
    if wanted != current:
        changes.append(change_record('labels', current, wanted))
        spec['Labels'] = wanted
    return spec, changes


def check_join_token(token):
    """Why ``token`` is not a swarm join token, or None."""
    if token is None:
        return 'join_token is required to join a swarm'
    if not JOIN_TOKEN_RE.match(token):
        return ('join_token is not a swarm join token (expected SWMTKN-1-<50 characters>-<25 characters>, '
                'as printed by swarm_cluster in join_tokens.worker or join_tokens.manager)')
    return None


def join_failure(text, remote_addrs):
    """The message for a join the managers refused, naming the option to look at."""
    managers = ', '.join(remote_addrs or [])
    lowered = text.lower()
    if 'fingerprint' in lowered:
        return ('join_token belongs to another swarm: its CA fingerprint does not match the managers at %s (%s)'
                % (managers, text))
    if 'token' in lowered:
        return ('join_token was refused by the managers at %s: %s. Use a current token of that swarm '
                '(swarm_cluster returns them; a rotated token no longer works)' % (managers, text))
    if any(word in lowered for word in ('connection', 'deadline', 'unavailable', 'timeout', 'no route')):
        return ('could not reach a manager at remote_addrs=%s: %s. Check the addresses and that 2377/tcp is open'
                % (managers, text))
    return 'Joining the swarm at %s failed: %s' % (managers, text)


def membership_problem(state, remote_addrs=None, cluster_id=None):
    """Why this engine, already in a swarm, is not in the intended one, or None."""
    if cluster_id and state.get('cluster_id') and state['cluster_id'] != cluster_id:
        return ('this host is a member of swarm %s, not of the intended swarm %s (cluster_id); '
                'make it leave first (state=absent)' % (state['cluster_id'], cluster_id))
    if remote_addrs and state.get('remote_managers'):
        wanted = set(addr_host(a) for a in remote_addrs)
        known = set(addr_host(a) for a in state['remote_managers'])
        if state.get('node_addr'):
            known.add(addr_host(state['node_addr']))
        if not wanted & known:
            return ('this host is a member of another swarm: its managers are %s, none of remote_addrs (%s); '
                    'make it leave first (state=absent)'
                    % (', '.join(sorted(state['remote_managers'])), ', '.join(remote_addrs)))
    return None


# -- readiness predicates for the waiter: each returns (ready, what was seen) ------------------------------

def node_reached(client, node_id, role=None, states=('ready',)):
    def predicate():
        node = client.find_node(node_id)
        if node is None:
            return False, 'node %s not in the swarm' % node_id
        s = node_summary(node)
        ok = s['state'] in states and (role is None or s['role'] == role)
        if ok and role == 'manager':
            ok = (s['manager'] or {}).get('reachability') == 'reachable'
        return ok, 'state=%s role=%s reachability=%s' % (s['state'], s['role'], (s['manager'] or {}).get('reachability'))
    return predicate


ACTIVE_TASK_STATES = ('new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running')


def node_drained(client, node_id):
    """Ready when no task runs on the node any more and every replicated service has its replicas elsewhere."""
    def predicate():
        on_node = [t for t in client.tasks(filters={'node': node_id})
                   if (t.get('Status') or {}).get('State') in ACTIVE_TASK_STATES]
        if on_node:
            return False, '%d task(s) still on the node: %s' % (
                len(on_node), ', '.join(sorted(set(t.get('ServiceID', '?')[:12] for t in on_node))))
        short = services_short_of_replicas(client)
        if short:
            return False, 'services not yet rescheduled: %s' % ', '.join(short)
        return True, 'no tasks on the node; every replicated service has its replicas'
    return predicate


def services_short_of_replicas(client):
    short = []
    running = {}
    for task in client.tasks(filters={'desired-state': 'running'}):
        if (task.get('Status') or {}).get('State') == 'running':
            running[task.get('ServiceID')] = running.get(task.get('ServiceID'), 0) + 1
    for service in client.services():
        mode = (service.get('Spec') or {}).get('Mode') or {}
        replicas = (mode.get('Replicated') or {}).get('Replicas')
        if replicas is None:
            continue
        if running.get(service.get('ID'), 0) < replicas:
            short.append('%s (%d/%d running)' % ((service.get('Spec') or {}).get('Name'),
                                                 running.get(service.get('ID'), 0), replicas))
    return short
