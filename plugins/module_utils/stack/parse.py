# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geo_stack's input, validated and normalised: ``parse_stack`` (every error names its path), ``resolve_networks``.

Secrets and configs get their Docker names (``<stack>_<key>_<first 12 hex of sha256(data)>``). ``SERVICE_KEYS``
is what a service may hold (unknown keys are refused).
"""

from __future__ import annotations

import hashlib
import re

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import (
    ENDPOINT_MODES,
    JOB_MODES,
    KEY_LABEL,
    MODES,
    NAMESPACE_LABEL,
    OBJECT_NAME_MAX,
    OBJECT_NAME_RE,
    RESTART_DEFAULTS,
    UPDATE_DEFAULTS,
    StackError,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.values import (
    check_keys,
    check_name,
    is_number,
    items_with_paths,
    parse_bool,
    parse_capabilities,
    parse_choice,
    parse_cpus,
    parse_duration,
    parse_file_mode,
    parse_id,
    parse_int,
    parse_memory,
    parse_ratio,
    parse_str,
    parse_string_list,
    parse_string_map,
    type_name,
)

_FILE_REF = dict.fromkeys(('source', 'target', 'uid', 'gid', 'mode'))
_UPDATE = dict.fromkeys(('parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'))
_LIMITS = dict.fromkeys(('cpus', 'memory'))

# What a service may hold, by key (unknown keys are refused): None for a value, or the keys of the dict (or of each
# dict of the list) that the key holds, nested the same way. geo_stack's DOCUMENTATION describes the same keys (the
# suboptions of its option services); a unit test compares the two at every level.
SERVICE_SCHEMA = dict(
    image=None, entrypoint=None, command=None, env=None, user=None, working_dir=None, hostname=None, stop_signal=None,
    stop_grace_period=None, init=None, read_only=None, cap_add=None, cap_drop=None, mode=None, replicas=None, max_concurrent=None, labels=None,
    container_labels=None,
    networks=dict.fromkeys(('name', 'aliases')),
    ports=dict.fromkeys(('published', 'target', 'protocol', 'mode')),
    endpoint_mode=None,
    secrets=_FILE_REF,
    configs=_FILE_REF,
    mounts=dict.fromkeys(('type', 'source', 'target', 'read_only', 'tmpfs_size')),
    healthcheck=dict.fromkeys(('test', 'interval', 'timeout', 'retries', 'start_period', 'disable')),
    resources=dict(limits=_LIMITS, reservations=_LIMITS),
    placement=dict(constraints=None, preferences=dict(spread=None), max_replicas_per_node=None),
    update_config=_UPDATE,
    rollback_config=_UPDATE,
    restart_policy=dict.fromkeys(('condition', 'delay', 'max_attempts', 'window')),
    logging=dict.fromkeys(('driver', 'options')),
    force_update=None,
)
SERVICE_KEYS = tuple(SERVICE_SCHEMA)


def object_name(stack, key, data):
    """Docker name of a secret or config: a change of data makes a new name, so services using it roll."""
    return '%s_%s_%s' % (stack, key, hashlib.sha256(data.encode('utf-8')).hexdigest()[:12])


def parse_objects(stack, objects, kind):
    """``secrets`` or ``configs``: ``{key: {data, labels}}`` with Docker names. Never shows the data."""
    out = {}
    if objects is None:
        return out
    if not isinstance(objects, dict):
        raise StackError('%s: must be a dict of {data, labels}, not %s' % (kind, type_name(objects)))
    for key, value in objects.items():
        path = '%s.%s' % (kind, key)
        check_name(str(key), path, OBJECT_NAME_RE, OBJECT_NAME_MAX, 'a %s name' % kind[:-1])
        check_keys(value, path, ('data', 'labels'), required=('data',))
        if not isinstance(value['data'], str):
            raise StackError('%s.data: must be a string, not %s' % (path, type_name(value['data'])))
        name = object_name(stack, key, value['data'])
        check_name(name, path, OBJECT_NAME_RE, OBJECT_NAME_MAX, 'a %s name' % kind[:-1])
        labels = parse_string_map(value.get('labels'), path + '.labels')
        labels.update({NAMESPACE_LABEL: stack, KEY_LABEL: str(key)})
        out[str(key)] = dict(name=name, data=value['data'], labels=labels)
    return out


def parse_refs(value, path, declared, kind):
    """A service's ``secrets`` or ``configs``: sources must be declared at the top level."""
    out = []
    targets = set()
    for index, ref in enumerate(value or []):
        item_path = '%s[%d]' % (path, index)
        if isinstance(ref, str):
            ref = dict(source=ref)
        check_keys(ref, item_path, _FILE_REF, required=('source',))
        source = parse_str(ref['source'], item_path + '.source')
        if source not in declared:
            raise StackError('%s.source: %s %r is not declared in %s (declared: %s)' % (
                item_path, kind[:-1], source, kind, ', '.join(sorted(declared)) or 'none'))
        default_target = source if kind == 'secrets' else '/' + source
        target = parse_str(ref.get('target') or default_target, item_path + '.target')
        if target in targets:
            raise StackError('%s.target: %r is used twice' % (item_path, target))
        targets.add(target)
        out.append(dict(
            source=source, target=target,
            uid=parse_id(ref['uid'], item_path + '.uid') if ref.get('uid') is not None else None,
            gid=parse_id(ref['gid'], item_path + '.gid') if ref.get('gid') is not None else None,
            mode=parse_file_mode(ref['mode'], item_path + '.mode') if ref.get('mode') is not None else None))
    return out


def parse_env(value, path):
    if value is None:
        return []
    items = []
    if isinstance(value, list):
        for index, entry in enumerate(value):
            entry = parse_str(entry, '%s[%d]' % (path, index))
            if '=' not in entry:
                raise StackError('%s[%d]: %r is not NAME=value' % (path, index, entry))
            items.append(entry)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, bool):
                raise StackError('%s.%s: %r is a boolean; quote it ("%s") if a string is meant (YAML reads '
                                 'yes/no/true as booleans)' % (path, key, item, str(item).lower()))
            if not isinstance(item, str) and not is_number(item):
                raise StackError('%s.%s: must be a string or a number, not %s' % (path, key, type_name(item)))
            items.append('%s=%s' % (key, item))
    else:
        raise StackError('%s: must be a dict (or a list of NAME=value), not %s' % (path, type_name(value)))
    names = [entry.split('=', 1)[0] for entry in items]
    dupes = sorted(set(n for n in names if names.count(n) > 1))
    if dupes:
        raise StackError('%s: %s set twice' % (path, ', '.join(dupes)))
    return sorted(items)


def parse_networks(value, path, key):
    out = []
    if value is None:
        return out
    if not isinstance(value, list):
        raise StackError('%s: must be a list, not %s' % (path, type_name(value)))
    for index, net in enumerate(value):
        item_path = '%s[%d]' % (path, index)
        if isinstance(net, str):
            net = dict(name=net)
        check_keys(net, item_path, SERVICE_SCHEMA['networks'], required=('name',))
        aliases = parse_string_list(net.get('aliases'), item_path + '.aliases') or []
        out.append(dict(name=parse_str(net['name'], item_path + '.name'), aliases=sorted(set(aliases + [key]))))
    names = [n['name'] for n in out]
    dupes = sorted(set(n for n in names if names.count(n) > 1))
    if dupes:
        raise StackError('%s: network %s listed twice' % (path, ', '.join(dupes)))
    return out


def parse_ports(value, path, endpoint_mode):
    out = []
    for index, port in enumerate(value or []):
        item_path = '%s[%d]' % (path, index)
        check_keys(port, item_path, SERVICE_SCHEMA['ports'], required=('target',))
        parsed = dict(
            target=parse_int(port['target'], item_path + '.target', 1, 65535),
            published=parse_int(port['published'], item_path + '.published', 1, 65535)
            if port.get('published') is not None else None,
            protocol=parse_choice(port.get('protocol') or 'tcp', item_path + '.protocol', ('tcp', 'udp', 'sctp')),
            mode=parse_choice(port.get('mode') or 'ingress', item_path + '.mode', ('ingress', 'host')))
        if parsed['mode'] == 'ingress' and endpoint_mode == 'dnsrr':
            raise StackError('%s.mode: a port published in mode ingress (the routing mesh) cannot be used with '
                             'endpoint_mode dnsrr (Docker refuses it); publish it with mode: host, or use '
                             'endpoint_mode vip' % item_path)
        out.append(parsed)
    published = [(p['published'], p['protocol']) for p in out if p['published']]
    if len(published) != len(set(published)):
        raise StackError('%s: a published port is used twice' % path)
    return out


def parse_mounts(value, path):
    out = []
    for index, mount in enumerate(value or []):
        item_path = '%s[%d]' % (path, index)
        check_keys(mount, item_path, SERVICE_SCHEMA['mounts'], required=('target',))
        kind = parse_choice(mount.get('type') or 'volume', item_path + '.type', ('volume', 'bind', 'tmpfs'))
        source = parse_str(mount['source'], item_path + '.source') if mount.get('source') is not None else None
        if kind == 'bind' and not (source or '').startswith('/'):
            raise StackError('%s.source: a bind mount needs an absolute source path' % item_path)
        if kind == 'tmpfs' and source:
            raise StackError('%s.source: a tmpfs mount has no source' % item_path)
        if kind != 'tmpfs' and mount.get('tmpfs_size') is not None:
            raise StackError('%s.tmpfs_size: only for type tmpfs' % item_path)
        target = parse_str(mount['target'], item_path + '.target')
        if not target.startswith('/'):
            raise StackError('%s.target: %r is not an absolute path' % (item_path, target))
        out.append(dict(
            type=kind, source=source or None, target=target,
            read_only=parse_bool(mount['read_only'], item_path + '.read_only')
            if mount.get('read_only') is not None else False,
            tmpfs_size=parse_memory(mount['tmpfs_size'], item_path + '.tmpfs_size')
            if mount.get('tmpfs_size') is not None else None))
    targets = [m['target'] for m in out]
    dupes = sorted(set(t for t in targets if targets.count(t) > 1))
    if dupes:
        raise StackError('%s: %s mounted twice' % (path, ', '.join(dupes)))
    return out


def parse_healthcheck(value, path):
    if value is None:
        return None
    check_keys(value, path, SERVICE_SCHEMA['healthcheck'])
    if value.get('disable') is not None and parse_bool(value['disable'], path + '.disable'):
        others = sorted(k for k in value if k != 'disable' and value[k] is not None)
        if others:
            raise StackError('%s: disable: true cannot be combined with %s' % (path, ', '.join(others)))
        return dict(test=['NONE'], interval=0, timeout=0, retries=0, start_period=0)
    test = value.get('test')
    if test is None:
        raise StackError('%s.test is required (or disable: true)' % path)
    if isinstance(test, str):
        test = ['CMD-SHELL', test]
    else:
        test = parse_string_list(test, path + '.test')
        if not test or test[0] not in ('CMD', 'CMD-SHELL'):
            raise StackError('%s.test: a list must start with CMD or CMD-SHELL (or give a shell string)' % path)
        if len(test) < 2:
            raise StackError('%s.test: %s needs a command' % (path, test[0]))
    out = dict(test=test, retries=0)
    for key in ('interval', 'timeout', 'start_period'):
        out[key] = parse_duration(value[key], '%s.%s' % (path, key)) if value.get(key) is not None else 0
        if 0 < out[key] < 10 ** 6:
            raise StackError('%s.%s: less than the 1ms Docker accepts' % (path, key))
    if value.get('retries') is not None:
        out['retries'] = parse_int(value['retries'], path + '.retries')
    return out


def parse_resources(value, path):
    out = dict(limits={}, reservations={})
    if value is None:
        return out
    check_keys(value, path, SERVICE_SCHEMA['resources'])
    for part in ('limits', 'reservations'):
        if value.get(part) is None:
            continue
        part_path = '%s.%s' % (path, part)
        check_keys(value[part], part_path, SERVICE_SCHEMA['resources'][part])
        if value[part].get('cpus') is not None:
            out[part]['nano_cpus'] = parse_cpus(value[part]['cpus'], part_path + '.cpus')
        if value[part].get('memory') is not None:
            memory = parse_memory(value[part]['memory'], part_path + '.memory')
            if 0 < memory < 4 * 1024 * 1024:
                raise StackError('%s.memory: %r is less than the 4M Docker accepts'
                                 % (part_path, value[part]['memory']))
            out[part]['memory_bytes'] = memory
        out[part] = dict((k, v) for k, v in out[part].items() if v)
    return out


def parse_placement(value, path):
    out = dict(constraints=[], preferences=[], max_replicas_per_node=0)
    if value is None:
        return out
    check_keys(value, path, SERVICE_SCHEMA['placement'])
    constraints = parse_string_list(value.get('constraints'), path + '.constraints') or []
    for index, constraint in enumerate(constraints):
        if '==' not in constraint and '!=' not in constraint:
            raise StackError('%s.constraints[%d]: %r is not a constraint such as node.role == manager'
                             % (path, index, constraint))
    out['constraints'] = sorted(constraints)
    for index, pref in enumerate(value.get('preferences') or []):
        item_path = '%s.preferences[%d]' % (path, index)
        check_keys(pref, item_path, SERVICE_SCHEMA['placement']['preferences'], required=('spread',))
        out['preferences'].append(dict(spread=parse_str(pref['spread'], item_path + '.spread')))
    if value.get('max_replicas_per_node') is not None:
        out['max_replicas_per_node'] = parse_int(value['max_replicas_per_node'], path + '.max_replicas_per_node')
    return out


def parse_update_config(value, path, rollback=False):
    out = dict(UPDATE_DEFAULTS)
    if value is None:
        return out
    check_keys(value, path, SERVICE_SCHEMA['rollback_config' if rollback else 'update_config'])
    actions = ('continue', 'pause') if rollback else ('continue', 'pause', 'rollback')
    for key, item, item_path in items_with_paths(value, path):
        if key == 'parallelism':
            out[key] = parse_int(item, item_path)
        elif key in ('delay', 'monitor'):
            out[key] = parse_duration(item, item_path)
        elif key == 'failure_action':
            out[key] = parse_choice(item, item_path, actions)
        elif key == 'max_failure_ratio':
            out[key] = parse_ratio(item, item_path)
        else:
            out[key] = parse_choice(item, item_path, ('start-first', 'stop-first'))
    return out


def parse_restart_policy(value, path, job):
    out = dict(RESTART_DEFAULTS, condition='on-failure' if job else 'any')
    if value is None:
        return out
    check_keys(value, path, SERVICE_SCHEMA['restart_policy'])
    for key, item, item_path in items_with_paths(value, path):
        if key == 'condition':
            out[key] = parse_choice(item, item_path, ('any', 'on-failure', 'none'))
        elif key == 'max_attempts':
            out[key] = parse_int(item, item_path)
        else:
            out[key] = parse_duration(item, item_path)
    if job and out['condition'] == 'any':
        raise StackError('%s.condition: any would restart a job forever; use on-failure or none' % path)
    return out


def parse_logging(value, path):
    if value is None:
        return None
    check_keys(value, path, SERVICE_SCHEMA['logging'], required=('driver',))
    return dict(driver=parse_str(value['driver'], path + '.driver'),
                options=parse_string_map(value.get('options'), path + '.options'))


def parse_service(key, raw, stack):
    """One entry of ``services``, validated and normalised."""
    path = 'services.%s' % key
    check_keys(raw, path, SERVICE_KEYS, required=('image',))
    image = parse_str(raw['image'], path + '.image')
    if not image.strip() or re.search(r'\s', image):
        raise StackError('%s.image: %r is not an image reference' % (path, image))
    mode = parse_choice(raw.get('mode') or 'replicated', path + '.mode', MODES)
    job = mode in JOB_MODES
    replicas = None
    if raw.get('replicas') is not None:
        if mode not in ('replicated', 'replicated-job'):
            raise StackError('%s.replicas: only for mode replicated or replicated-job, not %s' % (path, mode))
        replicas = parse_int(raw['replicas'], path + '.replicas')
    elif mode in ('replicated', 'replicated-job'):
        replicas = 1
    max_concurrent = None
    if raw.get('max_concurrent') is not None:
        if mode != 'replicated-job':
            raise StackError('%s.max_concurrent: only for mode replicated-job' % path)
        max_concurrent = parse_int(raw['max_concurrent'], path + '.max_concurrent', 1)
    elif mode == 'replicated-job':
        max_concurrent = 1
    for option in ('update_config', 'rollback_config'):
        if job and raw.get(option) is not None:
            raise StackError('%s.%s: jobs have no %s (Docker refuses it)' % (path, option, option))
    endpoint_mode = stack['endpoint_mode']
    if raw.get('endpoint_mode') is not None:
        endpoint_mode = parse_choice(raw['endpoint_mode'], path + '.endpoint_mode', ENDPOINT_MODES)
    svc = dict(
        key=key,
        name='%s_%s' % (stack['name'], key),
        image=image,
        entrypoint=parse_string_list(raw.get('entrypoint'), path + '.entrypoint', split=True),
        command=parse_string_list(raw.get('command'), path + '.command', split=True),
        env=parse_env(raw.get('env'), path + '.env'),
        user=parse_str(raw['user'], path + '.user', True) if raw.get('user') is not None else None,
        working_dir=parse_str(raw['working_dir'], path + '.working_dir') if raw.get('working_dir') else None,
        hostname=parse_str(raw['hostname'], path + '.hostname') if raw.get('hostname') else None,
        stop_signal=parse_str(raw['stop_signal'], path + '.stop_signal') if raw.get('stop_signal') else None,
        stop_grace_period=parse_duration(raw['stop_grace_period'], path + '.stop_grace_period')
        if raw.get('stop_grace_period') is not None else None,
        init=parse_bool(raw['init'], path + '.init') if raw.get('init') is not None else None,
        read_only=parse_bool(raw['read_only'], path + '.read_only') if raw.get('read_only') is not None else False,
        cap_add=parse_capabilities(raw.get('cap_add'), path + '.cap_add'),
        cap_drop=parse_capabilities(raw.get('cap_drop'), path + '.cap_drop'),
        mode=mode,
        replicas=replicas,
        max_concurrent=max_concurrent,
        labels=parse_string_map(raw.get('labels'), path + '.labels'),
        container_labels=parse_string_map(raw.get('container_labels'), path + '.container_labels'),
        networks=parse_networks(raw.get('networks'), path + '.networks', key),
        endpoint_mode=endpoint_mode,
        ports=parse_ports(raw.get('ports'), path + '.ports', endpoint_mode),
        secrets=parse_refs(raw.get('secrets'), path + '.secrets', stack['secrets'], 'secrets'),
        configs=parse_refs(raw.get('configs'), path + '.configs', stack['configs'], 'configs'),
        mounts=parse_mounts(raw.get('mounts'), path + '.mounts'),
        healthcheck=parse_healthcheck(raw.get('healthcheck'), path + '.healthcheck'),
        resources=parse_resources(raw.get('resources'), path + '.resources'),
        placement=parse_placement(raw.get('placement'), path + '.placement'),
        update_config=None if job else parse_update_config(raw.get('update_config'), path + '.update_config'),
        rollback_config=None if job else parse_update_config(raw.get('rollback_config'), path + '.rollback_config',
                                                             rollback=True),
        restart_policy=parse_restart_policy(raw.get('restart_policy'), path + '.restart_policy', job),
        logging=parse_logging(raw.get('logging'), path + '.logging'),
        force_update=parse_int(raw['force_update'], path + '.force_update')
        if raw.get('force_update') is not None else 0,
    )
    both = sorted(set(svc['cap_add']) & set(svc['cap_drop']))
    if both:
        raise StackError('%s.cap_add: %s also in cap_drop; name a capability in one list only (cap_drop: [ALL] with '
                         'cap_add: [the ones needed] keeps just those)' % (path, ', '.join(both)))
    if svc['placement']['max_replicas_per_node'] and mode != 'replicated':
        raise StackError('%s.placement.max_replicas_per_node: only for mode replicated' % path)
    return svc


def parse_stack(params):
    """The module's parameters, validated and normalised; raises StackError naming the bad value's path."""
    name = check_name(params.get('name'), 'name', what='a stack name')
    endpoint_mode = parse_choice(params.get('endpoint_mode') or 'vip', 'endpoint_mode', ENDPOINT_MODES)
    stack = dict(name=name, endpoint_mode=endpoint_mode,
                 secrets=parse_objects(name, params.get('secrets'), 'secrets'),
                 configs=parse_objects(name, params.get('configs'), 'configs'),
                 services={})
    services = params.get('services') or {}
    if not isinstance(services, dict):
        raise StackError('services: must be a dict of services by short name, not %s' % type_name(services))
    for key, raw in services.items():
        key = str(key)
        check_name(key, 'services.%s' % key, what='a service name')
        check_name('%s_%s' % (name, key), 'services.%s' % key, what='a service name')
        stack['services'][key] = parse_service(key, raw, stack)
    return stack


def resolve_networks(stack, networks):
    """``{name or ID: network ID}`` for every network the services use; each must exist and be swarm-scoped."""
    by_name = dict((n.get('Name'), n) for n in networks)
    by_id = dict((n.get('Id') or n.get('ID'), n) for n in networks)
    resolved = {}
    for key, svc in sorted(stack['services'].items()):
        for net in svc['networks']:
            network = by_name.get(net['name']) or by_id.get(net['name'])
            if network is None:
                raise StackError('services.%s.networks: network %r does not exist; create it first (for example with '
                                 'geostack.swarm.overlay_network)' % (key, net['name']))
            if network.get('Scope') != 'swarm':
                raise StackError('services.%s.networks: network %r is %s-scoped; services need a swarm-scoped '
                                 '(overlay) network' % (key, net['name'], network.get('Scope')))
            resolved[net['name']] = network.get('Id') or network.get('ID')
    return resolved
