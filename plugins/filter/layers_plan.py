# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: layers_plan
short_description: Check and complete the layers the map servers publish
version_added: 0.2.0
description:
  - Checks a list of layer declarations (the variable C(geostack_layers) of the role geostack.swarm.stack) against the
    planned datasets (the C(datasets) of M(geostack.swarm.datasets_plan#filter)) before anything is deployed.
  - A layer has a C(name), a C(table) that is the table of a dataset (or an existing table, with C(external=true)),
    and a C(type) (polygon, line, point or raster, matching the dataset). Optional keys are C(title), C(abstract),
    C(style) (C(fill), C(stroke), C(stroke_width), C(size), C(opacity)), C(label), C(srid) (default the dataset's),
    C(geometry_column).
positional: datasets
options:
  _input:
    description: The layer declarations.
    type: list
    elements: dict
    required: true
  datasets:
    description: The planned datasets.
    type: list
    elements: dict
    required: true
  var_name:
    description: The variable's name, used in the messages.
    type: str
    default: geostack_layers
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse layers on tables that no dataset loads
  ansible.builtin.assert:
    that: layers.problems | length == 0
    fail_msg: "{{ layers.problems | join('; ') }}"
  vars:
    datasets: "{{ (geostack_datasets | geostack.swarm.datasets_plan).datasets }}"
    layers: "{{ geostack_layers | geostack.swarm.layers_plan(datasets) }}"
"""

RETURN = r"""
_value:
  description: The completed layers and the problems found.
  type: dict
  contains:
    layers:
      description: The sound layers, with C(schema), C(table), C(type), C(srid), C(style) (defaults filled in).
      type: list
      elements: dict
    problems:
      description: One message per problem, naming the variable, the item and the key. Empty when all is sound.
      type: list
      elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.geodata import layers_plan


def _layers_plan(layers, datasets, var_name='geostack_layers'):
    planned, problems = layers_plan(layers, datasets, var=var_name)
    return dict(layers=planned, problems=problems)


class FilterModule(object):
    def filters(self):
        return dict(layers_plan=_layers_plan)
