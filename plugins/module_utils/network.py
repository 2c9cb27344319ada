# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Desired-state logic for overlay networks, free of I/O so that it can be unit tested.

Docker has no network update API: every property of a network is immutable, so a difference means the network
must be recreated, which is only possible while nothing is attached to it.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.geostack.swarm.plugins.module_utils.changes import change_record

MTU_OPTION = 'com.docker.network.driver.mtu'
ENCRYPTED_OPTION = 'encrypted'
# driver options Docker adds by itself, never compared
DOCKER_OWN_OPTIONS = ('com.docker.network.driver.overlay.vxlanid_list',)


class NetworkSpecError(ValueError):
    """An option has a value Docker would not accept; the message names the option."""


def validate(params):
    """Check the addressing options; return ``{subnet, gateway, ip_range}`` as normalized strings."""
    out = dict(subnet=None, gateway=None, ip_range=None)
    subnet = None
    if params.get('subnet'):
        try:
            subnet = ipaddress.ip_network(params['subnet'], strict=True)
        except ValueError as exc:
            raise NetworkSpecError('subnet %r is not a network address in CIDR form: %s' % (params['subnet'], exc))
        out['subnet'] = str(subnet)
    for option in ('gateway', 'ip_range'):
        if params.get(option) and not subnet:
            raise NetworkSpecError('%s needs subnet' % option)
    if params.get('gateway'):
        try:
            gateway = ipaddress.ip_address(params['gateway'])
        except ValueError as exc:
            raise NetworkSpecError('gateway %r is not an IP address: %s' % (params['gateway'], exc))
        if gateway not in subnet:
            raise NetworkSpecError('gateway %s is not in subnet %s' % (gateway, subnet))
        out['gateway'] = str(gateway)
    if params.get('ip_range'):
        try:
            ip_range = ipaddress.ip_network(params['ip_range'], strict=True)
        except ValueError as exc:
            raise NetworkSpecError('ip_range %r is not a network in CIDR form: %s' % (params['ip_range'], exc))
        if ip_range.version != subnet.version or not ip_range.subnet_of(subnet):
            raise NetworkSpecError('ip_range %s is not inside subnet %s' % (ip_range, subnet))
        out['ip_range'] = str(ip_range)
    mtu = params.get('mtu')
    if mtu is not None and not 576 <= mtu <= 9216:
        raise NetworkSpecError('mtu must be between 576 and 9216, got %s' % mtu)
    return out


def desired_options(params):
    options = dict((str(k), str(v)) for k, v in (params.get('driver_options') or {}).items())
    if params.get('mtu') is not None:
        options[MTU_OPTION] = str(params['mtu'])
    if params.get('encrypted'):
        options[ENCRYPTED_OPTION] = ''
    return options


def current_view(network):
    """The comparable properties of an inspected network."""
    ipam = (network.get('IPAM') or {}).get('Config') or []
    first = ipam[0] if ipam else {}
    options = dict((k, v) for k, v in (network.get('Options') or {}).items() if k not in DOCKER_OWN_OPTIONS)
    return dict(
        driver=network.get('Driver'),
        attachable=bool(network.get('Attachable')),
        internal=bool(network.get('Internal')),
        subnet=first.get('Subnet'),
        gateway=first.get('Gateway'),
        ip_range=first.get('IPRange'),
        labels=network.get('Labels') or {},
        options=options,
        encrypted=ENCRYPTED_OPTION in options,
    )


def differences(network, params, addressing):
    """Change records ``[{setting, before, after}]`` for every property that differs from what is asked."""
    current = current_view(network)
    diffs = []

    def differs(prop, before, after):
        if before != after:
            diffs.append(change_record(prop, before, after))

    differs('driver', current['driver'], params.get('driver') or 'overlay')
    differs('attachable', current['attachable'], bool(params.get('attachable')))
    differs('internal', current['internal'], bool(params.get('internal')))
    for prop in ('subnet', 'gateway', 'ip_range'):
        if addressing.get(prop):
            differs(prop, current[prop], addressing[prop])
    if params.get('labels') is not None:
        differs('labels', current['labels'], dict((str(k), str(v)) for k, v in params['labels'].items()))
    differs('encrypted', current['encrypted'], bool(params.get('encrypted')))
    if params.get('mtu') is not None:
        differs('mtu', current['options'].get(MTU_OPTION), str(params['mtu']))
    for key, value in sorted((params.get('driver_options') or {}).items()):
        differs('driver_options.%s' % key, current['options'].get(str(key)), str(value))
    return diffs


def network_subnets(network):
    for config in (network.get('IPAM') or {}).get('Config') or []:
        if config.get('Subnet'):
            try:
                yield ipaddress.ip_network(config['Subnet'], strict=False)
            except ValueError:
                continue


def overlaps(subnet, networks, name):
    """``[(network name, subnet)]`` of other networks whose subnets overlap ``subnet``."""
    if not subnet:
        return []
    wanted = ipaddress.ip_network(subnet)
    found = []
    for network in networks:
        if network.get('Name') == name:
            continue
        for other in network_subnets(network):
            if other.version == wanted.version and other.overlaps(wanted):
                found.append((network.get('Name'), str(other)))
    return found


def attached_services(services, network):
    """Names of the services attached to ``network`` (by ID or name)."""
    keys = set([network.get('Id') or network.get('ID'), network.get('Name')])
    names = []
    for service in services:
        spec = service.get('Spec') or {}
        targets = (spec.get('TaskTemplate') or {}).get('Networks') or spec.get('Networks') or []
        if any(t.get('Target') in keys for t in targets):
            names.append(spec.get('Name'))
    return sorted(names)


def create_kwargs(params, addressing):
    """Keyword arguments for ``APIClient.create_network``."""
    ipam = None
    if addressing.get('subnet'):
        pool = dict(Subnet=addressing['subnet'])
        if addressing.get('gateway'):
            pool['Gateway'] = addressing['gateway']
        if addressing.get('ip_range'):
            pool['IPRange'] = addressing['ip_range']
        ipam = dict(Driver='default', Config=[pool])
    return dict(
        name=params['name'],
        driver=params.get('driver') or 'overlay',
        options=desired_options(params) or None,
        ipam=ipam,
        internal=bool(params.get('internal')),
        labels=dict((str(k), str(v)) for k, v in (params.get('labels') or {}).items()) or None,
        attachable=bool(params.get('attachable')),
        scope='swarm',
        check_duplicate=True,
    )


def resolve_encryption(networks, esp_by_host, existing=None, var_name='swarm_networks'):
    """Decide ``encrypted`` for every declared network, ``auto`` included.

    ``networks`` are the declarations (``encrypted``: true, false or ``auto``; unset is false); ``esp_by_host`` maps
    every swarm host to whether its kernel has IPsec ESP (true, false, or None when it could not be told);
    ``existing`` lists the swarm's networks as ``{name, encrypted}`` (None when they cannot be read yet).
    ``auto`` is true when every host's kernel has ESP. A network that exists keeps its encryption, since Docker cannot
    change it in place: a warning says so when ``auto`` would choose otherwise, and an existing encrypted network is
    refused when a host lacks ESP (it would carry nothing there).
    Returns ``{networks, warnings, problems}``, ``networks`` being the declarations with ``encrypted`` a boolean.
    """
    lacking = sorted(host for host, esp in (esp_by_host or {}).items() if esp is not True)
    current = dict((n.get('name'), bool(n.get('encrypted'))) for n in existing or ())
    resolved, warnings, problems = [], [], []
    for index, item in enumerate(networks):
        item = dict(item)
        if item.get('encrypted') != 'auto':
            item['encrypted'] = bool(item.get('encrypted', False))
            resolved.append(item)
            continue
        where = '%s[%d] (%s)' % (var_name, index, item.get('name'))
        wanted = not lacking
        exists = item.get('name') in current and item.get('state', 'present') == 'present'
        if exists and current[item['name']] != wanted:
            item['encrypted'] = current[item['name']]
            if current[item['name']]:
                problems.append('%s: encrypted=auto, and the network exists encrypted, but the kernel of %s has no IPsec '
                                'ESP: these hosts could carry nothing on it. Docker cannot change a network in place: '
                                'remove the services attached to it and set encrypted: false with recreate: '
                                'when_unused, or use hosts whose kernel has ESP' % (where, ', '.join(lacking)))
            else:
                warnings.append('%s: encrypted=auto would encrypt it (every host\'s kernel has IPsec ESP), but it exists '
                                'unencrypted and Docker cannot change a network in place, so it stays unencrypted. To '
                                'encrypt it, remove the services attached to it (or the stack) and run again with '
                                'encrypted: true and recreate: when_unused' % where)
        else:
            item['encrypted'] = wanted
            if not wanted:
                warnings.append('%s: encrypted=auto, but the kernel of %s has no IPsec ESP (or it could not be told): '
                                'the network is not encrypted' % (where, ', '.join(lacking)))
        resolved.append(item)
    return dict(networks=resolved, warnings=warnings, problems=problems)
