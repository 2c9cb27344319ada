# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""encrypted: auto decided from every host's kernel; existing networks keep their encryption."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.filter.network_problems import network_problems
from ansible_collections.geostack.swarm.plugins.filter.overlay_encryption import FilterModule
from ansible_collections.geostack.swarm.plugins.module_utils.network import resolve_encryption

pytestmark = pytest.mark.unit

NETWORKS = [dict(name='geostack_front', attachable=True),
            dict(name='geostack_back', attachable=True, internal=True, encrypted='auto')]


def encrypted(result):
    return dict((n['name'], n['encrypted']) for n in result['networks'])


def test_auto_encrypts_where_every_kernel_has_esp():
    result = resolve_encryption(NETWORKS, {'node1': True, 'node2': True}, [])
    assert encrypted(result) == {'geostack_front': False, 'geostack_back': True}
    assert result['warnings'] == [] and result['problems'] == []
    assert result['networks'][1]['internal'] is True and NETWORKS[1]['encrypted'] == 'auto'


def test_auto_without_esp_somewhere_is_unencrypted_with_a_warning_naming_the_hosts():
    result = resolve_encryption(NETWORKS, {'node1': True, 'node3': False, 'node2': None}, None)
    assert encrypted(result) == {'geostack_front': False, 'geostack_back': False}
    assert result['problems'] == []
    assert result['warnings'] == ['swarm_networks[1] (geostack_back): encrypted=auto, but the kernel of node2, node3 has '
                                  'no IPsec ESP (or it could not be told): the network is not encrypted']


def test_true_and_false_are_kept_as_they_are():
    result = resolve_encryption([dict(name='a', encrypted=True), dict(name='b', encrypted=False), dict(name='c')],
                                {'node1': False}, [dict(name='a', encrypted=False)])
    assert encrypted(result) == {'a': True, 'b': False, 'c': False}
    assert result['warnings'] == [] and result['problems'] == []


def test_an_existing_unencrypted_network_stays_so_with_a_warning():
    result = resolve_encryption(NETWORKS, {'node1': True}, [dict(name='geostack_back', encrypted=False)])
    assert encrypted(result)['geostack_back'] is False
    assert result['problems'] == []
    assert len(result['warnings']) == 1
    assert 'exists unencrypted and Docker cannot change a network in place, so it stays unencrypted' in result['warnings'][0]
    assert 'encrypted: true and recreate: when_unused' in result['warnings'][0]


def test_an_existing_encrypted_network_stays_encrypted():
    result = resolve_encryption(NETWORKS, {'node1': True}, [dict(name='geostack_back', encrypted=True)])
    assert encrypted(result)['geostack_back'] is True
    assert result['warnings'] == [] and result['problems'] == []


def test_an_existing_encrypted_network_is_refused_where_a_host_lacks_esp():
    result = resolve_encryption(NETWORKS, {'node1': True, 'node4': False}, [dict(name='geostack_back', encrypted=True)])
    assert encrypted(result)['geostack_back'] is True
    assert len(result['problems']) == 1
    assert result['problems'][0].startswith('swarm_networks[1] (geostack_back): encrypted=auto, and the network exists '
                                            'encrypted, but the kernel of node4 has no IPsec ESP')


def test_a_network_to_remove_is_not_compared():
    result = resolve_encryption([dict(name='old', encrypted='auto', state='absent')], {'node1': True},
                                [dict(name='old', encrypted=False)])
    assert encrypted(result) == {'old': True} and result['warnings'] == []


def test_the_filter_is_registered():
    assert FilterModule().filters()['overlay_encryption'] is resolve_encryption


@pytest.mark.parametrize('value', [True, False, 'auto'])
def test_network_problems_accepts_true_false_auto(value):
    assert network_problems([dict(name='geostack_back', encrypted=value)]) == []


@pytest.mark.parametrize('value', ['yes', 'Auto', 'true', None])
def test_network_problems_refuses_other_encrypted_values(value):
    problems = network_problems([dict(name='geostack_back', encrypted=value)])
    assert problems == ['swarm_networks[0] (geostack_back): encrypted must be true, false or auto (encrypted where every '
                        'host\'s kernel has IPsec ESP)']
