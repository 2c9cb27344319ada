# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options and lines of M(geostack.swarm.service_logs), free of I/O.

The engine's service logs, asked with ``details`` and ``timestamps``, give each line as
``<RFC 3339 time> com.docker.swarm.node.id=...,com.docker.swarm.service.id=...,com.docker.swarm.task.id=... <message>``;
``parse_line`` reads the three IDs so that each line names its task and node.
"""

from __future__ import annotations

import datetime
import re

from ansible_collections.geostack.swarm.plugins.module_utils.durations import NS_PER_S, parse_duration

_RFC3339_RE = re.compile(r'^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)?\Z')
_DETAIL_RE = re.compile(r'^((?:[A-Za-z0-9_.-]+=[^,\s]*,?)+) ')


class LogOptionError(ValueError):
    """An option of the logs has a bad value; the message names the option."""


def since_epoch(value, now, option='since'):
    """Unix seconds from ``value``: a duration before ``now`` (V(10m), V(1h30m), V(2d)), an RFC 3339 time
    (V(2026-11-27T18:00:00Z), a time without zone being UTC) or a number of Unix seconds above 10^9."""
    if value is None or value == '':
        return None
    text = str(value).strip()
    if re.match(r'^\d{10,}(\.\d+)?\Z', text):
        return int(float(text))
    match = _RFC3339_RE.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            stamp = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            raise LogOptionError('%s=%s is not a valid date and time' % (option, value))
        offset = 0
        if zone and zone != 'Z':
            sign = -1 if zone[0] == '-' else 1
            digits = zone[1:].replace(':', '')
            offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
        epoch = (stamp - datetime.datetime(1970, 1, 1)).total_seconds() - offset
        return int(epoch)
    try:
        nanoseconds = parse_duration(text, option, LogOptionError)
    except LogOptionError:
        raise LogOptionError('%s=%s is neither a duration before now (such as 10m, 1h30m, 2d) nor a time (such as '
                             '2026-11-27T18:00:00Z)' % (option, value))
    return int(now - nanoseconds // NS_PER_S)


def compile_grep(pattern, option='grep'):
    if pattern is None or pattern == '':
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise LogOptionError('%s=%s is not a regular expression: %s' % (option, pattern, exc))


def parse_line(line):
    """``(sortable time, time, details, message)`` of one line of the engine's service logs."""
    stamp, _sep, rest = line.partition(' ')
    details = {}
    match = _DETAIL_RE.match(rest)
    if match and 'com.docker.swarm.' in match.group(1):
        for pair in match.group(1).rstrip(',').split(','):
            key, _eq, value = pair.partition('=')
            details[key] = value
        rest = rest[match.end():]
    head, _dot, fraction = stamp.rstrip('Z').partition('.')
    return head + '.' + fraction.ljust(9, '0'), stamp, details, rest


def task_name(key, task, node_name):
    """As the docker CLI names a task: ``<key>.<slot>.<task id>`` (global services: the node instead of a slot)."""
    if task is None:
        return key
    slot = task.get('Slot')
    middle = str(slot) if slot else (node_name or task.get('NodeID') or '?')
    return '%s.%s.%s' % (key, middle, (task.get('ID') or '?')[:12])


def select_lines(raw_lines, key, tasks_by_id, node_names, grep=None, tail=None):
    """The lines as ``{time, task, node, message}``, oldest first, matching ``grep``, the last ``tail`` of them."""
    out = []
    for line in raw_lines:
        if not line.strip():
            continue
        sort_key, stamp, details, message = parse_line(line)
        if grep is not None and not grep.search(message):
            continue
        task_id = details.get('com.docker.swarm.task.id')
        node_id = details.get('com.docker.swarm.node.id')
        task = tasks_by_id.get(task_id) or (dict(ID=task_id, NodeID=node_id) if task_id else None)
        node = node_names.get(node_id, node_id)
        out.append((sort_key, dict(time=stamp, task=task_name(key, task, node), node=node, message=message)))
    out.sort(key=lambda item: item[0])
    lines = [entry for _key, entry in out]
    if tail is not None and tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    return lines
