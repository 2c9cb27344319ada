#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_status
short_description: The state of a deployed stack, its nodes, services, one-off jobs and volumes
version_added: 0.3.0
description:
  - Read-only. Through a swarm manager, reports the nodes (hostname, role, availability, state, manager reachability),
    and every service of the stack O(name) (those labelled C(com.docker.stack.namespace=<name>)) with its desired,
    running, starting and healthy replicas, its image with the image's version and recipe, its last update and the
    nodes its tasks run on; and the stack's one-off jobs (replicated or global jobs) with their last run and result.
  - The image's version and recipe come from its labels C(org.opencontainers.image.version) and C(org.geostack.recipe)
    when the image is on the host the module runs on, else from its tag (C(<version>-<recipe digest of 12>), the tags
    M(geostack.swarm.images) gives); C(source) in RV(services) says which.
  - A task with a health check is C(starting) until it is healthy and is replaced when it becomes unhealthy, so a
    service with a health check has as many healthy replicas as running ones; for a service without one, C(healthy)
    in RV(services) is null.
  - Also reports the named volumes on the host the module runs on (their size is the engine's disk usage, as
    C(docker system df -v) gives it), those the stack's services mount, those labelled with the stack, and
    O(volume_names). Run it on every node with O(nodes=false) and O(services=false) to read the volumes on each.
  - RV(problems) lists what is not as it should be, one sentence each.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.stack
  - geostack.swarm.attributes
  - geostack.swarm.attributes.info
options:
  nodes:
    description: List the swarm's nodes (needs a manager).
    type: bool
    default: true
  services:
    description: List the stack's services and jobs (needs a manager).
    type: bool
    default: true
  volumes:
    description: List the stack's named volumes on this host, with their sizes.
    type: bool
    default: true
  volume_names:
    description: More volume names to report on this host (those the services mount, read on a manager).
    type: list
    elements: str
    default: []
  scheduler:
    description:
      - Key of the stack's scheduler service; when it runs, RV(scheduler) says where, so that its C(/jobs) can be read.
    type: str
    default: scheduler
seealso:
  - module: geostack.swarm.swarm_info
  - module: geostack.swarm.ogc_probe
"""

EXAMPLES = r"""
- name: Read the stack through the first manager
  geostack.swarm.stack_status:
    name: geostack
  register: status

- name: Every service runs its replicas
  ansible.builtin.assert:
    that: status.problems | length == 0
    fail_msg: "{{ status.problems | join('; ') }}"

- name: The volumes on every node (the names the manager found)
  geostack.swarm.stack_status:
    name: geostack
    nodes: false
    services: false
    volume_names: "{{ hostvars[groups['swarm_managers'][0]].status.volume_names }}"
"""

RETURN = r"""
stack:
  description: The stack's name.
  returned: always
  type: str
node:
  description: The host the module ran on, as C({hostname, id, addr}) (C(id) and C(addr) empty outside a swarm).
  returned: always
  type: dict
nodes:
  description:
    - The nodes, managers first, as C({id, hostname, role, availability, labels, state, addr, engine_version,
      manager}); C(manager) is C({leader, reachability, addr}) or null for a worker.
  returned: always
  type: list
  elements: dict
services:
  description:
    - The stack's services (not its jobs), by name.
    - Each is C({name, key, id, role, mode, image, version, recipe, source, desired, running, starting, healthy,
      healthcheck, update, update_order, updated, nodes, tasks, errors, reference}). C(reference) is the image as the
      service runs it (with its digest where pinned), C(image) without the digest. C(desired) is the replicas of a replicated
      service or the tasks the orchestrator wants of a global one; C(update) is C({state, message, started,
      completed}) of the last update or null; C(tasks) are the tasks meant to run, as C({id, slot, node, node_id,
      state, container_id}); C(errors) the latest task errors.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: geostack_mapserver, key: mapserver, mode: replicated, image: "geostack/mapserver:8.0-64105782a122",
       version: "8.0", recipe: 64105782a122, source: labels, desired: 2, running: 2, starting: 0, healthy: 2,
       update: {state: completed, message: update completed}, update_order: start-first, nodes: [node1, node2]}
jobs:
  description:
    - The stack's one-off jobs, as the services, with C(job) = C({result, complete, expected, last_run, errors});
      C(result) is V(complete), V(failed) or V(running).
  returned: always
  type: list
  elements: dict
volumes:
  description: The stack's volumes on this host, as C({name, node, driver, mountpoint, size, size_human, in_use_by}).
  returned: always
  type: list
  elements: dict
volume_names:
  description: The names of the volumes the stack's services mount (to read them on the other nodes).
  returned: always
  type: list
  elements: str
scheduler:
  description:
    - Where the stack's scheduler runs, as C({service, node, node_id, container_id, listen}); null when it does not.
  returned: always
  type: dict
problems:
  description: What is not as it should be (a service short of replicas, an update paused or rolled back, a failed
    job, a node down, a manager unreachable).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import APIError, DockerException, SwarmClient, new_module
from ansible_collections.geostack.swarm.plugins.module_utils.operate import stack_argument_spec
from ansible_collections.geostack.swarm.plugins.module_utils.operate.names import stack_services
from ansible_collections.geostack.swarm.plugins.module_utils.operate.status import (
    service_status,
    service_volumes,
    volume_status,
)
from ansible_collections.geostack.swarm.plugins.module_utils.swarm import node_summary


def read_image(client, reference, cache):
    """``{labels, config}`` of an image on this engine; ``{}`` when it is not here."""
    if reference not in cache:
        try:
            config = (client.api.inspect_image(reference) or {}).get('Config') or {}
            cache[reference] = dict(labels=config.get('Labels') or {}, config=config)
        except (APIError, DockerException):
            cache[reference] = {}
    return cache[reference]


def problems_of(nodes, services, jobs):
    out = []
    for node in nodes:
        if node['state'] != 'ready':
            out.append('node %s is %s' % (node['hostname'], node['state']))
        if node['manager'] and node['manager']['reachability'] != 'reachable':
            out.append('manager %s is %s' % (node['hostname'], node['manager']['reachability']))
    for service in services:
        if service['desired'] is not None and service['running'] < service['desired']:
            out.append('%s: %d/%d running' % (service['key'], service['running'], service['desired']))
        if service['mode'] == 'global' and not service['desired']:
            out.append('%s: no task running' % service['key'])
        if service['update'] and service['update']['state'] in ('paused', 'rollback_started', 'rollback_paused',
                                                                'rollback_completed'):
            out.append('%s: update %s (%s)' % (service['key'], service['update']['state'],
                                               service['update']['message'] or 'no message'))
    for job in jobs:
        if job['job']['result'] == 'failed':
            out.append('job %s failed%s' % (job['key'], ': ' + '; '.join(job['job']['errors'])
                                            if job['job']['errors'] else ''))
    return out


def scheduler_of(service):
    if service is None or not service.get('tasks'):
        return None
    running = [t for t in service['tasks'] if t['state'] == 'running' and t['container_id']]
    if not running:
        return None
    return dict(service=service['name'], node=running[0]['node'], node_id=running[0]['node_id'],
                container_id=running[0]['container_id'], listen=service.get('listen'))


def main():
    module = new_module(
        argument_spec=stack_argument_spec(
            nodes=dict(type='bool', default=True),
            services=dict(type='bool', default=True),
            volumes=dict(type='bool', default=True),
            volume_names=dict(type='list', elements='str', default=[]),
            scheduler=dict(type='str', default='scheduler'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    stack = p['name']
    client = SwarmClient(module)
    state = client.swarm_state()
    info = client.info()
    result = dict(changed=False, stack=stack,
                  node=dict(hostname=info.get('Name'), id=state['node_id'] or '', addr=state['node_addr'] or ''),
                  nodes=[], services=[], jobs=[], volumes=[], volume_names=sorted(set(p['volume_names'])),
                  scheduler=None, problems=[])
    if p['nodes'] or p['services']:
        client.require_manager('Reading the stack %s' % stack)
    node_list = client.nodes() if (p['nodes'] or p['services']) else []
    node_names = dict((n.get('ID'), (n.get('Description') or {}).get('Hostname')) for n in node_list)
    if p['nodes']:
        result['nodes'] = sorted((node_summary(n) for n in node_list),
                                 key=lambda n: (n['role'] != 'manager', n['hostname'] or ''))
    if p['services']:
        ours = stack_services(client.services(), stack)
        by_service = {}
        for task in client.tasks():
            by_service.setdefault(task.get('ServiceID'), []).append(task)
        images = {}
        names = set(result['volume_names'])
        for key in sorted(ours):
            service = ours[key]
            reference = ((service['Spec'].get('TaskTemplate') or {}).get('ContainerSpec') or {}).get('Image')
            image = read_image(client, reference, images)
            entry = service_status(service, by_service.get(service.get('ID'), []), node_names, image, stack)
            names.update(service_volumes(service))
            if entry['job'] is None:
                if key == p['scheduler']:
                    env = ((service['Spec'].get('TaskTemplate') or {}).get('ContainerSpec') or {}).get('Env') or []
                    listen = [e.split('=', 1)[1] for e in env if e.startswith('SCHEDULER_LISTEN=')]
                    entry['listen'] = listen[0] if listen else '0.0.0.0:8080'
                    result['scheduler'] = scheduler_of(entry)
                    entry.pop('listen')
                result['services'].append(entry)
            else:
                entry.pop('nodes', None)
                result['jobs'].append(entry)
        result['volume_names'] = sorted(names)
    if p['volumes']:
        usage = client.call('Reading the disk usage', client.api.df) or {}
        result['volumes'] = volume_status(usage.get('Volumes'), set(result['volume_names']), stack,
                                          info.get('Name'))
    result['problems'] = problems_of(result['nodes'], result['services'], result['jobs'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
