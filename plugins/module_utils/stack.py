# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Desired state of a geo_stack, free of I/O so that it can be unit tested.

- ``parse_stack`` validates the module's input (every error names its path, for example
  ``services.mapserver.update_config.order``) and returns it normalised: durations in ns, memory in bytes, CPUs in
  nano-CPUs, secrets and configs with their Docker names (``<stack>_<key>_<first 12 hex of sha256(data)>``).
- ``service_spec`` builds the Docker service ``Spec`` of one service (raw API dicts: the SDK's typed helpers lack
  job modes and differ between SDK versions).
- ``service_view`` is the one canonical view of a ``Spec``, applied to the desired spec and to the engine's: defaults
  the engine fills are filled, absent equals empty, lists that Docker treats as sets are sorted, durations in ns.
  ``differences`` compares two views field by field.
- ``service_progress`` is the readiness predicate the module waits with; it raises ``ServiceFailed`` when waiting
  cannot succeed (an update paused or rolled back, a job task failed).
"""

from __future__ import annotations

import copy
import hashlib
import re
import shlex
from decimal import Decimal, InvalidOperation

from ansible_collections.geostack.swarm.plugins.module_utils import durations
from ansible_collections.geostack.swarm.plugins.module_utils.changes import change_record
from ansible_collections.geostack.swarm.plugins.module_utils.durations import NS_PER_S

NAMESPACE_LABEL = 'com.docker.stack.namespace'
KEY_LABEL = 'org.geostack.stack.key'

MODES = ('replicated', 'global', 'replicated-job', 'global-job')
JOB_MODES = ('replicated-job', 'global-job')
ENDPOINT_MODES = ('vip', 'dnsrr')
FAILED_UPDATE_STATES = ('paused', 'rollback_started', 'rollback_paused', 'rollback_completed')
FAILED_TASK_STATES = ('failed', 'rejected')
# A service whose up-to-date tasks failed this many times per expected task, with fewer running than expected, is
# in a crash loop: waiting longer cannot help.
CRASH_LOOP_FAILURES = 3

# Docker's own naming rules (swarmkit controlapi): services are DNS labels, secrets and configs a little wider.
SERVICE_NAME_RE = re.compile(r'^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*\Z')
OBJECT_NAME_RE = re.compile(r'^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?\Z')
SERVICE_NAME_MAX = 63
OBJECT_NAME_MAX = 64

_MEMORY_RE = re.compile(r'^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)\Z', re.IGNORECASE)
_MEMORY_UNITS = {'': 1, 'k': 1024, 'm': 1024 ** 2, 'g': 1024 ** 3, 't': 1024 ** 4}

UPDATE_DEFAULTS = dict(parallelism=1, delay=0, failure_action='pause', monitor=5 * NS_PER_S, max_failure_ratio=0.0,
                       order='stop-first')
RESTART_DEFAULTS = dict(condition='any', delay=5 * NS_PER_S, max_attempts=0, window=0)
SECRET_FILE_DEFAULTS = dict(uid='0', gid='0', mode=0o444)

SERVICE_KEYS = (
    'image', 'entrypoint', 'command', 'env', 'user', 'working_dir', 'hostname', 'stop_signal', 'stop_grace_period',
    'init', 'read_only', 'mode', 'replicas', 'max_concurrent', 'labels', 'container_labels', 'networks', 'ports',
    'endpoint_mode', 'secrets', 'configs', 'mounts', 'healthcheck', 'resources', 'placement', 'update_config',
    'rollback_config', 'restart_policy', 'logging', 'force_update',
)
UPDATE_KEYS = ('parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order')


class StackError(ValueError):
    """Bad input; the message names the path of the bad value."""


class ServiceFailed(Exception):
    """Waiting for a service cannot succeed: its update paused or rolled back, or a job task failed."""


# -- scalar parsers: each takes (value, path) and raises StackError naming the path ------------------------------

def _type_name(value):
    return type(value).__name__


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_duration(value, path):
    """Nanoseconds from a duration (module_utils/durations.py), or StackError naming the path."""
    return durations.parse_duration(value, path, StackError)


def parse_memory(value, path):
    """Bytes from an int or a size such as ``512M``, ``1G``, ``256Mi``, ``64k`` (powers of 1024, as in Docker)."""
    problem = '%s: %r is not a memory size (such as 512M, 1G, 256Mi, or a number of bytes)' % (path, value)
    if isinstance(value, bool) or value is None:
        raise StackError(problem)
    if isinstance(value, int):
        if value < 0:
            raise StackError(problem)
        return value
    match = _MEMORY_RE.match(str(value).strip()) if isinstance(value, (str, float)) else None
    if not match:
        raise StackError(problem)
    return int(Decimal(match.group(1)) * _MEMORY_UNITS[match.group(2).lower()])


def parse_cpus(value, path):
    """Nano-CPUs from a number of CPUs such as ``1.5`` or ``0.25``."""
    problem = '%s: %r is not a number of CPUs (such as 0.5 or 2)' % (path, value)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise StackError(problem)
    try:
        cpus = Decimal(str(value).strip())
    except InvalidOperation:
        raise StackError(problem)
    if not cpus.is_finite() or cpus < 0:
        raise StackError(problem)
    nano = int(cpus * NS_PER_S)
    if 0 < nano < 10 ** 6:
        raise StackError('%s: %s CPUs is less than the 0.001 Docker accepts' % (path, value))
    return nano


def parse_int(value, path, minimum=0, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and re.match(r'^-?\d+\Z', value.strip()):
            value = int(value)
        else:
            raise StackError('%s: %r is not an integer' % (path, value))
    if minimum is not None and value < minimum:
        raise StackError('%s: %d is less than %d' % (path, value, minimum))
    if maximum is not None and value > maximum:
        raise StackError('%s: %d is more than %d' % (path, value, maximum))
    return value


def parse_bool(value, path):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('true', 'yes', 'on', '1', 'false', 'no', 'off', '0'):
        return value.lower() in ('true', 'yes', 'on', '1')
    raise StackError('%s: %r is not a boolean' % (path, value))


def parse_str(value, path, allow_number=False):
    if isinstance(value, str):
        return value
    if allow_number and _is_number(value):
        return str(value)
    raise StackError('%s: must be a string, not %s' % (path, _type_name(value)))


def parse_choice(value, path, choices):
    if not isinstance(value, str) or value not in choices:
        raise StackError('%s: %r is not one of %s' % (path, value, ', '.join(choices)))
    return value


def parse_ratio(value, path):
    if not _is_number(value) and not isinstance(value, str):
        raise StackError('%s: %r is not a number between 0 and 1' % (path, value))
    try:
        ratio = float(value)
    except ValueError:
        raise StackError('%s: %r is not a number between 0 and 1' % (path, value))
    if not 0 <= ratio <= 1:
        raise StackError('%s: %r is not a number between 0 and 1' % (path, value))
    return ratio


def parse_file_mode(value, path):
    """A file mode: an int (0o400 in YAML 1.2, 0400 in YAML 1.1 both give 256) or an octal string ('0400')."""
    problem = '%s: %r is not a file mode (such as 0o400, or the string "0400")' % (path, value)
    if isinstance(value, bool):
        raise StackError(problem)
    if isinstance(value, str):
        text = value.strip().lower()
        text = text[2:] if text.startswith('0o') else text
        if not re.match(r'^[0-7]{1,4}\Z', text):
            raise StackError(problem)
        value = int(text, 8)
    if not isinstance(value, int) or not 0 <= value <= 0o7777:
        raise StackError(problem)
    return value


def parse_id(value, path):
    """A numeric user or group ID, as the string Docker wants."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not re.match(r'^\d+\Z', str(value).strip()):
        raise StackError('%s: %r is not a numeric ID' % (path, value))
    return str(value).strip()


def parse_string_map(value, path, refuse_bool=True):
    """A dict of strings (labels, logging options); numbers become strings, booleans are refused (YAML yes/no)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StackError('%s: must be a dict, not %s' % (path, _type_name(value)))
    out = {}
    for key, item in value.items():
        if isinstance(item, bool) and refuse_bool:
            raise StackError('%s.%s: %r is a boolean; quote it ("%s") if a string is meant (YAML reads yes/no/true '
                             'as booleans)' % (path, key, item, str(item).lower()))
        if not isinstance(item, str) and not _is_number(item):
            raise StackError('%s.%s: must be a string or a number, not %s' % (path, key, _type_name(item)))
        out[str(key)] = str(item)
    return out


def parse_string_list(value, path, split=False):
    """A list of strings; with ``split``, a string is split like a shell would (shlex)."""
    if value is None:
        return None
    if isinstance(value, str) and split:
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise StackError('%s: cannot split %r: %s' % (path, value, exc))
    if not isinstance(value, list):
        raise StackError('%s: must be a list%s, not %s' % (path, ' or a string' if split else '', _type_name(value)))
    out = []
    for index, item in enumerate(value):
        out.append(parse_str(item, '%s[%d]' % (path, index), allow_number=True))
    return out


def check_keys(value, path, allowed, required=()):
    """``value`` must be a dict with only ``allowed`` keys and every ``required`` one."""
    if not isinstance(value, dict):
        raise StackError('%s: must be a dict, not %s' % (path, _type_name(value)))
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise StackError('%s: unknown key%s %s; valid keys: %s' % (
            path, 's' if len(unknown) > 1 else '', ', '.join(repr(k) for k in unknown), ', '.join(allowed)))
    for key in required:
        if value.get(key) is None:
            raise StackError('%s.%s is required' % (path, key))
    return value


def _item(value, path):
    """``value[key]`` for the present keys, with their paths."""
    return [(key, value[key], '%s.%s' % (path, key)) for key in value if value[key] is not None]


# -- stack objects ------------------------------------------------------------------------------------------------

def check_name(name, path, regex=SERVICE_NAME_RE, maximum=SERVICE_NAME_MAX, what='a service name'):
    if not isinstance(name, str) or not regex.match(name):
        raise StackError('%s: %r cannot be used in %s (letters, digits, and - or _ between them)'
                         % (path, name, what))
    if len(name) > maximum:
        raise StackError('%s: %r is longer than the %d characters Docker allows' % (path, name, maximum))
    return name


def object_name(stack, key, data):
    """Docker name of a secret or config: a change of data makes a new name, so services using it roll."""
    return '%s_%s_%s' % (stack, key, hashlib.sha256(data.encode('utf-8')).hexdigest()[:12])


def parse_objects(stack, objects, kind):
    """``secrets`` or ``configs``: ``{key: {data, labels}}`` with Docker names. Never shows the data."""
    out = {}
    if objects is None:
        return out
    if not isinstance(objects, dict):
        raise StackError('%s: must be a dict of {data, labels}, not %s' % (kind, _type_name(objects)))
    for key, value in objects.items():
        path = '%s.%s' % (kind, key)
        check_name(str(key), path, OBJECT_NAME_RE, OBJECT_NAME_MAX, 'a %s name' % kind[:-1])
        check_keys(value, path, ('data', 'labels'), required=('data',))
        if not isinstance(value['data'], str):
            raise StackError('%s.data: must be a string, not %s' % (path, _type_name(value['data'])))
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
        check_keys(ref, item_path, ('source', 'target', 'uid', 'gid', 'mode'), required=('source',))
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
            if not isinstance(item, str) and not _is_number(item):
                raise StackError('%s.%s: must be a string or a number, not %s' % (path, key, _type_name(item)))
            items.append('%s=%s' % (key, item))
    else:
        raise StackError('%s: must be a dict (or a list of NAME=value), not %s' % (path, _type_name(value)))
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
        raise StackError('%s: must be a list, not %s' % (path, _type_name(value)))
    for index, net in enumerate(value):
        item_path = '%s[%d]' % (path, index)
        if isinstance(net, str):
            net = dict(name=net)
        check_keys(net, item_path, ('name', 'aliases'), required=('name',))
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
        check_keys(port, item_path, ('published', 'target', 'protocol', 'mode'), required=('target',))
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
        check_keys(mount, item_path, ('type', 'source', 'target', 'read_only', 'tmpfs_size'), required=('target',))
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
    check_keys(value, path, ('test', 'interval', 'timeout', 'retries', 'start_period', 'disable'))
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
    check_keys(value, path, ('limits', 'reservations'))
    for part in ('limits', 'reservations'):
        if value.get(part) is None:
            continue
        part_path = '%s.%s' % (path, part)
        check_keys(value[part], part_path, ('cpus', 'memory'))
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
    check_keys(value, path, ('constraints', 'preferences', 'max_replicas_per_node'))
    constraints = parse_string_list(value.get('constraints'), path + '.constraints') or []
    for index, constraint in enumerate(constraints):
        if '==' not in constraint and '!=' not in constraint:
            raise StackError('%s.constraints[%d]: %r is not a constraint such as node.role == manager'
                             % (path, index, constraint))
    out['constraints'] = sorted(constraints)
    for index, pref in enumerate(value.get('preferences') or []):
        item_path = '%s.preferences[%d]' % (path, index)
        check_keys(pref, item_path, ('spread',), required=('spread',))
        out['preferences'].append(dict(spread=parse_str(pref['spread'], item_path + '.spread')))
    if value.get('max_replicas_per_node') is not None:
        out['max_replicas_per_node'] = parse_int(value['max_replicas_per_node'], path + '.max_replicas_per_node')
    return out


def parse_update_config(value, path, rollback=False):
    out = dict(UPDATE_DEFAULTS)
    if value is None:
        return out
    check_keys(value, path, UPDATE_KEYS)
    actions = ('continue', 'pause') if rollback else ('continue', 'pause', 'rollback')
    for key, item, item_path in _item(value, path):
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
    check_keys(value, path, ('condition', 'delay', 'max_attempts', 'window'))
    for key, item, item_path in _item(value, path):
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
    check_keys(value, path, ('driver', 'options'), required=('driver',))
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
        raise StackError('services: must be a dict of services by short name, not %s' % _type_name(services))
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


# -- the Docker service spec ---------------------------------------------------------------------------------------

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


# -- the canonical view ---------------------------------------------------------------------------------------------

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
    """Change records ``[{setting, before, after}]`` between two views; nested settings by dotted path (``update_config.order``).

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


# -- waiting -----------------------------------------------------------------------------------------------------------

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


def _count(tasks, state):
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
    complete = _count(tasks, 'complete')
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


def service_progress(client, service_id, name, log_lines=10):
    """``(ready, seen)`` for one service; raises ``ServiceFailed`` when waiting cannot succeed.

    Ready: the UpdateStatus (when present) is ``completed`` and, for services, as many up-to-date tasks are
    ``running`` as the service should have (replicas; one per eligible node, at least one, for global services; a
    task with a healthcheck is ``starting`` until healthy); for jobs, the current iteration's tasks are complete.
    """
    service = client.inspect_service(service_id)
    if service is None:
        raise ServiceFailed('service %s disappeared while waiting for it' % name)
    spec = service.get('Spec') or {}
    kind, replicas, _max = mode_of(spec.get('Mode'))
    update = service.get('UpdateStatus') or {}
    state = update.get('State')
    if state in FAILED_UPDATE_STATES:
        errors = task_errors(client.tasks(filters={'service': service_id}))
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
    running = _count(tasks, 'running')
    expected = replicas if kind == 'replicated' else len(tasks)
    update_done = state in (None, 'completed')
    ready = update_done and running == expected and (kind == 'replicated' or expected > 0)
    if (not ready and running < expected) or (kind == 'global' and not running):
        # A crash loop: Swarm restarts failing tasks forever (a new service has no update to pause or roll back).
        history = client.tasks(filters={'service': service_id, '_up-to-date': 'true'})
        failed = [t for t in history if (t.get('Status') or {}).get('State') in FAILED_TASK_STATES]
        if len(failed) >= CRASH_LOOP_FAILURES * max(expected, 1):
            logs = client.service_logs(service_id, tail=log_lines)
            raise ServiceFailed('service %s: its tasks keep failing (%d failed, %d/%d running): %s%s' % (
                name, len(failed), running, expected, '; '.join(task_errors(failed)),
                '; last log lines:\n' + '\n'.join(logs[-log_lines:]) if logs else ''))
    seen = '%s: %d/%d running' % (name, running, expected)
    starting = _count(tasks, 'starting')
    if starting:
        seen += ' (%d starting: not yet healthy)' % starting
    if state:
        seen += ', update %s' % state
    return ready, seen
