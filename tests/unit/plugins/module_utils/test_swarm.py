# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.swarm import (
    SWARM_SETTINGS,
    SpecError,
    addr_host,
    check_join_token,
    desired_settings,
    membership_problem,
    node_drained,
    node_reached,
    node_spec_changes,
    node_summary,
    quorum,
    quorum_problem,
    services_short_of_replicas,
    spec_changes,
    spec_for_init,
    swarm_summary,
)

pytestmark = pytest.mark.unit

S = 10 ** 9
TOKEN = 'SWMTKN-1-' + '3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl' + '-' + '1awxwuwd3z9j1z3puu7rcgdbx'


def params(**values):
    out = dict((option, None) for option in SWARM_SETTINGS)
    out.update(values)
    return out


# -- desired_settings -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('90d', 90 * 86400 * S),
    ('2160h', 90 * 86400 * S),
    (7776000, 90 * 86400 * S),
    ('7776000', 90 * 86400 * S),
    ('5s', 5 * S),
    (' 30 m ', 30 * 60 * S),
    ('250ms', 250 * 10 ** 6),
    ('10us', 10 ** 4),
    ('7ns', 7),
    (0, 0),
    ('1.5h', 5400 * S),
    (1.5, 1500 * 10 ** 6),
])
def test_durations(value, expected):
    assert desired_settings(params(node_cert_expiry=value)) == {('CAConfig', 'NodeCertExpiry'): expected}


@pytest.mark.parametrize('value', ['soon', '90 days', '-5s', -5, '5w', True, False, ''])
def test_bad_duration_names_the_option(value):
    with pytest.raises(SpecError, match='^dispatcher_heartbeat_period: .* is not a duration'):
        desired_settings(params(dispatcher_heartbeat_period=value))


def test_unset_options_are_not_desired():
    assert desired_settings(params()) == {}
    assert desired_settings({}) == {}


def test_every_kind_is_converted():
    desired = desired_settings(params(task_history_retention_limit='7', autolock_managers=True,
                                      labels={'env': 'prod', 'tier': 1, 'on': True}, heartbeat_tick=2,
                                      election_tick=20))
    assert desired == {
        ('Orchestration', 'TaskHistoryRetentionLimit'): 7,
        ('EncryptionConfig', 'AutoLockManagers'): True,
        ('Labels',): {'env': 'prod', 'tier': '1', 'on': 'True'},
        ('Raft', 'HeartbeatTick'): 2,
        ('Raft', 'ElectionTick'): 20,
    }


def test_negative_int_names_the_option():
    with pytest.raises(SpecError, match='snapshot_interval must not be negative'):
        desired_settings(params(snapshot_interval=-1))


@pytest.mark.parametrize('heartbeat, election', [(None, 1), (None, 0), (3, 3), (5, 2)])
def test_election_tick_must_exceed_heartbeat_tick(heartbeat, election):
    with pytest.raises(SpecError, match=r'election_tick \(%d\) must be greater than heartbeat_tick' % election):
        desired_settings(params(heartbeat_tick=heartbeat, election_tick=election))


@pytest.mark.parametrize('heartbeat, election', [(None, 2), (3, 4), (1, 10)])
def test_election_tick_above_heartbeat_tick_is_accepted(heartbeat, election):
    assert desired_settings(params(heartbeat_tick=heartbeat, election_tick=election))[('Raft', 'ElectionTick')] == election


# -- spec_changes ---------------------------------------------------------------------------------------------

CURRENT = {
    'Name': 'default',
    'Labels': {'env': 'prod'},
    'Orchestration': {'TaskHistoryRetentionLimit': 5},
    'Raft': {'SnapshotInterval': 10000, 'ElectionTick': 10, 'HeartbeatTick': 1},
    'Dispatcher': {'HeartbeatPeriod': 5 * S},
    'CAConfig': {'NodeCertExpiry': 90 * 86400 * S, 'ExternalCAs': [{'URL': 'https://ca'}]},
    'EncryptionConfig': {'AutoLockManagers': False},
}


def test_same_settings_no_changes_and_spec_untouched():
    current = copy.deepcopy(CURRENT)
    desired = desired_settings(params(node_cert_expiry='2160h', task_history_retention_limit=5,
                                      autolock_managers=False, labels={'env': 'prod'}))
    new_spec, changes = spec_changes(current, desired)
    assert changes == []
    assert new_spec == CURRENT
    assert current == CURRENT


def test_only_set_options_are_compared_and_full_spec_kept():
    new_spec, changes = spec_changes(CURRENT, {('Raft', 'SnapshotInterval'): 5000})
    assert changes == [dict(setting='Raft.SnapshotInterval', before=10000, after=5000)]
    expected = copy.deepcopy(CURRENT)
    expected['Raft']['SnapshotInterval'] = 5000
    assert new_spec == expected
    assert CURRENT['Raft']['SnapshotInterval'] == 10000, 'the current spec must not be modified'


def test_boolean_none_equals_false():
    spec = {'EncryptionConfig': {}}
    assert spec_changes(spec, {('EncryptionConfig', 'AutoLockManagers'): False})[1] == []
    assert spec_changes({}, {('EncryptionConfig', 'AutoLockManagers'): False})[1] == []
    _new, changes = spec_changes(spec, {('EncryptionConfig', 'AutoLockManagers'): True})
    assert changes == [dict(setting='EncryptionConfig.AutoLockManagers', before=None, after=True)]


def test_absent_int_equals_zero():
    assert spec_changes({'Raft': {}}, {('Raft', 'KeepOldSnapshots'): 0})[1] == []
    assert spec_changes({'Raft': {}}, {('Raft', 'KeepOldSnapshots'): 1})[1] != []


def test_labels_none_equals_empty_and_are_compared_exactly():
    assert spec_changes({'Labels': None}, {('Labels',): {}})[1] == []
    new_spec, changes = spec_changes({'Labels': {'a': '1', 'b': '2'}}, {('Labels',): {'a': '1'}})
    assert changes == [dict(setting='Labels', before={'a': '1', 'b': '2'}, after={'a': '1'})]
    assert new_spec['Labels'] == {'a': '1'}


def test_nested_paths_are_created():
    new_spec, changes = spec_changes(None, {('CAConfig', 'NodeCertExpiry'): 3600 * S})
    assert new_spec == {'CAConfig': {'NodeCertExpiry': 3600 * S}}
    assert changes[0]['before'] is None
    new_spec, _changes = spec_changes({'CAConfig': None, 'Name': 'default'}, {('CAConfig', 'NodeCertExpiry'): 1})
    assert new_spec == {'CAConfig': {'NodeCertExpiry': 1}, 'Name': 'default'}


def test_spec_for_init():
    assert spec_for_init({}) == {}
    assert spec_for_init({('Raft', 'HeartbeatTick'): 2, ('Raft', 'ElectionTick'): 20, ('Labels',): {}}) == {
        'Raft': {'HeartbeatTick': 2, 'ElectionTick': 20}, 'Labels': {}}


def test_swarm_summary_has_settings_and_no_tokens():
    summary = swarm_summary(dict(ID='s1', Spec=CURRENT, JoinTokens=dict(Worker=TOKEN, Manager=TOKEN),
                                 DefaultAddrPool=['10.0.0.0/8'], SubnetSize=24, DataPathPort=4789))
    assert summary['id'] == 's1'
    assert summary['settings']['node_cert_expiry'] == 90 * 86400 * S
    assert summary['settings']['labels'] == {'env': 'prod'}
    assert summary['settings']['keep_old_snapshots'] is None
    assert set(summary['settings']) == set(SWARM_SETTINGS)
    assert TOKEN not in str(summary)


# -- quorum guard ---------------------------------------------------------------------------------------------

def manager(node_id, reachability='reachable'):
    return dict(ID=node_id, Spec=dict(Role='manager'), Description=dict(Hostname='host-' + node_id),
                ManagerStatus=dict(Reachability=reachability))


def worker(node_id):
    return dict(ID=node_id, Spec=dict(Role='worker'), Description=dict(Hostname='host-' + node_id))


def test_quorum_sizes():
    assert [quorum(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 2, 3, 3, 4, 4]


@pytest.mark.parametrize('action', ['demote', 'remove'])
def test_last_manager_refused_unless_force(action):
    nodes = [manager('m1'), worker('w1')]
    problem = quorum_problem(nodes, 'm1', action)
    assert problem.startswith('refusing to %s host-m1: it is the last manager' % action)
    assert 'force=true' in problem
    assert quorum_problem(nodes, 'm1', action, force=True) is None


def test_three_reachable_managers_one_can_go():
    nodes = [manager('m1'), manager('m2'), manager('m3'), worker('w1')]
    assert quorum_problem(nodes, 'm2', 'demote') is None
    assert quorum_problem(nodes, 'm2', 'remove') is None


def test_three_managers_one_unreachable_removing_reachable_refused_even_with_force():
    nodes = [manager('m1'), manager('m2'), manager('m3', 'unreachable')]
    problem = quorum_problem(nodes, 'm1', 'remove')
    assert problem == ('refusing to remove manager host-m1: 2 of 3 managers would remain, 1 of them reachable, and '
                       'the Raft quorum needs 2; bring the unreachable managers back (or remove them) first')
    assert quorum_problem(nodes, 'm1', 'remove', force=True) == problem


def test_three_managers_removing_the_unreachable_one_is_ok():
    nodes = [manager('m1'), manager('m2'), manager('m3', 'unreachable')]
    assert quorum_problem(nodes, 'm3', 'remove') is None
    assert quorum_problem(nodes, 'm3', 'demote') is None


def test_two_managers():
    both = [manager('m1'), manager('m2')]
    assert quorum_problem(both, 'm2', 'demote') is None
    one_down = [manager('m1'), manager('m2', 'unreachable')]
    assert 'refusing to demote manager host-m1' in quorum_problem(one_down, 'm1', 'demote')
    assert quorum_problem(one_down, 'm2', 'remove') is None


def test_five_managers_two_unreachable():
    nodes = [manager('m1'), manager('m2'), manager('m3'), manager('m4', 'unreachable'), manager('m5', 'unknown')]
    problem = quorum_problem(nodes, 'm1', 'demote')
    assert '4 of 5 managers would remain, 2 of them reachable, and the Raft quorum needs 3' in problem
    assert quorum_problem(nodes, 'm4', 'remove') is None
    assert quorum_problem(nodes, 'm5', 'remove') is None


def test_workers_and_unknown_nodes_are_not_guarded():
    nodes = [manager('m1'), worker('w1')]
    assert quorum_problem(nodes, 'w1', 'remove') is None
    assert quorum_problem(nodes, 'nope', 'remove') is None


def test_quorum_message_falls_back_to_id():
    nodes = [dict(ID='m1', Spec=dict(Role='manager'), ManagerStatus=dict(Reachability='reachable'))]
    assert 'refusing to remove m1:' in quorum_problem(nodes, 'm1', 'remove')


# -- node_spec_changes ----------------------------------------------------------------------------------------

NODE = dict(ID='n1', Version=dict(Index=7),
            Spec=dict(Role='worker', Availability='active', Labels={'zone': 'a', 'disk': 'ssd'}))


def test_node_no_changes():
    spec, changes = node_spec_changes(NODE, role='worker', availability='active', labels={'zone': 'a'})
    assert changes == []
    assert spec == NODE['Spec']
    assert node_spec_changes(NODE) == (NODE['Spec'], [])


def test_node_role_and_availability():
    spec, changes = node_spec_changes(NODE, role='manager', availability='drain')
    assert changes == [dict(setting='role', before='worker', after='manager'),
                       dict(setting='availability', before='active', after='drain')]
    assert spec['Role'] == 'manager' and spec['Availability'] == 'drain'
    assert spec['Labels'] == NODE['Spec']['Labels']
    assert NODE['Spec']['Role'] == 'worker', 'the node must not be modified'


def test_node_labels_merge():
    spec, changes = node_spec_changes(NODE, labels={'zone': 'b', 'gpu': 1})
    assert spec['Labels'] == {'zone': 'b', 'disk': 'ssd', 'gpu': '1'}
    assert changes == [dict(setting='labels', before={'zone': 'a', 'disk': 'ssd'},
                            after={'zone': 'b', 'disk': 'ssd', 'gpu': '1'})]


def test_node_labels_replace():
    spec, changes = node_spec_changes(NODE, labels={'zone': 'a'}, labels_state='replace')
    assert spec['Labels'] == {'zone': 'a'}
    assert len(changes) == 1
    spec, changes = node_spec_changes(NODE, labels={}, labels_state='replace')
    assert spec['Labels'] == {}
    spec, changes = node_spec_changes(NODE, labels={'disk': 'ssd', 'zone': 'a'}, labels_state='replace')
    assert changes == []


def test_node_labels_to_remove():
    spec, changes = node_spec_changes(NODE, labels_to_remove=['disk', 'absent'])
    assert spec['Labels'] == {'zone': 'a'}
    assert len(changes) == 1
    # a key also in labels is kept
    spec, changes = node_spec_changes(NODE, labels={'disk': 'hdd'}, labels_to_remove=['disk'])
    assert spec['Labels'] == {'zone': 'a', 'disk': 'hdd'}
    assert node_spec_changes(NODE, labels_to_remove=['absent'])[1] == []


def test_node_without_labels():
    spec, changes = node_spec_changes(dict(Spec=dict(Role='worker')), labels={'a': 'b'})
    assert spec == dict(Role='worker', Labels={'a': 'b'})
    assert changes == [dict(setting='labels', before={}, after={'a': 'b'})]


def test_node_summary():
    node = dict(ID='n1', Spec=dict(Role='manager', Availability='active'),
                Description=dict(Hostname='h1', Engine=dict(EngineVersion='27.3.1')),
                Status=dict(State='ready', Addr='192.0.2.1'),
                ManagerStatus=dict(Leader=True, Reachability='reachable', Addr='192.0.2.1:2377'))
    assert node_summary(node) == dict(id='n1', hostname='h1', role='manager', availability='active', labels={},
                                      state='ready', addr='192.0.2.1', engine_version='27.3.1',
                                      manager=dict(leader=True, reachability='reachable', addr='192.0.2.1:2377'))
    assert node_summary(dict(ID='w'))['manager'] is None


# -- join token and membership --------------------------------------------------------------------------------

def test_valid_join_token():
    assert check_join_token(TOKEN) is None


@pytest.mark.parametrize('token', [
    'SWMTKN-1-' + 'a' * 49 + '-' + 'b' * 25,
    'SWMTKN-1-' + 'a' * 50 + '-' + 'b' * 26,
    'SWMTKN-2-' + 'a' * 50 + '-' + 'b' * 25,
    'SWMTKN-1-' + 'A' * 50 + '-' + 'b' * 25,
    'SWMKEY-1-' + 'a' * 50 + '-' + 'b' * 25,
    ' ' + TOKEN,
    TOKEN + '\n',
    '',
])
def test_invalid_join_token(token):
    assert 'join_token is not a swarm join token' in check_join_token(token)


def test_missing_join_token():
    assert check_join_token(None) == 'join_token is required to join a swarm'


@pytest.mark.parametrize('addr, host', [
    ('192.0.2.1', '192.0.2.1'), ('192.0.2.1:2377', '192.0.2.1'), ('[2001:db8::1]:2377', '2001:db8::1'),
    ('2001:db8::1', '2001:db8::1'), ('eth0', 'eth0'), (None, None),
])
def test_addr_host(addr, host):
    assert addr_host(addr) == host


STATE = dict(cluster_id='c1', node_addr='192.0.2.21', remote_managers=['192.0.2.11:2377', '192.0.2.12:2377'])


def test_membership_cluster_id_mismatch():
    problem = membership_problem(STATE, cluster_id='c2')
    assert 'member of swarm c1, not of the intended swarm c2' in problem


def test_membership_remote_managers_mismatch():
    problem = membership_problem(STATE, remote_addrs=['198.51.100.1:2377'])
    assert 'member of another swarm' in problem
    assert '192.0.2.11:2377, 192.0.2.12:2377' in problem and '198.51.100.1:2377' in problem


def test_membership_match():
    assert membership_problem(STATE, remote_addrs=['192.0.2.12'], cluster_id='c1') is None
    assert membership_problem(STATE, remote_addrs=['198.51.100.1:2377', '192.0.2.11:2377']) is None
    # a manager is one of its own remote managers: its node address counts
    assert membership_problem(STATE, remote_addrs=['192.0.2.21:2377']) is None
    # nothing known to compare with: no problem
    assert membership_problem(dict(cluster_id=None, remote_managers=[]), ['198.51.100.1:2377'], 'c9') is None
    assert membership_problem(STATE) is None


# -- readiness predicates -------------------------------------------------------------------------------------

class FakeClient(object):
    def __init__(self, nodes=(), node_tasks=(), tasks=(), services=()):
        self.node_list = list(nodes)
        self.node_tasks = list(node_tasks)
        self.task_list = list(tasks)
        self.service_list = list(services)
        self.task_filters = []

    def find_node(self, name_or_id):
        for node in self.node_list:
            if name_or_id in (node['ID'], node['Description']['Hostname']):
                return node
        return None

    def tasks(self, filters=None):
        self.task_filters.append(filters)
        if 'node' in filters:
            return self.node_tasks
        return [t for t in self.task_list if t['DesiredState'] == filters['desired-state']]

    def services(self):
        return self.service_list


def t(service, state='running', desired='running'):
    return dict(ServiceID=service, Status=dict(State=state), DesiredState=desired)


def svc(service_id, name, replicas=None):
    mode = dict(Global={}) if replicas is None else dict(Replicated=dict(Replicas=replicas))
    return dict(ID=service_id, Spec=dict(Name=name, Mode=mode))


def test_services_short_of_replicas():
    client = FakeClient(tasks=[t('s1'), t('s1'), t('s2', state='starting'), t('s3'), t('s1', desired='shutdown')],
                        services=[svc('s1', 'web', 2), svc('s2', 'db', 1), svc('s3', 'agent'), svc('s4', 'zero', 0)])
    assert services_short_of_replicas(client) == ['db (0/1 running)']


def test_node_drained_waits_for_active_tasks_then_replicas():
    client = FakeClient(node_tasks=[t('s1' * 10, state='running'), t('s2', state='preparing'),
                                    t('s3', state='shutdown')],
                        tasks=[t('s1')], services=[svc('s1', 'web', 2)])
    predicate = node_drained(client, 'n1')
    ready, seen = predicate()
    assert not ready
    assert seen == '2 task(s) still on the node: s1s1s1s1s1s1, s2'
    assert client.task_filters[0] == {'node': 'n1'}

    client.node_tasks = [t('s1', state='complete'), t('s1', state='failed')]
    ready, seen = predicate()
    assert not ready
    assert seen == 'services not yet rescheduled: web (1/2 running)'

    client.task_list.append(t('s1'))
    assert predicate() == (True, 'no tasks on the node; every replicated service has its replicas')


def node(node_id, state='ready', role='worker', reachability=None):
    n = dict(ID=node_id, Spec=dict(Role=role), Description=dict(Hostname='h-' + node_id), Status=dict(State=state))
    if reachability:
        n['ManagerStatus'] = dict(Reachability=reachability)
    return n


def test_node_reached():
    client = FakeClient()
    predicate = node_reached(client, 'n1', role='manager')
    assert predicate() == (False, 'node n1 not in the swarm')
    client.node_list = [node('n1', state='down')]
    assert predicate()[0] is False
    client.node_list = [node('n1', role='worker')]
    assert predicate() == (False, 'state=ready role=worker reachability=None')
    client.node_list = [node('n1', role='manager', reachability='unreachable')]
    assert predicate()[0] is False
    client.node_list = [node('n1', role='manager', reachability='reachable')]
    assert predicate() == (True, 'state=ready role=manager reachability=reachable')


def test_node_reached_any_role_and_states():
    client = FakeClient(nodes=[node('n1', state='down')])
    assert node_reached(client, 'h-n1', states=('down',))()[0] is True
    assert node_reached(client, 'n1')()[0] is False
    assert node_reached(client, 'n1', role='worker', states=('ready', 'down'))()[0] is True


def test_join_failure_without_known_cause_keeps_the_engine_text():
    from ansible_collections.geostack.swarm.plugins.module_utils.swarm import join_failure
    assert join_failure('something odd', ['a:2377', 'b:2377']) == 'Joining the swarm at a:2377, b:2377 failed: something odd'
