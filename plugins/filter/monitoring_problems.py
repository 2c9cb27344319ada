# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: monitoring_problems
short_description: What is wrong with the variables of geostack.swarm.monitoring
version_added: 0.4.0
description:
  - "Checks the values of the role's variables before anything is deployed, each problem naming its variable
    (C(monitoring_retention_time=0d must be from 1h to 3650d)): the retention time and size as Prometheus 2.42 reads
    them (durations such as V(15d), 1024-based sizes such as V(2GB)), the scrape and evaluation intervals (5s to 5m),
    the volume, the proxy's network (not the stack's front or back network), the node, its label, the Docker socket,
    the resources, and the alert receivers (C({name, type: webhook, url}) or C({name, type: email, to}))."
options:
  _input:
    description: >-
      The values by name without the prefix: C(retention_time), C(retention_size), C(scrape_interval),
      C(evaluation_interval), C(volume), C(network), C(node), C(node_label), C(docker_socket), C(resources),
      C(receivers).
    type: dict
    required: true
  hosts:
    description: The inventory's hosts (C(monitoring_node) must be one).
    type: list
    elements: str
  reserved_networks:
    description: The stack's front and back networks.
    type: list
    elements: str
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Check the variables
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'retention_time': monitoring_retention_time} | geostack.swarm.monitoring_problems(hosts=groups.all) }}"
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variable. Empty when all is sound.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.monitoring import monitoring_problems


def _monitoring_problems(values, hosts=(), reserved_networks=()):
    if not isinstance(values, dict):
        raise AnsibleFilterError('monitoring_problems expects the variables by name without monitoring_')
    return monitoring_problems(values, hosts=list(hosts or ()), reserved_networks=list(reserved_networks or ()))


class FilterModule(object):
    def filters(self):
        return dict(monitoring_problems=_monitoring_problems)
