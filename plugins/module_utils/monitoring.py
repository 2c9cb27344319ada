# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The checks of geostack.swarm.monitoring's variables: Prometheus' durations and sizes as Prometheus 2.42 reads
them, the node, the network, the volume and the alert receivers; and the blackbox exporter's probes of the stack's
endpoints (``probe_targets``)."""

from __future__ import annotations

import os
import re
from urllib.parse import quote

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
RESOURCE_SERVICES = ('prometheus', 'node_exporter', 'swarm_api', 'blackbox', 'alertmanager', 'postgres_exporter')
RECEIVER_KEYS = {
    'webhook': ('name', 'type', 'url', 'token_file', 'matchers', 'send_resolved'),
    'email': ('name', 'type', 'to', 'from', 'smarthost', 'username', 'password_file', 'require_tls', 'matchers',
              'send_resolved'),
}
# An Alertmanager matcher (0.22 and later): label, operator, a quoted value (``severity="critical"``, ``service=~"x|y"``).
_MATCHER = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(=|!=|=~|!~)"([^"\\]|\\.)*"\Z')
_SMARTHOST = re.compile(r'^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})\Z')


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


def _file_problem(where, key, value):
    """A secret's file on the controller (``password_file``, ``token_file``): an absolute path to a readable file."""
    if not isinstance(value, str) or not value.startswith('/'):
        return '%s.%s=%s must be the absolute path of a file on the controller' % (where, key, value)
    if not os.path.isfile(value) or not os.access(value, os.R_OK):
        return '%s.%s=%s is not a readable file on the controller' % (where, key, value)
    return None


def _email_problems(where, item):
    out = []
    to = item.get('to')
    addresses = [to] if isinstance(to, str) else to
    if not addresses or not isinstance(addresses, (list, tuple)):
        out.append('%s.to: an email receiver needs one address or a list of them' % where)
    else:
        for address in addresses:
            if not isinstance(address, str) or not _EMAIL.match(address):
                out.append('%s.to: %s is not an e-mail address' % (where, address))
    sender = item.get('from')
    if not sender:
        out.append('%s.from: an email receiver needs the address it sends from' % where)
    elif not isinstance(sender, str) or not _EMAIL.match(sender):
        out.append('%s.from=%s is not an e-mail address' % (where, sender))
    host = item.get('smarthost')
    match = _SMARTHOST.match(host) if isinstance(host, str) else None
    if not host:
        out.append('%s.smarthost: an email receiver needs the SMTP server, host:port (smtp.example.org:587)' % where)
    elif not match or not 0 < int(match.group(3)) < 65536:
        out.append('%s.smarthost=%s is not host:port such as smtp.example.org:587' % (where, host))
    username, password = item.get('username'), item.get('password_file')
    if username is not None and (not isinstance(username, str) or not username or re.search(r'\s', username)):
        out.append('%s.username=%s must be a user name without spaces' % (where, username))
    if password is not None:
        problem = _file_problem(where, 'password_file', password)
        if problem:
            out.append(problem)
        if not username:
            out.append('%s.password_file: the SMTP password needs the username it belongs to' % where)
    if not isinstance(item.get('require_tls', True), bool):
        out.append('%s.require_tls=%s must be true or false' % (where, item.get('require_tls')))
    return out


def _webhook_problems(where, item):
    out = []
    url = item.get('url')
    if not url:
        out.append('%s.url: a webhook receiver needs the URL to post alerts to' % where)
    elif isinstance(url, str) and _URL_CREDENTIALS.match(url):
        out.append('%s.url: credentials in the URL would be shown in logs and configs' % where)
    elif not isinstance(url, str) or not _URL.match(url):
        out.append('%s.url=%s is not an http(s) URL' % (where, url))
    if item.get('token_file') is not None:
        problem = _file_problem(where, 'token_file', item.get('token_file'))
        if problem:
            out.append(problem)
    return out


def _receiver_problems(receivers):
    var = 'monitoring_receivers'
    if isinstance(receivers, (str, bytes)) or not isinstance(receivers, (list, tuple)):
        return ['%s must be a list of receivers ({name, type: webhook, url} or {name, type: email, to, from, smarthost})'
                % var]
    out, seen = [], set()
    for index, item in enumerate(receivers):
        where = '%s[%d]' % (var, index)
        if not isinstance(item, dict):
            out.append('%s must be a mapping {name, type, url or to}' % where)
            continue
        name = item.get('name')
        if not isinstance(name, str) or not _RECEIVER_NAME.match(name) or name == 'none':
            out.append('%s.name=%s must be lower-case letters, digits, _ and - (and not none)' % (where, name))
        else:
            where = '%s (%s)' % (where, name)
            if name in seen:
                out.append('%s: the name is given twice' % where)
            seen.add(name)
        kind = item.get('type')
        if kind not in RECEIVER_TYPES:
            out.append('%s.type=%s must be one of %s' % (where, kind, ', '.join(RECEIVER_TYPES)))
            continue
        unknown = sorted(set(item) - set(RECEIVER_KEYS[kind]))
        if unknown:
            article = 'an' if kind == 'email' else 'a'
            out.append('%s: unknown keys %s for %s %s receiver (%s)' % (where, ', '.join(unknown), article, kind,
                                                                        ', '.join(RECEIVER_KEYS[kind])))
        out.extend(_webhook_problems(where, item) if kind == 'webhook' else _email_problems(where, item))
        matchers = item.get('matchers', [])
        if not isinstance(matchers, (list, tuple)):
            out.append('%s.matchers must be a list such as [\'severity="critical"\']' % where)
        else:
            for matcher in matchers:
                if not isinstance(matcher, str) or not _MATCHER.match(matcher):
                    out.append('%s.matchers: %s is not a matcher such as severity="critical" (label, =, !=, =~ or !~,'
                               ' a quoted value)' % (where, matcher))
        if not isinstance(item.get('send_resolved', True), bool):
            out.append('%s.send_resolved=%s must be true or false' % (where, item.get('send_resolved')))
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
    elif set(resources) - set(RESOURCE_SERVICES):
        out.append('monitoring_resources: unknown services %s (%s)' % (
            ', '.join(sorted(set(resources) - set(RESOURCE_SERVICES))), ', '.join(RESOURCE_SERVICES)))
    elif any(not isinstance(v, dict) for v in resources.values()):
        out.append('monitoring_resources: each service\'s value must be a mapping (limits, reservations)')
    if 'probe_interval' in values:
        problem = _duration_problem('monitoring_probe_interval', values.get('probe_interval'), 10, 300, '30s')
        if problem:
            out.append(problem)
    if 'alertmanager_volume' in values:
        value = values.get('alertmanager_volume')
        if not isinstance(value, str) or not _NAME.match(value):
            out.append('monitoring_alertmanager_volume=%s is not a Docker name (letters, digits, _ . -, at most 63)'
                       % value)
        elif value == values.get('volume'):
            out.append('monitoring_alertmanager_volume=%s is also monitoring_volume: Alertmanager needs a volume of its'
                       ' own' % value)
    out.extend(_receiver_problems(values.get('receivers')))
    return out


# The blackbox exporter's modules (roles/monitoring/templates/blackbox.yml.j2), one per kind of check.
PROBE_MODULES = ('wms_capabilities', 'wms_getmap', 'wfs_getfeature', 'ogcapi_items')


def _query(params):
    return '&'.join('%s=%s' % (k, quote(str(v), safe=',:/')) for k, v in params)


def probe_targets(routes, services, layers, public_url, edge_url='https://edge:8443'):
    """The blackbox exporter's targets: for every declared service with a route on the edge, in the order of
    ``services``: an OWS map server's WMS GetCapabilities, a GetMap of its first vector layer (or first layer), a WFS
    GetFeature of its first vector layer; an OGC API Features probe of a route's ``probes`` (``items``) as one items
    request. Each ``{service, module, url, instance}``: ``url`` goes through the edge service itself (``edge_url``: the
    edge's HTTPS port on the front network, the public host name given as Host and TLS server name by the module),
    ``instance`` is the same request at the public URL, as users see it."""
    out = []
    base = (public_url or '').rstrip('/')
    layers = [layer for layer in layers or [] if isinstance(layer, dict) and layer.get('name')]
    vectors = [layer['name'] for layer in layers if layer.get('type') != 'raster']
    first = (vectors or [layer['name'] for layer in layers] or [None])[0]
    for name in services or []:
        route = (routes or {}).get(name)
        if not isinstance(route, dict) or not route.get('path'):
            continue
        prefix = str(route['path']).rstrip('/')
        checks = []
        if route.get('ows'):
            checks.append(('wms_capabilities', prefix + '/ows?' + _query(
                [('SERVICE', 'WMS'), ('VERSION', '1.3.0'), ('REQUEST', 'GetCapabilities')])))
            if first:
                checks.append(('wms_getmap', prefix + '/ows?' + _query(
                    [('SERVICE', 'WMS'), ('VERSION', '1.1.1'), ('REQUEST', 'GetMap'), ('LAYERS', first), ('STYLES', ''),
                     ('SRS', 'EPSG:4326'), ('BBOX', '-180,-90,180,90'), ('WIDTH', 256), ('HEIGHT', 128),
                     ('FORMAT', 'image/png')])))
            if vectors:
                checks.append(('wfs_getfeature', prefix + '/ows?' + _query(
                    [('SERVICE', 'WFS'), ('VERSION', '1.1.0'), ('REQUEST', 'GetFeature'), ('TYPENAME', vectors[0]),
                     ('MAXFEATURES', 1)])))
        for probe in route.get('probes') or []:
            items = probe.get('items') if isinstance(probe, dict) else None
            if probe.get('service') != 'ogcapi-features' or not isinstance(items, dict) or not items.get('collection'):
                continue
            path = prefix + str(probe.get('path') or '').rstrip('/')
            checks.append(('ogcapi_items', '%s/collections/%s/items?%s' % (
                path, quote(str(items['collection']), safe=''), _query([('f', 'json'), ('limit', 1)]))))
        for module, path in checks:
            out.append({'service': name, 'module': module, 'url': edge_url + path, 'instance': base + path})
    return out
