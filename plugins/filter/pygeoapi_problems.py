# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: pygeoapi_problems
short_description: What is wrong with the variables of geostack.swarm.pygeoapi
version_added: 0.4.0
description:
  - Checks the values of the role's variables before anything is deployed, each problem naming its variable
    (C(pygeoapi_workers=99 must be 0 ... or ... from 1 to 64)), for the public URL, the gunicorn workers, the replicas,
    the paging limits, the title, the CRSs offered, the identifier columns, the log level; and that
    C(geostack_layers) has a vector layer to serve. The path prefix is checked against the other routes by
    geostack.swarm.stack (M(geostack.swarm.route_problems#filter)).
positional: layers
options:
  _input:
    description: >-
      The values by name without the prefix: C(url), C(workers), C(replicas), C(default_items), C(max_items),
      C(title), C(description), C(crs), C(id_field), C(id_fields), C(log_level).
    type: dict
    required: true
  layers:
    description: The planned layers.
    type: list
    elements: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Check the variables
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'url': pygeoapi_url, 'workers': pygeoapi_workers} | geostack.swarm.pygeoapi_problems(layers) }}"
"""

RETURN = r"""
_value:
  description: One message per problem, naming the variable. Empty when all is sound.
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.pygeoapi import pygeoapi_problems


class FilterModule(object):
    def filters(self):
        return dict(pygeoapi_problems=pygeoapi_problems)
