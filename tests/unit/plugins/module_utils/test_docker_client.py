# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from docker.errors import APIError, DockerException, NotFound

from ansible_collections.geostack.swarm.plugins.module_utils import docker_client
from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import (
    DOCKER_COMMON_ARGS,
    SwarmClient,
    docker_argument_spec,
    is_local_engine,
)
from ansible_collections.geostack.swarm.plugins.module_utils.waiter import WAIT_ARGUMENT_SPEC

pytestmark = pytest.mark.unit


class Failed(Exception):
    pass


class Module(object):
    def __init__(self, **params):
        self.params = dict((name, spec.get('default')) for name, spec in DOCKER_COMMON_ARGS.items())
        self.params.update(params)

    def fail_json(self, **kwargs):
        raise Failed(kwargs['msg'])


class API(object):
    def __init__(self, info=None, nodes=(), networks=None):
        self._info = info if info is not None else {}
        self._nodes = list(nodes)
        self._networks = networks or {}
        self.info_calls = 0

    def info(self):
        self.info_calls += 1
        return self._info

    def nodes(self):
        return self._nodes

    def inspect_network(self, net_id, verbose=False):
        if net_id not in self._networks:
            raise NotFound('network %s not found' % net_id)
        if isinstance(self._networks[net_id], Exception):
            raise self._networks[net_id]
        return dict(self._networks[net_id], verbose=verbose)


def client(api=None, **params):
    return SwarmClient(Module(**params), api=api or API())


def node(node_id, hostname, state='ready'):
    return dict(ID=node_id, Description=dict(Hostname=hostname), Status=dict(State=state))


# -- helpers --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('host, local', [
    ('unix:///var/run/docker.sock', True), ('/var/run/docker.sock', True),
    ('tcp://192.0.2.1:2376', False), ('ssh://admin@node1', False),
])
def test_is_local_engine(host, local):
    assert is_local_engine(host) is local


def test_docker_argument_spec_adds_connection_options():
    spec = docker_argument_spec(name=dict(type='str'), **WAIT_ARGUMENT_SPEC)
    assert set(spec) == set(DOCKER_COMMON_ARGS) | {'name', 'wait', 'wait_timeout', 'wait_sleep'}
    assert 'name' not in DOCKER_COMMON_ARGS
    assert spec['docker_host']['default'] == 'unix:///var/run/docker.sock'


# -- swarm state ----------------------------------------------------------------------------------------------

def test_swarm_state_outside_a_swarm():
    assert client(API(info={'Swarm': {'LocalNodeState': 'inactive', 'NodeID': '', 'RemoteManagers': None}})
                  ).swarm_state() == dict(state='inactive', node_id=None, node_addr=None, is_manager=False,
                                          cluster_id=None, remote_managers=[], managers=None, nodes=None, error=None)
    assert client(API(info={})).swarm_state()['state'] == 'inactive'


def test_swarm_state_of_a_manager():
    info = {'Swarm': {'LocalNodeState': 'active', 'NodeID': 'n1', 'NodeAddr': '192.0.2.1', 'ControlAvailable': True,
                      'Cluster': {'ID': 'c1'}, 'Managers': 3, 'Nodes': 5,
                      'RemoteManagers': [{'NodeID': 'n1', 'Addr': '192.0.2.1:2377'}, {'NodeID': 'n2'}]}}
    state = client(API(info=info)).swarm_state()
    assert state == dict(state='active', node_id='n1', node_addr='192.0.2.1', is_manager=True, cluster_id='c1',
                         remote_managers=['192.0.2.1:2377'], managers=3, nodes=5, error=None)


def test_info_is_cached_until_refresh():
    api = API(info={'Swarm': {}})
    c = client(api)
    c.swarm_state()
    c.swarm_state()
    assert api.info_calls == 1
    c.swarm_state(refresh=True)
    assert api.info_calls == 2


@pytest.mark.parametrize('swarm, message', [
    ({'LocalNodeState': 'inactive'}, 'Tests needs a swarm manager, but the engine at unix:///var/run/docker.sock is not '
                                     'in a swarm (state: inactive)'),
    ({'LocalNodeState': 'active', 'ControlAvailable': False}, 'is a worker; run the task on a manager'),
])
def test_require_manager(swarm, message):
    with pytest.raises(Failed, match=message.replace('(', r'\(').replace(')', r'\)')):
        client(API(info={'Swarm': swarm})).require_manager('Tests')


def test_require_manager_returns_state():
    state = client(API(info={'Swarm': {'LocalNodeState': 'active', 'ControlAvailable': True, 'NodeID': 'n1'}})
                   ).require_manager('x')
    assert state['node_id'] == 'n1'


# -- errors ---------------------------------------------------------------------------------------------------

def test_call_returns_result():
    assert client().call('Adding', lambda a, b=0: a + b, 1, b=2) == 3


@pytest.mark.parametrize('error, message', [
    (APIError('500 Server Error', explanation='rpc error: code = Unknown'),
     'Updating the swarm failed: rpc error: code = Unknown'),
    (APIError('boom'), 'Updating the swarm failed: boom'),
    (DockerException('connection aborted'), 'Updating the swarm failed: connection aborted'),
])
def test_call_turns_sdk_errors_into_failures(error, message):
    def broken():
        raise error
    with pytest.raises(Failed) as exc:
        client().call('Updating the swarm', broken)
    assert str(exc.value) == message


def test_call_lets_other_errors_through():
    def broken():
        raise KeyError('bug')
    with pytest.raises(KeyError):
        client().call('x', broken)


# -- nodes ----------------------------------------------------------------------------------------------------

def test_find_node_by_id_then_hostname():
    c = client(API(nodes=[node('abc', 'worker1'), node('worker1', 'other')]))
    assert c.find_node('worker1')['ID'] == 'worker1', 'an ID match wins over a hostname match'
    assert c.find_node('other')['ID'] == 'worker1'
    assert c.find_node('abc')['ID'] == 'abc'
    assert c.find_node('nope') is None


def test_find_node_prefers_the_live_one_of_duplicate_hostnames():
    c = client(API(nodes=[node('old', 'worker1', state='down'), node('new', 'worker1')]))
    assert c.find_node('worker1')['ID'] == 'new'


def test_find_node_ambiguous_fails():
    c = client(API(nodes=[node('a', 'worker1'), node('b', 'worker1')]))
    with pytest.raises(Failed, match=r"node 'worker1' is ambiguous: 2 nodes have that hostname \(a, b\)"):
        c.find_node('worker1')
    c = client(API(nodes=[node('a', 'worker1', 'down'), node('b', 'worker1', 'down')]))
    with pytest.raises(Failed, match='ambiguous'):
        c.find_node('worker1')


# -- networks -------------------------------------------------------------------------------------------------

def test_inspect_network():
    c = client(API(networks={'n1': dict(Id='n1'), 'bad': APIError('boom', explanation='daemon error')}))
    assert c.inspect_network('n1') == dict(Id='n1', verbose=False)
    assert c.inspect_network('n1', verbose=True) == dict(Id='n1', verbose=True)
    assert c.inspect_network('missing') is None
    with pytest.raises(Failed, match='Inspecting network bad failed'):
        c.inspect_network('bad')


def test_list_helpers_return_lists_for_none():
    class Empty(object):
        def nodes(self):
            return None

        def services(self):
            return None

        def networks(self):
            return None

        def tasks(self, filters=None):
            self.filters = filters
            return None
    api = Empty()
    c = client(api)
    assert c.nodes() == [] and c.services() == [] and c.networks() == [] and c.tasks() == []
    assert api.filters == {}


# -- connecting -----------------------------------------------------------------------------------------------

class FakeAPIClient(object):
    instances = []
    ping_error = None

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        FakeAPIClient.instances.append(self)

    def ping(self):
        error = FakeAPIClient.ping_error
        if error is not None:
            raise error  # pylint: disable=raising-bad-type
        return True


@pytest.fixture
def fake_sdk(monkeypatch):
    FakeAPIClient.instances = []
    FakeAPIClient.ping_error = None
    monkeypatch.setattr(docker_client.docker, 'APIClient', FakeAPIClient)
    return FakeAPIClient


def test_connect_with_defaults(fake_sdk):
    c = SwarmClient(Module())
    [api] = fake_sdk.instances
    assert c.api is api
    assert api.kwargs == dict(base_url='unix:///var/run/docker.sock', version='auto', timeout=60, tls=None)


def test_connect_with_tls(fake_sdk):
    SwarmClient(Module(docker_host='tcp://192.0.2.1:2376', tls=True, timeout=5))
    [api] = fake_sdk.instances
    assert api.kwargs['base_url'] == 'tcp://192.0.2.1:2376'
    assert api.kwargs['timeout'] == 5
    assert api.kwargs['tls'] is not None and api.kwargs['tls'].verify is False


def test_connect_client_cert_needs_key(fake_sdk):
    with pytest.raises(Failed, match='client_cert and client_key must be given together'):
        SwarmClient(Module(tls=True, client_cert='/etc/docker/cert.pem'))
    assert fake_sdk.instances == []


def test_connect_failure_names_docker_host(fake_sdk):
    fake_sdk.ping_error = DockerException('Connection refused')
    with pytest.raises(Failed, match=r'Cannot talk to the Docker engine at tcp://192.0.2.1:2375 \(docker_host\): '
                                     'Connection refused'):
        SwarmClient(Module(docker_host='tcp://192.0.2.1:2375'))


def test_call_turns_http_layer_errors_into_failures():
    from requests.exceptions import ConnectionError as RequestsConnectionError

    def broken():
        raise RequestsConnectionError('Connection aborted.')
    with pytest.raises(Failed) as exc:
        client().call('Listing nodes', broken)
    assert str(exc.value) == 'Listing nodes failed: Connection aborted.'
