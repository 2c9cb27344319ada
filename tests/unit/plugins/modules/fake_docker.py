# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fakes for driving the modules without a Docker engine (the fixtures of conftest.py hand them to the tests).

- ``FakeModule``: a fake AnsibleModule; ``fail_json``/``exit_json`` raise ``FailJson``/``ExitJson``.
- ``argument_spec_of(plugin, monkeypatch)``: the full argument spec a module's ``main()`` builds.
- ``run_module(func)``: runs a module entry point and returns ``Outcome(failed, result)``.
- ``FakeAPI``: stands in for ``docker.APIClient``, with a small in-memory swarm and a call log.
- ``FakeClock``: virtual time for the waiter (sleeping advances it, so timeouts cost nothing).
"""

from __future__ import annotations

import copy

import pytest
from docker.errors import APIError, NotFound

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import docker_argument_spec

WORKER_TOKEN = 'SWMTKN-1-' + '0123456789abcdefghijklmnopqrstuvwxyz0123456789abcd' + '-' + 'w' * 25
MANAGER_TOKEN = 'SWMTKN-1-' + '0123456789abcdefghijklmnopqrstuvwxyz0123456789abcd' + '-' + 'm' * 25

MUTATING = ('init_swarm', 'update_swarm', 'join_swarm', 'leave_swarm', 'update_node', 'remove_node',
            'create_network', 'remove_network', 'create_service', 'update_service', 'remove_service',
            'create_secret', 'remove_secret', 'create_config', 'remove_config')


class ExitJson(Exception):
    def __init__(self, kwargs):
        super(ExitJson, self).__init__(kwargs)
        self.kwargs = kwargs


class FailJson(Exception):
    def __init__(self, kwargs):
        super(FailJson, self).__init__(kwargs.get('msg'))
        self.kwargs = kwargs


class FakeModule(object):
    def __init__(self, params, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self.warnings = []

    def fail_json(self, **kwargs):
        raise FailJson(kwargs)

    def exit_json(self, **kwargs):
        raise ExitJson(kwargs)

    def warn(self, msg):
        self.warnings.append(msg)


class _SpecCaptured(Exception):
    pass


def argument_spec_of(plugin, monkeypatch):
    """The full argument spec a module's ``main()`` builds (its own options plus the Docker ones)."""
    captured = {}

    def capture(argument_spec, **kwargs):
        captured.update(docker_argument_spec(**argument_spec))
        raise _SpecCaptured()

    with monkeypatch.context() as m:
        m.setattr(plugin, 'new_module', capture)
        with pytest.raises(_SpecCaptured):
            plugin.main()
    return captured


class Outcome(object):
    def __init__(self, failed, result):
        self.failed = failed
        self.result = result
        self.msg = result.get('msg')

    def __repr__(self):
        return 'Outcome(failed=%r, result=%r)' % (self.failed, self.result)


def run_module(func):
    try:
        func()
    except ExitJson as exc:
        return Outcome(False, exc.kwargs)
    except FailJson as exc:
        return Outcome(True, exc.kwargs)
    raise AssertionError('the module neither exited nor failed')


def default_swarm_spec():
    return {
        'Name': 'default',
        'Labels': {},
        'Orchestration': {'TaskHistoryRetentionLimit': 5},
        'Raft': {'SnapshotInterval': 10000, 'KeepOldSnapshots': 0, 'LogEntriesForSlowFollowers': 500,
                 'ElectionTick': 10, 'HeartbeatTick': 1},
        'Dispatcher': {'HeartbeatPeriod': 5000000000},
        'CAConfig': {'NodeCertExpiry': 7776000000000000},
        'TaskDefaults': {},
        'EncryptionConfig': {'AutoLockManagers': False},
    }


def _merge(base, extra):
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _check_labels(labels):
    """The engine decodes labels into a Go map[string]string: anything else is a 400."""
    for key, value in (labels or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise APIError('400 Client Error', explanation='json: cannot unmarshal %s into Go value of type string'
                           % type(value).__name__)


class FakeAPI(object):
    """The subset of ``docker.APIClient`` the modules use, over an in-memory swarm. Every call is logged."""

    def __init__(self):
        self.calls = []
        self.api_version = '1.41'      # the negotiated API version, as docker.APIClient.api_version
        self.local = dict(LocalNodeState='inactive', NodeID='', NodeAddr='', ControlAvailable=False,
                          RemoteManagers=None)
        self.swarm = None
        self.node_list = []
        self.network_list = []
        self.service_list = []
        self.task_list = []
        self.node_task_script = None   # list of task lists returned one after another for node-filtered queries
        self.join_role = 'worker'      # role join_swarm grants
        self.unlock_key = 'SWMKEY-1-unlock'
        self.before_nodes = None       # hook called on every nodes() (to let time pass in the swarm)
        # geo_stack: secrets, configs, service logs, and an orchestrator that converges at once
        self.secret_list = []
        self.config_list = []
        self.secret_data = {}          # name -> data given to create_secret (the engine never returns it)
        self.logs = {}                 # service ID -> log lines for service_logs
        self.auto_converge = True      # create/update_service make the tasks of the new spec at once
        self.on_poll = None            # hook called on every inspect_service (to let time pass while waiting)
        self._ids = 0

    # -- bookkeeping ----------------------------------------------------------------------------------------
    def _record(self, _call, *args, **kwargs):
        self.calls.append((_call, args, kwargs))

    def called(self, name):
        return [(args, kwargs) for call, args, kwargs in self.calls if call == name]

    def mutations(self):
        return [call for call, _args, _kwargs in self.calls if call in MUTATING]

    # -- scenario builders ----------------------------------------------------------------------------------
    def make_swarm(self, spec=None, node_id='mgr1', hostname='mgr1', addr='192.0.2.11', version=10):
        self.swarm = dict(ID='swarm1', Version=dict(Index=version), CreatedAt='2024-01-01T00:00:00Z',
                          UpdatedAt='2024-01-01T00:00:00Z', Spec=_merge(default_swarm_spec(), spec),
                          JoinTokens=dict(Worker=WORKER_TOKEN, Manager=MANAGER_TOKEN),
                          DefaultAddrPool=['10.0.0.0/8'], SubnetSize=24, DataPathPort=4789)
        self.local = dict(LocalNodeState='active', NodeID=node_id, NodeAddr=addr, ControlAvailable=True,
                          Cluster=dict(ID='swarm1'), RemoteManagers=[dict(NodeID=node_id, Addr=addr + ':2377')],
                          Managers=1, Nodes=1)
        if not any(n['ID'] == node_id for n in self.node_list):
            self.add_node(node_id, role='manager', addr=addr, leader=True, hostname=hostname)
        return self

    def make_worker(self, node_id='wrk1', addr='192.0.2.21', managers=('192.0.2.11:2377',), cluster_id=None):
        self.local = dict(LocalNodeState='active', NodeID=node_id, NodeAddr=addr, ControlAvailable=False,
                          RemoteManagers=[dict(NodeID='m%d' % i, Addr=a) for i, a in enumerate(managers)])
        if cluster_id:
            self.local['Cluster'] = dict(ID=cluster_id)
        return self

    def add_node(self, node_id, hostname=None, role='worker', state='ready', availability='active',
                 reachability='reachable', labels=None, addr='192.0.2.99', leader=False):
        node = dict(ID=node_id, Version=dict(Index=1),
                    Spec=dict(Role=role, Availability=availability, Labels=dict(labels or {})),
                    Description=dict(Hostname=hostname or node_id, Engine=dict(EngineVersion='27.3.1')),
                    Status=dict(State=state, Addr=addr))
        if role == 'manager':
            node['ManagerStatus'] = dict(Reachability=reachability, Addr=addr + ':2377', Leader=leader)
        self.node_list.append(node)
        return node

    def node(self, node_id):
        return [n for n in self.node_list if n['ID'] == node_id][0]

    def add_network(self, name, subnet=None, net_id=None, gateway=None, **props):
        net_id = net_id or 'id-' + name
        config = []
        if subnet:
            config = [dict(Subnet=subnet, Gateway=gateway or subnet.split('/')[0][:-1] + '1')]
        network = dict(Name=name, Id=net_id, Scope='swarm', Driver='overlay', Internal=False, Attachable=False,
                       Ingress=False, IPAM=dict(Driver='default', Options=None, Config=config),
                       Options={'com.docker.network.driver.overlay.vxlanid_list': '4097'}, Labels={},
                       Containers={})
        network.update(props)
        self.network_list.append(network)
        return network

    def add_service(self, name, networks=(), replicas=1, service_id=None, in_task_template=True, image='nginx'):
        targets = [dict(Target=t) for t in networks]
        spec = dict(Name=name, Mode=dict(Replicated=dict(Replicas=replicas)) if replicas is not None
                    else dict(Global={}),
                    TaskTemplate=dict(ContainerSpec=dict(Image=image)))
        if in_task_template:
            spec['TaskTemplate']['Networks'] = targets
        else:
            spec['Networks'] = targets
        service = dict(ID=service_id or 'svc-' + name, Spec=spec)
        self.service_list.append(service)
        return service

    # -- engine ---------------------------------------------------------------------------------------------
    def info(self):
        self._record('info')
        return dict(ServerVersion='27.3.1', Swarm=copy.deepcopy(self.local))

    def get_unlock_key(self):
        self._record('get_unlock_key')
        return dict(UnlockKey=self.unlock_key)

    # -- swarm ----------------------------------------------------------------------------------------------
    def inspect_swarm(self):
        self._record('inspect_swarm')
        if self.swarm is None:
            raise APIError('This node is not a swarm manager.')
        return copy.deepcopy(self.swarm)

    def init_swarm(self, advertise_addr=None, listen_addr='0.0.0.0:2377', force_new_cluster=False, swarm_spec=None,
                   default_addr_pool=None, subnet_size=None, data_path_addr=None, data_path_port=None):
        self._record('init_swarm', advertise_addr=advertise_addr, listen_addr=listen_addr, swarm_spec=swarm_spec,
                     default_addr_pool=default_addr_pool, subnet_size=subnet_size, data_path_addr=data_path_addr,
                     data_path_port=data_path_port)
        if self.local['LocalNodeState'] != 'inactive':
            raise APIError('This node is already part of a swarm.')
        _check_labels((swarm_spec or {}).get('Labels'))
        self.make_swarm(spec=swarm_spec)
        return 'mgr1'

    def update_swarm(self, version, swarm_spec=None, rotate_worker_token=False, rotate_manager_token=False,
                     rotate_manager_unlock_key=False):
        self._record('update_swarm', version=version, swarm_spec=copy.deepcopy(swarm_spec),
                     rotate_worker_token=rotate_worker_token, rotate_manager_token=rotate_manager_token,
                     rotate_manager_unlock_key=rotate_manager_unlock_key)
        if version != self.swarm['Version']['Index']:
            raise APIError('update out of sequence')
        _check_labels((swarm_spec or {}).get('Labels'))
        self.swarm['Spec'] = copy.deepcopy(swarm_spec)
        self.swarm['Version']['Index'] += 1
        if rotate_worker_token:
            self.swarm['JoinTokens']['Worker'] = WORKER_TOKEN[:-1] + 'x'
        if rotate_manager_token:
            self.swarm['JoinTokens']['Manager'] = MANAGER_TOKEN[:-1] + 'x'
        if rotate_manager_unlock_key:
            self.unlock_key = 'SWMKEY-1-rotated'
        return True

    def join_swarm(self, remote_addrs, join_token, listen_addr='0.0.0.0:2377', advertise_addr=None,
                   data_path_addr=None, data_path_port=None):
        self._record('join_swarm', remote_addrs=remote_addrs, join_token=join_token, listen_addr=listen_addr,
                     advertise_addr=advertise_addr, data_path_addr=data_path_addr)
        if self.join_role == 'manager':
            self.make_swarm(node_id='new1', hostname='new1', addr='192.0.2.31')
        else:
            self.make_worker(node_id='new1', addr='192.0.2.31', managers=remote_addrs)
        return True

    def leave_swarm(self, force=False):
        self._record('leave_swarm', force=force)
        self.local = dict(LocalNodeState='inactive', NodeID='', NodeAddr='', ControlAvailable=False)
        self.swarm = None
        return True

    # -- nodes ----------------------------------------------------------------------------------------------
    def nodes(self, filters=None):
        self._record('nodes', filters=filters)
        if self.before_nodes:
            self.before_nodes(self)
        return copy.deepcopy(self.node_list)

    def inspect_node(self, node_id):
        self._record('inspect_node', node_id)
        matches = [n for n in self.node_list if n['ID'] == node_id]
        if not matches:
            raise NotFound('node %s not found' % node_id)
        return copy.deepcopy(matches[0])

    def update_node(self, node_id, version, node_spec=None):
        self._record('update_node', node_id, version, copy.deepcopy(node_spec))
        node = self.node(node_id)
        if version != node['Version']['Index']:
            raise APIError('update out of sequence')
        _check_labels(node_spec.get('Labels'))
        node['Spec'] = copy.deepcopy(node_spec)
        node['Version']['Index'] += 1
        if node_spec.get('Role') == 'worker':
            node.pop('ManagerStatus', None)
            if node_id == self.local.get('NodeID'):
                self.local['ControlAvailable'] = False
        elif node_spec.get('Role') == 'manager' and 'ManagerStatus' not in node:
            node['ManagerStatus'] = dict(Reachability='reachable', Addr=node['Status']['Addr'] + ':2377')
        return True

    def remove_node(self, node_id, force=False):
        self._record('remove_node', node_id, force=force)
        self.node_list = [n for n in self.node_list if n['ID'] != node_id]
        return True

    # -- networks -------------------------------------------------------------------------------------------
    def networks(self, names=None, ids=None, filters=None):
        self._record('networks')
        return copy.deepcopy(self.network_list)

    def inspect_network(self, net_id, verbose=None, scope=None):
        self._record('inspect_network', net_id)
        for network in self.network_list:
            if net_id in (network['Id'], network['Name']):
                return copy.deepcopy(network)
        raise NotFound('network %s not found' % net_id)

    def create_network(self, name, driver=None, options=None, ipam=None, check_duplicate=None, internal=False,
                       labels=None, enable_ipv6=False, attachable=None, scope=None, ingress=None):
        self._record('create_network', name=name, driver=driver, options=options, ipam=ipam,
                     check_duplicate=check_duplicate, internal=internal, labels=labels, attachable=attachable,
                     scope=scope)
        _check_labels(labels)
        _check_labels(options)
        config = copy.deepcopy((ipam or {}).get('Config') or [dict(Subnet='10.0.9.0/24')])
        for pool in config:
            pool.setdefault('Gateway', pool['Subnet'].split('/')[0][:-1] + '1')
        net_id = 'created-%s-%d' % (name, len(self.calls))
        options = dict(options or {})
        options['com.docker.network.driver.overlay.vxlanid_list'] = '4242'
        self.network_list.append(dict(Name=name, Id=net_id, Scope=scope or 'local', Driver=driver or 'bridge',
                                      Internal=bool(internal), Attachable=bool(attachable), Ingress=False,
                                      IPAM=dict(Driver='default', Options=None, Config=config), Options=options,
                                      Labels=dict(labels or {}), Containers={}))
        return dict(Id=net_id, Warning='')

    def remove_network(self, net_id):
        self._record('remove_network', net_id)
        self.network_list = [n for n in self.network_list if n['Id'] != net_id]

    # -- services and tasks ---------------------------------------------------------------------------------
    def services(self, filters=None, status=None):
        self._record('services')
        return copy.deepcopy(self.service_list)

    def tasks(self, filters=None):
        self._record('tasks', filters=filters)
        filters = filters or {}
        if 'node' in filters and self.node_task_script is not None:
            tasks = self.node_task_script[0]
            if len(self.node_task_script) > 1:
                self.node_task_script.pop(0)
            return copy.deepcopy(tasks)
        tasks = self.task_list
        if 'node' in filters:
            tasks = [t for t in tasks if t.get('NodeID') == filters['node']]
        if 'desired-state' in filters:
            tasks = [t for t in tasks if t.get('DesiredState') == filters['desired-state']]
        if 'service' in filters:
            service = self._service(filters['service'])
            if service is None:
                raise NotFound('service %s not found' % filters['service'])
            tasks = [t for t in tasks if t.get('ServiceID') == service['ID']]
        if '_up-to-date' in filters:
            tasks = [t for t in tasks if not t.get('_stale')]
        return copy.deepcopy(tasks)

    # -- geo_stack: services, secrets, configs ----------------------------------------------------------------
    def _new_id(self, prefix):
        self._ids += 1
        return '%s%04d' % (prefix, self._ids)

    def _service(self, name_or_id):
        for service in self.service_list:
            if name_or_id in (service['ID'], service['Spec'].get('Name')):
                return service
        return None

    def _check_refs(self, task_template):
        container = task_template.get('ContainerSpec') or {}
        for kind, objects in (('Secret', self.secret_list), ('Config', self.config_list)):
            for ref in container.get(kind + 's') or []:
                if not any(o['ID'] == ref.get(kind + 'ID') and o['Spec']['Name'] == ref.get(kind + 'Name')
                           for o in objects):
                    raise APIError('400 Client Error', explanation='%s not found: %s'
                                   % (kind.lower(), ref.get(kind + 'Name')))

    def add_task(self, service_id, state='running', desired='running', node_id='mgr1', err=None, message=None,
                 iteration=None, stale=False, timestamp=None):
        task = dict(ID=self._new_id('task'), ServiceID=service_id, NodeID=node_id, DesiredState=desired,
                    Status=dict(State=state, Message=message or state,
                                Timestamp=timestamp or '2024-01-01T00:00:%02d.%dZ' % (self._ids % 60, self._ids)))
        if err:
            task['Status']['Err'] = err
        if iteration is not None:
            task['JobIteration'] = dict(Index=iteration) if iteration else {}
        if stale:
            task['_stale'] = True
        self.task_list.append(task)
        return task

    def converge(self, service, update_state='completed'):
        """What the orchestrator does, at once: tasks of the current spec; the older ones shut down."""
        sid = service['ID']
        mode = service['Spec'].get('Mode') or {}
        for task in self.task_list:
            if task['ServiceID'] == sid and task['DesiredState'] == 'running':
                task.update(_stale=True, DesiredState='shutdown')
                task['Status']['State'] = 'shutdown'
        nodes = [n['ID'] for n in self.node_list if n['Status']['State'] == 'ready'] or ['mgr1']
        iteration = ((service.get('JobStatus') or {}).get('JobIteration') or {}).get('Index', 0)
        if 'Replicated' in mode:
            for _i in range(mode['Replicated'].get('Replicas', 1)):
                self.add_task(sid)
        elif 'Global' in mode:
            for node_id in nodes:
                self.add_task(sid, node_id=node_id)
        elif 'ReplicatedJob' in mode:
            for _i in range(mode['ReplicatedJob'].get('TotalCompletions', 1)):
                self.add_task(sid, state='complete', desired='complete', iteration=iteration)
        elif 'GlobalJob' in mode:
            for node_id in nodes:
                self.add_task(sid, state='complete', desired='complete', iteration=iteration, node_id=node_id)
        if update_state and 'PreviousSpec' in service and not ('ReplicatedJob' in mode or 'GlobalJob' in mode):
            service['UpdateStatus'] = dict(State=update_state, Message='update %s' % update_state)

    def add_stack_service(self, spec, service_id=None, converge=True):
        """A service as the engine would hold it after create_service(spec)."""
        service = dict(ID=service_id or self._new_id('svc'), Version=dict(Index=1), Spec=copy.deepcopy(spec))
        if any(k in spec.get('Mode', {}) for k in ('ReplicatedJob', 'GlobalJob')):
            service['JobStatus'] = dict(JobIteration={}, LastExecution='2024-01-01T00:00:00Z')
        self.service_list.append(service)
        if converge:
            self.converge(service)
        return service

    def create_service(self, task_template, name=None, labels=None, mode=None, update_config=None, networks=None,
                       endpoint_config=None, endpoint_spec=None, rollback_config=None):
        self._record('create_service', task_template=copy.deepcopy(task_template), name=name,
                     labels=copy.deepcopy(labels), mode=copy.deepcopy(mode), update_config=update_config,
                     rollback_config=rollback_config, endpoint_spec=copy.deepcopy(endpoint_spec), networks=networks)
        if self._service(name) is not None:
            raise APIError('409 Client Error', explanation='rpc error: code = AlreadyExists desc = name conflicts '
                           'with an existing object: service %s already exists' % name)
        _check_labels(labels)
        self._check_refs(task_template)
        spec = dict(Name=name, Labels=dict(labels or {}), TaskTemplate=copy.deepcopy(task_template),
                    Mode=copy.deepcopy(mode) or dict(Replicated=dict(Replicas=1)))
        for key, value in (('UpdateConfig', update_config), ('RollbackConfig', rollback_config),
                           ('EndpointSpec', endpoint_spec)):
            if value is not None:
                spec[key] = copy.deepcopy(value)
        service = self.add_stack_service(spec, converge=self.auto_converge)
        return dict(ID=service['ID'], Warnings=None)

    def update_service(self, service, version, task_template=None, name=None, labels=None, mode=None,
                       update_config=None, networks=None, endpoint_config=None, endpoint_spec=None,
                       fetch_current_spec=False, rollback_config=None):
        self._record('update_service', service, version, task_template=copy.deepcopy(task_template), name=name,
                     labels=copy.deepcopy(labels), mode=copy.deepcopy(mode), update_config=update_config,
                     rollback_config=rollback_config, endpoint_spec=copy.deepcopy(endpoint_spec))
        current = self._service(service)
        if current is None:
            raise NotFound('service %s not found' % service)
        if version != current['Version']['Index']:
            raise APIError('500 Server Error', explanation='update out of sequence')
        if set((mode or {}).keys()) != set(current['Spec']['Mode'].keys()):
            raise APIError('501 Server Error', explanation='service mode change is not allowed')
        _check_labels(labels)
        self._check_refs(task_template or {})
        spec = dict(Name=name, Labels=dict(labels or {}), TaskTemplate=copy.deepcopy(task_template),
                    Mode=copy.deepcopy(mode))
        for key, value in (('UpdateConfig', update_config), ('RollbackConfig', rollback_config),
                           ('EndpointSpec', endpoint_spec)):
            if value is not None:
                spec[key] = copy.deepcopy(value)
        current['PreviousSpec'] = current['Spec']
        current['Spec'] = spec
        current['Version']['Index'] += 1
        current.pop('UpdateStatus', None)
        if 'JobStatus' in current:
            current['JobStatus']['JobIteration'] = dict(Index=current['Version']['Index'])
        if self.auto_converge:
            self.converge(current)
        return dict(Warnings=None)

    def remove_service(self, service):
        self._record('remove_service', service)
        current = self._service(service)
        if current is None:
            raise NotFound('service %s not found' % service)
        self.service_list.remove(current)
        for task in self.task_list:
            if task['ServiceID'] == current['ID']:
                task['DesiredState'] = 'shutdown'
                task['Status']['State'] = 'shutdown'
        return True

    def inspect_service(self, service, insert_defaults=None):
        self._record('inspect_service', service)
        if self.on_poll:
            self.on_poll(self)
        current = self._service(service)
        if current is None:
            raise NotFound('service %s not found' % service)
        return copy.deepcopy(current)

    def service_logs(self, service, details=False, follow=False, stdout=False, stderr=False, since=0,
                     timestamps=False, tail='all', is_tty=None):
        self._record('service_logs', service, tail=tail, timestamps=timestamps)
        current = self._service(service)
        if current is None:
            raise NotFound('service %s not found' % service)
        lines = self.logs.get(current['ID'], [])
        if tail != 'all':
            lines = lines[-int(tail):]
        return iter([('2024-01-01T00:01:%02d.5Z %s\n' % (i, line) if timestamps else line + '\n').encode('utf-8')
                     for i, line in enumerate(lines)])

    def _objects(self, kind):
        return self.secret_list if kind == 'secret' else self.config_list

    def _create_object(self, kind, name, data, labels):
        if any(o['Spec']['Name'] == name for o in self._objects(kind)):
            raise APIError('409 Client Error', explanation='rpc error: code = AlreadyExists desc = %s %s already '
                           'exists' % (kind, name))
        _check_labels(labels)
        obj = dict(ID=self._new_id(kind), Version=dict(Index=1), Spec=dict(Name=name, Labels=dict(labels or {})))
        self._objects(kind).append(obj)
        if kind == 'secret':
            self.secret_data[name] = data
        return dict(ID=obj['ID'])

    def _remove_object(self, kind, object_id):
        objects = self._objects(kind)
        matches = [o for o in objects if o['ID'] == object_id]
        if not matches:
            raise NotFound('%s %s not found' % (kind, object_id))
        for service in self.service_list:
            container = service['Spec'].get('TaskTemplate', {}).get('ContainerSpec', {})
            if any(r.get(kind.capitalize() + 'ID') == object_id for r in container.get(kind.capitalize() + 's') or []):
                raise APIError('400 Client Error', explanation='rpc error: code = InvalidArgument desc = %s %s is in '
                               'use by the following service: %s' % (kind, matches[0]['Spec']['Name'],
                                                                     service['Spec']['Name']))
        objects.remove(matches[0])
        return True

    def secrets(self, filters=None):
        self._record('secrets', filters=filters)
        return copy.deepcopy(self.secret_list)

    def create_secret(self, name, data, labels=None, driver=None):
        self._record('create_secret', name=name, labels=copy.deepcopy(labels))
        return self._create_object('secret', name, data, labels)

    def remove_secret(self, id):  # pylint: disable=redefined-builtin
        self._record('remove_secret', id)
        return self._remove_object('secret', id)

    def configs(self, filters=None):
        self._record('configs', filters=filters)
        return copy.deepcopy(self.config_list)

    def create_config(self, name, data, labels=None, templating=None):
        self._record('create_config', name=name, data=data, labels=copy.deepcopy(labels))
        return self._create_object('config', name, data, labels)

    def remove_config(self, id):  # pylint: disable=redefined-builtin
        self._record('remove_config', id)
        return self._remove_object('config', id)


def task(service_id, node_id, state='running', desired='running'):
    return dict(ServiceID=service_id, NodeID=node_id, Status=dict(State=state), DesiredState=desired)


class FakeClock(object):
    """Virtual monotonic time: ``sleep`` advances it."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
