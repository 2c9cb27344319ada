# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.module_utils.waiter import Waiter
from ansible_collections.geostack.swarm.plugins.modules import geo_stack, stack_service
from ansible_collections.geostack.swarm.plugins.modules.geo_stack import StackManager
from ansible_collections.geostack.swarm.tests.unit.plugins.modules.operate_fakes import OperateAPI, deployed_stack

pytestmark = pytest.mark.unit


@pytest.fixture
def api():
    return OperateAPI()


@pytest.fixture
def change(make_module, outcome, api, clock, monkeypatch):
    def run(check_mode=False, **params):
        params.setdefault('name', 'geostack')
        module = make_module(stack_service, check_mode=check_mode, **params)
        monkeypatch.setattr(stack_service, 'new_module', lambda argument_spec, **kwargs: module)
        monkeypatch.setattr(stack_service, 'SwarmClient', lambda m: SwarmClient(m, api=api))
        monkeypatch.setattr(stack_service.Waiter, 'from_params', classmethod(
            lambda cls, p: Waiter(timeout=p['wait_timeout'], sleep=p['wait_sleep'], clock=clock, sleeper=clock.sleep)))
        return outcome(stack_service.main)
    return run


def spec_of(api, name):
    return [s for s in api.service_list if s['Spec']['Name'] == name][0]


def test_scale_check_mode_then_run_then_rerun(change, api):
    deployed_stack(api)
    res = change(check_mode=True, service='mapserver', replicas=3)
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert res.result['changes'] == [dict(setting='replicas', before=2, after=3)]
    assert res.result['keep_with'] == 'mapserver_replicas'
    assert not api.called('update_service')
    res = change(service='mapserver', replicas=3)
    assert not res.failed, res.msg
    assert res.result['changed'] is True and res.result['running'] == 3 and res.result['replicas'] == 3
    (args, kwargs), = api.called('update_service')
    assert kwargs['mode'] == dict(Replicated=dict(Replicas=3))
    # the rest of the spec is kept as it is
    assert kwargs['update_config']['Order'] == 'start-first'
    assert kwargs['labels']['com.docker.stack.namespace'] == 'geostack'
    assert kwargs['task_template']['ContainerSpec']['Healthcheck']['Test'][0] == 'CMD-SHELL'
    res = change(service='mapserver', replicas=3)
    assert res.result['changed'] is False and res.result['changes'] == []
    assert len(api.called('update_service')) == 1
    res = change(check_mode=True, service='mapserver', replicas=3)
    assert res.result['changed'] is False


def test_restart_bumps_force_update_and_waits(change, api):
    deployed_stack(api)
    before = [t['ID'] for t in api.task_list if t['ServiceID'] == spec_of(api, 'geostack_mapserver')['ID']
              and t['DesiredState'] == 'running']
    res = change(service='mapserver', restart=True)
    assert not res.failed, res.msg
    r = res.result
    assert r['changed'] is True and r['update_order'] == 'start-first'
    assert r['changes'] == [dict(setting='force_update', before=0, after=1)]
    assert spec_of(api, 'geostack_mapserver')['Spec']['TaskTemplate']['ForceUpdate'] == 1
    after = [t['ID'] for t in api.task_list if t['ServiceID'] == spec_of(api, 'geostack_mapserver')['ID']
             and t['DesiredState'] == 'running']
    assert r['running'] == 2 and not set(before) & set(after)
    # PostGIS restarts stop-first (its own update order)
    assert change(service='postgis', restart=True).result['update_order'] == 'stop-first'


@pytest.mark.parametrize('params, message', [
    (dict(service='postgis', replicas=2), 'service=postgis keeps its data in the volume geostack_postgis_data'),
    (dict(service='edge', replicas=2), 'service=edge is a global service: replicas do not apply'),
    (dict(service='load_countries', replicas=2), 'service=load_countries is a replicated-job service'),
    (dict(service='load_countries', restart=True), 'service=load_countries is a one-off job: it is not restarted'),
    (dict(service='tiles', restart=True), 'service=tiles is not a service of the stack geostack; its services: '),
    (dict(service='mapserver', replicas=-1), 'replicas=-1 must be 0 or more'),
])
def test_refusals_change_nothing(change, api, params, message):
    deployed_stack(api)
    res = change(**params)
    assert res.failed
    assert message in res.msg
    assert not api.called('update_service')


def test_postgis_at_its_replicas_is_no_change(change, api):
    deployed_stack(api)
    res = change(service='postgis', replicas=1)
    assert not res.failed and res.result['changed'] is False


def test_a_rolled_back_restart_fails_with_the_task_errors(change, api):
    services = deployed_stack(api)
    api.auto_converge = False

    def roll_back(fake):
        current = fake._service(services['mapserver']['ID'])
        if current['Spec']['TaskTemplate'].get('ForceUpdate'):
            current['UpdateStatus'] = dict(State='rollback_completed', Message='update rolled back due to failure')
            if not [t for t in fake.task_list if t['Status'].get('Err')]:
                fake.add_task(current['ID'], state='failed', desired='shutdown', err='healthcheck failed')
    api.on_poll = roll_back
    res = change(service='mapserver', restart=True)
    assert res.failed
    assert 'geostack_mapserver: update rollback_completed' in res.msg and 'healthcheck failed' in res.msg


def test_a_restart_that_does_not_converge_times_out(change, api, clock):
    services = deployed_stack(api)
    api.auto_converge = False

    def outdated(fake):
        # the engine no longer counts the tasks of the previous spec as up to date; no new task starts
        if fake._service(services['mapserver']['ID'])['Spec']['TaskTemplate'].get('ForceUpdate'):
            for t in fake.task_list:
                t['_stale'] = True
    api.on_poll = outdated
    res = change(service='mapserver', restart=True, wait_timeout=30)
    assert res.failed
    assert 'timed out after 30s waiting for service geostack_mapserver to converge (force_update 1)' in res.msg
    assert '0/2 running' in res.msg


def test_no_wait_returns_at_once(change, api):
    deployed_stack(api)
    api.auto_converge = False
    res = change(service='mapserver', replicas=4, wait=False)
    assert not res.failed and res.result['changed'] is True


def test_the_next_deployment_does_not_restart_again(make_module, outcome, api, clock, change):
    """geo_stack keeps a ForceUpdate that a restart raised: the next site.yml run is changed=0."""
    api.make_swarm()
    declared = dict(name='geo', endpoint_mode='dnsrr', services={'web': {'image': 'nginx:1', 'replicas': 2}})

    def deploy(**params):
        module = make_module(geo_stack, **dict(declared, **params))
        manager = StackManager(module, SwarmClient(module, api=api))
        manager.waiter.clock = clock
        manager.waiter.sleeper = clock.sleep
        return outcome(manager.run)
    assert deploy().result['changed'] is True
    assert deploy().result['changed'] is False
    assert not change(name='geo', service='web', restart=True).failed
    assert spec_of(api, 'geo_web')['Spec']['TaskTemplate']['ForceUpdate'] == 1
    updates = len(api.called('update_service'))
    res = deploy()
    assert res.result['changed'] is False, res.result
    assert len(api.called('update_service')) == updates
    # bumping the declared force_update above it still restarts
    bumped = dict(declared['services']['web'], force_update=2)
    res = deploy(services={'web': bumped})
    assert res.result['changed'] is True
    assert spec_of(api, 'geo_web')['Spec']['TaskTemplate']['ForceUpdate'] == 2
