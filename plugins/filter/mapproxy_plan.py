# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mapproxy_plan
short_description: The layers geostack.swarm.mapproxy caches, and what is wrong with its variables
version_added: 0.4.0
description:
  - Plans the cached layers from C(mapproxy_layers) (each entry a layer of C(geostack_layers) with its zoom levels,
    grids and format; an empty list caches every layer with the defaults) and checks the role's variables, every
    problem naming its variable (C(mapproxy_layers[0] (roads).layer is not a layer of geostack_layers)).
  - Zoom levels are [first, last] from 0 to 24, first not after last; the grids are GoogleMapsCompatible (Web
    Mercator, EPSG:3857) and EPSG4326; the formats png and jpeg.
positional: layers, services
options:
  _input:
    description: >-
      The values by name without the prefix mapproxy_ (layers, levels, grids, format, source, replicas, workers,
      title, seed_concurrency).
    type: dict
    required: true
  layers:
    description: The planned layers (the C(layers) of M(geostack.swarm.layers_plan#filter)).
    type: list
    elements: dict
    required: true
  services:
    description: C(geostack_services), to check that the source map server is deployed.
    type: list
    elements: str
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Plan the cached layers
  ansible.builtin.set_fact:
    plan: "{{ {'layers': mapproxy_layers, 'levels': [0, 5], 'grids': ['GoogleMapsCompatible'], 'format': 'png',
               'source': 'mapserver', 'replicas': 1, 'workers': 4, 'title': 'Tiles', 'seed_concurrency': 2}
              | geostack.swarm.mapproxy_plan(layers, geostack_services) }}"
"""

RETURN = r"""
_value:
  description: >-
    C(layers), the cached layers ({name, title, levels, grids, format, mime, source_layer}), and C(problems), one
    message per problem naming the variable (empty when all is sound).
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.mapproxy import mapproxy_plan


class FilterModule(object):
    def filters(self):
        return dict(mapproxy_plan=mapproxy_plan)
