# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: address_problem
short_description: Why an address is not one of a host's addresses or interfaces
version_added: 0.1.0
description:
  - Given an address (V(ADDR), V(ADDR:PORT), V([V6]:PORT) or an interface name) and a host's addresses as
    M(geostack.swarm.swarm_host_info) returns them in C(host.addresses), returns why the address is not on that
    host, or an empty string when it is. Lets a play check every host's addresses before any change.
positional: addresses, option
options:
  _input:
    description: The address to check.
    type: str
    required: true
  addresses:
    description: Interface name to list of addresses; V(null) skips the check.
    type: dict
    required: true
  option:
    description: The variable's name, used in the message.
    type: str
    default: advertise_addr
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: The advertise address is on the host
  ansible.builtin.assert:
    that: problem | length == 0
    fail_msg: "{{ problem }}"
  vars:
    problem: "{{ swarm_advertise_addr | geostack.swarm.address_problem(preflight.host.addresses, 'swarm_advertise_addr') }}"
"""

RETURN = r"""
_value:
  description: The problem, or an empty string.
  type: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.host import address_problem


def address_problem_filter(value, addresses, option='advertise_addr'):
    return address_problem(value, addresses, option) or ''


class FilterModule(object):
    def filters(self):
        return dict(address_problem=address_problem_filter)
