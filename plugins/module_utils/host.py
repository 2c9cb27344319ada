# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Preflight facts about a host: the kernel features a Swarm node needs, its free swarm ports, its addresses.

Everything here reads the host (``/proc``, ``/sys``, ``/lib/modules``, sockets) and needs no Docker engine, so
the preflight can run before the engine is installed. Each capability is ``True`` (present: built in, loaded, or
loadable), ``False`` (the kernel configuration says it is missing) or ``None`` (nothing readable tells).
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import socket
import subprocess

# capability -> (kernel config symbols that must all be present, module names that prove it when loaded)
KERNEL_FEATURES = {
    'ipvs': (('CONFIG_IP_VS',), ('ip_vs',)),
    'vxlan': (('CONFIG_VXLAN',), ('vxlan',)),
    'esp': (('CONFIG_INET_ESP', 'CONFIG_XFRM_USER'), ('esp4',)),
    'bridge': (('CONFIG_BRIDGE',), ('bridge',)),
    'veth': (('CONFIG_VETH',), ('veth',)),
    'overlay_fs': (('CONFIG_OVERLAY_FS',), ('overlay',)),
}

# What each capability is for, used in reports and error messages.
KERNEL_FEATURE_USES = {
    'ipvs': 'the routing mesh and VIP service endpoints',
    'vxlan': 'overlay networks',
    'esp': 'encrypted overlay networks (IPsec ESP)',
    'bridge': 'container networking',
    'veth': 'container networking',
    'overlay_fs': 'the overlay2 storage driver',
}

SWARM_PORTS = (('2377', 'tcp', 'cluster management (managers)'),
               ('7946', 'tcp', 'node communication'),
               ('7946', 'udp', 'node communication'),
               ('4789', 'udp', 'overlay network traffic (VXLAN)'))


def _read(path, opener=open):
    try:
        with opener(path, 'rt') as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def kernel_config(release, root='/'):
    """Parse the running kernel's configuration; returns (symbols, source) or ({}, None)."""
    candidates = ((os.path.join(root, 'proc/config.gz'), gzip.open),
                  (os.path.join(root, 'boot/config-%s' % release), open),
                  (os.path.join(root, 'lib/modules/%s/config' % release), open))
    for path, opener in candidates:
        text = _read(path, opener)
        if text:
            return parse_kernel_config(text), path
    return {}, None


def parse_kernel_config(text):
    symbols = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('CONFIG_') and '=' in line:
            key, value = line.split('=', 1)
            symbols[key] = value.strip('"')
        elif line.startswith('# CONFIG_') and line.endswith(' is not set'):
            symbols[line[2:-len(' is not set')]] = 'n'
    return symbols


def module_files(release, root='/'):
    """Names of loadable and built-in modules known to /lib/modules for this release (empty when unreadable)."""
    names = set()
    base = os.path.join(root, 'lib/modules', release)
    for listing in ('modules.dep', 'modules.builtin'):
        text = _read(os.path.join(base, listing)) or ''
        for line in text.splitlines():
            path = line.split(':', 1)[0]
            name = os.path.basename(path)
            for suffix in ('.ko', '.ko.xz', '.ko.zst', '.ko.gz'):
                if name.endswith(suffix):
                    names.add(name[:-len(suffix)].replace('-', '_'))
    return names


def feature_state(symbols, loaded, available, config_keys, modules):
    """``(present, how)`` for one capability from the three sources of evidence."""
    if any(m in loaded for m in modules):
        return True, 'loaded'
    if symbols:
        values = [symbols.get(k, 'n') for k in config_keys]
        if all(v == 'y' for v in values):
            return True, 'built in'
        if all(v in ('y', 'm') for v in values):
            if not available or all(m in available for m in modules):
                return True, 'loadable module'
            return False, 'configured as a module but not installed under /lib/modules'
        missing = [k for k, v in zip(config_keys, values) if v not in ('y', 'm')]
        return False, '%s not set in the kernel configuration' % ', '.join(missing)
    if available:
        if all(m in available for m in modules):
            return True, 'loadable module'
        return False, 'no %s module under /lib/modules' % '/'.join(modules)
    return None, 'unknown: no kernel configuration or module list is readable'


def kernel_facts(root='/'):
    release = os.uname()[2]
    symbols, source = kernel_config(release, root)
    try:
        loaded = set(os.listdir(os.path.join(root, 'sys/module')))
    except OSError:
        loaded = set()
    if os.path.exists(os.path.join(root, 'proc/net/ip_vs')):
        loaded.add('ip_vs')
    available = module_files(release, root)
    facts = dict(release=release, config_source=source, details={})
    for name, (keys, modules) in KERNEL_FEATURES.items():
        present, how = feature_state(symbols, loaded, available, keys, modules)
        facts[name] = present
        facts['details'][name] = dict(present=present, evidence=how, used_for=KERNEL_FEATURE_USES[name])
    return facts


def port_free(port, proto, bind=socket.socket):
    """True when nothing on this host listens on ``port``/``proto`` (IPv4 wildcard bind test)."""
    kind = socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM
    sock = bind(socket.AF_INET, kind)
    try:
        if proto == 'tcp':
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(('0.0.0.0', int(port)))
        return True
    except (OSError, socket.error) as exc:
        if getattr(exc, 'errno', None) in (errno.EADDRINUSE, errno.EACCES):
            return False
        raise
    finally:
        sock.close()


def port_facts():
    return dict(('%s/%s' % (port, proto), dict(free=port_free(port, proto), used_for=use))
                for port, proto, use in SWARM_PORTS)


def service_manager(root='/'):
    if os.path.isdir(os.path.join(root, 'run/systemd/system')):
        return 'systemd'
    if os.path.exists(os.path.join(root, 'etc/init.d')):
        return 'sysvinit'
    return 'none'


def host_addresses(run=subprocess.run):
    """``{interface: [addresses]}`` for this host, from ``ip -j addr`` (iproute2)."""
    try:
        out = run(['ip', '-j', 'addr', 'show'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                  universal_newlines=True, check=True).stdout
        data = json.loads(out)
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None
    result = {}
    for iface in data:
        result[iface.get('ifname')] = [a.get('local') for a in iface.get('addr_info', []) if a.get('local')]
    return result


def addr_host(addr):
    """Host part of ``ADDR``, ``ADDR:PORT`` or ``[V6]:PORT`` (an interface name is its own host part)."""
    if addr is None:
        return None
    if addr.startswith('['):
        return addr[1:].split(']', 1)[0]
    if addr.count(':') == 1:
        return addr.split(':', 1)[0]
    return addr


def address_problem(value, addresses, option):
    """Why ``value`` (ADDR, ADDR:PORT or an interface name) is not an address of this host, or None.

    ``addresses`` is ``host_addresses()``; when it is None (iproute2 missing) nothing is checked.
    """
    if not value or addresses is None:
        return None
    host = addr_host(value)
    if host in ('0.0.0.0', '::'):
        return None if option == 'listen_addr' else '%s=%s is a wildcard; give an address or interface of this host' % (option, value)
    if host in addresses:
        return None if addresses[host] else '%s=%s names an interface with no address' % (option, value)
    known = sorted(a for addrs in addresses.values() for a in addrs)
    if host in known:
        return None
    return ('%s=%s is not an address or interface of this host (its addresses: %s; interfaces: %s)'
            % (option, value, ', '.join(known), ', '.join(sorted(addresses))))
