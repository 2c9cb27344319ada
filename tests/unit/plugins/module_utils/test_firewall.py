# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host firewall's variables checked, and the swarm members' addresses worked out."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.firewall import (
    firewall_problems, member_addresses, port_span, split_sources)

pytestmark = pytest.mark.unit

GOOD = dict(firewall_enabled=True, firewall_policy='drop', firewall_ssh_port=22, firewall_ssh_sources=[],
            firewall_member_sources=[], firewall_published_ports={'edge_http_port': 80, 'edge_https_port': 443},
            firewall_registry_port=5000, firewall_registry_sources=[], firewall_allowed=[], firewall_persist=True)


def settings(**changes):
    out = dict(GOOD)
    out.update(changes)
    return out


def test_the_defaults_are_sound():
    assert firewall_problems(GOOD) == []
    assert firewall_problems(settings(firewall_ssh_port='2222', firewall_published_ports={'postgis_publish_port': 0},
                                      firewall_ssh_sources=['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'],
                                      firewall_allowed=[{'port': '8000-8010', 'proto': 'udp', 'sources': ['10.0.0.0/8'],
                                                         'comment': 'metrics'}, {'port': 8443}])) == []


@pytest.mark.parametrize('changes, expected', [
    (dict(firewall_ssh_port=0), 'firewall_ssh_port=0 must be a port number from 1 to 65535'),
    (dict(firewall_ssh_port=70000), 'firewall_ssh_port=70000 must be a port number'),
    (dict(firewall_ssh_port='22\n'), 'firewall_ssh_port=22\n must be a port number'),
    (dict(firewall_ssh_port=True), 'firewall_ssh_port=True must be a port number'),
    (dict(firewall_ssh_port=2377), "firewall_ssh_port=2377 is the swarm managers' port"),
    (dict(firewall_registry_port=4789), "firewall_registry_port=4789 is the swarm's overlay traffic"),
    (dict(firewall_registry_port=-1), 'firewall_registry_port=-1 must be a port number'),
    (dict(firewall_ssh_sources=['10.0.0.300/8']), "firewall_ssh_sources[0]: '10.0.0.300/8' is not an address or a network"),
    (dict(firewall_ssh_sources=['10.1.2.3/24']), 'firewall_ssh_sources[0]: 10.1.2.3/24 has host bits set (the network is 10.1.2.0/24)'),
    (dict(firewall_ssh_sources='10.0.0.0/8'), 'firewall_ssh_sources must be a list'),
    (dict(firewall_member_sources=['eth0']), "firewall_member_sources[0]: 'eth0' is not an address or a network"),
    (dict(firewall_member_sources=['10.0.0.0/8\n']), 'firewall_member_sources[0]'),
    (dict(firewall_registry_sources=[None]), 'firewall_registry_sources[0]: None is not an address'),
    (dict(firewall_published_ports={'edge_https_port': 65536}), 'firewall_published_ports.edge_https_port=65536 must be a port number from 0'),
    (dict(firewall_published_ports={'edge_http_port': 7946}), "firewall_published_ports.edge_http_port=7946 is the swarm nodes' gossip port"),
    (dict(firewall_published_ports=[80, 443]), 'firewall_published_ports must be a mapping'),
    (dict(firewall_policy='reject'), 'firewall_policy=reject must be drop'),
    (dict(firewall_enabled='yes'), 'firewall_enabled=yes must be true or false'),
    (dict(firewall_persist=None), 'firewall_persist=None must be true or false'),
    (dict(firewall_allowed={'port': 80}), 'firewall_allowed must be a list'),
    (dict(firewall_allowed=[8443]), 'firewall_allowed[0] must be a mapping with a port'),
    (dict(firewall_allowed=[{'port': 0}]), 'firewall_allowed[0].port=0 must be a port from 1 to 65535 or a range'),
    (dict(firewall_allowed=[{'port': '9000-8000'}]), 'firewall_allowed[0].port=9000-8000 must be a port'),
    (dict(firewall_allowed=[{'port': '1-70000'}]), 'firewall_allowed[0].port=1-70000 must be a port'),
    (dict(firewall_allowed=[{'port': '7000-8000'}]), "firewall_allowed[0].port=7000-8000 includes the swarm nodes' gossip port"),
    (dict(firewall_allowed=[{'port': 2377}]), "firewall_allowed[0].port=2377 includes the swarm managers' port"),
    (dict(firewall_allowed=[{'port': 53, 'proto': 'icmp'}]), 'firewall_allowed[0].proto=icmp must be tcp or udp'),
    (dict(firewall_allowed=[{'port': 53, 'source': ['10.0.0.0/8']}]), 'firewall_allowed[0] has unknown keys: source'),
    (dict(firewall_allowed=[{'port': 53, 'sources': ['any']}]), "firewall_allowed[0].sources[0]: 'any' is not an address"),
    (dict(firewall_allowed=[{'port': 53, 'comment': 'a "quoted" one'}]), 'firewall_allowed[0].comment must be one line'),
])
def test_bad_input_is_named(changes, expected):
    problems = firewall_problems(settings(**changes))
    assert len(problems) == 1 and expected in problems[0], problems


def test_every_problem_is_reported_at_once():
    problems = firewall_problems(settings(firewall_ssh_port=0, firewall_policy='x',
                                          firewall_allowed=[{'port': 2377}, {'port': 'x'}]))
    assert len(problems) == 4, problems


@pytest.mark.parametrize('value, span', [(443, (443, 443)), ('443', (443, 443)), ('8000-8010', (8000, 8010)),
                                         (0, None), ('8010-8000', None), ('80,443', None), ('443\n', None), (None, None)])
def test_port_span(value, span):
    assert port_span(value) == span


def host(name, **facts):
    out = dict(host=name, advertise_addr='', data_path_addr='', default_ipv4='', ansible_host='', addresses=None)
    out.update(facts)
    return out


def test_members_are_the_addresses_the_swarm_role_advertises():
    members = member_addresses([
        host('node1', default_ipv4='10.89.0.2'),
        host('node2', advertise_addr='10.89.0.3:2377', default_ipv4='192.0.2.9'),
        host('node3', advertise_addr='eth1', addresses={'eth1': ['10.89.0.4', 'fd00::4'], 'eth0': ['192.0.2.10']}),
        host('node4', ansible_host='10.89.0.5'),
        host('node5', advertise_addr='[fd00::6]:2377', data_path_addr='10.90.0.6'),
    ])
    assert members == dict(ipv4=['10.89.0.2', '10.89.0.3', '10.89.0.4', '10.89.0.5', '10.90.0.6'],
                           ipv6=['fd00::4', 'fd00::6'], problems=[])


def test_extra_sources_are_added_and_overlaps_collapsed():
    members = member_addresses([host('node1', default_ipv4='10.89.0.2'), host('node2', default_ipv4='10.89.0.3')],
                               ['10.89.0.0/24', '2001:db8::/32'])
    assert members == dict(ipv4=['10.89.0.0/24'], ipv6=['2001:db8::/32'], problems=[])


def test_hosts_whose_address_is_unknown_are_named():
    members = member_addresses([host('node1', default_ipv4='10.89.0.2'), host('node4', ansible_host='node4.example.org'),
                                host('node5', advertise_addr='eth1')])
    assert members['ipv4'] == ['10.89.0.2']
    assert len(members['problems']) == 2
    assert members['problems'][0].startswith('node4: its swarm address is unknown')
    assert members['problems'][1].startswith('node5: swarm_advertise_addr=eth1 is an interface whose addresses are unknown')


def test_sources_are_split_by_version():
    assert split_sources(['2001:db8::/32', '192.0.2.0/25', '192.0.2.128/25', '198.51.100.7']) == dict(
        ipv4=['192.0.2.0/25', '192.0.2.128/25', '198.51.100.7'], ipv6=['2001:db8::/32'])
    assert split_sources([]) == dict(ipv4=[], ipv6=[])
