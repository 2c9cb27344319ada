#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_node
short_description: Make a host a Swarm member with the intended role, labels and availability, or remove it
version_added: 0.1.0
description:
  - "Acts in one of two ways, chosen by O(node):"
  - "B(This host) (O(node) unset): with O(state=present) the engine joins the swarm at O(remote_addrs) with
    O(join_token) unless it is already a member, and the module verifies it is in the intended swarm (O(cluster_id),
    or one of O(remote_addrs) among its managers) with the intended O(role). With O(state=absent) it leaves; a
    manager is first demoted (through itself) so that the Raft quorum holds."
  - "B(Another node, through a manager) (O(node) set, the task runs against a manager): sets the node's O(role)
    (promote or demote), O(labels) and O(availability); with O(state=absent) the node is drained, its tasks are
    waited for until they run elsewhere, a manager is demoted, and the node is removed once it is down."
  - Any step that would lose the Raft quorum (demoting or removing a manager when too few reachable managers would
    remain, or removing the last manager) is refused before anything changes.
  - "Waiting (O(wait)): after joining, until the node is ready with its role; after a drain, until no task runs on the
    node and every replicated service has its replicas again; after a promotion, until the node is a reachable manager;
    before removal, until the node is down."
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.wait
  - geostack.swarm.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  node:
    description:
      - Hostname or ID of the node to manage through the manager the task runs against.
      - Unset, the module acts on the engine of the host the task runs on.
    type: str
  state:
    description:
      - V(present) makes the node a member with the given settings; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  role:
    description:
      - The node's intended role. Joining uses whatever role O(join_token) grants; the module fails when the node
        ends up with another role. Through a manager (O(node)), a different role promotes or demotes the node.
    type: str
    choices: [manager, worker]
  remote_addrs:
    description:
      - Managers to join through, as V(ADDR:PORT). Needed to join.
    type: list
    elements: str
  join_token:
    description:
      - The join token for O(role) (worker or manager token). Needed to join.
    type: str
  cluster_id:
    description:
      - ID of the intended swarm. When set, a host already in another swarm is refused.
    type: str
  listen_addr:
    description: Address to listen on for cluster traffic (managers).
    type: str
    default: 0.0.0.0:2377
  advertise_addr:
    description:
      - Address or interface other nodes reach this one at. Must be on this host (checked when the engine is local).
    type: str
  data_path_addr:
    description: Address or interface for overlay (data path) traffic.
    type: str
  labels:
    description:
      - Node labels. With O(labels_state=merge) they are added to or updated in the node's labels; with
        O(labels_state=replace) they become the node's exact labels.
      - Through a manager only (a worker cannot read its own labels).
    type: dict
  labels_state:
    description: How O(labels) combine with the node's current labels.
    type: str
    choices: [merge, replace]
    default: merge
  labels_to_remove:
    description: Label keys to remove (ignored for keys also in O(labels)).
    type: list
    elements: str
  availability:
    description:
      - V(active) schedules tasks on the node; V(pause) schedules no new tasks; V(drain) also moves its tasks away.
    type: str
    choices: [active, pause, drain]
  force:
    description:
      - With O(state=absent), let the last manager leave (destroys the swarm) or remove a node that is still up.
    type: bool
    default: false
seealso:
  - module: geostack.swarm.swarm_cluster
  - module: geostack.swarm.swarm_info
"""

EXAMPLES = r"""
- name: Join this host as a worker
  geostack.swarm.swarm_node:
    role: worker
    remote_addrs: ["192.0.2.11:2377"]
    join_token: "{{ worker_token }}"
    advertise_addr: eth1

- name: Label a node and promote it, through the first manager
  geostack.swarm.swarm_node:
    node: "{{ inventory_hostname }}"
    role: manager
    labels:
      geostack.postgis: "true"
  delegate_to: "{{ groups.swarm_managers[0] }}"

- name: Drain a node and wait until its tasks run elsewhere
  geostack.swarm.swarm_node:
    node: worker3
    availability: drain
    wait_timeout: 600
  delegate_to: "{{ groups.swarm_managers[0] }}"

- name: Leave the swarm (on the node itself)
  geostack.swarm.swarm_node:
    state: absent

- name: Remove the node's entry once it is down (through a manager)
  geostack.swarm.swarm_node:
    node: worker3
    state: absent
  delegate_to: "{{ groups.swarm_managers[0] }}"
"""

RETURN = r"""
node:
  description: The node after the change (as far as this engine can see it).
  returned: when the node is in the swarm
  type: dict
  contains:
    id:
      description: Node ID.
      type: str
    hostname:
      description: Hostname.
      type: str
    role:
      description: V(manager) or V(worker).
      type: str
    availability:
      description: V(active), V(pause) or V(drain).
      type: str
    labels:
      description: Node labels.
      type: dict
    state:
      description: V(ready), V(down), V(unknown) or V(disconnected).
      type: str
    addr:
      description: The node's address.
      type: str
    manager:
      description: Leader and reachability, for managers.
      type: dict
node_id:
  description: ID of the node.
  returned: when the node is in the swarm
  type: str
changes:
  description: What changed or would change, as C({setting, before, after}).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import (
    APIError,
    DockerException,
    SwarmClient,
    is_local_engine,
    new_module,
)
from ansible_collections.geostack.swarm.plugins.module_utils.host import address_problem, host_addresses
from ansible_collections.geostack.swarm.plugins.module_utils.changes import ChangeTracker
from ansible_collections.geostack.swarm.plugins.module_utils.swarm import (
    check_join_token,
    join_failure,
    membership_problem,
    node_drained,
    node_reached,
    node_spec_changes,
    node_summary,
    quorum_problem,
)
from ansible_collections.geostack.swarm.plugins.module_utils.waiter import Waiter, WaitTimeout


class NodeManager(ChangeTracker):
    def __init__(self, module, client):
        super(NodeManager, self).__init__(module, client)
        self.waiter = Waiter.from_params(self.params)

    def wait(self, what, predicate, always=False):
        """Wait when O(wait) asks for it, or ``always`` when the next step depends on it."""
        if self.check_mode or not (self.params['wait'] or always):
            return
        try:
            self.waiter.wait(what, predicate)
        except WaitTimeout as exc:
            self.fail(str(exc))

    def set_node_result(self, node_id):
        if self.check_mode and not node_id:
            return
        state = self.client.swarm_state(refresh=True)
        if node_id and state['is_manager']:
            node = self.client.find_node(node_id)
            if node:
                self.result['node'] = node_summary(node)
        self.result['node_id'] = node_id

    # ---- this host ---------------------------------------------------------------------------------------
    def local_present(self):
        p = self.params
        state = self.client.swarm_state()
        if state['state'] == 'inactive':
            self.validate_join()
            self.change('swarm', 'inactive', 'member (%s)' % (p['role'] or 'role of the token'))
            if self.check_mode:
                return self.done()
            try:
                self.client.api.join_swarm(remote_addrs=p['remote_addrs'], join_token=p['join_token'],
                                           listen_addr=p['listen_addr'], advertise_addr=p['advertise_addr'],
                                           data_path_addr=p['data_path_addr'])
            except (APIError, DockerException) as exc:
                self.fail(join_failure(getattr(exc, 'explanation', None) or str(exc), p['remote_addrs']))
            state = self.client.swarm_state(refresh=True)
        elif state['state'] != 'active':
            self.fail('this host is in swarm state %r (%s); resolve that first (a locked manager needs its unlock key, '
                      'a pending join a reachable manager)' % (state['state'], state['error'] or 'no error'))
        else:
            problem = membership_problem(state, p['remote_addrs'], p['cluster_id'])
            if problem:
                self.fail(problem)
        if state['is_manager'] and p['cluster_id'] and state['cluster_id'] != p['cluster_id']:
            self.fail(membership_problem(state, None, p['cluster_id']))
        role = 'manager' if state['is_manager'] else 'worker'
        if p['role'] and role != p['role']:
            if state['is_manager']:
                # a manager can demote itself, guarded by the quorum check
                return self.manage(state['node_id'], self_node=True)
            if any(c['setting'] == 'swarm' for c in self.changes):
                self.fail('this host joined as a worker but role=manager was asked: join_token is a worker token '
                          '(use the manager token, or promote the node through a manager with node=%s)'
                          % state['node_id'])
            self.fail('this host is a worker; promoting it needs a manager: run swarm_node with node=%s and role=manager '
                      'against a manager (for example delegate_to)' % state['node_id'])
        if state['is_manager'] and (p['labels'] is not None or p['labels_to_remove'] or p['availability']):
            return self.manage(state['node_id'], self_node=True)
        if not state['is_manager'] and (p['labels'] is not None or p['labels_to_remove'] or p['availability']):
            self.fail('labels, labels_to_remove and availability of a worker are set through a manager: run swarm_node '
                      'with node=%s against a manager (for example delegate_to)' % state['node_id'])
        if state['is_manager']:
            self.wait('node %s to be ready' % state['node_id'], node_reached(self.client, state['node_id'], role=role))
        self.set_node_result(state['node_id'])
        self.done()

    def validate_join(self):
        p = self.params
        if not p['remote_addrs']:
            self.fail('remote_addrs is required to join a swarm (managers as ADDR:PORT)')
        problem = check_join_token(p['join_token'])
        if problem:
            self.fail(problem)
        if is_local_engine(self.client.docker_host):
            addresses = host_addresses()
            for option in ('advertise_addr', 'data_path_addr', 'listen_addr'):
                problem = address_problem(p[option], addresses, option)
                if problem:
                    self.fail(problem)

    def local_absent(self):
        state = self.client.swarm_state()
        if state['state'] == 'inactive':
            return self.done()
        if state['is_manager']:
            nodes = self.client.nodes()
            managers = [n for n in nodes if (n.get('Spec') or {}).get('Role') == 'manager']
            problem = quorum_problem(nodes, state['node_id'], 'remove', force=self.params['force'])
            if problem:
                self.fail(problem)
            if len(managers) > 1:
                self.change('role', 'manager', 'worker')
                if not self.check_mode:
                    node = self.client.find_node(state['node_id'])
                    spec, _changes = node_spec_changes(node, role='worker')
                    self.client.call('Demoting this node', self.client.api.update_node, node['ID'],
                                     node['Version']['Index'], spec)
                    self.wait('this node to be demoted', self._local_is_worker, always=True)
        self.change('swarm', 'member', 'inactive')
        if not self.check_mode:
            self.client.call('Leaving the swarm', self.client.api.leave_swarm,
                             force=bool(state['is_manager'] and self.params['force']))
        self.result['node_id'] = state['node_id']
        self.done()

    def _local_is_worker(self):
        state = self.client.swarm_state(refresh=True)
        return not state['is_manager'], 'manager' if state['is_manager'] else 'worker'

    # ---- through a manager -------------------------------------------------------------------------------
    def remote(self):
        self.client.require_manager('Managing node %s' % self.params['node'])
        node = self.client.find_node(self.params['node'])
        if self.params['state'] == 'absent':
            return self.remove(node)
        if node is None:
            self.fail('node %r is not a member of this swarm: it has not joined, or joined another swarm'
                      % self.params['node'])
        self.manage(node['ID'])

    def manage(self, node_id, self_node=False):
        p = self.params
        node = self.client.find_node(node_id)
        spec, changes = node_spec_changes(node, role=p['role'], labels=p['labels'], labels_state=p['labels_state'],
                                          labels_to_remove=p['labels_to_remove'], availability=p['availability'])
        if p['role'] == 'worker' and node['Spec'].get('Role') == 'manager':
            problem = quorum_problem(self.client.nodes(), node['ID'], 'demote')
            if problem:
                self.fail(problem)
        for c in changes:
            self.change(c['setting'], c['before'], c['after'])
        if changes and not self.check_mode:
            self.client.call('Updating node %s' % node_summary(node)['hostname'], self.client.api.update_node,
                             node['ID'], node['Version']['Index'], spec)
            if self_node and p['role'] == 'worker':
                self.wait('this node to be demoted', self._local_is_worker)
                self.result['node_id'] = node['ID']
                return self.done()
        if p['availability'] == 'drain':
            self.wait('node %s to be drained' % node['ID'], node_drained(self.client, node['ID']))
        if p['role'] == 'manager':
            self.wait('node %s to be a reachable manager' % node['ID'],
                      node_reached(self.client, node['ID'], role='manager'))
        self.set_node_result(node['ID'])
        self.done()

    def remove(self, node):
        p = self.params
        if node is None:
            return self.done()
        summary = node_summary(node)
        nodes = self.client.nodes()
        if summary['role'] == 'manager':
            problem = quorum_problem(nodes, node['ID'], 'remove', force=p['force'])
            if problem:
                self.fail(problem)
        local = self.client.swarm_state()
        if node['ID'] == local['node_id']:
            self.fail('node %s is the manager this task runs against; run swarm_node with state=absent on that host '
                      'itself, or against another manager' % summary['hostname'])
        if summary['state'] != 'down' and not p['force'] and not p['wait']:
            self.fail('node %s is still %s; make it leave first (swarm_node state=absent on that host) or set force=true'
                      % (summary['hostname'], summary['state']))
        if summary['state'] != 'down' and summary['availability'] != 'drain':
            self.change('availability', summary['availability'], 'drain')
            if not self.check_mode:
                spec, _changes = node_spec_changes(node, availability='drain')
                self.client.call('Draining node %s' % summary['hostname'], self.client.api.update_node, node['ID'],
                                 node['Version']['Index'], spec)
                self.wait('node %s to be drained' % summary['hostname'], node_drained(self.client, node['ID']))
        if summary['role'] == 'manager':
            self.change('role', 'manager', 'worker')
            if not self.check_mode:
                node = self.client.find_node(node['ID'])
                spec, _changes = node_spec_changes(node, role='worker')
                self.client.call('Demoting node %s' % summary['hostname'], self.client.api.update_node, node['ID'],
                                 node['Version']['Index'], spec)
                self.wait('node %s to be demoted' % summary['hostname'],
                          node_reached(self.client, node['ID'], role='worker', states=('ready', 'down', 'unknown')),
                          always=True)
        if summary['state'] != 'down' and not p['force'] and not self.check_mode:
            try:
                self.waiter.wait('node %s to be down (it must leave the swarm: swarm_node state=absent on that host)'
                                 % summary['hostname'],
                                 node_reached(self.client, node['ID'], states=('down',)))
            except WaitTimeout as exc:
                self.fail('%s; or set force=true to remove it while it is up' % exc)
        self.change('member', summary['hostname'], None)
        if not self.check_mode:
            self.client.call('Removing node %s' % summary['hostname'], self.client.api.remove_node, node['ID'],
                             force=bool(p['force']))
        self.result['node_id'] = node['ID']
        self.done()


def main():
    argument_spec = dict(
        node=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        role=dict(type='str', choices=['manager', 'worker']),
        remote_addrs=dict(type='list', elements='str'),
        join_token=dict(type='str', no_log=True),
        cluster_id=dict(type='str'),
        listen_addr=dict(type='str', default='0.0.0.0:2377'),
        advertise_addr=dict(type='str'),
        data_path_addr=dict(type='str'),
        labels=dict(type='dict'),
        labels_state=dict(type='str', default='merge', choices=['merge', 'replace']),
        labels_to_remove=dict(type='list', elements='str'),
        availability=dict(type='str', choices=['active', 'pause', 'drain']),
        force=dict(type='bool', default=False),
    )
    argument_spec.update(Waiter.argument_spec())
    module = new_module(argument_spec=argument_spec, supports_check_mode=True)
    manager = NodeManager(module, SwarmClient(module))
    if module.params['node']:
        manager.remote()
    elif module.params['state'] == 'absent':
        manager.local_absent()
    else:
        manager.local_present()


if __name__ == '__main__':
    main()
