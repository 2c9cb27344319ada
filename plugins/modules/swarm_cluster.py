#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_cluster
short_description: Initialise a Docker Swarm on its first manager and manage the swarm's settings
version_added: 0.1.0
description:
  - With O(state=present), initialises a swarm on the engine the task talks to when it is in no swarm, and otherwise
    updates the swarm's settings (Raft, dispatcher, certificate expiry, autolock, labels) where they differ from the
    options given. Options left unset keep the swarm's current value.
  - Rotates the worker or manager join token, or the unlock key, on request.
  - "Returns the swarm's facts and its join tokens. The tokens let any host join: register the result with
    C(no_log: true)."
  - With O(state=absent), this engine leaves the swarm. That is refused on a manager while other managers remain (use
    M(geostack.swarm.swarm_node) with O(geostack.swarm.swarm_node#module:state=absent), which demotes it first and
    keeps the Raft quorum) and, on the last manager, unless O(force=true), because the swarm is lost.
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
    support: partial
    details:
      - Rotating a token or the unlock key changes the swarm every time it is requested.
options:
  state:
    description:
      - V(present) initialises the swarm if needed and applies the settings; V(absent) makes this engine leave it.
    type: str
    choices: [present, absent]
    default: present
  advertise_addr:
    description:
      - Address other nodes reach this manager at, as V(ADDR), V(ADDR:PORT) or an interface name such as V(eth0).
      - Used only when the swarm is initialised. Must be an address or interface of this host (checked when the engine is
        local).
    type: str
  listen_addr:
    description:
      - Address the manager listens on for cluster traffic, used when the swarm is initialised.
    type: str
    default: 0.0.0.0:2377
  data_path_addr:
    description:
      - Address or interface for overlay (data path) traffic, to separate it from management traffic.
        Used when the swarm is initialised.
    type: str
  data_path_port:
    description:
      - UDP port for VXLAN traffic (default 4789), used when the swarm is initialised. Needs Docker SDK for Python 6.0+.
    type: int
  default_addr_pool:
    description:
      - Address pools (CIDRs) overlay networks get their subnets from, used when the swarm is initialised.
    type: list
    elements: str
  subnet_size:
    description:
      - Prefix length of the subnets taken from O(default_addr_pool) (default 24).
    type: int
  autolock_managers:
    description:
      - Encrypt the managers' Raft data at rest; a restarted manager then needs the unlock key (returned as RV(unlock_key)).
    type: bool
  task_history_retention_limit:
    description: How many finished tasks per service the swarm keeps.
    type: int
  snapshot_interval:
    description: Raft log entries between two snapshots.
    type: int
  keep_old_snapshots:
    description: Raft snapshots kept beyond the current one.
    type: int
  log_entries_for_slow_followers:
    description: Raft log entries kept to sync slow followers after a snapshot.
    type: int
  heartbeat_tick:
    description: Raft ticks between heartbeats.
    type: int
  election_tick:
    description: Raft ticks without a leader before an election; must exceed O(heartbeat_tick).
    type: int
  dispatcher_heartbeat_period:
    description:
      - How often nodes report to the managers, as seconds or a duration such as V(5s).
    type: raw
  node_cert_expiry:
    description:
      - Validity of node certificates, as seconds or a duration such as V(90d) or V(2160h).
    type: raw
  labels:
    description:
      - Labels of the swarm itself (exact set when given).
    type: dict
  rotate_worker_token:
    description: Rotate the worker join token.
    type: bool
    default: false
  rotate_manager_token:
    description: Rotate the manager join token.
    type: bool
    default: false
  rotate_unlock_key:
    description: Rotate the unlock key (only with autolock).
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), let the last manager leave, which destroys the swarm.
    type: bool
    default: false
seealso:
  - module: geostack.swarm.swarm_node
  - module: geostack.swarm.swarm_info
"""

EXAMPLES = r"""
- name: Initialise the swarm on the first manager
  geostack.swarm.swarm_cluster:
    advertise_addr: eth1
    default_addr_pool: [10.20.0.0/16]
    subnet_size: 24
    node_cert_expiry: 90d
  register: cluster
  no_log: true

- name: Let workers join
  geostack.swarm.swarm_node:
    role: worker
    remote_addrs: ["{{ hostvars[groups.swarm_managers[0]].ansible_host }}:2377"]
    join_token: "{{ hostvars[groups.swarm_managers[0]].cluster.join_tokens.worker }}"
  when: inventory_hostname in groups.swarm_workers

- name: Rotate the worker token after a worker was lost
  geostack.swarm.swarm_cluster:
    rotate_worker_token: true
  no_log: true
"""

RETURN = r"""
swarm:
  description: The swarm's facts (no secrets).
  returned: when the engine is in a swarm
  type: dict
  sample:
    id: nlwmfx5s9xc9s1w8pl9ekb6xq
    default_addr_pool: [10.0.0.0/8]
    subnet_size: 24
    data_path_port: 4789
    settings: {autolock_managers: false, node_cert_expiry: 7776000000000000}
join_tokens:
  description: The join tokens. Secret; register the result with C(no_log).
  returned: when the engine is in a swarm (not in check mode before initialisation)
  type: dict
  contains:
    worker:
      description: Token that joins a host as a worker.
      type: str
    manager:
      description: Token that joins a host as a manager.
      type: str
unlock_key:
  description: The key that unlocks a restarted manager when autolock is on. Secret.
  returned: when autolock is on
  type: str
node_id:
  description: This manager's node ID.
  returned: when the engine is in a swarm
  type: str
manager_addr:
  description: The address other nodes join this manager at (C(ADDR:2377)).
  returned: when the engine is in a swarm
  type: str
changes:
  description: What changed or would change, as C({setting, before, after}).
  returned: always
  type: list
  elements: dict
"""

import inspect
import ipaddress

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import (
    SwarmClient,
    is_local_engine,
    new_module,
)
from ansible_collections.geostack.swarm.plugins.module_utils.host import address_problem, host_addresses
from ansible_collections.geostack.swarm.plugins.module_utils.changes import ChangeTracker, change_record
from ansible_collections.geostack.swarm.plugins.module_utils.swarm import (
    SpecError,
    desired_settings,
    quorum_problem,
    spec_changes,
    spec_for_init,
    swarm_summary,
)


class ClusterManager(ChangeTracker):

    def validate(self):
        p = self.params
        try:
            self.desired = desired_settings(p)
        except SpecError as exc:
            self.fail(str(exc))
        if p['subnet_size'] is not None and not 8 <= p['subnet_size'] <= 29:
            self.fail('subnet_size must be between 8 and 29, got %s' % p['subnet_size'])
        if p['data_path_port'] is not None and not 1024 <= p['data_path_port'] <= 49151:
            self.fail('data_path_port must be between 1024 and 49151, got %s' % p['data_path_port'])
        if p['default_addr_pool']:
            for cidr in p['default_addr_pool']:
                try:
                    ipaddress.ip_network(cidr)
                except ValueError as exc:
                    self.fail('default_addr_pool entry %r is not a network: %s' % (cidr, exc))
        if is_local_engine(self.client.docker_host):
            addresses = host_addresses()
            for option in ('advertise_addr', 'data_path_addr', 'listen_addr'):
                problem = address_problem(p[option], addresses, option)
                if problem:
                    self.fail(problem)

    def run(self):
        self.validate()
        state = self.client.swarm_state()
        if self.params['state'] == 'absent':
            self.leave(state)
        else:
            if state['state'] == 'inactive':
                self.init()
            else:
                if state['state'] != 'active':
                    self.fail('the engine is in swarm state %r (%s); it cannot be managed until that is resolved '
                              '(a locked manager needs its unlock key: docker swarm unlock)'
                              % (state['state'], state['error'] or 'no error'))
                self.client.require_manager('swarm_cluster')
                self.update()
            self.report()
        self.done()

    def init(self):
        p = self.params
        self.change('swarm', 'inactive', 'active')
        if self.check_mode:
            return
        kwargs = dict(advertise_addr=p['advertise_addr'], listen_addr=p['listen_addr'],
                      swarm_spec=spec_for_init(self.desired) or None, default_addr_pool=p['default_addr_pool'],
                      subnet_size=p['subnet_size'], data_path_addr=p['data_path_addr'])
        if p['data_path_port'] is not None:
            if 'data_path_port' not in inspect.signature(self.client.api.init_swarm).parameters:
                self.fail('data_path_port needs Docker SDK for Python 6.0 or newer on this host')
            kwargs['data_path_port'] = p['data_path_port']
        self.client.call('Initialising the swarm', self.client.api.init_swarm, **kwargs)
        self.client.info(refresh=True)

    def update(self):
        p = self.params
        swarm = self.client.inspect_swarm()
        new_spec, changes = spec_changes(swarm.get('Spec'), self.desired)
        rotate = dict(rotate_worker_token=p['rotate_worker_token'], rotate_manager_token=p['rotate_manager_token'],
                      rotate_manager_unlock_key=p['rotate_unlock_key'])
        autolock = new_spec.get('EncryptionConfig', {}).get('AutoLockManagers')
        if p['rotate_unlock_key'] and not autolock:
            self.fail('rotate_unlock_key needs autolock_managers=true')
        for option, value in rotate.items():
            if value:
                changes.append(change_record(option, None, True))
        for c in changes:
            self.change(c['setting'], c['before'], c['after'])
        if not changes or self.check_mode:
            return
        self.client.call('Updating the swarm', self.client.api.update_swarm, version=swarm['Version']['Index'],
                         swarm_spec=new_spec, **rotate)

    def leave(self, state):
        if state['state'] == 'inactive':
            return
        if state['is_manager']:
            nodes = self.client.nodes()
            managers = [n for n in nodes if (n.get('Spec') or {}).get('Role') == 'manager']
            if len(managers) > 1:
                self.fail('this engine is one of %d managers; use geostack.swarm.swarm_node with state=absent to '
                          'demote it and leave while keeping the quorum' % len(managers))
            problem = quorum_problem(nodes, state['node_id'], 'remove', force=self.params['force'])
            if problem:
                self.fail(problem)
        self.change('swarm', state['state'], 'inactive')
        if not self.check_mode:
            self.client.call('Leaving the swarm', self.client.api.leave_swarm, force=True)

    def report(self):
        if self.check_mode and self.result['changed'] and self.client.swarm_state()['state'] == 'inactive':
            return
        state = self.client.swarm_state(refresh=True)
        swarm = self.client.inspect_swarm()
        self.result['swarm'] = swarm_summary(swarm)
        self.result['join_tokens'] = dict(worker=swarm['JoinTokens']['Worker'], manager=swarm['JoinTokens']['Manager'])
        self.result['node_id'] = state['node_id']
        addr = state['node_addr']
        self.result['manager_addr'] = ('[%s]:2377' % addr if ':' in (addr or '') else '%s:2377' % addr) if addr else None
        if (swarm.get('Spec') or {}).get('EncryptionConfig', {}).get('AutoLockManagers'):
            key = self.client.call('Reading the unlock key', self.client.api.get_unlock_key)
            self.result['unlock_key'] = (key or {}).get('UnlockKey')


def main():
    module = new_module(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            advertise_addr=dict(type='str'),
            listen_addr=dict(type='str', default='0.0.0.0:2377'),
            data_path_addr=dict(type='str'),
            data_path_port=dict(type='int'),
            default_addr_pool=dict(type='list', elements='str'),
            subnet_size=dict(type='int'),
            autolock_managers=dict(type='bool'),
            task_history_retention_limit=dict(type='int'),
            snapshot_interval=dict(type='int'),
            keep_old_snapshots=dict(type='int'),
            log_entries_for_slow_followers=dict(type='int'),
            heartbeat_tick=dict(type='int'),
            election_tick=dict(type='int'),
            dispatcher_heartbeat_period=dict(type='raw'),
            node_cert_expiry=dict(type='raw'),
            labels=dict(type='dict'),
            rotate_worker_token=dict(type='bool', default=False, no_log=False),
            rotate_manager_token=dict(type='bool', default=False, no_log=False),
            rotate_unlock_key=dict(type='bool', default=False, no_log=False),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    ClusterManager(module, SwarmClient(module)).run()


if __name__ == '__main__':
    main()
