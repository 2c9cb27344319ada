# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mapproxy_seed
short_description: mapproxy-seed's configuration for the layers geostack.swarm.mapproxy caches
version_added: 0.4.0
description:
  - Makes mapproxy-seed's configuration from the plan of M(geostack.swarm.mapproxy_plan#filter). For each layer a
    seed named after it (the missing tiles of its declared levels, in its grids), a seed C(<layer>_refresh) (the same,
    also drawing again the tiles older than C(refresh_seconds)) and a cleanup C(<layer>_clean) (every tile of the
    layer removed).
positional: settings
options:
  _input:
    description: The plan (the output of M(geostack.swarm.mapproxy_plan#filter)).
    type: dict
    required: true
  settings:
    description: refresh_seconds, the age after which the refreshing seeds draw a tile again.
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Write the seeding configuration
  ansible.builtin.set_fact:
    seed: "{{ plan | geostack.swarm.mapproxy_seed({'refresh_seconds': 86400}) | to_nice_yaml }}"
"""

RETURN = r"""
_value:
  description: mapproxy-seed's configuration (seeds and cleanups).
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.mapproxy import mapproxy_seed


class FilterModule(object):
    def filters(self):
        return dict(mapproxy_seed=mapproxy_seed)
