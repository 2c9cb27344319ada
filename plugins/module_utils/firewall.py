# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host firewall's input, free of I/O so that it can be unit tested: its variables checked (every problem at
once, each naming its variable) and the addresses of the swarm's members worked out from each host's variables and
facts."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.geostack.swarm.plugins.module_utils.host import addr_host

# Swarm's own ports: they are opened to the swarm's members only, never by a declared port.
SWARM_PORTS = {2377: 'the swarm managers\' port (2377/tcp)', 7946: 'the swarm nodes\' gossip port (7946/tcp+udp)',
               4789: 'the swarm\'s overlay traffic (VXLAN, 4789/udp)'}
ALLOWED_KEYS = ('port', 'proto', 'sources', 'comment')
PROTOCOLS = ('tcp', 'udp')
POLICIES = ('drop', 'accept')
RANGE = re.compile(r'^([0-9]{1,5})-([0-9]{1,5})\Z')
# What nft accepts inside a double-quoted comment, on one line.
COMMENT = re.compile(r'^[^"\\\n\r]{0,128}\Z')


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def as_port(value):
    """``value`` as a port number (an int, or a string of digits), or None."""
    if _is_int(value):
        return value
    if isinstance(value, str) and re.match(r'^[0-9]{1,5}\Z', value):
        return int(value)
    return None


def port_problem(value, var, allow_zero=False):
    """Why ``value`` is not a port (1-65535; 0 too with ``allow_zero``), or None."""
    port = as_port(value)
    low = 0 if allow_zero else 1
    if port is None or not low <= port <= 65535:
        return '%s=%s must be a port number from %d to 65535' % (var, value, low)
    return None


def port_span(value):
    """``(first, last)`` of a port (``443``) or a range (``"8000-8010"``), or None when it is neither."""
    port = as_port(value)
    if port is not None:
        return (port, port) if 1 <= port <= 65535 else None
    match = RANGE.match(value) if isinstance(value, str) else None
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    if not 1 <= first < last <= 65535:
        return None
    return first, last


def source_problem(value, var):
    """Why ``value`` is not an address or a network in CIDR form (no host bits set), or None."""
    if not isinstance(value, str) or '\n' in value:
        return '%s: %r is not an address or a network in CIDR form (such as 192.0.2.0/24)' % (var, value)
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return '%s: %r is not an address or a network in CIDR form (such as 192.0.2.0/24): %s' % (var, value, exc)
        return '%s: %s has host bits set (the network is %s)' % (var, value, network)
    return None


def sources_problems(value, var):
    if not isinstance(value, (list, tuple)):
        return ['%s must be a list of addresses or networks in CIDR form (an empty list: from anywhere)' % var]
    return [p for p in (source_problem(item, '%s[%d]' % (var, index)) for index, item in enumerate(value)) if p]


def allowed_problems(allowed, var='firewall_allowed'):
    """Problems of the operator's extra allowed ports: ``[{port, proto, sources, comment}]``."""
    if not isinstance(allowed, (list, tuple)):
        return ['%s must be a list of {port, proto, sources, comment}' % var]
    problems = []
    for index, item in enumerate(allowed):
        where = '%s[%d]' % (var, index)
        if not isinstance(item, dict) or 'port' not in item:
            problems.append('%s must be a mapping with a port (and optionally proto, sources, comment)' % where)
            continue
        unknown = sorted(str(k) for k in set(item) - set(ALLOWED_KEYS))
        if unknown:
            problems.append('%s has unknown keys: %s (known: %s)' % (where, ', '.join(unknown), ', '.join(ALLOWED_KEYS)))
        span = port_span(item['port'])
        if span is None:
            problems.append('%s.port=%s must be a port from 1 to 65535 or a range such as 8000-8010' % (where, item['port']))
        else:
            for port in sorted(SWARM_PORTS):
                if span[0] <= port <= span[1]:
                    problems.append('%s.port=%s includes %s, which the firewall opens to the swarm\'s members only'
                                    % (where, item['port'], SWARM_PORTS[port]))
        if item.get('proto', 'tcp') not in PROTOCOLS:
            problems.append('%s.proto=%s must be tcp or udp' % (where, item.get('proto')))
        problems.extend(sources_problems(item.get('sources', []), '%s.sources' % where))
        if not COMMENT.match(str(item.get('comment', ''))):
            problems.append('%s.comment must be one line of at most 128 characters, without " or \\' % where)
    return problems


def firewall_problems(settings):
    """Every problem of the firewall's variables, each naming its variable.

    ``settings`` maps the variables' names to their values: firewall_enabled, firewall_policy,
    firewall_ssh_port, firewall_ssh_sources, firewall_member_sources, firewall_published_ports,
    firewall_registry_port, firewall_registry_sources, firewall_allowed, firewall_persist.
    """
    problems = []
    for var in ('firewall_enabled', 'firewall_persist'):
        if not isinstance(settings.get(var), bool):
            problems.append('%s=%s must be true or false' % (var, settings.get(var)))
    policy = settings.get('firewall_policy')
    if policy not in POLICIES:
        problems.append('firewall_policy=%s must be drop (only what is allowed reaches the host and its published '
                        'ports) or accept (only Swarm\'s ports and the registry\'s are filtered)' % policy)
    for var in ('firewall_ssh_port', 'firewall_registry_port'):
        problem = port_problem(settings.get(var), var)
        if problem:
            problems.append(problem)
        elif as_port(settings.get(var)) in SWARM_PORTS:
            problems.append('%s=%s is %s' % (var, settings.get(var), SWARM_PORTS[as_port(settings.get(var))]))
    for var in ('firewall_ssh_sources', 'firewall_member_sources', 'firewall_registry_sources'):
        problems.extend(sources_problems(settings.get(var), var))
    published = settings.get('firewall_published_ports')
    if not isinstance(published, dict):
        problems.append('firewall_published_ports must be a mapping {variable: port} (0: not published)')
    else:
        for name, port in sorted(published.items()):
            problem = port_problem(port, 'firewall_published_ports.%s' % name, allow_zero=True)
            if problem:
                problems.append(problem)
            elif as_port(port) in SWARM_PORTS:
                problems.append('firewall_published_ports.%s=%s is %s' % (name, port, SWARM_PORTS[as_port(port)]))
    problems.extend(allowed_problems(settings.get('firewall_allowed')))
    return problems


def _ip(value):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def member_addresses(hosts, extra_sources=()):
    """The addresses the swarm's members send from, and the problems of the hosts whose address is unknown.

    ``hosts`` is a list of ``{host, advertise_addr, data_path_addr, default_ipv4, ansible_host, addresses}``:
    the swarm role's variables (swarm_advertise_addr, swarm_data_path_addr: ADDR, ADDR:PORT, [V6]:PORT or an
    interface name), the host's default IPv4 address (gathered facts), its ansible_host, and its addresses by
    interface (swarm_host_info's ``host.addresses``, None when unknown). The advertise address is the one the swarm
    role uses: swarm_advertise_addr, else the default IPv4 address; an interface name gives all its addresses.
    Returns ``{'ipv4': [...], 'ipv6': [...], 'problems': [...]}`` (addresses sorted, networks of
    ``extra_sources`` included).
    """
    found = set()
    problems = []
    for item in hosts:
        name = item.get('host')
        for option in ('advertise_addr', 'data_path_addr'):
            value = item.get(option) or ''
            var = 'swarm_' + option
            if not value:
                if option == 'data_path_addr':
                    continue
                value = item.get('default_ipv4') or ''
                if not value and _ip(item.get('ansible_host') or ''):
                    value = item['ansible_host']
                if not value:
                    problems.append('%s: its swarm address is unknown (no gathered facts, swarm_advertise_addr unset, '
                                    'ansible_host not an IP address): include it in the play, or set '
                                    'swarm_advertise_addr to its address' % name)
                    continue
            address = addr_host(str(value))
            if _ip(address):
                found.add(ipaddress.ip_network(address))
                continue
            interfaces = item.get('addresses')
            if isinstance(interfaces, dict) and interfaces.get(address):
                found.update(ipaddress.ip_network(a) for a in interfaces[address] if _ip(a))
            else:
                problems.append('%s: %s=%s is an interface whose addresses are unknown here: include the host in the '
                                'play, or give its address' % (name, var, value))
    for source in extra_sources or ():
        found.add(ipaddress.ip_network(source, strict=False))
    return dict(problems=problems, **_by_version(found))


def _by_version(networks):
    """``{'ipv4': [...], 'ipv6': [...]}``, each sorted, without the networks inside another one (nft's interval sets
    refuse overlapping elements); adjacent addresses stay apart, as the operator wrote them."""
    out = {}
    for version in (4, 6):
        same = sorted((n for n in networks if n.version == version), key=lambda n: (n.prefixlen, int(n.network_address)))
        kept = []
        for network in same:
            if not any(network.subnet_of(wider) for wider in kept):
                kept.append(network)
        out['ipv%d' % version] = [_text(n) for n in sorted(kept, key=lambda n: (int(n.network_address), n.prefixlen))]
    return out


def _text(network):
    """An address alone for a single-host network, else the CIDR."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def split_sources(sources):
    """``{'ipv4': [...], 'ipv6': [...]}`` of a list of addresses or networks (checked before)."""
    return _by_version(set(ipaddress.ip_network(source, strict=False) for source in sources or ()))
