# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from docker.errors import APIError

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.modules import geo_stack
from ansible_collections.geostack.swarm.plugins.modules.geo_stack import StackManager

pytestmark = pytest.mark.unit

NS = 'com.docker.stack.namespace'
PASSWORD = 'correct horse battery staple'


def digest(data):
    return hashlib.sha256(data.encode('utf-8')).hexdigest()[:12]


def stack(**overrides):
    """A PostGIS + MapServer stack with a secret, a config, two networks and a host-mode port."""
    params = dict(
        name='geo',
        endpoint_mode='dnsrr',
        secrets={'pg_password': {'data': PASSWORD}},
        configs={'mapfile': {'data': 'MAP\nEND\n'}},
        services={
            'postgis': {
                'image': 'geostack/postgis:15',
                'env': {'POSTGRES_PASSWORD_FILE': '/run/secrets/pg_password'},
                'secrets': ['pg_password'],
                'networks': [{'name': 'geo_back', 'aliases': ['db']}],
                'mounts': [{'source': 'geo_pgdata', 'target': '/var/lib/postgresql/data'}],
                'healthcheck': {'test': ['CMD', 'pg_isready'], 'interval': '10s'},
            },
            'mapserver': {
                'image': 'geostack/mapserver:8',
                'replicas': 2,
                'env': {'MS_MAPFILE': '/etc/mapserver/geostack.map'},
                'secrets': [{'source': 'pg_password', 'uid': '33', 'gid': '33', 'mode': 0o400}],
                'configs': [{'source': 'mapfile', 'target': '/etc/mapserver/geostack.map'}],
                'networks': ['geo_front', 'geo_back'],
                'ports': [{'published': 8080, 'target': 8080, 'mode': 'host'}],
                'update_config': {'order': 'start-first', 'failure_action': 'rollback', 'monitor': '15s'},
            },
        },
    )
    params.update(overrides)
    return params


@pytest.fixture
def stack_module(make_module, outcome, api, clock):
    api.make_swarm()
    api.add_network('geo_front', net_id='nf')
    api.add_network('geo_back', net_id='nb')

    def run(check_mode=False, **params):
        module = make_module(geo_stack, check_mode=check_mode, **params)
        manager = StackManager(module, SwarmClient(module, api=api))
        manager.waiter.clock = clock
        manager.waiter.sleeper = clock.sleep
        run.module = module
        return outcome(manager.run)
    return run


def service(api, name):
    return [s for s in api.service_list if s['Spec']['Name'] == name][0]


def no_secret_data(res):
    assert PASSWORD not in json.dumps(res.result)
    assert PASSWORD not in (res.msg or '')


# -- create, rerun, check mode -----------------------------------------------------------------------------------------

def test_create_stack(stack_module, api):
    res = stack_module(**stack())
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    secret_name = 'geo_pg_password_' + digest(PASSWORD)
    config_name = 'geo_mapfile_' + digest('MAP\nEND\n')
    assert res.result['secrets'] == {'pg_password': secret_name}
    assert res.result['configs'] == {'mapfile': config_name}
    assert api.mutations() == ['create_secret', 'create_config', 'create_service', 'create_service']
    [(_args, secret_call)] = api.called('create_secret')
    assert secret_call['labels'] == {NS: 'geo', 'org.geostack.stack.key': 'pg_password'}
    assert api.secret_data == {secret_name: PASSWORD}
    ms = service(api, 'geo_mapserver')
    assert ms['Spec']['Labels'] == {NS: 'geo'}
    assert ms['Spec']['EndpointSpec'] == {'Mode': 'dnsrr', 'Ports': [
        {'Protocol': 'tcp', 'TargetPort': 8080, 'PublishedPort': 8080, 'PublishMode': 'host'}]}
    assert ms['Spec']['TaskTemplate']['Networks'] == [{'Target': 'nf', 'Aliases': ['mapserver']},
                                                      {'Target': 'nb', 'Aliases': ['mapserver']}]
    [secret_ref] = ms['Spec']['TaskTemplate']['ContainerSpec']['Secrets']
    assert secret_ref == {'File': {'Name': 'pg_password', 'UID': '33', 'GID': '33', 'Mode': 0o400},
                          'SecretID': api.secret_list[0]['ID'], 'SecretName': secret_name}
    pg = service(api, 'geo_postgis')
    assert pg['Spec']['TaskTemplate']['Networks'] == [{'Target': 'nb', 'Aliases': ['db', 'postgis']}]
    entries = res.result['services']
    assert entries['mapserver'] == dict(name='geo_mapserver', id=ms['ID'], action='created', differences=[],
                                        image='geostack/mapserver:8', mode='replicated', replicas=2, running=2)
    assert entries['postgis']['running'] == 1
    assert res.result['diff']['before'] == {}
    assert set(res.result['diff']['after']) == set(['mapserver', 'postgis'])
    assert res.result['diff']['after']['mapserver']['update_config']['order'] == 'start-first'
    no_secret_data(res)


def test_rerun_is_idempotent(stack_module, api):
    assert not stack_module(**stack()).failed
    before = len(api.calls)
    again = stack_module(**stack())
    assert not again.failed, again.msg
    assert again.result['changed'] is False
    assert api.mutations() == ['create_secret', 'create_config', 'create_service', 'create_service']
    assert [c for c, _a, _k in api.calls[before:] if c == 'inspect_service'] == []
    assert again.result['services']['mapserver']['action'] == 'unchanged'
    assert again.result['services']['mapserver']['running'] == 2
    assert again.result['diff'] == {'before': {}, 'after': {}}
    check = stack_module(check_mode=True, **stack())
    assert check.result['changed'] is False
    assert api.mutations() == ['create_secret', 'create_config', 'create_service', 'create_service']


def test_check_mode_makes_no_change(stack_module, api):
    res = stack_module(check_mode=True, **stack())
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.mutations() == []
    assert api.service_list == [] and api.secret_list == []
    assert res.result['services']['mapserver']['action'] == 'created'
    assert res.result['services']['mapserver']['id'] is None
    assert res.result['diff']['after']['postgis']['secrets'][0]['name'] == 'geo_pg_password_' + digest(PASSWORD)
    no_secret_data(res)


def test_check_mode_reports_differences_of_an_update(stack_module, api):
    assert not stack_module(**stack()).failed
    params = stack()
    params['services']['mapserver']['env']['MS_DEBUG'] = 5
    res = stack_module(check_mode=True, **params)
    assert res.result['changed'] is True
    assert res.result['services']['mapserver']['action'] == 'updated'
    assert res.result['services']['mapserver']['differences'] == [dict(
        setting='env', before=['MS_MAPFILE=/etc/mapserver/geostack.map'],
        after=['MS_DEBUG=5', 'MS_MAPFILE=/etc/mapserver/geostack.map'])]
    assert res.result['services']['postgis']['action'] == 'unchanged'
    assert api.mutations() == ['create_secret', 'create_config', 'create_service', 'create_service']


# -- update ------------------------------------------------------------------------------------------------------------

def test_update_uses_the_current_version_and_waits(stack_module, api, clock):
    assert not stack_module(**stack()).failed
    ms = service(api, 'geo_mapserver')
    version = ms['Version']['Index']
    api.calls = []
    params = stack()
    params['services']['mapserver']['env']['MS_DEBUG'] = '5'
    params['services']['mapserver']['update_config']['order'] = 'stop-first'
    res = stack_module(**params)
    assert not res.failed, res.msg
    [(args, kwargs)] = api.called('update_service')
    assert args == (ms['ID'], version)
    assert kwargs['name'] == 'geo_mapserver'
    assert kwargs['update_config']['Order'] == 'stop-first'
    assert kwargs['task_template']['ContainerSpec']['Env'] == ['MS_DEBUG=5', 'MS_MAPFILE=/etc/mapserver/geostack.map']
    entry = res.result['services']['mapserver']
    assert entry['action'] == 'updated' and entry['running'] == 2
    assert [d['setting'] for d in entry['differences']] == ['env', 'update_config.order']
    assert set(res.result['diff']['before']) == set(['mapserver'])
    assert res.result['diff']['before']['mapserver']['update_config']['order'] == 'start-first'
    assert res.result['diff']['after']['mapserver']['update_config']['order'] == 'stop-first'
    assert api.called('inspect_service') == [((ms['ID'],), {})]   # converged at the first look
    assert clock.sleeps == []


def test_removed_healthcheck_and_mount_update_the_service(stack_module, api):
    assert not stack_module(**stack()).failed
    params = stack()
    del params['services']['postgis']['healthcheck']
    del params['services']['postgis']['mounts']
    res = stack_module(**params)
    assert not res.failed, res.msg
    assert [d['setting'] for d in res.result['services']['postgis']['differences']] == ['healthcheck', 'mounts']
    container = service(api, 'geo_postgis')['Spec']['TaskTemplate']['ContainerSpec']
    assert 'Healthcheck' not in container and 'Mounts' not in container


def test_service_with_engine_defaults_is_unchanged(stack_module, api):
    """A service as Docker shows it (Isolation, Runtime, empty Resources and Placement, no UpdateConfig) is equal."""
    api.add_stack_service(dict(
        Name='geo_tiny', Labels={NS: 'geo'},
        TaskTemplate=dict(ContainerSpec=dict(Image='busybox:1', Labels={NS: 'geo'}, Isolation='default'),
                          Resources=dict(Limits={}, Reservations={}), Placement={}, ForceUpdate=0,
                          Runtime='container'),
        Mode={'Replicated': {'Replicas': 1}}))
    res = stack_module(name='geo', services={'tiny': {'image': 'busybox:1'}})
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    assert res.result['services']['tiny']['action'] == 'unchanged'
    assert api.mutations() == []


def test_capabilities_are_set_compared_and_removed(stack_module, api):
    hardened = {'image': 'x:1', 'read_only': True, 'cap_drop': ['ALL'], 'cap_add': ['net_bind_service', 'SETUID'],
                'mounts': [{'type': 'tmpfs', 'target': '/tmp', 'tmpfs_size': '16M'}]}
    res = stack_module(name='geo', services={'web': copy.deepcopy(hardened)})
    assert not res.failed, res.msg
    container = service(api, 'geo_web')['Spec']['TaskTemplate']['ContainerSpec']
    assert container['CapabilityAdd'] == ['CAP_NET_BIND_SERVICE', 'CAP_SETUID']
    assert container['CapabilityDrop'] == ['ALL'] and container['ReadOnly'] is True
    assert res.result['diff']['after']['web']['cap_add'] == ['CAP_NET_BIND_SERVICE', 'CAP_SETUID']
    # the same set in another spelling and order: nothing to do, in check mode or not
    respelled = dict(hardened, cap_add=['CAP_SETUID', 'NET_BIND_SERVICE'], cap_drop=['all'])
    for check_mode in (True, False):
        again = stack_module(check_mode=check_mode, name='geo', services={'web': copy.deepcopy(respelled)})
        assert again.result['changed'] is False, again.result['services']['web']['differences']
    assert api.mutations() == ['create_service']
    # one capability fewer, then none: each an update that shows what changed
    res = stack_module(name='geo', services={'web': dict(hardened, cap_add=['NET_BIND_SERVICE'])})
    assert res.result['services']['web']['differences'] == [dict(
        setting='cap_add', before=['CAP_NET_BIND_SERVICE', 'CAP_SETUID'], after=['CAP_NET_BIND_SERVICE'])]
    assert res.result['diff']['before']['web']['cap_add'] == ['CAP_NET_BIND_SERVICE', 'CAP_SETUID']
    res = stack_module(name='geo', services={'web': {'image': 'x:1'}})
    assert [d['setting'] for d in res.result['services']['web']['differences']] == [
        'cap_add', 'cap_drop', 'mounts', 'read_only']
    container = service(api, 'geo_web')['Spec']['TaskTemplate']['ContainerSpec']
    assert not set(['CapabilityAdd', 'CapabilityDrop', 'ReadOnly', 'Mounts']) & set(container)
    assert api.mutations() == ['create_service', 'update_service', 'update_service']


def test_capabilities_on_an_engine_older_than_api_1_41_are_refused(stack_module, api):
    api.api_version = '1.40'
    res = stack_module(name='geo', services={'web': {'image': 'x'}, 'db': {'image': 'y', 'cap_drop': ['ALL']}})
    assert res.failed
    assert res.msg == ('services.db.cap_drop: capabilities need the engine API 1.41 or later; the engine at '
                       'unix:///var/run/docker.sock speaks 1.40')
    assert api.mutations() == []
    assert not stack_module(name='geo', services={'web': {'image': 'x'}}).failed


def test_mode_change_recreates_the_service(stack_module, api):
    assert not stack_module(name='geo', services={'agent': {'image': 'x:1'}}).failed
    old_id = service(api, 'geo_agent')['ID']
    res = stack_module(name='geo', services={'agent': {'image': 'x:1', 'mode': 'global'}})
    assert not res.failed, res.msg
    assert api.mutations() == ['create_service', 'remove_service', 'create_service']
    entry = res.result['services']['agent']
    assert entry['action'] == 'recreated' and entry['id'] != old_id and entry['mode'] == 'global'
    assert entry['replicas'] is None
    assert {'setting': 'mode', 'before': 'replicated', 'after': 'global'} in entry['differences']


def test_a_service_of_the_same_name_without_the_label_is_taken_over(stack_module, api):
    api.add_service('geo_web', image='x:1')['Version'] = dict(Index=7)
    res = stack_module(name='geo', services={'web': {'image': 'x:1'}})
    assert res.failed is False, res.msg
    assert res.result['services']['web']['action'] == 'updated'
    assert service(api, 'geo_web')['Spec']['Labels'] == {NS: 'geo'}


# -- secrets and configs -----------------------------------------------------------------------------------------------

def test_changed_secret_makes_a_new_one_and_removes_the_old(stack_module, api):
    assert not stack_module(**stack()).failed
    old_name = 'geo_pg_password_' + digest(PASSWORD)
    res = stack_module(**stack(secrets={'pg_password': {'data': 'new password'}}))
    assert not res.failed, res.msg
    new_name = 'geo_pg_password_' + digest('new password')
    assert res.result['secrets'] == {'pg_password': new_name}
    assert res.result['removed_secrets'] == [old_name]
    assert api.mutations()[4:] == ['create_secret', 'update_service', 'update_service', 'remove_secret']
    assert [s['Spec']['Name'] for s in api.secret_list] == [new_name]
    for name in ('geo_mapserver', 'geo_postgis'):
        [ref] = service(api, name)['Spec']['TaskTemplate']['ContainerSpec']['Secrets']
        assert ref['SecretName'] == new_name and ref['SecretID'] == api.secret_list[0]['ID']
    assert res.result['services']['postgis']['differences'][0]['setting'] == 'secrets'
    assert 'new password' not in json.dumps(res.result)


def test_without_wait_the_previous_secret_is_kept_for_a_rollback(stack_module, api):
    assert not stack_module(**stack()).failed
    old_name = 'geo_pg_password_' + digest(PASSWORD)
    res = stack_module(wait=False, **stack(secrets={'pg_password': {'data': 'new password'}}))
    assert not res.failed, res.msg
    assert res.result['removed_secrets'] == []
    assert old_name in [s['Spec']['Name'] for s in api.secret_list]
    later = stack_module(wait=False, **stack(secrets={'pg_password': {'data': 'new password'}}))
    assert later.result['removed_secrets'] == [old_name]
    assert len(api.secret_list) == 1


def test_existing_secret_is_reused(stack_module, api):
    name = 'geo_pg_password_' + digest(PASSWORD)
    api.create_secret(name=name, data=PASSWORD, labels={NS: 'geo'})
    api.calls = []
    res = stack_module(**stack())
    assert not res.failed, res.msg
    assert 'create_secret' not in api.mutations()
    assert service(api, 'geo_postgis')['Spec']['TaskTemplate']['ContainerSpec']['Secrets'][0]['SecretID'] == \
        api.secret_list[0]['ID']


def test_changed_config_rolls_and_old_config_is_removed(stack_module, api):
    assert not stack_module(**stack()).failed
    res = stack_module(**stack(configs={'mapfile': {'data': 'MAP\n  NAME "geo"\nEND\n'}}))
    assert not res.failed, res.msg
    assert res.result['services']['mapserver']['action'] == 'updated'
    assert res.result['services']['postgis']['action'] == 'unchanged'
    assert res.result['removed_configs'] == ['geo_mapfile_' + digest('MAP\nEND\n')]
    assert len(api.config_list) == 1


def test_declared_unused_objects_are_kept_and_others_left_alone(stack_module, api):
    api.create_secret(name='other_pw_1', data='x', labels={NS: 'other'})
    api.create_secret(name='hand_made', data='x')
    params = stack()
    params['secrets']['spare'] = {'data': 'spare'}
    assert not stack_module(**params).failed
    again = stack_module(**params)
    assert again.result['changed'] is False
    names = sorted(s['Spec']['Name'] for s in api.secret_list)
    assert names == sorted(['other_pw_1', 'hand_made', 'geo_pg_password_' + digest(PASSWORD),
                            'geo_spare_' + digest('spare')])


def test_secret_used_outside_the_stack_is_kept(stack_module, api):
    assert not stack_module(**stack()).failed
    secret = api.secret_list[0]
    api.add_stack_service(dict(Name='outsider', TaskTemplate=dict(ContainerSpec=dict(
        Image='x', Secrets=[dict(SecretID=secret['ID'], SecretName=secret['Spec']['Name'],
                                 File=dict(Name='pw'))])), Mode={'Replicated': {'Replicas': 1}}))
    res = stack_module(**stack(secrets={'pg_password': {'data': 'rotated'}}))
    assert not res.failed, res.msg
    assert res.result['removed_secrets'] == []
    assert secret['Spec']['Name'] in [s['Spec']['Name'] for s in api.secret_list]


# -- prune -------------------------------------------------------------------------------------------------------------

def test_prune_removes_undeclared_services_of_the_stack(stack_module, api):
    assert not stack_module(**stack()).failed
    api.add_service('unrelated', image='x')
    params = stack()
    del params['services']['mapserver']
    kept = stack_module(prune=False, **copy.deepcopy(params))
    assert not kept.failed, kept.msg
    assert 'mapserver' not in kept.result['services']
    assert kept.result['removed_configs'] == []   # the mapserver service still uses it
    ms_id = service(api, 'geo_mapserver')['ID']
    res = stack_module(**params)
    assert not res.failed, res.msg
    assert res.result['services']['mapserver'] == dict(
        name='geo_mapserver', id=ms_id, action='removed', differences=[], image='geostack/mapserver:8',
        mode='replicated', replicas=2, running=0)
    assert res.result['diff']['before']['mapserver']['image'] == 'geostack/mapserver:8'
    assert 'mapserver' not in res.result['diff']['after']
    assert sorted(s['Spec']['Name'] for s in api.service_list) == ['geo_postgis', 'unrelated']
    assert res.result['removed_configs'] == []   # still declared, so kept
    assert api.mutations()[-1] == 'remove_service'


def test_prune_in_check_mode(stack_module, api):
    assert not stack_module(**stack()).failed
    params = stack(configs={})
    del params['services']['mapserver']
    res = stack_module(check_mode=True, **params)
    assert res.result['changed'] is True
    assert res.result['services']['mapserver']['action'] == 'removed'
    assert res.result['removed_configs'] == ['geo_mapfile_' + digest('MAP\nEND\n')]
    assert api.mutations() == ['create_secret', 'create_config', 'create_service', 'create_service']


# -- absent ------------------------------------------------------------------------------------------------------------

def test_absent_removes_services_then_configs_and_secrets(stack_module, api):
    assert not stack_module(**stack()).failed
    api.add_service('unrelated', image='x')
    check = stack_module(check_mode=True, name='geo', state='absent')
    assert check.result['changed'] is True
    assert sorted(check.result['services']) == ['mapserver', 'postgis']
    assert len(api.mutations()) == 4
    res = stack_module(name='geo', state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.mutations()[4:] == ['remove_service', 'remove_service', 'remove_secret', 'remove_config']
    assert res.result['removed_secrets'] == ['geo_pg_password_' + digest(PASSWORD)]
    assert res.result['services']['postgis']['action'] == 'removed'
    assert [s['Spec']['Name'] for s in api.service_list] == ['unrelated']
    assert api.secret_list == [] and api.config_list == []
    again = stack_module(name='geo', state='absent')
    assert again.result['changed'] is False
    assert len(api.mutations()) == 8


def test_absent_waits_for_the_tasks_to_stop(stack_module, api, clock):
    assert not stack_module(name='geo', services={'web': {'image': 'x'}}).failed
    web = service(api, 'geo_web')

    def slow_stop(fake):
        for t in fake.task_list:
            if t['ServiceID'] == web['ID'] and fake.service_list == [] and len(clock.sleeps) < 2:
                t['Status']['State'] = 'running'
            elif t['ServiceID'] == web['ID']:
                t['Status']['State'] = 'shutdown'
    original = api.tasks

    def tasks(filters=None):
        slow_stop(api)
        return original(filters)
    api.tasks = tasks
    res = stack_module(name='geo', state='absent')
    assert not res.failed, res.msg
    assert clock.sleeps == [2, 2]


# -- waiting -----------------------------------------------------------------------------------------------------------

def test_rollback_fails_naming_the_service_with_task_errors(stack_module, api):
    assert not stack_module(**stack()).failed
    api.auto_converge = False
    ms = service(api, 'geo_mapserver')

    def rolled_back(fake):
        current = service(fake, 'geo_mapserver')
        if current.get('UpdateStatus') is None:
            current['UpdateStatus'] = dict(State='updating', Message='update in progress')
            fake.add_task(ms['ID'], state='starting')
        else:
            current['UpdateStatus'] = dict(
                State='rollback_completed', Message='rollback completed')
            for t in fake.task_list:
                if t['Status']['State'] == 'starting':
                    t['Status'].update(State='failed', Err='task: non-zero exit (137): dockerexec: unhealthy container')
                    t['DesiredState'] = 'shutdown'
    api.on_poll = rolled_back
    params = stack()
    params['services']['mapserver']['healthcheck'] = {'test': ['CMD', 'false']}
    res = stack_module(**params)
    assert res.failed
    assert res.result['changed'] is True
    assert res.msg.startswith('service geo_mapserver: update rollback_completed (rollback completed); task errors: '
                              'task task')
    assert 'failed: task: non-zero exit (137): dockerexec: unhealthy container' in res.msg
    no_secret_data(res)


def test_paused_update_fails_fast(stack_module, api, clock):
    assert not stack_module(name='geo', services={'web': {'image': 'x:1'}}).failed
    api.auto_converge = False

    def paused(fake):
        service(fake, 'geo_web')['UpdateStatus'] = dict(State='paused', Message='update paused due to failure')
    api.on_poll = paused
    res = stack_module(name='geo', services={'web': {'image': 'x:2'}})
    assert res.failed
    assert res.msg == 'service geo_web: update paused (update paused due to failure)'
    assert clock.sleeps == []


def test_waits_until_replicas_are_running_and_healthy(stack_module, api, clock):
    api.auto_converge = False
    polls = []

    def starting_then_running(fake):
        polls.append(1)
        web = service(fake, 'geo_web')
        if len(polls) == 1:
            fake.add_task(web['ID'], state='starting')
            fake.add_task(web['ID'], state='running')
        elif len(polls) == 3:
            for t in fake.task_list:
                t['Status']['State'] = 'running'
    api.on_poll = starting_then_running
    res = stack_module(name='geo', services={'web': {'image': 'x', 'replicas': 2}}, wait_sleep=5)
    assert not res.failed, res.msg
    assert clock.sleeps == [5, 5]
    assert res.result['services']['web']['running'] == 2


def test_timeout_says_what_it_waited_for_and_the_task_errors(stack_module, api, clock):
    api.auto_converge = False

    def rejected(fake):
        web = service(fake, 'geo_web')
        if not fake.task_list:
            fake.add_task(web['ID'], state='rejected', desired='shutdown', err='No such image: x:1')
    api.on_poll = rejected
    res = stack_module(name='geo', services={'web': {'image': 'x:1', 'replicas': 2}}, wait_timeout=30)
    assert res.failed
    assert res.msg.startswith('timed out after 30s waiting for services geo_web (2 running, update completed); '
                              'last seen: geo_web: 0/2 running; task errors: geo_web: task ')
    assert res.msg.endswith('rejected: No such image: x:1')
    assert res.result['changed'] is True


def test_job_runs_to_completion(stack_module, api):
    res = stack_module(name='geo', services={'load': {'image': 'tools:1', 'mode': 'replicated-job', 'replicas': 2,
                                                      'command': 'ogr2ogr -f PostgreSQL PG:dbname=gis in.gpkg'}})
    assert not res.failed, res.msg
    entry = res.result['services']['load']
    assert entry['mode'] == 'replicated-job' and entry['replicas'] == 2
    [(_args, kwargs)] = api.called('create_service')
    assert kwargs['mode'] == {'ReplicatedJob': {'MaxConcurrent': 1, 'TotalCompletions': 2}}
    assert kwargs['update_config'] is None and kwargs['rollback_config'] is None
    again = stack_module(name='geo', services={'load': {'image': 'tools:1', 'mode': 'replicated-job', 'replicas': 2,
                                                        'command': 'ogr2ogr -f PostgreSQL PG:dbname=gis in.gpkg'}})
    assert again.result['changed'] is False


JOB = {'load': {'image': 'tools:1', 'mode': 'replicated-job'}}


def test_a_job_that_failed_runs_again(stack_module, api):
    api.auto_converge = False

    def fail_once(fake):
        job = service(fake, 'geo_load')
        if not fake.task_list:
            fake.add_task(job['ID'], state='failed', desired='shutdown', err='task: non-zero exit (2)', iteration=0)
    api.on_poll = fail_once
    first = stack_module(name='geo', services=JOB)
    assert first.failed and 'job geo_load failed' in first.msg
    check = stack_module(check_mode=True, name='geo', services=JOB)
    assert check.result['changed'] is True
    assert check.result['services']['load']['differences'] == [dict(setting='job', before='failed', after='complete')]
    api.on_poll = None
    api.auto_converge = True
    again = stack_module(name='geo', services=JOB)
    assert not again.failed, again.msg
    assert again.result['services']['load']['action'] == 'updated'
    [(args, kwargs)] = api.called('update_service')
    assert kwargs['mode'] == {'ReplicatedJob': {'MaxConcurrent': 1, 'TotalCompletions': 1}}
    assert service(api, 'geo_load')['JobStatus']['JobIteration'] == {'Index': 2}
    done = stack_module(name='geo', services=JOB)
    assert done.result['changed'] is False


def test_a_running_job_is_left_alone(stack_module, api):
    api.auto_converge = False
    res = stack_module(name='geo', services=JOB, wait=False)
    assert not res.failed, res.msg
    api.add_task(service(api, 'geo_load')['ID'], iteration=0)
    again = stack_module(name='geo', services=JOB)
    assert again.result['changed'] is False
    assert again.result['services']['load']['action'] == 'unchanged'


def test_failing_job_fails_with_its_log(stack_module, api):
    api.auto_converge = False

    def failing(fake):
        job = service(fake, 'geo_load')
        if not fake.task_list:
            fake.add_task(job['ID'], state='failed', desired='shutdown', err='task: non-zero exit (1)', iteration=0)
            fake.logs[job['ID']] = ['ERROR 1: PQconnectdb failed.', 'could not translate host name "db"']
    api.on_poll = failing
    res = stack_module(name='geo', services={'load': {'image': 'tools:1', 'mode': 'replicated-job'}})
    assert res.failed
    assert res.msg.startswith('job geo_load failed: task task')
    assert res.msg.endswith('failed: task: non-zero exit (1); last log lines:\nERROR 1: PQconnectdb failed.\n'
                            'could not translate host name "db"')


def test_no_wait(stack_module, api):
    api.auto_converge = False
    res = stack_module(name='geo', services={'web': {'image': 'x'}}, wait=False)
    assert not res.failed, res.msg
    assert api.called('inspect_service') == []
    assert res.result['services']['web']['running'] == 0


# -- refusals before any change ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('services, message', [
    ({'web': {'image': 'x', 'replica': 2}}, "services.web: unknown key 'replica'"),
    ({'web': {'image': 'x', 'ports': [{'target': 80, 'published': 80}]}},
     'services.web.ports[0].mode: a port published in mode ingress (the routing mesh) cannot be used with '
     'endpoint_mode dnsrr'),
    ({'web': {'image': 'x', 'secrets': ['db_password']}},
     "services.web.secrets[0].source: secret 'db_password' is not declared in secrets (declared: pg_password)"),
    ({'web': {'image': 'x', 'env': {'DEBUG': False}}}, 'services.web.env.DEBUG: False is a boolean'),
    ({'web': {'image': 'x', 'cap_add': ['NET_ADMINS']}}, "services.web.cap_add[0]: 'NET_ADMINS' is not a Linux "
                                                         "capability"),
    ({'web': {'image': 'x', 'cap_add': ['KILL'], 'cap_drop': ['kill']}},
     'services.web.cap_add: CAP_KILL also in cap_drop'),
])
def test_bad_input_fails_before_talking_to_the_engine(stack_module, api, services, message):
    res = stack_module(**stack(services=services))
    assert res.failed
    assert message in res.msg
    assert res.result['changed'] is False
    assert api.calls == []
    no_secret_data(res)


def test_missing_network_fails_naming_service_and_network(stack_module, api):
    res = stack_module(name='geo', services={'web': {'image': 'x', 'networks': ['geo_nowhere']}})
    assert res.failed
    assert res.msg.startswith("services.web.networks: network 'geo_nowhere' does not exist")
    assert res.result['changed'] is False
    assert api.mutations() == []


def test_needs_a_manager(make_module, outcome, api):
    api.make_worker()
    module = make_module(geo_stack, name='geo', services={'web': {'image': 'x'}})
    res = outcome(StackManager(module, SwarmClient(module, api=api)).run)
    assert res.failed and 'needs a swarm manager' in res.msg
    assert api.mutations() == []


def test_engine_error_names_the_operation(stack_module, api):
    api.add_stack_service(dict(Name='busy', TaskTemplate=dict(ContainerSpec=dict(Image='x')),
                               EndpointSpec=dict(Ports=[dict(PublishedPort=8080)])))

    def refuse(**kwargs):
        raise APIError('400 Client Error', explanation="port '8080' is already in use by service 'busy'")
    api.create_service = refuse
    res = stack_module(name='geo', services={'web': {'image': 'x', 'ports': [{'target': 80, 'published': 8080}]}})
    assert res.failed
    assert res.msg == "Creating service geo_web failed: port '8080' is already in use by service 'busy'"
