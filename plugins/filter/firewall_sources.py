# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: firewall_sources
short_description: A list of addresses and networks split by IP version, for nftables sets
version_added: 0.1.0
description:
  - Returns C({ipv4, ipv6}), each list sorted and collapsed (nftables' interval sets refuse overlapping elements); a
    single address is given without its prefix length. The input is expected to have been checked by
    P(geostack.swarm.firewall_problems#filter).
options:
  _input:
    description: Addresses or networks in CIDR form.
    type: list
    elements: str
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Split the SSH sources
  ansible.builtin.debug:
    msg: "{{ ['192.0.2.0/24', '2001:db8::/32'] | geostack.swarm.firewall_sources }}"
"""

RETURN = r"""
_value:
  description: C({ipv4, ipv6}), each a list of strings.
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.firewall import split_sources


class FilterModule(object):
    def filters(self):
        return dict(firewall_sources=split_sources)
