#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_host_info
short_description: Preflight facts about a host that is to run a Swarm node
version_added: 0.1.0
description:
  - Reads, without needing a Docker engine, what the rest of the collection decides on
    (the preflight) from the host the task runs on.
  - "Kernel capabilities, each V(true) (built in, loaded or loadable), V(false) (the kernel configuration says
    it is missing) or V(null) (nothing readable tells): C(ipvs) (routing mesh and VIP endpoints; without it
    services use C(endpoint_mode=dnsrr) and host-mode ports), C(vxlan) (overlay networks), C(esp) (encrypted
    overlay networks), C(bridge), C(veth), C(overlay_fs)."
  - Whether the swarm ports 2377/tcp, 7946/tcp, 7946/udp and 4789/udp are free, the service manager
    (C(systemd), C(sysvinit) or C(none)), the host's addresses, and the Docker engine's state when one answers.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.attributes
  - geostack.swarm.attributes.info
options:
  docker_host:
    description:
      - Docker engine to report on, if one answers there. The module never fails because no engine answers.
    type: str
    default: unix:///var/run/docker.sock
requirements:
  - Python 3.8+ on the host. The Docker SDK for Python is optional (engine facts are only given with it).
"""

EXAMPLES = r"""
- name: Preflight
  geostack.swarm.swarm_host_info:
  register: preflight

- name: Refuse encrypted overlays where the kernel cannot carry them
  ansible.builtin.assert:
    that: preflight.host.kernel.esp
    fail_msg: "{{ preflight.host.kernel.details.esp.evidence }}"

- name: Choose the endpoint mode from the kernel
  ansible.builtin.set_fact:
    endpoint_mode: "{{ 'vip' if preflight.host.kernel.ipvs else 'dnsrr' }}"
"""

RETURN = r"""
host:
  description: The preflight facts.
  returned: always
  type: dict
  contains:
    kernel:
      description:
        - Kernel capabilities (V(true), V(false) or V(null)) with C(release), C(config_source) and, under C(details),
          each capability's evidence and use.
      type: dict
      sample:
        release: 6.1.0-18-amd64
        config_source: /boot/config-6.1.0-18-amd64
        ipvs: true
        vxlan: true
        esp: true
        bridge: true
        veth: true
        overlay_fs: true
        details:
          esp: {present: true, evidence: loadable module, used_for: encrypted overlay networks (IPsec ESP)}
    ports:
      description: Swarm ports, keyed C(PORT/PROTO), with whether they are free (nothing listens there).
      type: dict
      sample: {"2377/tcp": {"free": true, "used_for": "cluster management (managers)"}}
    ports_in_use:
      description: The swarm ports something already listens on.
      type: list
      elements: str
      sample: ["2377/tcp"]
    service_manager:
      description: How services are started on this host.
      type: str
      sample: systemd
    addresses:
      description: Interface name to its addresses, or V(null) when C(ip) (iproute2) is not installed.
      type: dict
      sample: {"eth0": ["192.0.2.11", "fe80::1"]}
    docker:
      description: The local Docker engine, when one answers at O(docker_host).
      type: dict
      contains:
        running:
          description: Whether the engine answered.
          type: bool
        sdk:
          description: Whether the Docker SDK for Python is installed for the module's interpreter.
          type: bool
        version:
          description: Engine version.
          type: str
        swarm_state:
          description: The engine's C(LocalNodeState) (V(inactive), V(active), V(pending), V(locked), V(error)).
          type: str
        is_manager:
          description: Whether the engine is a swarm manager.
          type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.geostack.swarm.plugins.module_utils.host import (
    host_addresses,
    kernel_facts,
    port_facts,
    service_manager,
)

try:
    import docker
    HAS_DOCKER = True
except ImportError:
    HAS_DOCKER = False


def engine_facts(docker_host):
    facts = dict(running=False, sdk=HAS_DOCKER, version=None, swarm_state=None, is_manager=False)
    if not HAS_DOCKER:
        return facts
    try:
        api = docker.APIClient(base_url=docker_host, version='auto', timeout=10)
        info = api.info()
    except Exception:  # noqa: BLE001 - any failure means "no engine answers here"
        return facts
    swarm = info.get('Swarm') or {}
    facts.update(running=True, version=info.get('ServerVersion'),
                 swarm_state=swarm.get('LocalNodeState') or 'inactive',
                 is_manager=bool(swarm.get('ControlAvailable')))
    return facts


def main():
    module = AnsibleModule(
        argument_spec=dict(docker_host=dict(type='str', default='unix:///var/run/docker.sock')),
        supports_check_mode=True,
    )
    ports = port_facts()
    host = dict(
        kernel=kernel_facts(),
        ports=ports,
        ports_in_use=sorted(k for k, v in ports.items() if not v['free']),
        service_manager=service_manager(),
        addresses=host_addresses(),
        docker=engine_facts(module.params['docker_host']),
    )
    module.exit_json(changed=False, host=host)


if __name__ == '__main__':
    main()
