# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: overlay_encryption
short_description: Decide which declared overlay networks are encrypted (C(encrypted=auto) included)
version_added: 0.1.0
description:
  - Resolves C(encrypted) of each declared network to a boolean. V(auto) means encrypted when the kernel of every swarm
    host has IPsec ESP, otherwise unencrypted with a warning naming the hosts.
  - Docker cannot change a network's encryption in place, so a network that exists keeps it; a warning says so when
    V(auto) would choose otherwise, and an existing encrypted network is refused (in C(problems)) when a host lacks
    ESP, as it would carry nothing there.
positional: esp_by_host, existing, var_name
options:
  _input:
    description: The network declarations (as in C(swarm_networks)).
    type: list
    elements: dict
    required: true
  esp_by_host:
    description: Host name to whether its kernel has IPsec ESP (true, false, or null when unknown).
    type: dict
    required: true
  existing:
    description: The swarm's networks as M(geostack.swarm.swarm_info) lists them (C(name), C(encrypted)); null when unknown.
    type: list
    elements: dict
  var_name:
    description: The variable's name, used in the messages.
    type: str
    default: swarm_networks
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Decide the encryption of the networks
  ansible.builtin.set_fact:
    networks: "{{ swarm_networks | geostack.swarm.overlay_encryption({'node1': true, 'node2': false}, []) }}"
"""

RETURN = r"""
_value:
  description: C({networks, warnings, problems}); C(networks) are the declarations with C(encrypted) a boolean.
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.network import resolve_encryption


class FilterModule(object):
    def filters(self):
        return dict(overlay_encryption=resolve_encryption)
