# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.modules import swarm_info

pytestmark = pytest.mark.unit

PORTS = {'2377/tcp': dict(free=True, used_for='cluster management (managers)'),
         '7946/tcp': dict(free=False, used_for='node communication'),
         '7946/udp': dict(free=True, used_for='node communication'),
         '4789/udp': dict(free=False, used_for='overlay network traffic (VXLAN)')}


@pytest.fixture
def info_module(make_module, outcome, api, monkeypatch):
    """Run swarm_info's main() against the fake engine, with fixed host facts."""
    monkeypatch.setattr(swarm_info, 'port_facts', lambda: dict(PORTS))
    monkeypatch.setattr(swarm_info, 'kernel_facts', lambda: dict(ipvs=True, esp=False))
    monkeypatch.setattr(swarm_info, 'service_manager', lambda: 'systemd')
    monkeypatch.setattr(swarm_info, 'host_addresses', lambda: {'eth0': ['192.0.2.11']})

    def run(check_mode=False, **params):
        module = make_module(swarm_info, check_mode=check_mode, **params)
        monkeypatch.setattr(swarm_info, 'new_module', lambda argument_spec, **kwargs: module)
        monkeypatch.setattr(swarm_info, 'SwarmClient', lambda m: SwarmClient(m, api=api))
        return outcome(swarm_info.main)
    return run


def test_not_in_swarm(info_module, api):
    res = info_module()
    assert not res.failed, res.msg
    r = res.result
    assert r['changed'] is False
    assert r['swarm_active'] is False and r['swarm_state'] == 'inactive' and r['is_manager'] is False
    assert r['nodes'] == [] and r['networks'] == [] and r['services'] == []
    assert 'swarm' not in r
    assert r['host']['ports_in_use'] == ['4789/udp', '7946/tcp']
    assert r['host']['kernel'] == dict(ipvs=True, esp=False)
    assert r['host']['service_manager'] == 'systemd'
    assert r['host']['addresses'] == {'eth0': ['192.0.2.11']}
    assert [c[0] for c in api.calls] == ['info']


def test_manager_lists_everything_sorted(info_module, api, make_task):
    api.make_swarm()
    api.add_node('w2', hostname='b-worker')
    api.add_node('w1', hostname='a-worker', labels={'zone': 'a'})
    api.add_node('mgr2', hostname='z-manager', role='manager', reachability='unreachable', state='down')
    api.add_network('geo_front', subnet='10.20.1.0/24', Attachable=True, Labels={'tier': 'front'},
                    Options={'encrypted': ''})
    api.add_network('bridge', Scope='local', Driver='bridge')
    api.add_network('ingress', subnet='10.0.0.0/24', Ingress=True)
    api.add_service('web', networks=['id-geo_front'], replicas=3, image='camptocamp/mapserver:8')
    api.add_service('agent', replicas=None)
    api.task_list = [make_task('svc-web', 'w1'), make_task('svc-web', 'w2'),
                     make_task('svc-web', 'w2', state='preparing'),
                     make_task('svc-web', 'w1', state='running', desired='shutdown')]
    res = info_module()
    assert not res.failed, res.msg
    r = res.result
    assert r['swarm_active'] is True and r['is_manager'] is True
    assert r['cluster_id'] == 'swarm1'
    assert r['remote_managers'] == ['192.0.2.11:2377']
    assert r['swarm']['id'] == 'swarm1'
    assert 'JoinTokens' not in str(r['swarm']) and 'SWMTKN' not in str(r)
    assert [n['hostname'] for n in r['nodes']] == ['mgr1', 'z-manager', 'a-worker', 'b-worker']
    assert r['nodes'][2]['labels'] == {'zone': 'a'}
    assert r['nodes'][1]['manager'] == dict(leader=False, reachability='unreachable', addr='192.0.2.99:2377')
    assert [n['name'] for n in r['networks']] == ['geo_front', 'ingress']
    front = r['networks'][0]
    assert front == dict(id='id-geo_front', name='geo_front', driver='overlay', subnets=['10.20.1.0/24'],
                         attachable=True, internal=False, encrypted=True, labels={'tier': 'front'}, ingress=False)
    assert r['networks'][1]['ingress'] is True
    assert r['services'] == [
        dict(id='svc-agent', name='agent', image='nginx', mode='global', replicas=None, running=0, networks=[],
             labels={}, constraints=[], volumes=[], nodes=[]),
        dict(id='svc-web', name='web', image='camptocamp/mapserver:8', mode='replicated', replicas=3, running=2,
             networks=['id-geo_front'], labels={}, constraints=[], volumes=[], nodes=['w1', 'w2']),
    ]


def test_lists_can_be_switched_off(info_module, api):
    api.make_swarm()
    res = info_module(nodes=False, networks=False, services=False, host=False)
    assert not res.failed, res.msg
    assert res.result['nodes'] == [] and res.result['networks'] == [] and res.result['services'] == []
    assert 'host' not in res.result
    assert sorted(set(c[0] for c in api.calls)) == ['info', 'inspect_swarm']


def test_worker_reports_membership_only(info_module, api):
    api.make_worker(cluster_id=None)
    res = info_module(host=False)
    assert not res.failed, res.msg
    r = res.result
    assert r['swarm_active'] is True and r['is_manager'] is False
    assert r['node_id'] == 'wrk1' and r['remote_managers'] == ['192.0.2.11:2377']
    assert r['nodes'] == [] and 'swarm' not in r
    assert api.called('nodes') == [] and api.called('inspect_swarm') == []


def test_service_networks_from_spec_when_not_in_task_template(api):
    api.add_service('legacy', networks=['id-old'], in_task_template=False)
    client = SwarmClient(type('M', (), dict(params={}))(), api=api)
    [summary] = swarm_info.service_summaries(client)
    assert summary['networks'] == ['id-old']


def test_network_summary_without_ipam():
    summary = swarm_info.network_summary(dict(Id='x', Name='n', Driver='overlay', IPAM=None, Options=None))
    assert summary['subnets'] == [] and summary['encrypted'] is False and summary['labels'] == {}


def test_service_labels_constraints_volumes(api):
    spec = api.add_service('db', replicas=1)['Spec']
    spec['Labels'] = {'com.docker.stack.namespace': 'geo', 'org.geostack.role': 'postgis'}
    spec['TaskTemplate']['Placement'] = {'Constraints': ['node.labels.geostack.postgis == true']}
    spec['TaskTemplate']['ContainerSpec']['Mounts'] = [
        dict(Type='volume', Source='geo_pgdata', Target='/var/lib/postgresql/data'), dict(Type='tmpfs', Target='/dev/shm')]
    client = SwarmClient(type('M', (), dict(params={}))(), api=api)
    [summary] = swarm_info.service_summaries(client)
    assert summary['labels'] == {'com.docker.stack.namespace': 'geo', 'org.geostack.role': 'postgis'}
    assert summary['constraints'] == ['node.labels.geostack.postgis == true']
    assert summary['volumes'] == ['geo_pgdata']
