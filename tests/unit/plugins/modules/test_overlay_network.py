# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient
from ansible_collections.geostack.swarm.plugins.modules import overlay_network
from ansible_collections.geostack.swarm.plugins.modules.overlay_network import NetworkManager

pytestmark = pytest.mark.unit


def kernel(esp, evidence='loaded'):
    return lambda: dict(esp=esp, details=dict(esp=dict(present=esp, evidence=evidence)))


@pytest.fixture(autouse=True)
def kernel_with_esp(monkeypatch):
    monkeypatch.setattr(overlay_network, 'kernel_facts', kernel(True))


@pytest.fixture
def network_module(make_module, outcome, api):
    api.make_swarm()
    modules = []

    def run(check_mode=False, **params):
        params.setdefault('name', 'geo_front')
        module = make_module(overlay_network, check_mode=check_mode, **params)
        modules.append(module)
        return outcome(NetworkManager(module, SwarmClient(module, api=api)).run)
    run.modules = modules
    return run


def test_create(network_module, api):
    res = network_module(subnet='10.20.1.0/24', gateway='10.20.1.254', attachable=True, mtu=1400,
                         labels={'tier': 'front', 'n': 1})
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    [(_args, kwargs)] = api.called('create_network')
    assert kwargs['name'] == 'geo_front'
    assert kwargs['driver'] == 'overlay'
    assert kwargs['scope'] == 'swarm'
    assert kwargs['attachable'] is True
    assert kwargs['internal'] is False
    assert kwargs['options'] == {'com.docker.network.driver.mtu': '1400'}
    assert kwargs['labels'] == {'tier': 'front', 'n': '1'}
    assert kwargs['ipam'] == dict(Driver='default', Config=[dict(Subnet='10.20.1.0/24', Gateway='10.20.1.254')])
    assert res.result['network']['Name'] == 'geo_front'
    assert res.result['diff']['before'] == {}
    assert res.result['diff']['after']['subnet'] == '10.20.1.0/24'


def test_create_in_check_mode(network_module, api):
    res = network_module(check_mode=True, subnet='10.20.1.0/24')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.mutations() == []
    assert 'network' not in res.result


def test_create_then_rerun_is_idempotent(network_module, api):
    params = dict(subnet='10.20.1.0/24', attachable=True, internal=True, mtu=1400, encrypted=True,
                  labels={'tier': 'front'}, driver_options={'com.docker.network.driver.overlay.foo': 'bar'})
    first = network_module(**params)
    assert not first.failed, first.msg
    assert first.result['changed'] is True
    second = network_module(**params)
    assert not second.failed, second.msg
    assert second.result['changed'] is False
    assert second.result['differences'] == []
    assert second.result['attached_services'] == []
    assert api.mutations() == ['create_network']
    third = network_module(check_mode=True, **params)
    assert third.result['changed'] is False


def test_needs_a_manager(make_module, outcome, api):
    api.make_worker()
    module = make_module(overlay_network, name='n')
    res = outcome(NetworkManager(module, SwarmClient(module, api=api)).run)
    assert res.failed
    assert 'overlay_network needs a swarm manager' in res.msg


def test_invalid_addressing_fails_before_api_calls(network_module, api):
    calls_before = len(api.calls)
    res = network_module(subnet='10.20.1.1/24')
    assert res.failed
    assert 'subnet' in res.msg
    assert len(api.calls) == calls_before


def test_immutable_change_with_recreate_never_lists_attached_services(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    api.add_service('mapserver', networks=['id-geo_front'])
    api.add_service('edge', networks=['geo_front'], in_task_template=False)
    api.add_service('postgis', networks=['id-other'])
    res = network_module(subnet='10.20.1.0/24', internal=True)
    assert res.failed
    assert 'internal: False -> True' in res.msg
    assert 'Attached services: edge, mapserver' in res.msg
    assert 'recreate=when_unused' in res.msg
    assert res.result['differences'] == [dict(setting='internal', before=False, after=True)]
    assert res.result['attached_services'] == ['edge', 'mapserver']
    assert api.mutations() == []


def test_recreate_when_unused_with_nothing_attached(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    api.add_service('postgis', networks=['id-other'])
    res = network_module(subnet='10.20.2.0/24', recreate='when_unused')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.mutations() == ['remove_network', 'create_network']
    assert api.called('remove_network') == [(('id-geo_front',), {})]
    assert api.called('create_network')[0][1]['ipam']['Config'] == [dict(Subnet='10.20.2.0/24')]
    assert res.result['diff']['before']['subnet'] == '10.20.1.0/24'
    assert res.result['diff']['after']['subnet'] == '10.20.2.0/24'


def test_recreate_when_unused_in_check_mode(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    res = network_module(check_mode=True, subnet='10.20.2.0/24', recreate='when_unused')
    assert res.result['changed'] is True
    assert api.mutations() == []


def test_recreate_when_unused_with_attached_service_fails(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    api.add_service('mapserver', networks=['id-geo_front'])
    res = network_module(subnet='10.20.1.0/24', attachable=True, recreate='when_unused')
    assert res.failed
    assert 'in use by services: mapserver' in res.msg
    assert api.mutations() == []


def test_recreate_when_unused_with_attached_container_fails(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24', Containers={
        'abc123': dict(Name='debug-shell'),
        'lb-geo_front': dict(Name='geo_front-endpoint'),
    })
    res = network_module(subnet='10.20.1.0/24', attachable=True, recreate='when_unused')
    assert res.failed
    assert 'containers: debug-shell' in res.msg
    assert 'endpoint' not in res.msg
    assert api.mutations() == []


def test_overlapping_subnet_fails_before_create(network_module, api):
    api.add_network('geo_back', subnet='10.20.0.0/16')
    res = network_module(subnet='10.20.1.0/24')
    assert res.failed
    assert 'overlaps 10.20.0.0/16 of network geo_back' in res.msg
    assert api.mutations() == []


def test_overlap_check_also_applies_before_recreate(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    api.add_network('geo_back', subnet='10.20.2.0/24')
    res = network_module(subnet='10.20.2.0/25', recreate='when_unused')
    assert res.failed
    assert 'geo_back' in res.msg
    assert api.mutations() == []


def test_encrypted_on_kernel_without_esp_fails(network_module, api, monkeypatch):
    monkeypatch.setattr(overlay_network, 'kernel_facts', kernel(False, 'CONFIG_INET_ESP not set in the kernel configuration'))
    res = network_module(encrypted=True)
    assert res.failed
    assert 'cannot carry encrypted overlay traffic' in res.msg
    assert 'CONFIG_INET_ESP not set' in res.msg
    assert api.mutations() == []


def test_encrypted_on_unknown_kernel_warns_and_creates(network_module, api, monkeypatch):
    monkeypatch.setattr(overlay_network, 'kernel_facts', kernel(None, 'unknown'))
    res = network_module(encrypted=True)
    assert not res.failed, res.msg
    assert api.called('create_network')[0][1]['options'] == {'encrypted': ''}
    assert any('IPsec ESP' in w for w in network_module.modules[-1].warnings)


def test_encrypted_on_remote_engine_skips_kernel_check(network_module, api, monkeypatch):
    def must_not_run():
        raise AssertionError('the local kernel says nothing about a remote engine')
    monkeypatch.setattr(overlay_network, 'kernel_facts', must_not_run)
    res = network_module(encrypted=True, docker_host='tcp://192.0.2.11:2376')
    assert not res.failed, res.msg


def test_absent_with_attached_service_fails(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    api.add_service('mapserver', networks=['id-geo_front'])
    res = network_module(state='absent')
    assert res.failed
    assert 'in use by services: mapserver' in res.msg
    assert api.mutations() == []


def test_absent_removes_unused_network(network_module, api):
    api.add_network('geo_front', subnet='10.20.1.0/24')
    res = network_module(state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is True
    assert api.called('remove_network') == [(('id-geo_front',), {})]
    assert res.result['diff']['after'] == {}


def test_absent_when_missing_is_unchanged(network_module, api):
    res = network_module(state='absent')
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    assert api.mutations() == []
