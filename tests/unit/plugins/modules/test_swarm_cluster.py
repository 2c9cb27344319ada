# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.modules import swarm_cluster
from ansible_collections.geostack.swarm.plugins.modules.swarm_cluster import ClusterManager

pytestmark = pytest.mark.unit

HOST_ADDRESSES = {'lo': ['127.0.0.1', '::1'], 'eth0': ['192.0.2.11'], 'eth1': ['198.51.100.11']}


@pytest.fixture(autouse=True)
def addresses(monkeypatch):
    monkeypatch.setattr(swarm_cluster, 'host_addresses', lambda: HOST_ADDRESSES)


@pytest.fixture
def cluster(make_module, outcome, api):
    def run(check_mode=False, **params):
        module = make_module(swarm_cluster, check_mode=check_mode, **params)
        return outcome(ClusterManager(module, SwarmClient(module, api=api)).run)
    return run


# -- initialisation -------------------------------------------------------------------------------------------

def test_init_in_check_mode_reports_change_without_calling_init(cluster, api):
    res = cluster(check_mode=True, advertise_addr='eth0')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert res.result['changes'] == [dict(setting='swarm', before='inactive', after='active')]
    assert res.result['diff'] == dict(before={'swarm': 'inactive'}, after={'swarm': 'active'})
    assert api.mutations() == []
    assert 'join_tokens' not in res.result


def test_init_calls_init_swarm_with_spec_and_returns_tokens(cluster, api, tokens):
    res = cluster(advertise_addr='eth0', node_cert_expiry='90d', heartbeat_tick=2, election_tick=20,
                  default_addr_pool=['10.20.0.0/16'], subnet_size=26, labels={'env': 'test'})
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    [(_args, kwargs)] = api.called('init_swarm')
    assert kwargs['advertise_addr'] == 'eth0'
    assert kwargs['listen_addr'] == '0.0.0.0:2377'
    assert kwargs['default_addr_pool'] == ['10.20.0.0/16']
    assert kwargs['subnet_size'] == 26
    assert kwargs['data_path_port'] is None
    assert kwargs['swarm_spec'] == {
        'CAConfig': {'NodeCertExpiry': 90 * 86400 * 10 ** 9},
        'Raft': {'HeartbeatTick': 2, 'ElectionTick': 20},
        'Labels': {'env': 'test'},
    }
    assert res.result['join_tokens'] == tokens
    assert res.result['node_id'] == 'mgr1'
    assert res.result['manager_addr'] == '192.0.2.11:2377'
    assert res.result['swarm']['id'] == 'swarm1'
    assert 'unlock_key' not in res.result


def test_init_without_settings_sends_no_spec(cluster, api):
    res = cluster()
    assert not res.failed, res.msg
    [(_args, kwargs)] = api.called('init_swarm')
    assert kwargs['swarm_spec'] is None


def test_init_with_data_path_port_passes_it(cluster, api):
    res = cluster(data_path_port=4790)
    assert not res.failed, res.msg
    assert api.called('init_swarm')[0][1]['data_path_port'] == 4790


def test_init_with_data_path_port_on_old_sdk_fails(make_module, outcome, api):
    class OldSDK(type(api)):
        def init_swarm(self, advertise_addr=None, listen_addr='0.0.0.0:2377', force_new_cluster=False,
                       swarm_spec=None, default_addr_pool=None, subnet_size=None, data_path_addr=None):
            raise AssertionError('must not be called')
    old = OldSDK()
    module = make_module(swarm_cluster, data_path_port=4790)
    res = outcome(ClusterManager(module, SwarmClient(module, api=old)).run)
    assert res.failed
    assert 'Docker SDK for Python 6.0' in res.msg


def test_init_with_autolock_returns_unlock_key(cluster, api):
    res = cluster(autolock_managers=True)
    assert not res.failed, res.msg
    assert api.called('init_swarm')[0][1]['swarm_spec'] == {'EncryptionConfig': {'AutoLockManagers': True}}
    assert res.result['unlock_key'] == 'SWMKEY-1-unlock'


def test_init_engine_error_is_reported_with_operation(cluster, api, monkeypatch):
    def broken(**kwargs):
        from docker.errors import APIError
        raise APIError('500 Server Error', explanation='could not choose an IP address to advertise')
    monkeypatch.setattr(api, 'init_swarm', broken)
    res = cluster()
    assert res.failed
    assert res.msg == 'Initialising the swarm failed: could not choose an IP address to advertise'


# -- validation before any API call ---------------------------------------------------------------------------

@pytest.mark.parametrize('params, fragment', [
    (dict(advertise_addr='203.0.113.7'), 'advertise_addr=203.0.113.7 is not an address or interface of this host'),
    (dict(advertise_addr='eth9:2377'), 'advertise_addr=eth9:2377 is not an address'),
    (dict(advertise_addr='0.0.0.0'), 'advertise_addr=0.0.0.0 is a wildcard'),
    (dict(data_path_addr='10.9.9.9'), 'data_path_addr=10.9.9.9 is not an address'),
    (dict(listen_addr='203.0.113.7:2377'), 'listen_addr=203.0.113.7:2377 is not an address'),
    (dict(node_cert_expiry='soon'), "node_cert_expiry: 'soon' is not a duration"),
    (dict(election_tick=1), 'election_tick (1) must be greater than heartbeat_tick (1)'),
    (dict(subnet_size=30), 'subnet_size must be between 8 and 29'),
    (dict(data_path_port=80), 'data_path_port must be between 1024 and 49151'),
    (dict(default_addr_pool=['10.20.0.1/16']), "default_addr_pool entry '10.20.0.1/16' is not a network"),
])
def test_invalid_options_fail_before_any_api_call(cluster, api, params, fragment):
    res = cluster(**params)
    assert res.failed
    assert fragment in res.msg
    assert api.calls == []


def test_advertise_addr_not_on_host_lists_known_addresses(cluster, api):
    res = cluster(advertise_addr='203.0.113.7')
    assert res.failed
    assert '192.0.2.11' in res.msg and 'eth1' in res.msg
    assert api.calls == []


def test_address_checks_skipped_for_remote_engine(cluster, api):
    res = cluster(advertise_addr='203.0.113.7', docker_host='tcp://203.0.113.7:2376')
    assert not res.failed, res.msg
    assert api.called('init_swarm')[0][1]['advertise_addr'] == '203.0.113.7'


# -- settings on an active swarm ------------------------------------------------------------------------------

def test_rerun_with_same_settings_changes_nothing(cluster, api):
    api.make_swarm(spec={'CAConfig': {'NodeCertExpiry': 90 * 86400 * 10 ** 9}, 'Labels': {'env': 'test'}})
    res = cluster(node_cert_expiry='2160h', task_history_retention_limit=5, autolock_managers=False,
                  labels={'env': 'test'})
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    assert res.result['changes'] == []
    assert api.called('update_swarm') == []
    assert api.mutations() == []
    assert res.result['join_tokens']['worker'] == api.swarm['JoinTokens']['Worker']


def test_settings_change_sends_full_spec_with_version(cluster, api):
    api.make_swarm(version=42)
    res = cluster(task_history_retention_limit=10, dispatcher_heartbeat_period=10)
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert sorted(c['setting'] for c in res.result['changes']) == [
        'Dispatcher.HeartbeatPeriod', 'Orchestration.TaskHistoryRetentionLimit']
    [(_args, kwargs)] = api.called('update_swarm')
    assert kwargs['version'] == 42
    spec = kwargs['swarm_spec']
    assert spec['Orchestration']['TaskHistoryRetentionLimit'] == 10
    assert spec['Dispatcher']['HeartbeatPeriod'] == 10 * 10 ** 9
    # settings that were not asked for are sent unchanged, so the update does not reset them
    assert spec['Raft'] == api.swarm['Spec']['Raft'] == {'SnapshotInterval': 10000, 'KeepOldSnapshots': 0,
                                                         'LogEntriesForSlowFollowers': 500, 'ElectionTick': 10,
                                                         'HeartbeatTick': 1}
    assert spec['CAConfig'] == {'NodeCertExpiry': 7776000000000000}
    assert not kwargs['rotate_worker_token']
    assert res.result['diff']['after'] == {'Dispatcher.HeartbeatPeriod': 10 * 10 ** 9,
                                           'Orchestration.TaskHistoryRetentionLimit': 10}


def test_settings_change_then_rerun_is_idempotent(cluster, api):
    api.make_swarm()
    first = cluster(snapshot_interval=5000, labels={'tier': 1})
    assert not first.failed, first.msg
    assert first.result['changed'] is True
    second = cluster(snapshot_interval=5000, labels={'tier': 1})
    assert not second.failed, second.msg
    assert second.result['changed'] is False, second.result['changes']
    assert len(api.called('update_swarm')) == 1


def test_settings_change_in_check_mode_does_not_update(cluster, api):
    api.make_swarm()
    res = cluster(check_mode=True, keep_old_snapshots=3)
    assert res.result['changed'] is True
    assert res.result['changes'] == [dict(setting='Raft.KeepOldSnapshots', before=0, after=3)]
    assert api.mutations() == []
    assert 'join_tokens' in res.result


def test_rotate_worker_token(cluster, api, tokens):
    api.make_swarm()
    res = cluster(rotate_worker_token=True)
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert dict(setting='rotate_worker_token', before=None, after=True) in res.result['changes']
    [(_args, kwargs)] = api.called('update_swarm')
    assert kwargs['rotate_worker_token'] is True
    assert kwargs['rotate_manager_token'] is False
    assert kwargs['swarm_spec'] == api.swarm['Spec']
    assert res.result['join_tokens']['worker'] != tokens['worker']
    assert res.result['join_tokens']['manager'] == tokens['manager']


def test_rotate_unlock_key_needs_autolock(cluster, api):
    api.make_swarm()
    res = cluster(rotate_unlock_key=True)
    assert res.failed
    assert 'rotate_unlock_key needs autolock_managers=true' in res.msg
    assert api.mutations() == []


def test_rotate_unlock_key_with_autolock(cluster, api):
    api.make_swarm(spec={'EncryptionConfig': {'AutoLockManagers': True}})
    res = cluster(rotate_unlock_key=True)
    assert not res.failed, res.msg
    assert api.called('update_swarm')[0][1]['rotate_manager_unlock_key'] is True
    assert res.result['unlock_key'] == 'SWMKEY-1-rotated'


def test_worker_engine_is_refused(cluster, api):
    api.make_worker()
    res = cluster(task_history_retention_limit=3)
    assert res.failed
    assert 'is a worker' in res.msg
    assert api.mutations() == []


def test_locked_manager_is_refused(cluster, api):
    api.local = dict(LocalNodeState='locked', Error='swarm is encrypted and needs to be unlocked')
    res = cluster()
    assert res.failed
    assert "'locked'" in res.msg and 'unlock' in res.msg
    assert api.mutations() == []


# -- leaving --------------------------------------------------------------------------------------------------

def test_absent_when_not_in_swarm_is_a_noop(cluster, api):
    res = cluster(state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    assert api.mutations() == []


def test_leave_refused_on_last_manager_without_force(cluster, api):
    api.make_swarm()
    res = cluster(state='absent')
    assert res.failed
    assert 'last manager' in res.msg
    assert api.called('leave_swarm') == []


def test_leave_last_manager_with_force(cluster, api):
    api.make_swarm()
    res = cluster(state='absent', force=True)
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.called('leave_swarm') == [((), dict(force=True))]


def test_leave_last_manager_with_force_in_check_mode(cluster, api):
    api.make_swarm()
    res = cluster(state='absent', force=True, check_mode=True)
    assert res.result['changed'] is True
    assert api.mutations() == []


def test_leave_refused_on_one_of_several_managers_even_with_force(cluster, api):
    api.make_swarm()
    api.add_node('mgr2', role='manager')
    api.add_node('mgr3', role='manager')
    for force in (False, True):
        res = cluster(state='absent', force=force)
        assert res.failed
        assert 'one of 3 managers' in res.msg and 'swarm_node' in res.msg
    assert api.called('leave_swarm') == []


def test_worker_leaves(cluster, api):
    api.make_worker()
    res = cluster(state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert res.result['changes'] == [dict(setting='swarm', before='active', after='inactive')]
    assert len(api.called('leave_swarm')) == 1
