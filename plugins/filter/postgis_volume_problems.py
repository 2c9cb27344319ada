# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: postgis_volume_problems
short_description: What deploying PostGIS would do to the data volume of a PostGIS that already runs
version_added: 0.2.0
description:
  - Given the services a swarm already runs (M(geostack.swarm.swarm_info)'s RV(geostack.swarm.swarm_info#module:services)),
    refuses a declaration that would hand an existing PostGIS data volume to a second or an empty PostgreSQL.
  - Under the running PostGIS of the same stack (label C(org.geostack.role=postgis)), another volume name (an empty
    database would start) or another node label (it could start on another node, on an empty volume); under the
    PostGIS of another stack, the same volume (two servers on one data directory).
options:
  _input:
    description: The services, as swarm_info returns them (C(labels), C(volumes), C(constraints) are read).
    type: list
    elements: dict
    required: true
  stack:
    description: The stack to deploy (C(geostack_stack)).
    type: str
    required: true
  volume:
    description: Its PostGIS volume (C(postgis_volume)).
    type: str
    required: true
  node_label:
    description: The node label that places its PostGIS (C(postgis_node_label)).
    type: str
    required: true
  other_volumes:
    description: Volumes its PostGIS mounts besides the data directory (the Unix socket's), which are not its data.
    type: list
    elements: str
    default: []
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Never hand the data volume to an empty or a second PostGIS
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ swarm.services | geostack.swarm.postgis_volume_problems(geostack_stack, postgis_volume, postgis_node_label) }}
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variable to keep. Empty when nothing is at risk.
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.guards import postgis_volume_problems


class FilterModule(object):
    def filters(self):
        return dict(postgis_volume_problems=postgis_volume_problems)
