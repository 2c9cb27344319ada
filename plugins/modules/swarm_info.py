#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_info
short_description: Facts about a Docker Swarm, its nodes, networks and services, and the host's kernel capabilities
version_added: 0.1.0
description:
  - Reports whether the engine is in a swarm and as what, and, on a manager, the nodes (role, availability, labels,
    state, address), the overlay networks and the services.
  - Also reports the preflight's kernel capabilities and swarm ports of the host the task runs on (see
    M(geostack.swarm.swarm_host_info)).
  - Does not fail when the engine is in no swarm; node, network and service lists are then empty.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.attributes
  - geostack.swarm.attributes.info
options:
  nodes:
    description: List the nodes (managers only).
    type: bool
    default: true
  networks:
    description: List the swarm-scoped networks (managers only).
    type: bool
    default: true
  services:
    description: List the services (managers only).
    type: bool
    default: true
  host:
    description: Report the host's kernel capabilities and swarm ports (as M(geostack.swarm.swarm_host_info) does).
    type: bool
    default: true
seealso:
  - module: geostack.swarm.swarm_host_info
"""

EXAMPLES = r"""
- name: Read the swarm
  geostack.swarm.swarm_info:
  register: swarm

- name: Every node is ready
  ansible.builtin.assert:
    that: swarm.nodes | rejected_state | length == 0
  vars:
    rejected_state: "{{ swarm.nodes | rejectattr('state', 'eq', 'ready') }}"

- name: Managers by hostname
  ansible.builtin.debug:
    msg: "{{ swarm.nodes | selectattr('role', 'eq', 'manager') | map(attribute='hostname') }}"
"""

RETURN = r"""
swarm_active:
  description: Whether the engine is an active swarm member.
  returned: always
  type: bool
swarm_state:
  description: The engine's C(LocalNodeState) (V(inactive), V(pending), V(active), V(error), V(locked)).
  returned: always
  type: str
is_manager:
  description: Whether the engine is a manager.
  returned: always
  type: bool
node_id:
  description: This engine's node ID.
  returned: when in a swarm
  type: str
node_addr:
  description: This engine's node address.
  returned: when in a swarm
  type: str
cluster_id:
  description: The swarm's ID (managers only).
  returned: always
  type: str
remote_managers:
  description: The managers this engine knows of, as C(ADDR:PORT).
  returned: always
  type: list
  elements: str
swarm:
  description: Swarm facts without secrets (managers only).
  returned: on managers
  type: dict
nodes:
  description: Nodes as C({id, hostname, role, availability, labels, state, addr, engine_version, manager}).
  returned: always
  type: list
  elements: dict
networks:
  description: Swarm-scoped networks as C({id, name, driver, subnets, attachable, internal, encrypted, labels}).
  returned: always
  type: list
  elements: dict
services:
  description:
    - Services as C({id, name, image, mode, replicas, running, networks, labels, constraints, volumes, nodes}).
    - C(labels) are the service's own labels (C(com.docker.stack.namespace), C(org.geostack.role), ...),
      C(constraints) its placement constraints, C(volumes) the sources of its volume mounts, C(nodes) the IDs of the
      nodes its running tasks are on.
  returned: always
  type: list
  elements: dict
host:
  description: The host's preflight facts, as M(geostack.swarm.swarm_host_info) returns them (without C(docker)).
  returned: when O(host=true)
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient, new_module
from ansible_collections.geostack.swarm.plugins.module_utils.host import host_addresses, kernel_facts, port_facts, service_manager
from ansible_collections.geostack.swarm.plugins.module_utils.network import current_view, network_subnets
from ansible_collections.geostack.swarm.plugins.module_utils.swarm import node_summary, swarm_summary


def network_summary(network):
    view = current_view(network)
    return dict(id=network.get('Id'), name=network.get('Name'), driver=view['driver'],
                subnets=[str(s) for s in network_subnets(network)], attachable=view['attachable'],
                internal=view['internal'], encrypted=view['encrypted'], labels=view['labels'],
                ingress=bool(network.get('Ingress')))


def service_summaries(client):
    running = {}
    for task in client.tasks(filters={'desired-state': 'running'}):
        if (task.get('Status') or {}).get('State') == 'running':
            running.setdefault(task.get('ServiceID'), []).append(task.get('NodeID'))
    result = []
    for service in client.services():
        spec = service.get('Spec') or {}
        mode = spec.get('Mode') or {}
        template = spec.get('TaskTemplate') or {}
        container = template.get('ContainerSpec') or {}
        nodes = running.get(service.get('ID'), [])
        result.append(dict(
            id=service.get('ID'), name=spec.get('Name'),
            image=container.get('Image'),
            mode='global' if 'Global' in mode else 'replicated',
            replicas=(mode.get('Replicated') or {}).get('Replicas'),
            running=len(nodes),
            networks=[n.get('Target') for n in template.get('Networks') or spec.get('Networks') or []],
            labels=spec.get('Labels') or {},
            constraints=list((template.get('Placement') or {}).get('Constraints') or []),
            volumes=[m.get('Source') for m in container.get('Mounts') or [] if m.get('Type') == 'volume'],
            nodes=sorted(set(n for n in nodes if n)),
        ))
    return result


def main():
    module = new_module(
        argument_spec=dict(
            nodes=dict(type='bool', default=True),
            networks=dict(type='bool', default=True),
            services=dict(type='bool', default=True),
            host=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    client = SwarmClient(module)
    state = client.swarm_state()
    result = dict(changed=False, swarm_active=state['state'] == 'active', swarm_state=state['state'],
                  is_manager=state['is_manager'], node_id=state['node_id'], node_addr=state['node_addr'],
                  cluster_id=state['cluster_id'], remote_managers=state['remote_managers'],
                  nodes=[], networks=[], services=[])
    if state['state'] == 'active' and state['is_manager']:
        result['swarm'] = swarm_summary(client.inspect_swarm())
        if module.params['nodes']:
            result['nodes'] = sorted((node_summary(n) for n in client.nodes()),
                                     key=lambda n: (n['role'] != 'manager', n['hostname'] or ''))
        if module.params['networks']:
            result['networks'] = sorted((network_summary(n) for n in client.networks()
                                         if n.get('Scope') == 'swarm'), key=lambda n: n['name'])
        if module.params['services']:
            result['services'] = sorted(service_summaries(client), key=lambda s: s['name'] or '')
    if module.params['host']:
        ports = port_facts()
        result['host'] = dict(kernel=kernel_facts(), ports=ports,
                              ports_in_use=sorted(k for k, v in ports.items() if not v['free']),
                              service_manager=service_manager(), addresses=host_addresses())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
