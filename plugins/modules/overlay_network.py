#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: overlay_network
short_description: Create, check and remove Swarm overlay networks
version_added: 0.1.0
description:
  - Creates a swarm-scoped overlay network with the given addressing, MTU, labels and flags, through a swarm manager.
  - Docker cannot change a network in place. When an existing network differs from the options, the module fails with
    the differences and the services attached to it, unless O(recreate=when_unused) and nothing is attached, in
    which case the network is removed and created again.
  - A O(subnet) that overlaps the subnet of any other network on the engine is refused before anything changes.
  - O(encrypted=true) needs IPsec ESP in the kernel of every node; on a kernel without it Docker creates the network
    but it carries no traffic. The module refuses it when the kernel of the host it runs on lacks ESP (checked when
    the engine is local); the M(geostack.swarm.swarm_host_info) preflight checks the other nodes.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  name:
    description: Network name.
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  driver:
    description: Network driver.
    type: str
    choices: [overlay]
    default: overlay
  attachable:
    description: Let standalone containers (C(docker run --network)) attach, besides services.
    type: bool
    default: false
  internal:
    description: No route to the outside; services on it reach only each other.
    type: bool
    default: false
  subnet:
    description: Subnet in CIDR form. Unset, Docker picks one from the swarm's default address pool.
    type: str
  gateway:
    description: Gateway address inside O(subnet).
    type: str
  ip_range:
    description: Range inside O(subnet) that container addresses are taken from.
    type: str
  mtu:
    description:
      - MTU of the network's interfaces. Lower it below the hosts' MTU minus 50 (VXLAN) when the hosts' network
        has a small MTU.
    type: int
  encrypted:
    description: Encrypt the network's traffic between nodes with IPsec (ESP).
    type: bool
    default: false
  labels:
    description: Network labels (exact set when given).
    type: dict
  driver_options:
    description: Further driver options, compared key by key.
    type: dict
  recreate:
    description:
      - What to do when an existing network differs from the options.
      - V(never) fails with the differences and the attached services.
      - V(when_unused) removes and creates the network again when no service or container is attached; otherwise fails
        with the list of attached services.
    type: str
    choices: [never, when_unused]
    default: never
seealso:
  - module: geostack.swarm.swarm_info
"""

EXAMPLES = r"""
- name: Front network for the edge proxy and the map servers
  geostack.swarm.overlay_network:
    name: geostack_front
    subnet: 10.20.1.0/24
    attachable: true

- name: Back network for PostGIS, not routed outside
  geostack.swarm.overlay_network:
    name: geostack_back
    subnet: 10.20.2.0/24
    internal: true
    mtu: 1400
    labels:
      org.geostack.tier: data
    recreate: when_unused
"""

RETURN = r"""
network:
  description: The network as the engine reports it (C(docker network inspect)).
  returned: when O(state=present), except in check mode before creation
  type: dict
differences:
  description: Properties that differ from the options, as C({setting, before, after}).
  returned: always
  type: list
  elements: dict
attached_services:
  description: Services attached to the network.
  returned: when the network exists
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import (
    SwarmClient,
    is_local_engine,
    new_module,
)
from ansible_collections.geostack.swarm.plugins.module_utils.changes import ChangeTracker
from ansible_collections.geostack.swarm.plugins.module_utils.host import kernel_facts
from ansible_collections.geostack.swarm.plugins.module_utils.network import (
    NetworkSpecError,
    attached_services,
    create_kwargs,
    current_view,
    differences,
    overlaps,
    validate,
)


class NetworkManager(ChangeTracker):
    def __init__(self, module, client):
        super(NetworkManager, self).__init__(module, client, changes='differences')

    def find(self):
        name = self.params['name']
        matches = [n for n in self.client.networks() if n.get('Name') == name]
        if not matches:
            return None
        return self.client.inspect_network(matches[0]['Id']) or matches[0]

    def in_use(self, network):
        services = attached_services(self.client.services(), network)
        containers = sorted((c.get('Name') or cid) for cid, c in (network.get('Containers') or {}).items()
                            if not cid.startswith('lb-') and not (c.get('Name') or '').endswith('-endpoint'))
        return services, containers

    def run(self):
        p = self.params
        try:
            self.addressing = validate(p)
        except NetworkSpecError as exc:
            self.fail(str(exc))
        self.client.require_manager('overlay_network')
        network = self.find()
        if p['state'] == 'absent':
            return self.absent(network)
        if network is None:
            self.check_create()
            return self.create(before=None)
        self.result['attached_services'] = attached_services(self.client.services(), network)
        diffs = differences(network, p, self.addressing)
        self.changes.extend(diffs)
        if not diffs:
            self.result['network'] = network
            return self.done(current_view(network), current_view(network))
        changed = ', '.join('%s: %r -> %r' % (d['setting'], d['before'], d['after']) for d in diffs)
        services, containers = self.in_use(network)
        if p['recreate'] == 'never':
            self.fail('network %s exists with other properties (%s); Docker cannot change a network in place. '
                      'Attached services: %s. Set recreate=when_unused to recreate it once nothing is attached'
                      % (p['name'], changed, ', '.join(services) or 'none'))
        if services or containers:
            self.fail('network %s must be recreated (%s) but is in use by services: %s; containers: %s. Remove them '
                      'from the network first' % (p['name'], changed, ', '.join(services) or 'none',
                                                  ', '.join(containers) or 'none'))
        self.check_create()
        if not self.module.check_mode:
            self.client.call('Removing network %s' % p['name'], self.client.api.remove_network, network['Id'])
        self.create(before=current_view(network))

    def check_create(self):
        p = self.params
        clashes = overlaps(self.addressing.get('subnet'), self.client.networks(), p['name'])
        if clashes:
            self.fail('subnet %s of network %s overlaps %s' % (
                self.addressing['subnet'], p['name'],
                ', '.join('%s of network %s' % (subnet, name) for name, subnet in clashes)))
        if p['encrypted'] and is_local_engine(self.client.docker_host):
            kernel = kernel_facts()
            if kernel['esp'] is False:
                self.fail('encrypted=true for network %s, but the kernel of this host cannot carry encrypted overlay '
                          'traffic (%s): Docker would create the network and it would carry nothing. Use an unencrypted '
                          'network, or hosts whose kernel has IPsec ESP' % (p['name'], kernel['details']['esp']['evidence']))
            if kernel['esp'] is None:
                self.module.warn('encrypted=true: whether this kernel has IPsec ESP could not be determined (%s)'
                                 % kernel['details']['esp']['evidence'])

    def create(self, before):
        self.result['changed'] = True
        kwargs = create_kwargs(self.params, self.addressing)
        after = dict(kwargs)
        if not self.module.check_mode:
            created = self.client.call('Creating network %s' % self.params['name'], self.client.api.create_network,
                                       **kwargs)
            network = self.client.inspect_network(created['Id'])
            self.result['network'] = network
            after = current_view(network)
        self.done(before or {}, after)

    def absent(self, network):
        if network is None:
            return self.done()
        services, containers = self.in_use(network)
        if services or containers:
            self.fail('network %s is in use by services: %s; containers: %s. Remove them from the network first'
                      % (self.params['name'], ', '.join(services) or 'none', ', '.join(containers) or 'none'))
        self.result['changed'] = True
        if not self.module.check_mode:
            self.client.call('Removing network %s' % self.params['name'], self.client.api.remove_network, network['Id'])
        self.done(current_view(network), {})


def main():
    module = new_module(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            driver=dict(type='str', default='overlay', choices=['overlay']),
            attachable=dict(type='bool', default=False),
            internal=dict(type='bool', default=False),
            subnet=dict(type='str'),
            gateway=dict(type='str'),
            ip_range=dict(type='str'),
            mtu=dict(type='int'),
            encrypted=dict(type='bool', default=False),
            labels=dict(type='dict'),
            driver_options=dict(type='dict'),
            recreate=dict(type='str', default='never', choices=['never', 'when_unused']),
        ),
        supports_check_mode=True,
    )
    NetworkManager(module, SwarmClient(module)).run()


if __name__ == '__main__':
    main()
