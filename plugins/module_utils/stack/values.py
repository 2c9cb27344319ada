# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scalar parsers of geo_stack's input: each takes ``(value, path)`` and returns the value normalised (durations in
ns, memory in bytes, CPUs in nano-CPUs) or raises ``StackError`` naming the path, such as
``services.mapserver.update_config.order``.
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal, InvalidOperation

from ansible_collections.geostack.swarm.plugins.module_utils import durations
from ansible_collections.geostack.swarm.plugins.module_utils.durations import NS_PER_S
from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import (
    CAPABILITIES,
    CAPABILITY_ALL,
    SERVICE_NAME_MAX,
    SERVICE_NAME_RE,
    StackError,
    capability_name,
)

_MEMORY_RE = re.compile(r'^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)\Z', re.IGNORECASE)
_MEMORY_UNITS = {'': 1, 'k': 1024, 'm': 1024 ** 2, 'g': 1024 ** 3, 't': 1024 ** 4}


# -- scalar parsers: each takes (value, path) and raises StackError naming the path ------------------------------

def type_name(value):
    return type(value).__name__


def is_number(value):
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
    if allow_number and is_number(value):
        return str(value)
    raise StackError('%s: must be a string, not %s' % (path, type_name(value)))


def parse_choice(value, path, choices):
    if not isinstance(value, str) or value not in choices:
        raise StackError('%s: %r is not one of %s' % (path, value, ', '.join(choices)))
    return value


def parse_ratio(value, path):
    if not is_number(value) and not isinstance(value, str):
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
        raise StackError('%s: must be a dict, not %s' % (path, type_name(value)))
    out = {}
    for key, item in value.items():
        if isinstance(item, bool) and refuse_bool:
            raise StackError('%s.%s: %r is a boolean; quote it ("%s") if a string is meant (YAML reads yes/no/true '
                             'as booleans)' % (path, key, item, str(item).lower()))
        if not isinstance(item, str) and not is_number(item):
            raise StackError('%s.%s: must be a string or a number, not %s' % (path, key, type_name(item)))
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
        raise StackError('%s: must be a list%s, not %s' % (path, ' or a string' if split else '', type_name(value)))
    out = []
    for index, item in enumerate(value):
        out.append(parse_str(item, '%s[%d]' % (path, index), allow_number=True))
    return out


def parse_capabilities(value, path):
    """``cap_add`` or ``cap_drop``: a list of Linux capability names (``NET_BIND_SERVICE``, ``CAP_CHOWN``, any
    case) or ``ALL``; returned in the engine's spelling, each once, sorted."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise StackError('%s: must be a list of capability names (such as [ALL] or [NET_BIND_SERVICE]), not %s'
                         % (path, type_name(value)))
    out = set()
    for index, item in enumerate(value):
        item_path = '%s[%d]' % (path, index)
        name = parse_str(item, item_path)
        if not re.match(r'^[A-Za-z_]+\Z', name) or capability_name(name) not in CAPABILITIES + (CAPABILITY_ALL,):
            raise StackError('%s: %r is not a Linux capability (such as NET_BIND_SERVICE, CHOWN, or ALL)'
                             % (item_path, name))
        out.add(capability_name(name))
    return sorted(out)


def check_keys(value, path, allowed, required=()):
    """``value`` must be a dict with only ``allowed`` keys and every ``required`` one."""
    if not isinstance(value, dict):
        raise StackError('%s: must be a dict, not %s' % (path, type_name(value)))
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise StackError('%s: unknown key%s %s; valid keys: %s' % (
            path, 's' if len(unknown) > 1 else '', ', '.join(repr(k) for k in unknown), ', '.join(allowed)))
    for key in required:
        if value.get(key) is None:
            raise StackError('%s.%s is required' % (path, key))
    return value


def items_with_paths(value, path):
    """``value[key]`` for the present keys, with their paths."""
    return [(key, value[key], '%s.%s' % (path, key)) for key in value if value[key] is not None]


def check_name(name, path, regex=SERVICE_NAME_RE, maximum=SERVICE_NAME_MAX, what='a service name'):
    if not isinstance(name, str) or not regex.match(name):
        raise StackError('%s: %r cannot be used in %s (letters, digits, and - or _ between them)'
                         % (path, name, what))
    if len(name) > maximum:
        raise StackError('%s: %r is longer than the %d characters Docker allows' % (path, name, maximum))
    return name
