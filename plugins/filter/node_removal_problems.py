# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: node_removal_problems
short_description: What removing a swarm node would take with it
version_added: 0.2.0
description:
  - Given the services a swarm runs (M(geostack.swarm.swarm_info)'s RV(geostack.swarm.swarm_info#module:services)) and a
    node, lists the services of the collection bound to that node that removing it would lose, PostGIS (its data
    volume) and the registry (the images every node pulls), whether they run there or are placed only there (by
    hostname, node ID or a node label it carries).
options:
  _input:
    description: The services, as swarm_info returns them (C(labels), C(nodes), C(constraints) are read).
    type: list
    elements: dict
    required: true
  node:
    description: The node, as swarm_info returns it (C(id), C(hostname), C(labels)).
    type: dict
    required: true
  force:
    description: Remove it anyway (no problem reported).
    type: bool
    default: false
  force_var:
    description: The variable that forces it, named in the messages.
    type: str
    default: swarm_remove_node_force
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse to remove the node of PostGIS or of the registry
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ swarm.services | geostack.swarm.node_removal_problems(node, swarm_remove_node_force) }}"
"""

RETURN = r"""
_value:
  description: One message per service at risk, naming the variable that forces the removal. Empty when none is.
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.guards import node_removal_problems


class FilterModule(object):
    def filters(self):
        return dict(node_removal_problems=node_removal_problems)
