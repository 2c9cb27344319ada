# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: route_problems
short_description: What is wrong with the edge's path prefixes
version_added: 0.2.0
description:
  - Checks the path prefixes the edge proxy routes to the services (for instance C(mapserver_path),
    C(qgis_server_path)) before anything is deployed. Each must be a path such as C(/mapserver), not C(/) (the
    landing page); no two may be equal, and none may be inside another (C(/ows) and C(/ows/wms)).
options:
  _input:
    description: A mapping of variable names to path prefixes.
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse two services on one path prefix
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'mapserver_path': mapserver_path, 'qgis_server_path': qgis_server_path} | geostack.swarm.route_problems }}"
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variables. Empty when the routes are sound.
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.geodata import route_problems


class FilterModule(object):
    def filters(self):
        return dict(route_problems=route_problems)
