# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.modules import stack_status
from ansible_collections.geostack.swarm.tests.unit.plugins.modules.fake_docker import MUTATING
from ansible_collections.geostack.swarm.tests.unit.plugins.modules.operate_fakes import (
    OperateAPI,
    deployed_stack,
    service_spec,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def api():
    return OperateAPI()


@pytest.fixture
def status(make_module, outcome, api, monkeypatch):
    def run(check_mode=False, **params):
        params.setdefault('name', 'geostack')
        module = make_module(stack_status, check_mode=check_mode, **params)
        monkeypatch.setattr(stack_status, 'new_module', lambda argument_spec, **kwargs: module)
        monkeypatch.setattr(stack_status, 'SwarmClient', lambda m: SwarmClient(m, api=api))
        return outcome(stack_status.main)
    return run


def test_a_healthy_stack(status, api):
    deployed_stack(api)
    res = status()
    assert not res.failed, res.msg
    r = res.result
    assert r['changed'] is False and r['problems'] == []
    assert [n['hostname'] for n in r['nodes']] == ['mgr1', 'worker1']
    assert r['nodes'][0]['manager'] == dict(leader=True, reachability='reachable', addr='192.0.2.11:2377')
    assert r['nodes'][1]['manager'] is None
    # the other stack's service is not listed; jobs apart
    assert [s['key'] for s in r['services']] == ['edge', 'mapserver', 'postgis']
    assert [j['key'] for j in r['jobs']] == ['load_countries']
    by_key = dict((s['key'], s) for s in r['services'])
    mapserver = by_key['mapserver']
    assert (mapserver['desired'], mapserver['running'], mapserver['healthy'], mapserver['starting']) == (2, 2, 2, 0)
    # the digest the engine pinned is not shown; version and recipe from the tag when the image is not here
    assert mapserver['image'] == 'geostack/mapserver:8.0-64105782a122'
    assert (mapserver['version'], mapserver['recipe'], mapserver['source']) == ('8.0', '64105782a122', 'tag')
    assert mapserver['update_order'] == 'start-first'
    assert len(mapserver['tasks']) == 2 and mapserver['tasks'][0]['node'] == 'mgr1'
    # from the image's labels when it is here
    postgis = by_key['postgis']
    assert (postgis['version'], postgis['recipe'], postgis['source']) == ('15-3.3', 'a11009858e86', 'labels')
    # a global service: one task per ready node
    assert (by_key['edge']['mode'], by_key['edge']['desired'], by_key['edge']['running']) == ('global', 2, 2)
    assert sorted(by_key['edge']['nodes']) == ['mgr1', 'worker1']
    job = r['jobs'][0]
    assert job['job']['result'] == 'complete' and job['job']['complete'] == 1 and job['job']['expected'] == 1
    assert job['job']['last_run'] == '2024-01-01T00:00:00Z'
    # the stack's volume on this node, with its size; another stack's volume is not listed
    assert r['volume_names'] == ['geostack_postgis_data']
    assert r['volumes'] == [dict(name='geostack_postgis_data', node='mgr1', driver='local',
                                 mountpoint='/var/lib/docker/volumes/x/_data', size=74537771, size_human='74.5 MB',
                                 in_use_by=1)]
    assert r['scheduler'] is None
    assert not [c for c in api.calls if c[0] in MUTATING]


def test_problems_are_named(status, api, make_task):
    services = deployed_stack(api)
    api.node('wrk1')['Status']['State'] = 'down'
    api.add_node('mgr2', hostname='mgr2', role='manager', reachability='unreachable', state='down')
    # one MapServer replica failed and is starting again; the job failed
    tasks = [t for t in api.task_list if t['ServiceID'] == services['mapserver']['ID']]
    tasks[1]['Status'].update(State='starting')
    api.add_task(services['mapserver']['ID'], state='failed', desired='shutdown', err='task: non-zero exit (1)')
    services['postgis']['UpdateStatus'] = dict(State='rollback_completed', Message='update rolled back')
    for t in api.task_list:
        if t['ServiceID'] == services['load_countries']['ID']:
            t['Status'].update(State='failed', Err='ogr2ogr: no such table')
    r = status().result
    assert 'node worker1 is down' in r['problems']
    assert 'manager mgr2 is unreachable' in r['problems']
    assert 'mapserver: 1/2 running' in r['problems']
    assert 'postgis: update rollback_completed (update rolled back)' in r['problems']
    assert any(p.startswith('job load_countries failed: task') and 'ogr2ogr: no such table' in p
               for p in r['problems']), r['problems']
    mapserver = [s for s in r['services'] if s['key'] == 'mapserver'][0]
    assert (mapserver['running'], mapserver['starting'], mapserver['healthy']) == (1, 1, 1)
    assert any('non-zero exit (1)' in e for e in mapserver['errors'])


def test_a_service_without_a_health_check_has_no_healthy_count(status, api):
    api.make_swarm()
    api.add_stack_service(service_spec('geostack', 'web', 'nginx:1', replicas=1, health=False))
    api.images['nginx:1'] = dict(Healthcheck=dict(Test=['NONE']))
    web = status().result['services'][0]
    assert web['running'] == 1 and web['healthy'] is None and web['healthcheck'] is False
    assert (web['version'], web['recipe']) == ('1', None)


def test_the_image_health_check_counts(status, api):
    api.make_swarm()
    api.add_stack_service(service_spec('geostack', 'web', 'web:2', replicas=1, health=False))
    api.images['web:2'] = dict(Healthcheck=dict(Test=['CMD', 'true']))
    web = status().result['services'][0]
    assert web['healthy'] == 1 and web['healthcheck'] is True


def test_the_scheduler_is_located(status, api):
    api.make_swarm()
    service = api.add_stack_service(service_spec('geostack', 'scheduler', 'geostack/scheduler:1-0123456789ab',
                                                 env=['SCHEDULER_LISTEN=0.0.0.0:9090', 'TZ=UTC']))
    task = [t for t in api.task_list if t['ServiceID'] == service['ID']][0]
    task['Status']['ContainerStatus'] = dict(ContainerID='c' * 64)
    r = status().result
    assert r['scheduler'] == dict(service='geostack_scheduler', node='mgr1', node_id='mgr1', container_id='c' * 64,
                                  listen='0.0.0.0:9090')
    assert 'listen' not in r['services'][0]


def test_volumes_only_on_a_worker(status, api):
    api.make_worker()
    api.volumes = [dict(Name='geostack_postgis_data', Driver='local', Mountpoint='/v', UsageData=dict(Size=-1)),
                   dict(Name='labelled', Driver='local', Labels={'com.docker.stack.namespace': 'geostack'},
                        Mountpoint='/w', UsageData=dict(Size=2048, RefCount=0))]
    res = status(nodes=False, services=False, volume_names=['geostack_postgis_data'])
    assert not res.failed, res.msg
    r = res.result
    assert r['nodes'] == [] and r['services'] == [] and r['jobs'] == []
    assert [(v['name'], v['size'], v['size_human']) for v in r['volumes']] == [
        ('geostack_postgis_data', None, None), ('labelled', 2048, '2.0 kB')]
    assert [c[0] for c in api.calls] == ['info', 'df']


def test_services_need_a_manager(status, api):
    api.make_worker()
    res = status()
    assert res.failed
    assert 'needs a swarm manager' in res.msg and 'is a worker' in res.msg


def test_a_global_service_with_no_task_is_one_problem(status, api):
    api.make_swarm()
    api.add_stack_service(service_spec('geostack', 'edge', 'edge:1', mode=dict(Global={})), converge=False)
    r = status().result
    assert r['problems'] == ['edge: no task running']
