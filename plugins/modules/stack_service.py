#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_service
short_description: Scale one service of a deployed stack, or restart it rolling
version_added: 0.3.0
description:
  - Through a swarm manager, changes one service of the stack O(name), the service C(<name>_<service>), in place, its
    number of replicas (O(replicas)), or a rolling restart of its tasks (O(restart)), or both; the rest of its spec is
    kept as it is.
  - A restart bumps the service's C(ForceUpdate), and Swarm replaces its tasks one after another with the service's own
    update config, so start-first where the service's role declared it (the map servers, a new replica healthy
    before the old one stops) and stop-first where it did not (PostGIS, whose volume holds one instance; the edge,
    whose ports are published on the node). M(geostack.swarm.geo_stack) treats a C(ForceUpdate) above the declared
    C(force_update) as no change, so the next deployment does not restart the service again.
  - Scaling is refused for a global service or a one-off job, and for a service that mounts a named volume (PostGIS);
    a restart is refused for a job. O(service) not in the stack is refused with the stack's services listed. Nothing
    changes when a refusal is made.
  - The replicas of a service come from its role's variable (such as C(mapserver_replicas)); the next run of the
    deployment puts that value back. RV(keep_with) names the variable to set so that the new value stays.
  - "Waiting (O(wait)): until the service converged: its update C(completed) and as many up-to-date tasks running
    (healthy, for a service with a health check) as it should have. Fails fast, with the tasks' errors, when the update
    pauses or rolls back (the service's C(failure_action)), or when its tasks keep failing."
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.stack
  - geostack.swarm.stack.service
  - geostack.swarm.wait
  - geostack.swarm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode changes nothing and returns what would change.
  diff_mode:
    support: full
  idempotent:
    support: partial
    details:
      - Scaling to the current number of replicas is no change; a restart is always a change.
options:
  replicas:
    description: The number of replicas the service should run.
    type: int
  restart:
    description: Restart the service's tasks, rolling, with the service's own update order.
    type: bool
    default: false
  wait_timeout:
    description: How many seconds to wait for the service to converge when O(wait=true).
    type: int
    default: 600
seealso:
  - module: geostack.swarm.stack_status
  - module: geostack.swarm.geo_stack
"""

EXAMPLES = r"""
- name: Restart MapServer, one replica after another, start-first
  geostack.swarm.stack_service:
    name: geostack
    service: mapserver
    restart: true

- name: Run four QGIS Server replicas (keep qgis_server_replicas=4 in the inventory too)
  geostack.swarm.stack_service:
    name: geostack
    service: qgis_server
    replicas: 4
    wait_timeout: 900
"""

RETURN = r"""
service:
  description: The service's Docker name.
  returned: always
  type: str
  sample: geostack_mapserver
changes:
  description: What changed (or would change in check mode), as C({setting, before, after}).
  returned: always
  type: list
  elements: dict
  sample: [{setting: replicas, before: 2, after: 3}]
replicas:
  description: The service's replicas after the change (null for a global service).
  returned: always
  type: int
running:
  description: The service's running (up-to-date) tasks when the module returned.
  returned: always
  type: int
update_order:
  description: The service's update order, which the restart used (V(start-first) or V(stop-first)).
  returned: always
  type: str
keep_with:
  description: The variable that keeps the service's replicas in the deployment (such as V(mapserver_replicas)).
  returned: always
  type: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient, new_module
from ansible_collections.geostack.swarm.plugins.module_utils.operate import stack_argument_spec
from ansible_collections.geostack.swarm.plugins.module_utils.operate.names import (
    UnknownService,
    find_service,
    labels_of,
)
from ansible_collections.geostack.swarm.plugins.module_utils.operate.service import (
    ServiceChangeRefused,
    new_spec,
    update_order,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import ServiceFailed
from ansible_collections.geostack.swarm.plugins.module_utils.stack.progress import service_progress
from ansible_collections.geostack.swarm.plugins.module_utils.stack.spec import create_kwargs
from ansible_collections.geostack.swarm.plugins.module_utils.stack.tasks import count_state, task_errors
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import mode_of
from ansible_collections.geostack.swarm.plugins.module_utils.waiter import Waiter, WaitTimeout


def main():
    argument_spec = stack_argument_spec(
        service=True,
        replicas=dict(type='int'),
        restart=dict(type='bool', default=False),
    )
    argument_spec.update(Waiter.argument_spec(wait_timeout=600))
    module = new_module(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    client = SwarmClient(module)
    client.require_manager('Changing a service of the stack %s' % p['name'])
    try:
        service = find_service(client.services(), p['name'], p['service'])
        spec, changes = new_spec(service['Spec'], p['service'], replicas=p['replicas'], restart=p['restart'])
    except (UnknownService, ServiceChangeRefused) as exc:
        module.fail_json(msg=str(exc))
    name = spec['Name']
    role = labels_of(service).get('org.geostack.role') or p['service']
    result = dict(changed=bool(changes), service=name, changes=changes, update_order=update_order(spec),
                  replicas=mode_of(spec.get('Mode'))[1], keep_with='%s_replicas' % role.replace('-', '_'),
                  diff=dict(before=dict((c['setting'], c['before']) for c in changes),
                            after=dict((c['setting'], c['after']) for c in changes)))
    if changes and not module.check_mode:
        # The engine's time before the change: a crash loop counts only the failures of tasks made since.
        since = (client.info(refresh=True) or {}).get('SystemTime')
        client.call('Updating service %s' % name, client.api.update_service, service['ID'],
                    service['Version']['Index'], **create_kwargs(spec))
        if p['wait']:
            waiter = Waiter.from_params(p)
            try:
                waiter.wait('service %s to converge (%s)' % (name, ', '.join(
                    '%s %s' % (c['setting'], c['after']) for c in changes)),
                    lambda: service_progress(client, service['ID'], name, since=since))
            except ServiceFailed as exc:
                module.fail_json(msg=str(exc), **result)
            except WaitTimeout as exc:
                errors = task_errors(client.tasks(filters={'service': service['ID']}))
                module.fail_json(msg='%s%s' % (exc, '; task errors: ' + '; '.join(errors) if errors else ''),
                                 **result)
    tasks = client.tasks(filters={'service': service['ID'], '_up-to-date': 'true', 'desired-state': 'running'})
    result['running'] = count_state(tasks, 'running')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
