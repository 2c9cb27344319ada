# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: network_problems
short_description: What is wrong with a list of declared overlay networks
version_added: 0.1.0
description:
  - Checks a list of network declarations, as the O(geostack.swarm.overlay_network#module:name) options of
    M(geostack.swarm.overlay_network), before anything is created; returns one message per problem, each naming the
    variable and the item. An empty list means the declarations are sound.
  - Checks that every item is a mapping with a C(name), that names are unique, that keys are known, that the
    addressing (subnet, gateway, ip_range, mtu) is valid, that C(encrypted) is V(true), V(false) or V(auto), and that
    no two subnets overlap.
positional: var_name
options:
  _input:
    description: The list of network declarations.
    type: list
    elements: dict
    required: true
  var_name:
    description: The variable's name, used in the messages.
    type: str
    default: swarm_networks
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse unsound network declarations
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ swarm_networks | geostack.swarm.network_problems('swarm_networks') }}"
"""

RETURN = r"""
_value:
  description: One message per problem.
  type: list
  elements: str
"""

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.network import NetworkSpecError, overlaps, validate

NETWORK_KEYS = ('name', 'subnet', 'gateway', 'ip_range', 'attachable', 'internal', 'encrypted', 'mtu', 'labels',
                'driver_options', 'recreate', 'state')


# A Docker network name, anchored with \Z ($ would accept a trailing newline); the networks Docker makes itself.
NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\Z')
RESERVED_NAMES = ('bridge', 'docker_gwbridge', 'host', 'ingress', 'none')


def network_problems(networks, var_name='swarm_networks'):
    if not isinstance(networks, (list, tuple)):
        raise AnsibleFilterError('%s must be a list of network declarations, got %s' % (var_name, type(networks).__name__))
    problems = []
    seen = {}
    declared = []
    for index, item in enumerate(networks):
        where = '%s[%d]' % (var_name, index)
        if not isinstance(item, dict) or not item.get('name'):
            problems.append('%s must be a mapping with a name' % where)
            continue
        where = '%s[%d] (%s)' % (var_name, index, item['name'])
        if not isinstance(item['name'], str) or not NAME.match(item['name']):
            problems.append('%s: the name must be letters, digits, _ . and - (at most 63, starting with a letter or a '
                            'digit)' % where)
        elif item['name'] in RESERVED_NAMES:
            problems.append('%s: %s is the name of a network Docker makes itself (%s)'
                            % (where, item['name'], ', '.join(RESERVED_NAMES)))
        unknown = sorted(set(item) - set(NETWORK_KEYS))
        if unknown:
            problems.append('%s has unknown keys: %s (known: %s)' % (where, ', '.join(unknown), ', '.join(NETWORK_KEYS)))
        if item['name'] in seen:
            problems.append('%s: the name is also used by %s[%d]' % (where, var_name, seen[item['name']]))
        seen[item['name']] = index
        if item.get('encrypted', False) not in (True, False, 'auto'):
            problems.append('%s: encrypted must be true, false or auto (encrypted where every host\'s kernel has IPsec '
                            'ESP)' % where)
        if item.get('recreate') not in (None, 'never', 'when_unused'):
            problems.append('%s: recreate must be never or when_unused' % where)
        mtu = item.get('mtu')
        if mtu is not None and (isinstance(mtu, bool) or not isinstance(mtu, int)):
            problems.append('%s: mtu must be an integer' % where)
            continue
        try:
            addressing = validate(item)
        except NetworkSpecError as exc:
            problems.append('%s: %s' % (where, exc))
            continue
        if addressing['subnet']:
            clashes = overlaps(addressing['subnet'], [dict(Name=n, IPAM=dict(Config=[dict(Subnet=s)])) for n, s in declared],
                               item['name'])
            for name, subnet in clashes:
                problems.append('%s: subnet %s overlaps subnet %s of network %s' % (where, addressing['subnet'], subnet, name))
            declared.append((item['name'], addressing['subnet']))
    return problems


class FilterModule(object):
    def filters(self):
        return dict(network_problems=network_problems)
