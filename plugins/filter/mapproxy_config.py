# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mapproxy_config
short_description: MapProxy's configuration for the layers geostack.swarm.mapproxy caches
version_added: 0.4.0
description:
  - Makes MapProxy's configuration (a mapping, written as mapproxy.yaml) from the plan of
    M(geostack.swarm.mapproxy_plan#filter) - one WMS source a layer (the stack's map server on the back network),
    one cache a layer in each of its grids (file cache, directory layout tms, the grids' origin at the top left),
    the levels after the last declared one drawn and not stored; WMTS (KVP and REST), TMS and a WMS facade.
positional: settings
options:
  _input:
    description: The plan (the output of M(geostack.swarm.mapproxy_plan#filter)).
    type: dict
    required: true
  settings:
    description: >-
      source_url (the map server's WMS), title, cache_dir (the cache volume in the container), lock_dir (a
      directory on the node's local disk), srs (the WMS facade's reference systems).
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Write MapProxy's configuration
  ansible.builtin.set_fact:
    config: "{{ plan | geostack.swarm.mapproxy_config({'source_url': 'http://mapserver:8080/ows', 'title': 'Tiles',
                'cache_dir': '/srv/mapproxy/cache_data', 'lock_dir': '/srv/mapproxy/locks'}) | to_nice_yaml }}"
"""

RETURN = r"""
_value:
  description: MapProxy's configuration.
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.mapproxy import mapproxy_config


class FilterModule(object):
    def filters(self):
        return dict(mapproxy_config=mapproxy_config)
