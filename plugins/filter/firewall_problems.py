# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: firewall_problems
short_description: What is wrong with the host firewall's variables
version_added: 0.1.0
description:
  - Checks the variables of the role C(geostack.swarm.firewall) before anything changes and returns one message per
    problem, each naming its variable; an empty list means they are sound.
  - Ports from 1 to 65535 (published ports may be 0, not published), none of Swarm's (2377, 7946, 4789) opened by a
    declared port; sources as addresses or networks in CIDR form without host bits; the extra allowed ports' keys,
    ranges, protocols and comments; the input policy and the booleans.
options:
  _input:
    description:
      - The variables, by name (C(firewall_enabled), C(firewall_policy), C(firewall_ssh_port),
        C(firewall_ssh_sources), C(firewall_member_sources), C(firewall_published_ports), C(firewall_registry_port),
        C(firewall_registry_sources), C(firewall_allowed), C(firewall_persist)).
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse bad firewall variables
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'firewall_allowed': firewall_allowed, 'firewall_ssh_port': 22} | geostack.swarm.firewall_problems }}"
"""

RETURN = r"""
_value:
  description: One message per problem.
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.firewall import firewall_problems


class FilterModule(object):
    def filters(self):
        return dict(firewall_problems=firewall_problems)
