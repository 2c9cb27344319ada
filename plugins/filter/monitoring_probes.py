# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: monitoring_probes
short_description: The blackbox exporter's probes of the stack's endpoints, through the edge
version_added: 0.4.0
description:
  - "From the fact C(geostack_routes), for each declared service with a route on the edge: an OWS map server's WMS
    GetCapabilities (module C(wms_capabilities)), a GetMap of its first vector layer (C(wms_getmap)), a WFS GetFeature
    of its first vector layer (C(wfs_getfeature)); and, for a route's OGC API Features probe, one items request
    (C(ogcapi_items))."
  - Each item is C({service, module, url, instance}). C(url) goes to the edge service itself on the front network
    (O(edge_url)), the module giving the public host as Host header and TLS server name; C(instance) is the same
    request at the public URL, as users see it.
options:
  _input:
    description: The fact C(geostack_routes).
    type: dict
    required: true
  services:
    description: C(geostack_services), the order of the probes (services without a route are skipped).
    type: list
    elements: str
    required: true
  layers:
    description: The layers the map servers serve (the stack's layers plan, C({name, type})).
    type: list
    elements: dict
    default: []
  public_url:
    description: The stack's public URL (C(https://host[:port])).
    type: str
    required: true
  edge_url:
    description: The edge's HTTPS listener on the front network.
    type: str
    default: https://edge:8443
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: The probes
  ansible.builtin.set_fact:
    probes: >-
      {{ geostack_routes | geostack.swarm.monitoring_probes(services=geostack_services, layers=geostack__layers_plan.layers,
                                                            public_url=geostack__public_url) }}
"""

RETURN = r"""
_value:
  description: One C({service, module, url, instance}) per probe.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.monitoring import probe_targets


def _monitoring_probes(routes, services=(), layers=(), public_url='', edge_url='https://edge:8443'):
    if not isinstance(routes, dict):
        raise AnsibleFilterError('monitoring_probes expects the fact geostack_routes (a mapping)')
    return probe_targets(dict(routes), list(services or ()), list(layers or ()), str(public_url), edge_url=str(edge_url))


class FilterModule(object):
    def filters(self):
        return dict(monitoring_probes=_monitoring_probes)
