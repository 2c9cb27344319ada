#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: geo_stack
short_description: Deploy a stack of Swarm services, with their secrets and configs, declaratively
version_added: 0.2.0
description:
  - Deploys a I(stack) of Swarm services through the Docker API of a swarm manager, as C(docker stack deploy) would,
    without the C(docker) CLI. Services are named C(<name>_<key>) and labelled C(com.docker.stack.namespace=<name>).
  - Each service is compared with the engine's through one canonical view of its spec (defaults the engine adds are
    filled in, absent equals empty, durations in nanoseconds), so a rerun with the same input changes nothing, and a
    setting removed from the input (a healthcheck, an environment variable, a mount) is a difference.
  - Missing services are created, changed ones updated in place (a change of C(services.<key>.mode) between replicated,
    global and job modes, which Docker cannot make in place, removes the service and creates it again), services of the
    stack that are not declared are removed (O(prune)), and then the stack's secrets and configs that no service uses
    any more are removed.
  - Secrets and configs are named C(<name>_<key>_<hash>), C(<hash>) being the first 12 hex digits of the SHA-256 of
    their data. A change of data makes a new object, so the services using it roll, and the old one is removed once
    unused. Objects are created only when missing (the same name means the same content); their labels are set at
    creation. With O(wait=false), the objects that the previous spec of an updated service uses are kept until a later
    run, so that a rollback of that update still finds them.
  - "Waiting (O(wait)): until every created or updated service has converged: its update (when there is one) is
    C(completed), and as many up-to-date tasks are C(running) as it should have: C(services.<key>.replicas), or one per
    eligible node (at least one) for a global service. A task with a healthcheck is C(starting) until it is healthy, so
    running means healthy. A job has converged when the tasks of its current iteration are C(complete)."
  - A job whose last run failed is run again, even when its spec is unchanged (action V(updated), with the
    difference C(job)); a job that completed is not run again until its spec changes or C(services.<key>.force_update)
    is bumped.
  - The module fails fast, naming the service and with the tasks' own errors, when an update becomes C(paused),
    C(rollback_started), C(rollback_paused) or C(rollback_completed), or when a job task fails (more often than
    C(services.<key>.restart_policy.max_attempts)), adding the last lines of the job's logs when the engine gives them.
    It fails fast too when a service's up-to-date tasks keep failing (three failed tasks per expected task while
    fewer run than expected, a crash loop that Swarm would go on restarting), with the tasks' errors and logs.
    A wait that times out fails with what it waited for, what it saw last, and the tasks' errors.
  - Every value is checked before any change; an error names the path of the bad value, such as
    C(services.mapserver.update_config.order). Unknown keys are refused. A service that uses an undeclared secret or
    config, or a network that does not exist, fails before any change, naming both.
  - Secret data never appears in the module's results or errors.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.wait
  - geostack.swarm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode makes no change and returns each service's differences.
  diff_mode:
    support: full
    details:
      - The diff shows the canonical view of each changed service, before and after.
  idempotent:
    support: full
options:
  name:
    description:
      - Name of the stack (its namespace). Letters and digits, with C(-) or C(_) between them.
    type: str
    required: true
  state:
    description:
      - V(present) deploys the stack; V(absent) removes its services, then its configs and secrets (those labelled
        with the stack).
    type: str
    choices: [present, absent]
    default: present
  prune:
    description:
      - Remove the services of this stack (found by label) that are not in O(services).
    type: bool
    default: true
  endpoint_mode:
    description:
      - Default endpoint mode of the services. V(vip) gives each service a virtual IP (needs IPVS in the nodes'
        kernels); V(dnsrr) resolves the service name to its tasks' addresses (DNS round robin), for kernels without
        IPVS. A service's own C(services.<key>.endpoint_mode) overrides it.
      - Ports published in mode V(ingress) (the routing mesh) cannot be used with V(dnsrr); Docker refuses it, and so
        does the module, before any change.
    type: str
    choices: [vip, dnsrr]
    default: vip
  secrets:
    description:
      - Docker secrets of the stack, by key, each a dict with C(data) (string, required) and C(labels) (dict).
      - The Docker name is C(<name>_<key>_<hash>), C(<hash>) being the first 12 hex digits of the SHA-256 of the data,
        labelled C(com.docker.stack.namespace=<name>) and C(org.geostack.stack.key=<key>). Services refer to them by
        key in C(services.<key>.secrets).
      - Values are not logged (C(no_log)).
      - The name holds a 48-bit digest of the data; use secrets with enough entropy that it cannot be guessed from it.
    type: dict
    default: {}
  configs:
    description:
      - Docker configs of the stack, by key, each a dict with C(data) (string, required) and C(labels) (dict); named
        and labelled as O(secrets). Services refer to them by key in C(services.<key>.configs).
    type: dict
    default: {}
  services:
    description:
      - The services of the stack, by key. The key is the service's short name, C(<name>_<key>) its Docker name, and
        the key is always a DNS alias of the service on each of its networks.
      - Each value is a dict that describes one service with the suboptions below (unknown keys are refused). For
        example C(services.mapserver.replicas) is the number of tasks of the service with the key C(mapserver).
      - Durations are V(1m30s), V(500ms), V(10s), V(90d) (units C(ns), C(us), C(ms), C(s), C(m), C(h), C(d)) or a
        number of seconds; memory sizes V(512M), V(1G), V(256Mi) (powers of 1024, as in Docker) or a number of bytes;
        CPUs a number such as V(1.5).
    type: dict
    default: {}
    suboptions:
      image:
        description: The image reference.
        type: str
        required: true
      entrypoint:
        description:
          - Overrides the image's entrypoint (ContainerSpec.Command). A string is split as a shell would (shlex).
        type: raw
      command:
        description:
          - The arguments (ContainerSpec.Args), as in compose files. A string is split as a shell would (shlex).
        type: raw
      env:
        description:
          - A dict, or a list of C(NAME=value). Values must be strings or numbers; a boolean is refused, naming the
            key (YAML reads unquoted yes/no/true as booleans).
        type: raw
      user:
        description: The user (name or UID, optionally with a group) the command runs as.
        type: str
      working_dir:
        description: The working directory of the command.
        type: str
      hostname:
        description: The hostname of the containers.
        type: str
      stop_signal:
        description: The signal that stops the containers.
        type: str
      stop_grace_period:
        description: How long to wait after the stop signal before killing a container (a duration).
        type: raw
      init:
        description: Run an init process in the containers.
        type: bool
      read_only:
        description:
          - Mount the containers' root filesystem read-only. Give what the service writes a C(tmpfs) mount
            (O(services.mounts)), such as C(/tmp) or C(/run).
        type: bool
      cap_add:
        description:
          - Linux capabilities added to the containers' (ContainerSpec.CapabilityAdd, engine API 1.41 or later).
          - Names as in C(capabilities(7)), with or without C(CAP_), in any case (V(NET_BIND_SERVICE),
            V(cap_chown)), or V(ALL). They are compared as a set in the engine's spelling (V(CAP_NET_BIND_SERVICE)),
            so a rerun with another spelling or order changes nothing.
          - An unknown name, or a capability also in O(services.cap_drop), is refused before any change. An engine
            older than API 1.41, which would ignore the option, is refused.
        type: list
        elements: str
      cap_drop:
        description:
          - Linux capabilities removed from the containers' (ContainerSpec.CapabilityDrop), named as in
            O(services.cap_add). V(ALL) with the needed ones in O(services.cap_add) keeps just those (the engine
            then ignores its default set); without V(ALL), the named ones are removed from the engine's default set.
        type: list
        elements: str
      mode:
        description:
          - V(replicated), V(global) (one task per eligible node), V(replicated-job) or V(global-job).
          - Docker cannot change it in place, so a change removes the service and creates it again.
        type: str
        choices: [replicated, global, replicated-job, global-job]
        default: replicated
      replicas:
        description: The number of tasks of a replicated service, or the total completions of a replicated job.
        type: int
        default: 1
      max_concurrent:
        description: Tasks of a replicated job that run at once.
        type: int
        default: 1
      labels:
        description: Service labels; the stack's namespace label is added.
        type: dict
      container_labels:
        description: Container labels; the stack's namespace label is added.
        type: dict
      networks:
        description:
          - Network names (or IDs), or dicts C({name, aliases}). Each must exist and be swarm-scoped; it is resolved
            to its ID.
        type: list
        elements: raw
        suboptions:
          name:
            description: The network's name or ID.
            type: str
            required: true
          aliases:
            description: Further DNS aliases of the service on this network (the service's key always is one).
            type: list
            elements: str
      ports:
        description: Published ports.
        type: list
        elements: dict
        suboptions:
          target:
            description: The port inside the containers.
            type: int
            required: true
          published:
            description: The port published on the nodes.
            type: int
          protocol:
            description: The protocol.
            type: str
            choices: [tcp, udp, sctp]
            default: tcp
          mode:
            description:
              - V(ingress) publishes on every node through the routing mesh (not with C(endpoint_mode=dnsrr)); V(host)
                on the nodes that run a task.
            type: str
            choices: [ingress, host]
            default: ingress
      endpoint_mode:
        description: V(vip) or V(dnsrr); default O(endpoint_mode).
        type: str
        choices: [vip, dnsrr]
      secrets:
        description: Keys of O(secrets), or dicts whose C(source) is such a key.
        type: list
        elements: raw
        suboptions: &file_ref
          source:
            description: The key of the secret in O(secrets) (of the config in O(configs)).
            type: str
            required: true
          target:
            description:
              - Secrets, a file name under C(/run/secrets) or an absolute path; default the source key.
              - Configs, the path of the file in the containers; default C(/<source>).
            type: str
          uid:
            description: The file's owner.
            type: str
            default: '0'
          gid:
            description: The file's group.
            type: str
            default: '0'
          mode:
            description: The file's mode, an int such as C(0o400) or an octal string such as V('0400').
            type: raw
            default: '0444'
      configs:
        description: Keys of O(configs), or dicts whose C(source) is such a key.
        type: list
        elements: raw
        suboptions: *file_ref
      mounts:
        description: Volumes, bind mounts and tmpfs mounts.
        type: list
        elements: dict
        suboptions:
          type:
            description: The kind of mount.
            type: str
            choices: [volume, bind, tmpfs]
            default: volume
          source:
            description:
              - A volume keeps the given name, without the stack prefix; a bind mount needs an absolute path; a tmpfs
                mount has none.
            type: str
          target:
            description: The absolute path in the containers.
            type: str
            required: true
          read_only:
            description: Mount read-only.
            type: bool
            default: false
          tmpfs_size:
            description: The size of a tmpfs mount (a memory size).
            type: raw
      healthcheck:
        description:
          - "The containers' healthcheck; C({disable: true}) turns the image's off. Absent, the image's healthcheck
            applies."
        type: dict
        suboptions:
          test:
            description:
              - A list starting with V(CMD) or V(CMD-SHELL), or a shell string. Required unless O(services.healthcheck.disable).
            type: raw
          interval:
            description: Time between two checks (a duration).
            type: raw
          timeout:
            description: Time a check may take (a duration).
            type: raw
          start_period:
            description: Time for the container to start before failed checks count (a duration).
            type: raw
          retries:
            description: Failed checks in a row that make the container unhealthy.
            type: int
          disable:
            description: Turn off the image's healthcheck (with no other key).
            type: bool
      resources:
        description: Resource limits and reservations of each task.
        type: dict
        suboptions:
          limits:
            description: At most this much.
            type: dict
            suboptions: &resources
              cpus:
                description: CPUs (a number).
                type: float
              memory:
                description: Memory (a memory size, at least 4M).
                type: raw
          reservations:
            description: At least this much must be free on a node for a task to be placed there.
            type: dict
            suboptions: *resources
      placement:
        description: Where tasks may run.
        type: dict
        suboptions:
          constraints:
            description: Constraints such as V(node.labels.geostack.postgis == true).
            type: list
            elements: str
          preferences:
            description: "Spread preferences such as C({spread: node.labels.zone})."
            type: list
            elements: dict
            suboptions:
              spread:
                description: The label to spread the tasks over.
                type: str
                required: true
          max_replicas_per_node:
            description: At most this many tasks per node (replicated services only; V(0) means no limit).
            type: int
            default: 0
      update_config:
        description: How the service's tasks are updated. Jobs have none.
        type: dict
        suboptions: &update_config
          parallelism:
            description: Tasks updated at once.
            type: int
            default: 1
          delay:
            description: Time between two batches (a duration).
            type: raw
            default: 0
          failure_action:
            description: What to do when an updated task fails; V(rollback) is for updates only.
            type: str
            choices: [continue, pause, rollback]
            default: pause
          monitor:
            description: How long each task is watched for failure after its update (a duration).
            type: raw
            default: 5s
          max_failure_ratio:
            description: The share of tasks (0 to 1) that may fail during an update.
            type: float
            default: 0
          order:
            description: Start the new task before stopping the old one, or the other way round.
            type: str
            choices: [start-first, stop-first]
            default: stop-first
      rollback_config:
        description: How the service's tasks are rolled back (C(failure_action) V(continue) or V(pause)). Jobs have none.
        type: dict
        suboptions: *update_config
      restart_policy:
        description: When the tasks' containers are restarted.
        type: dict
        suboptions:
          condition:
            description: V(any) (default), V(on-failure) (default for jobs, which cannot use V(any)) or V(none).
            type: str
            choices: [any, on-failure, none]
          delay:
            description: Time between two restarts (a duration).
            type: raw
            default: 5s
          max_attempts:
            description: Restarts before giving up; V(0) means no limit.
            type: int
            default: 0
          window:
            description: The time window in which restarts are counted (a duration).
            type: raw
      logging:
        description: The log driver of the tasks.
        type: dict
        suboptions:
          driver:
            description: The driver's name.
            type: str
            required: true
          options:
            description: The driver's options (strings).
            type: dict
      force_update:
        description:
          - Bump it to restart the service's tasks without another change.
          - It only moves forward; a value lower than the service's (a restart by C(geostack.swarm.stack_service)
            bumps it) is no change.
        type: int
        default: 0
  wait_timeout:
    type: int
    default: 600
notes:
  - Runs on a swarm manager. Needs Docker API 1.41 (Docker 20.10) for job modes.
  - Networks are not part of the stack; create them first, for example with M(geostack.swarm.overlay_network).
  - A service that exists with the name C(<name>_<key>) but without the stack's label is taken over.
seealso:
  - module: geostack.swarm.overlay_network
  - module: geostack.swarm.swarm_info
"""

EXAMPLES = r"""
- name: PostGIS and MapServer, with the database password as a secret and the mapfile as a config
  geostack.swarm.geo_stack:
    name: geostack
    endpoint_mode: dnsrr            # the kernels have no IPVS: DNS round robin, host-mode ports
    secrets:
      pg_password:
        data: "{{ vault_pg_password }}"
    configs:
      mapfile:
        data: "{{ lookup('ansible.builtin.template', 'geostack.map.j2') }}"
    services:
      postgis:
        image: geostack/postgis:15-3.3-3d696890a3d5
        env:
          POSTGRES_DB: gis
          POSTGRES_PASSWORD_FILE: /run/secrets/pg_password
        secrets:
          - source: pg_password
            uid: "999"
            gid: "999"
            mode: "0400"
        networks:
          - name: geostack_back
            aliases: [db]
        mounts:
          - {type: volume, source: geostack_pgdata, target: /var/lib/postgresql/data}
          - {type: tmpfs, target: /dev/shm, tmpfs_size: 256M}
          - {type: tmpfs, target: /run/postgresql, tmpfs_size: 1M}
        read_only: true                 # the root filesystem; what PostgreSQL writes is mounted
        cap_drop: [ALL]
        placement:
          constraints: [node.labels.geostack.postgis == true]
        healthcheck:
          test: [CMD, pg_isready, -U, postgres]
          interval: 10s
          start_period: 1m
        resources:
          limits: {memory: 2G}
      mapserver:
        image: geostack/mapserver:8.0-7689bb417db0
        replicas: 2
        env:
          MS_MAPFILE: /etc/mapserver/geostack.map
          PGHOST: db
        secrets: [{source: pg_password, target: pg_password, uid: "33", gid: "33", mode: "0400"}]
        configs: [{source: mapfile, target: /etc/mapserver/geostack.map}]
        networks: [geostack_front, geostack_back]
        ports:
          - {published: 8080, target: 8080, mode: host}
        placement:
          preferences: [{spread: node.labels.zone}]
          max_replicas_per_node: 1
        update_config:
          parallelism: 1
          delay: 5s
          order: start-first
          failure_action: rollback
          monitor: 15s
        rollback_config:
          order: start-first
        resources:
          limits: {cpus: 1.5, memory: 512M}
          reservations: {cpus: 0.25, memory: 128M}
        logging:
          driver: json-file
          options: {max-size: 10m}
  delegate_to: "{{ groups.swarm_managers[0] }}"
  run_once: true

- name: Load the data once (a replicated job), then carry on
  geostack.swarm.geo_stack:
    name: geostack_load
    services:
      load:
        image: geostack/tools:1
        mode: replicated-job
        command: [ogr2ogr, -f, PostgreSQL, "PG:host=db dbname=gis", /data/parcels.gpkg]
        networks: [geostack_back]
    wait_timeout: 1800

- name: Remove the stack, its configs and secrets
  geostack.swarm.geo_stack:
    name: geostack
    state: absent
"""

RETURN = r"""
services:
  description: Each service of the stack, by key, with what was done to it.
  returned: always
  type: dict
  contains:
    name:
      description: Docker name of the service (C(<stack>_<key>)).
      type: str
    id:
      description: Service ID; V(null) for a service not yet created (check mode).
      type: str
    action:
      description: V(created), V(updated), V(recreated) (mode change), V(unchanged) or V(removed).
      type: str
    differences:
      description: What differs or differed from the input, as C({setting, before, after}) over the canonical view;
        nested settings by dotted path, such as C(update_config.order).
      type: list
      elements: dict
    image:
      description: The service's image.
      type: str
    mode:
      description: V(replicated), V(global), V(replicated-job) or V(global-job).
      type: str
    replicas:
      description: Replicas (replicated) or total completions (replicated job); V(null) for global modes.
      type: int
    running:
      description: Tasks of the service in state C(running) (with desired state running) when the module returned.
      type: int
  sample:
    mapserver:
      name: geostack_mapserver
      id: 7x1d2k7m0q4e9b3v5w8n6p1r2
      action: updated
      differences:
        - {setting: env, before: [MS_MAPFILE=/etc/old.map], after: [MS_MAPFILE=/etc/mapserver/geostack.map]}
      image: geostack/mapserver:8.0-7689bb417db0
      mode: replicated
      replicas: 2
      running: 2
secrets:
  description: Each key of O(secrets) with the Docker name of its secret.
  returned: always
  type: dict
  sample: {pg_password: geostack_pg_password_5e884898da28}
configs:
  description: Each key of O(configs) with the Docker name of its config.
  returned: always
  type: dict
  sample: {mapfile: geostack_mapfile_2c26b46b68ff}
removed_secrets:
  description: Docker names of the stack's secrets that were (or, in check mode, would be) removed.
  returned: always
  type: list
  elements: str
removed_configs:
  description: Docker names of the stack's configs that were (or, in check mode, would be) removed.
  returned: always
  type: list
  elements: str
diff:
  description: The canonical view of each changed service before and after, by key.
  returned: always
  type: dict
  contains:
    before:
      description: Views before the change.
      type: dict
    after:
      description: Views after the change.
      type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.changes import ChangeTracker, change_record
from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import (
    SwarmClient,
    new_module,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import (
    CAPABILITIES_API,
    JOB_MODES,
    NAMESPACE_LABEL,
    ServiceFailed,
    StackError,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.parse import parse_stack, resolve_networks
from ansible_collections.geostack.swarm.plugins.module_utils.stack.progress import service_progress
from ansible_collections.geostack.swarm.plugins.module_utils.stack.spec import create_kwargs, service_spec
from ansible_collections.geostack.swarm.plugins.module_utils.stack.tasks import job_state, task_errors
from ansible_collections.geostack.swarm.plugins.module_utils.stack.values import check_name
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import differences, service_view
from ansible_collections.geostack.swarm.plugins.module_utils.swarm import ACTIVE_TASK_STATES
from ansible_collections.geostack.swarm.plugins.module_utils.waiter import Waiter, WaitTimeout


def _labels(obj):
    return (obj.get('Spec') or {}).get('Labels') or {}


def _referenced(spec, kind):
    """Docker names of the secrets (``kind='Secret'``) or configs a service spec uses."""
    container = ((spec or {}).get('TaskTemplate') or {}).get('ContainerSpec') or {}
    return set(ref.get('%sName' % kind) for ref in container.get('%ss' % kind) or [])


class StackManager(ChangeTracker):
    def __init__(self, module, client):
        super(StackManager, self).__init__(module, client, changes=None, services={}, secrets={}, configs={},
                                           removed_secrets=[], removed_configs=[])
        self.waiter = Waiter.from_params(self.params)

    def run(self):
        try:
            if self.params['state'] == 'absent':
                check_name(self.params['name'], 'name', what='a stack name')
            else:
                stack = parse_stack(self.params)
        except StackError as exc:
            self.fail(str(exc))
        self.client.require_manager('geo_stack')
        if self.params['state'] == 'absent':
            return self.absent()
        self.require_api(stack)
        networks = self.client.networks()
        try:
            network_ids = resolve_networks(stack, networks)
        except StackError as exc:
            self.fail(str(exc))
        self.present(stack, network_ids, dict((n.get('Name'), n.get('Id')) for n in networks))

    # ---- helpers ------------------------------------------------------------------------------------------------
    def require_api(self, stack):
        """Refuse capabilities on an engine whose API predates them: it would drop them without a word, and every
        rerun would find them missing."""
        version = str(getattr(self.client.api, 'api_version', '') or '')
        try:
            numbers = tuple(int(part) for part in version.split('.'))
        except ValueError:
            return
        if numbers >= CAPABILITIES_API:
            return
        users = ['services.%s.%s' % (key, option) for key, svc in sorted(stack['services'].items())
                 for option in ('cap_add', 'cap_drop') if svc[option]]
        if users:
            self.fail('%s: capabilities need the engine API %s or later; the engine at %s speaks %s'
                      % (', '.join(users), '.'.join(str(n) for n in CAPABILITIES_API), self.client.docker_host,
                         version))

    def stack_key(self, service_name):
        prefix = self.params['name'] + '_'
        return service_name[len(prefix):] if service_name.startswith(prefix) else service_name

    def entry(self, name, service_id, action, view, diffs=None):
        return dict(name=name, id=service_id, action=action, differences=diffs or [], image=view['image'],
                    mode=view['mode'], replicas=view['replicas'], running=0)

    def count_running(self):
        running = {}
        for task in self.client.tasks(filters={'desired-state': 'running'}):
            if (task.get('Status') or {}).get('State') == 'running':
                running[task.get('ServiceID')] = running.get(task.get('ServiceID'), 0) + 1
        for entry in self.result['services'].values():
            entry['running'] = running.get(entry['id'], 0) if entry['id'] and entry['action'] != 'removed' else 0

    # ---- present: plan (what differs), then act ----------------------------------------------------------------
    def present(self, stack, network_ids, network_names):
        plan = self.plan(stack, network_ids, network_names)
        self.result['changed'] = bool(plan['new_secrets'] or plan['new_configs'] or plan['pruned']
                                      or plan['unused_secrets'] or plan['unused_configs']
                                      or any(action != 'unchanged' for _k, _s, _c, action in plan['services']))
        if not self.check_mode:
            self.apply(stack, network_ids, plan)
        self.count_running()
        self.done()

    def plan(self, stack, network_ids, network_names):
        """What to create, update, recreate and remove; fills the result and the diff, changes nothing."""
        name = stack['name']
        services = self.client.services()
        by_name = dict(((s.get('Spec') or {}).get('Name'), s) for s in services)
        secrets = self.client.secrets()
        configs = self.client.configs()
        secret_ids = dict(((s.get('Spec') or {}).get('Name'), s.get('ID')) for s in secrets)
        config_ids = dict(((c.get('Spec') or {}).get('Name'), c.get('ID')) for c in configs)
        self.result['secrets'] = dict((k, v['name']) for k, v in stack['secrets'].items())
        self.result['configs'] = dict((k, v['name']) for k, v in stack['configs'].items())

        plan = []
        for key, svc in sorted(stack['services'].items()):
            current = by_name.get(svc['name'])
            forced = int((((current or {}).get('Spec') or {}).get('TaskTemplate') or {}).get('ForceUpdate') or 0)
            if forced > svc['force_update']:
                # ForceUpdate only moves forward: a restart (playbooks/restart.yml) bumped it; lower is no change
                svc = dict(svc, force_update=forced)
            after = service_view(service_spec(stack, svc, network_ids, secret_ids, config_ids))
            plan.append((key, svc, current, self.service_action(key, svc['name'], current, after, network_names)))

        desired_names = set(svc['name'] for svc in stack['services'].values())
        ours = [s for s in services if _labels(s).get(NAMESPACE_LABEL) == name
                and (s.get('Spec') or {}).get('Name') not in desired_names]
        pruned = ours if self.params['prune'] else []
        for service in pruned:
            key = self.stack_key(service['Spec']['Name'])
            view = service_view(service['Spec'], network_names)
            self.before[key] = view
            self.result['services'][key] = self.entry(service['Spec']['Name'], service['ID'], 'removed', view)

        # secrets and configs still in use once the plan is carried out
        pruned_ids = set(s['ID'] for s in pruned)
        remaining = [s.get('Spec') for s in services
                     if s.get('ID') not in pruned_ids and (s.get('Spec') or {}).get('Name') not in desired_names]
        remaining += [service_spec(stack, svc, network_ids) for svc in stack['services'].values()]
        if not self.params['wait']:
            # an update not waited for may still roll back to the previous spec: keep what that spec uses
            remaining += [current.get('Spec') for _key, _svc, current, action in plan if action == 'updated']
        unused_secrets = self.unused(secrets, remaining, 'Secret', set(s['name'] for s in stack['secrets'].values()))
        unused_configs = self.unused(configs, remaining, 'Config', set(c['name'] for c in stack['configs'].values()))
        self.result['removed_secrets'] = sorted(s['Spec']['Name'] for s in unused_secrets)
        self.result['removed_configs'] = sorted(c['Spec']['Name'] for c in unused_configs)
        return dict(services=plan, pruned=pruned, secret_ids=secret_ids, config_ids=config_ids,
                    new_secrets=[s for s in stack['secrets'].values() if s['name'] not in secret_ids],
                    new_configs=[c for c in stack['configs'].values() if c['name'] not in config_ids],
                    unused_secrets=unused_secrets, unused_configs=unused_configs)

    def service_action(self, key, name, current, after, network_names):
        """What to do with one declared service; records its entry (with its differences) and its diff."""
        if current is None:
            action, diffs = 'created', []
        else:
            before = service_view(current.get('Spec'), network_names)
            diffs = differences(before, after)
            if before['mode'] != after['mode']:
                action = 'recreated'
            else:
                action = 'updated' if diffs else 'unchanged'
            if action == 'unchanged' and after['mode'] in JOB_MODES:
                job = job_state(current, self.client.tasks(filters={'service': current['ID']}))
                if job['state'] == 'failed':
                    # run it again: an update, even with the same spec, starts a new iteration
                    action = 'updated'
                    diffs = [change_record('job', 'failed', 'complete')]
            if diffs:
                self.before[key] = before
        if action != 'unchanged':
            self.after[key] = after
        self.result['services'][key] = self.entry(name, current and current.get('ID'), action, after, diffs)
        return action

    def apply(self, stack, network_ids, plan):
        """Carry the plan out: objects first, then services, the wait, and the objects no longer used last."""
        secret_ids, config_ids = plan['secret_ids'], plan['config_ids']
        for obj in plan['new_secrets']:
            created = self.client.call('Creating secret %s' % obj['name'], self.client.api.create_secret,
                                       name=obj['name'], data=obj['data'], labels=obj['labels'])
            secret_ids[obj['name']] = created['ID']
        for obj in plan['new_configs']:
            created = self.client.call('Creating config %s' % obj['name'], self.client.api.create_config,
                                       name=obj['name'], data=obj['data'], labels=obj['labels'])
            config_ids[obj['name']] = created['ID']

        waiting = []
        # The engine's time before any service changes: a crash loop counts only the failures of tasks made since.
        since = (self.client.info(refresh=True) or {}).get('SystemTime') if self.params['wait'] else None
        for key, svc, current, action in plan['services']:
            if action == 'unchanged':
                continue
            spec = service_spec(stack, svc, network_ids, secret_ids, config_ids)
            if action == 'updated':
                self.client.call('Updating service %s' % svc['name'], self.client.api.update_service,
                                 current['ID'], current['Version']['Index'], **create_kwargs(spec))
                service_id = current['ID']
            else:
                if action == 'recreated':
                    self.client.call('Removing service %s (to change its mode)' % svc['name'],
                                     self.client.api.remove_service, current['ID'])
                created = self.client.call('Creating service %s' % svc['name'], self.client.api.create_service,
                                           **create_kwargs(spec))
                service_id = created['ID']
            self.result['services'][key]['id'] = service_id
            waiting.append((key, service_id, svc))
        for service in plan['pruned']:
            self.client.call('Removing service %s' % service['Spec']['Name'], self.client.api.remove_service,
                             service['ID'])
        if self.params['wait'] and waiting:
            self.wait_converged(waiting, since)
        for obj in plan['unused_secrets']:
            self.client.call('Removing secret %s' % obj['Spec']['Name'], self.client.api.remove_secret, obj['ID'])
        for obj in plan['unused_configs']:
            self.client.call('Removing config %s' % obj['Spec']['Name'], self.client.api.remove_config, obj['ID'])

    def unused(self, objects, specs, kind, declared):
        """The stack's objects that are neither declared nor used by any remaining service."""
        used = set()
        for spec in specs:
            used |= _referenced(spec, kind)
        return [o for o in objects if _labels(o).get(NAMESPACE_LABEL) == self.params['name']
                and o['Spec']['Name'] not in declared and o['Spec']['Name'] not in used]

    def wait_converged(self, waiting, since=None):
        pending = dict((key, (service_id, svc['name'])) for key, service_id, svc in waiting)
        seen = {}

        def predicate():
            for key in sorted(pending):
                service_id, name = pending[key]
                ready, seen[key] = service_progress(self.client, service_id, name, since=since)
                if ready:
                    del pending[key]
            return not pending, '; '.join(seen[key] for key in sorted(pending)) or 'all converged'

        what = []
        for _key, _service_id, svc in waiting:
            if svc['mode'] in JOB_MODES:
                what.append('%s (job complete)' % svc['name'])
            elif svc['mode'] == 'global':
                what.append('%s (one task running per eligible node, update completed)' % svc['name'])
            else:
                what.append('%s (%d running, update completed)' % (svc['name'], svc['replicas']))
        try:
            self.waiter.wait('services %s' % ', '.join(what), predicate)
        except ServiceFailed as exc:
            self.fail(str(exc))
        except WaitTimeout as exc:
            errors = []
            for key in sorted(pending):
                service_id, name = pending[key]
                tasks = self.client.tasks(filters={'service': service_id})
                errors += ['%s: %s' % (name, error) for error in task_errors(tasks)]
            self.fail('%s%s' % (exc, '; task errors: ' + '; '.join(errors) if errors else ''))

    # ---- absent ---------------------------------------------------------------------------------------------------
    def absent(self):
        name = self.params['name']
        services = self.client.services()
        ours = [s for s in services if _labels(s).get(NAMESPACE_LABEL) == name]
        for service in ours:
            view = service_view(service.get('Spec'))
            key = self.stack_key(service['Spec']['Name'])
            self.before[key] = view
            self.result['services'][key] = self.entry(service['Spec']['Name'], service['ID'], 'removed', view)
        others = [s.get('Spec') for s in services if _labels(s).get(NAMESPACE_LABEL) != name]
        removed = {}
        for kind, objects in (('Secret', self.client.secrets()), ('Config', self.client.configs())):
            used = set()
            for spec in others:
                used |= _referenced(spec, kind)
            removed[kind] = []
            for obj in objects:
                if _labels(obj).get(NAMESPACE_LABEL) != name:
                    continue
                if obj['Spec']['Name'] in used:
                    self.module.warn('%s %s of stack %s is kept: services outside the stack use it'
                                     % (kind.lower(), obj['Spec']['Name'], name))
                    continue
                removed[kind].append(obj)
        self.result['removed_secrets'] = sorted(o['Spec']['Name'] for o in removed['Secret'])
        self.result['removed_configs'] = sorted(o['Spec']['Name'] for o in removed['Config'])
        self.result['changed'] = bool(ours or removed['Secret'] or removed['Config'])
        if self.check_mode:
            return self.done()
        for service in ours:
            self.client.call('Removing service %s' % service['Spec']['Name'], self.client.api.remove_service,
                             service['ID'])
        if ours and self.params['wait']:
            ids = set(s['ID'] for s in ours)

            def stopped():
                left = [t for t in self.client.tasks() if t.get('ServiceID') in ids
                        and (t.get('Status') or {}).get('State') in ACTIVE_TASK_STATES]
                return not left, '%d task(s) still running' % len(left)
            try:
                self.waiter.wait('the tasks of stack %s to stop' % name, stopped)
            except WaitTimeout as exc:
                self.fail(str(exc))
        for obj in removed['Secret']:
            self.client.call('Removing secret %s' % obj['Spec']['Name'], self.client.api.remove_secret, obj['ID'])
        for obj in removed['Config']:
            self.client.call('Removing config %s' % obj['Spec']['Name'], self.client.api.remove_config, obj['ID'])
        self.done()


def main():
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        prune=dict(type='bool', default=True),
        endpoint_mode=dict(type='str', default='vip', choices=['vip', 'dnsrr']),
        secrets=dict(type='dict', default={}, no_log=True),
        configs=dict(type='dict', default={}),
        services=dict(type='dict', default={}),
    )
    argument_spec.update(Waiter.argument_spec(wait_timeout=600))
    module = new_module(argument_spec=argument_spec, supports_check_mode=True)
    StackManager(module, SwarmClient(module)).run()


if __name__ == '__main__':
    main()
