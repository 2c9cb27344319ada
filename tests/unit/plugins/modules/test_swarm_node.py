# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.modules import swarm_node
from ansible_collections.geostack.swarm.plugins.modules.swarm_node import NodeManager

pytestmark = pytest.mark.unit

HOST_ADDRESSES = {'lo': ['127.0.0.1'], 'eth0': ['192.0.2.31'], 'eth1': []}


@pytest.fixture(autouse=True)
def addresses(monkeypatch):
    monkeypatch.setattr(swarm_node, 'host_addresses', lambda: HOST_ADDRESSES)


@pytest.fixture
def node_module(make_module, outcome, api, clock):
    """Run swarm_node as its main() does, with the waiter on virtual time; returns the outcome."""
    def run(check_mode=False, **params):
        params.setdefault('wait_sleep', 1)
        params.setdefault('wait_timeout', 30)
        module = make_module(swarm_node, check_mode=check_mode, **params)
        manager = NodeManager(module, SwarmClient(module, api=api))
        manager.waiter.clock = clock
        manager.waiter.sleeper = clock.sleep
        if module.params['node']:
            entry = manager.remote
        elif module.params['state'] == 'absent':
            entry = manager.local_absent
        else:
            entry = manager.local_present
        return outcome(entry)
    return run


# -- joining (this host) --------------------------------------------------------------------------------------

def test_join_as_worker(node_module, api, tokens):
    res = node_module(role='worker', remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'],
                      advertise_addr='eth0')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    [(_args, kwargs)] = api.called('join_swarm')
    assert kwargs == dict(remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'], listen_addr='0.0.0.0:2377',
                          advertise_addr='eth0', data_path_addr=None)
    assert res.result['node_id'] == 'new1'
    assert res.result['changes'] == [dict(setting='swarm', before='inactive', after='member (worker)')]


def test_join_in_check_mode_does_not_join(node_module, api, tokens):
    res = node_module(check_mode=True, remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'])
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.mutations() == []


def test_rerun_on_member_of_same_swarm_is_unchanged(node_module, api, tokens):
    api.make_worker(managers=('192.0.2.11:2377',))
    res = node_module(role='worker', remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'])
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    assert api.mutations() == []


@pytest.mark.parametrize('params, fragment', [
    (dict(join_token='SWMTKN-1-' + 'a' * 50 + '-' + 'b' * 25), 'remote_addrs is required'),
    (dict(remote_addrs=['192.0.2.11:2377']), 'join_token is required'),
    (dict(remote_addrs=['192.0.2.11:2377'], join_token='not-a-token'), 'join_token is not a swarm join token'),
    (dict(remote_addrs=['192.0.2.11:2377'], join_token='SWMTKN-1-' + 'a' * 50 + '-' + 'b' * 24),
     'join_token is not a swarm join token'),
    (dict(remote_addrs=['192.0.2.11:2377'], join_token='SWMTKN-1-' + 'a' * 50 + '-' + 'b' * 25,
          advertise_addr='eth1'), 'advertise_addr=eth1 names an interface with no address'),
    (dict(remote_addrs=['192.0.2.11:2377'], join_token='SWMTKN-1-' + 'a' * 50 + '-' + 'b' * 25,
          data_path_addr='203.0.113.9'), 'data_path_addr=203.0.113.9 is not an address or interface of this host'),
])
def test_join_validation_fails_before_joining(node_module, api, params, fragment):
    res = node_module(**params)
    assert res.failed
    assert fragment in res.msg
    assert api.called('join_swarm') == []
    assert res.result['changed'] is False


def test_member_of_another_swarm_is_refused(node_module, api, tokens):
    api.make_worker(managers=('198.51.100.5:2377',))
    res = node_module(remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'])
    assert res.failed
    assert 'member of another swarm' in res.msg and '198.51.100.5:2377' in res.msg
    assert api.mutations() == []


def test_member_of_another_swarm_by_cluster_id_is_refused(node_module, api, tokens):
    api.make_swarm()
    res = node_module(remote_addrs=['192.0.2.11:2377'], join_token=tokens['manager'], cluster_id='otherswarm')
    assert res.failed
    assert 'swarm1' in res.msg and 'otherswarm' in res.msg
    assert api.mutations() == []


def test_joined_as_worker_but_manager_asked_mentions_worker_token(node_module, api, tokens):
    api.join_role = 'worker'
    res = node_module(role='manager', remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'])
    assert res.failed
    assert 'worker token' in res.msg
    assert res.result['changed'] is True   # the join did happen
    assert len(api.called('join_swarm')) == 1


def test_worker_asked_to_be_manager_without_join_is_refused(node_module, api, tokens):
    api.make_worker()
    res = node_module(role='manager', remote_addrs=['192.0.2.11:2377'], join_token=tokens['manager'])
    assert res.failed
    assert 'promoting it needs a manager' in res.msg
    assert 'worker token' not in res.msg


def test_join_as_manager_waits_until_reachable(node_module, api, tokens):
    api.join_role = 'manager'
    res = node_module(role='manager', remote_addrs=['192.0.2.11:2377'], join_token=tokens['manager'])
    assert not res.failed, res.msg
    assert res.result['node']['role'] == 'manager'
    assert res.result['node']['manager']['reachability'] == 'reachable'


def test_worker_labels_need_a_manager(node_module, api):
    api.make_worker()
    res = node_module(labels={'zone': 'a'})
    assert res.failed
    assert 'through a manager' in res.msg


# -- node settings through a manager --------------------------------------------------------------------------

def test_labels_merge_then_rerun_unchanged(node_module, api):
    api.make_swarm()
    api.add_node('w1', hostname='worker1', labels={'keep': 'yes', 'zone': 'old'})
    first = node_module(node='worker1', labels={'zone': 'a', 'gpu': True})
    assert not first.failed, first.msg
    assert first.result['changed'] is True
    [(args, _kwargs)] = api.called('update_node')
    assert args[0] == 'w1' and args[1] == 1
    assert args[2]['Labels'] == {'keep': 'yes', 'zone': 'a', 'gpu': 'True'}
    assert first.result['node']['labels'] == {'keep': 'yes', 'zone': 'a', 'gpu': 'True'}
    assert first.result['diff']['before'] == {'labels': {'keep': 'yes', 'zone': 'old'}}

    second = node_module(node='worker1', labels={'zone': 'a', 'gpu': True})
    assert not second.failed, second.msg
    assert second.result['changed'] is False
    assert len(api.called('update_node')) == 1


def test_labels_change_in_check_mode(node_module, api):
    api.make_swarm()
    api.add_node('w1', hostname='worker1')
    res = node_module(node='w1', check_mode=True, labels_state='replace', labels={'zone': 'b'})
    assert res.result['changed'] is True
    assert api.mutations() == []


def test_unknown_node_fails(node_module, api):
    api.make_swarm()
    res = node_module(node='ghost', labels={'zone': 'a'})
    assert res.failed
    assert "'ghost' is not a member of this swarm" in res.msg


def test_node_through_worker_engine_fails(node_module, api):
    api.make_worker()
    res = node_module(node='w1', labels={'zone': 'a'})
    assert res.failed
    assert 'needs a swarm manager' in res.msg


def test_demote_refused_by_quorum_guard(node_module, api):
    api.make_swarm()
    api.add_node('mgr2', role='manager', reachability='unreachable', state='down')
    api.add_node('mgr3', role='manager')
    res = node_module(node='mgr3', role='worker')
    assert res.failed
    assert 'refusing to demote manager mgr3' in res.msg
    assert api.called('update_node') == []


def test_demote_allowed_when_quorum_holds(node_module, api):
    api.make_swarm()
    api.add_node('mgr2', role='manager')
    api.add_node('mgr3', role='manager')
    res = node_module(node='mgr3', role='worker')
    assert not res.failed, res.msg
    assert api.called('update_node')[0][0][2]['Role'] == 'worker'
    assert res.result['node']['role'] == 'worker'


def test_promote_waits_for_reachable_manager(node_module, api):
    api.make_swarm()
    api.add_node('w1')
    res = node_module(node='w1', role='manager')
    assert not res.failed, res.msg
    assert res.result['node']['manager']['reachability'] == 'reachable'


def test_drain_waits_until_tasks_are_gone(node_module, api, clock, make_task):
    api.make_swarm()
    api.add_node('w1')
    api.add_service('web', replicas=2, service_id='svcweb')
    api.node_task_script = [
        [make_task('svcweb', 'w1'), make_task('svcweb', 'w1')],
        [make_task('svcweb', 'w1')],
        [make_task('svcweb', 'w1', state='shutdown', desired='shutdown')],
    ]
    api.task_list = [make_task('svcweb', 'mgr1'), make_task('svcweb', 'mgr1')]
    res = node_module(node='w1', availability='drain')
    assert not res.failed, res.msg
    assert api.called('update_node')[0][0][2]['Availability'] == 'drain'
    node_polls = [kw for _a, kw in api.called('tasks') if 'node' in kw['filters']]
    assert len(node_polls) == 3
    assert clock.sleeps == [1, 1]
    assert res.result['node']['availability'] == 'drain'


def test_drain_waits_for_replicas_elsewhere(node_module, api, clock, make_task):
    api.make_swarm()
    api.add_node('w1')
    api.add_service('web', replicas=2, service_id='svcweb')
    api.node_task_script = [[]]
    api.task_list = [make_task('svcweb', 'mgr1')]
    res = node_module(node='w1', availability='drain', wait_timeout=5)
    assert res.failed
    assert 'timed out after 5s waiting for node w1 to be drained' in res.msg
    assert 'web (1/2 running)' in res.msg
    assert res.result['changed'] is True


def test_drain_without_wait_does_not_poll(node_module, api, make_task):
    api.make_swarm()
    api.add_node('w1')
    api.node_task_script = [[make_task('svcweb', 'w1')]]
    res = node_module(node='w1', availability='drain', wait=False)
    assert not res.failed, res.msg
    assert [kw for _a, kw in api.called('tasks') if 'node' in kw['filters']] == []


# -- removing a node through a manager ------------------------------------------------------------------------

def test_remove_node_that_is_down(node_module, api):
    api.make_swarm()
    api.add_node('w1', hostname='worker1', state='down')
    res = node_module(node='worker1', state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.called('remove_node') == [(('w1',), dict(force=False))]
    assert api.called('update_node') == []


def test_remove_absent_node_is_unchanged(node_module, api):
    api.make_swarm()
    res = node_module(node='worker1', state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    assert api.mutations() == []


def test_remove_node_still_up_without_force_or_wait_fails(node_module, api):
    api.make_swarm()
    api.add_node('w1', hostname='worker1', state='ready')
    res = node_module(node='worker1', state='absent', wait=False)
    assert res.failed
    assert 'worker1 is still ready' in res.msg
    assert api.mutations() == []


def test_remove_node_up_waits_until_down(node_module, api, clock):
    api.make_swarm()
    api.add_node('w1', hostname='worker1', state='ready')
    polls = []

    def leave_after_a_while(fake):
        polls.append(1)
        if len(polls) > 3:
            fake.node('w1')['Status']['State'] = 'down'
    api.before_nodes = leave_after_a_while
    res = node_module(node='worker1', state='absent')
    assert not res.failed, res.msg
    assert api.mutations() == ['update_node', 'remove_node']
    assert api.called('update_node')[0][0][2]['Availability'] == 'drain'
    assert clock.sleeps


def test_remove_node_up_times_out_suggests_force(node_module, api):
    api.make_swarm()
    api.add_node('w1', hostname='worker1', state='ready')
    res = node_module(node='worker1', state='absent', wait_timeout=4)
    assert res.failed
    assert 'waiting for node worker1 to be down' in res.msg and 'force=true' in res.msg
    assert api.called('remove_node') == []


def test_remove_node_up_with_force(node_module, api):
    api.make_swarm()
    api.add_node('w1', hostname='worker1', state='ready', availability='drain')
    res = node_module(node='worker1', state='absent', force=True, wait=False)
    assert not res.failed, res.msg
    assert api.called('remove_node') == [(('w1',), dict(force=True))]


def test_remove_manager_this_task_runs_against_is_refused(node_module, api):
    api.make_swarm()
    api.add_node('mgr2', role='manager')
    api.add_node('mgr3', role='manager')
    res = node_module(node='mgr1', state='absent')
    assert res.failed
    assert 'runs against' in res.msg
    assert api.mutations() == []


def test_remove_manager_refused_by_quorum_guard(node_module, api):
    api.make_swarm()
    api.add_node('mgr2', role='manager', reachability='unreachable', state='down')
    api.add_node('mgr3', role='manager')
    res = node_module(node='mgr3', state='absent', force=True)
    assert res.failed
    assert 'refusing to remove manager mgr3' in res.msg
    assert api.mutations() == []


# -- leaving (this host) --------------------------------------------------------------------------------------

def test_worker_leaves(node_module, api):
    api.make_worker()
    res = node_module(state='absent')
    assert not res.failed, res.msg
    assert api.called('leave_swarm') == [((), dict(force=False))]


def test_manager_is_demoted_before_leaving(node_module, api):
    api.make_swarm()
    api.add_node('mgr2', role='manager')
    api.add_node('mgr3', role='manager')
    res = node_module(state='absent')
    assert not res.failed, res.msg
    assert api.mutations() == ['update_node', 'leave_swarm']
    assert api.called('update_node')[0][0][2]['Role'] == 'worker'
    assert [c['setting'] for c in res.result['changes']] == ['role', 'swarm']


def test_last_manager_leave_refused_without_force(node_module, api):
    api.make_swarm()
    res = node_module(state='absent')
    assert res.failed
    assert 'last manager' in res.msg
    assert api.mutations() == []


def test_not_in_swarm_absent_is_unchanged(node_module, api):
    res = node_module(state='absent')
    assert not res.failed
    assert res.result['changed'] is False
    assert api.mutations() == []


@pytest.mark.parametrize('engine_error, expected', [
    ('rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster',
     'join_token was refused by the managers at 192.0.2.11:2377'),
    ('rpc error: code = DeadlineExceeded desc = context deadline exceeded',
     'could not reach a manager at remote_addrs=192.0.2.11:2377'),
])
def test_refused_join_names_the_option(node_module, api, tokens, monkeypatch, engine_error, expected):
    from docker.errors import APIError

    def refuse(**kwargs):
        raise APIError('500 Server Error', explanation=engine_error)
    monkeypatch.setattr(api, 'join_swarm', refuse)
    res = node_module(role='worker', remote_addrs=['192.0.2.11:2377'], join_token=tokens['worker'])
    assert res.failed
    assert expected in res.msg
    assert engine_error in res.msg
    assert tokens['worker'] not in res.msg
