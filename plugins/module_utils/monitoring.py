# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The checks of geostack.swarm.monitoring's variables: Prometheus' durations and sizes as Prometheus 2.42 reads
them, the node, the network, the volume and the alert receivers."""

from __future__ import annotations

import re

# Prometheus' model.ParseDuration: units from the largest down, each once (1h30m, 15d, 500ms).
_DURATION = re.compile(r'^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?'
                       r'(?:([0-9]+)ms)?\Z')
_DURATION_UNITS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)
# --storage.tsdb.retention.size (kingpin's Base2Bytes): 1024-based, B, KB/KiB, MB/MiB, ... EB/EiB.
_SIZE = re.compile(r'^([0-9]+)(B|[KMGTPE]i?B)\Z')
_SIZE_POWERS = dict(B=0, K=1, M=2, G=3, T=4, P=5, E=6)
_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\Z')
_LABEL = re.compile(r'^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\Z')
_RECEIVER_NAME = re.compile(r'^[a-z0-9]([a-z0-9_-]*[a-z0-9])?\Z')
_URL = re.compile(r'^https?://[^\s/?#@]+(:[0-9]{1,5})?(/[^\s]*)?\Z')
_URL_CREDENTIALS = re.compile(r'^https?://[^/\s]*@')
_EMAIL = re.compile(r'^[^@\s,;<>]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+\Z')
RECEIVER_TYPES = ('webhook', 'email')


def duration_seconds(value):
    """Seconds of a Prometheus duration (``15d``, ``1h30m``), or None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    match = _DURATION.match(value)
    if not match:
        return None
    return sum(int(n) * unit for n, unit in zip(match.groups(), _DURATION_UNITS) if n)


def size_bytes(value):
    """Bytes of a Prometheus retention size (``2GB``, ``512MiB``; 1024-based), or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _SIZE.match(value)
    if not match:
        return None
    return int(match.group(1)) * 1024 ** _SIZE_POWERS[match.group(2)[0]]


def _duration_problem(var, value, low, high, what):
    seconds = duration_seconds(value)
    if seconds is None:
        return '%s=%s is not a Prometheus duration such as %s (units y, w, d, h, m, s, ms, largest first)' % (
            var, value, what)
    if seconds < low or seconds > high:
        return '%s=%s must be from %s to %s' % (var, value, _human(low), _human(high))
    return None


def _human(seconds):
    for unit, size in (('d', 86400), ('h', 3600), ('m', 60)):
        if seconds >= size and seconds % size == 0:
            return '%d%s' % (seconds // size, unit)
    return '%ss' % seconds


def _receiver_problems(receivers):
    var = 'monitoring_receivers'
    if isinstance(receivers, (str, bytes)) or not isinstance(receivers, (list, tuple)):
        return ['%s must be a list of receivers ({name, type: webhook, url} or {name, type: email, to})' % var]
    out, seen = [], set()
    for index, item in enumerate(receivers):
        where = '%s[%d]' % (var, index)
        if not isinstance(item, dict):
            out.append('%s must be a mapping {name, type, url or to}' % where)
            continue
        name = item.get('name')
        if not isinstance(name, str) or not _RECEIVER_NAME.match(name):
            out.append('%s.name=%s must be lower-case letters, digits, _ and -' % (where, name))
        else:
            where = '%s (%s)' % (where, name)
            if name in seen:
                out.append('%s: the name is given twice' % where)
            seen.add(name)
        kind = item.get('type')
        unknown = sorted(set(item) - {'name', 'type', 'url', 'to'})
        if unknown:
            out.append('%s: unknown keys %s (name, type, url, to)' % (where, ', '.join(unknown)))
        if kind not in RECEIVER_TYPES:
            out.append('%s.type=%s must be one of %s' % (where, kind, ', '.join(RECEIVER_TYPES)))
        elif kind == 'webhook':
            url = item.get('url')
            if not url:
                out.append('%s.url: a webhook receiver needs the URL to post alerts to' % where)
            elif isinstance(url, str) and _URL_CREDENTIALS.match(url):
                out.append('%s.url: credentials in the URL would be shown in logs and configs' % where)
            elif not isinstance(url, str) or not _URL.match(url):
                out.append('%s.url=%s is not an http(s) URL' % (where, url))
            if 'to' in item:
                out.append('%s.to: only an email receiver has addresses' % where)
        else:
            to = item.get('to')
            addresses = [to] if isinstance(to, str) else to
            if not addresses or not isinstance(addresses, (list, tuple)):
                out.append('%s.to: an email receiver needs one address or a list of them' % where)
            else:
                for address in addresses:
                    if not isinstance(address, str) or not _EMAIL.match(address):
                        out.append('%s.to: %s is not an e-mail address' % (where, address))
            if 'url' in item:
                out.append('%s.url: only a webhook receiver has a URL' % where)
    return out


def monitoring_problems(values, hosts=(), reserved_networks=()):
    """One message per problem with the role's variables (``values``: by name without the prefix ``monitoring_``),
    naming the variable. ``hosts``: the inventory's hosts (for ``node``); ``reserved_networks``: the stack's front and
    back networks (the proxy's network must be its own)."""
    out = []
    problem = _duration_problem('monitoring_retention_time', values.get('retention_time'), 3600, 10 * 365 * 86400,
                                '15d')
    if problem:
        out.append(problem)
    size = size_bytes(values.get('retention_size'))
    if size is None:
        out.append('monitoring_retention_size=%s is not a size such as 2GB or 512MiB (B, KB, MB, GB, TB, PB, EB;'
                   ' 1024-based)' % values.get('retention_size'))
    elif size < 64 * 1024 ** 2:
        out.append('monitoring_retention_size=%s must be at least 64MB (Prometheus keeps at least two hours of blocks)'
                   % values.get('retention_size'))
    for var, low, high in (('scrape_interval', 5, 300), ('evaluation_interval', 5, 300)):
        problem = _duration_problem('monitoring_' + var, values.get(var), low, high, '30s')
        if problem:
            out.append(problem)
    for var in ('volume', 'network'):
        value = values.get(var)
        if not isinstance(value, str) or not _NAME.match(value):
            out.append('monitoring_%s=%s is not a Docker name (letters, digits, _ . -, at most 63)' % (var, value))
    network = values.get('network')
    if network in reserved_networks:
        out.append('monitoring_network=%s is a network of the stack: the Docker API proxy needs a network of its own,'
                   ' which only Prometheus reaches' % network)
    node = values.get('node')
    if not isinstance(node, str) or (node and node not in hosts):
        out.append('monitoring_node=%s is not a host of the inventory (empty: the node already labelled, else the'
                   ' manager that deploys the stack)' % node)
    label = values.get('node_label')
    if not isinstance(label, str) or not _LABEL.match(label):
        out.append('monitoring_node_label=%s is not a node label name such as geostack.monitoring' % label)
    socket = values.get('docker_socket')
    if not isinstance(socket, str) or not re.match(r'^/[^\s]*\Z', socket):
        out.append('monitoring_docker_socket=%s must be an absolute path' % socket)
    resources = values.get('resources')
    if not isinstance(resources, dict) or any(not isinstance(resources.get(k), dict)
                                              for k in ('prometheus', 'node_exporter', 'swarm_api')):
        out.append('monitoring_resources must be a mapping with the limits and reservations of prometheus,'
                   ' node_exporter and swarm_api')
    elif set(resources) - {'prometheus', 'node_exporter', 'swarm_api'}:
        out.append('monitoring_resources: unknown services %s (prometheus, node_exporter, swarm_api)'
                   % ', '.join(sorted(set(resources) - {'prometheus', 'node_exporter', 'swarm_api'})))
    out.extend(_receiver_problems(values.get('receivers')))
    return out
