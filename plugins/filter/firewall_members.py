# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: firewall_members
short_description: The addresses a swarm's members send from, for the host firewall
version_added: 0.1.0
description:
  - Works out each swarm host's address the way the role C(geostack.swarm.swarm) chooses it (C(swarm_advertise_addr),
    else the host's default IPv4 address, else its C(ansible_host) when that is an IP address; an interface name gives
    all its addresses), adds C(swarm_data_path_addr) when set and the extra sources, and returns them by IP version,
    collapsed; hosts whose address cannot be known are named in C(problems).
positional: extra_sources
options:
  _input:
    description:
      - One mapping per host, C({host, advertise_addr, data_path_addr, default_ipv4, ansible_host, addresses}),
        C(addresses) being C(host.addresses) of M(geostack.swarm.swarm_host_info) (interface to addresses) or null.
    type: list
    elements: dict
    required: true
  extra_sources:
    description: Further addresses or networks (CIDR) counted as members.
    type: list
    elements: str
    default: []
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Work out the members' addresses
  ansible.builtin.set_fact:
    members: "{{ [{'host': 'node1', 'advertise_addr': '', 'default_ipv4': '10.0.0.1'}] | geostack.swarm.firewall_members }}"
"""

RETURN = r"""
_value:
  description: C({ipv4, ipv6, problems}), each a list of strings.
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.firewall import member_addresses


class FilterModule(object):
    def filters(self):
        return dict(firewall_members=member_addresses)
