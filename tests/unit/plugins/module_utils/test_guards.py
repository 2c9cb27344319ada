# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.guards import node_removal_problems, postgis_volume_problems

pytestmark = pytest.mark.unit


def service(name, role, stack='geostack', volumes=(), constraints=(), nodes=()):
    return dict(name=name, labels={'com.docker.stack.namespace': stack, 'org.geostack.role': role},
                volumes=list(volumes), constraints=list(constraints), nodes=list(nodes))


POSTGIS = service('geostack_postgis', 'postgis', volumes=['geostack_postgis_data'],
                  constraints=['node.labels.geostack.postgis == true'], nodes=['n1'])
REGISTRY = service('geostack_registry', 'registry', constraints=['node.hostname == node1'], nodes=['n1'])
MAPSERVER = service('geostack_mapserver', 'mapserver', nodes=['n1', 'n2'])


def test_unchanged_declaration_and_no_swarm_are_fine():
    assert postgis_volume_problems([POSTGIS, MAPSERVER], 'geostack', 'geostack_postgis_data', 'geostack.postgis') == []
    assert postgis_volume_problems([], 'geostack', 'geostack_postgis_data', 'geostack.postgis') == []
    assert postgis_volume_problems(None, 'geostack', 'geostack_postgis_data', 'geostack.postgis') == []


def test_renamed_volume_refused_naming_it():
    [problem] = postgis_volume_problems([POSTGIS], 'geostack', 'pgdata2', 'geostack.postgis')
    assert problem.startswith('postgis_volume=pgdata2: the running PostGIS (geostack_postgis) keeps its data in the '
                              'volume geostack_postgis_data')
    assert 'Keep postgis_volume=geostack_postgis_data' in problem


def test_renamed_label_refused_naming_it():
    [problem] = postgis_volume_problems([POSTGIS], 'geostack', 'geostack_postgis_data', 'db')
    assert problem.startswith('postgis_node_label=db: the running PostGIS (geostack_postgis) is placed by the label '
                              'geostack.postgis')


def test_renamed_stack_on_the_same_volume_refused():
    [problem] = postgis_volume_problems([POSTGIS], 'maps', 'geostack_postgis_data', 'geostack.postgis')
    assert problem.startswith('geostack_stack=maps: the swarm already runs geostack_postgis, the PostGIS of the stack '
                              'geostack, on the volume geostack_postgis_data')


def test_second_stack_with_its_own_volume_is_fine():
    assert postgis_volume_problems([POSTGIS], 'maps', 'maps_postgis_data', 'maps.postgis') == []


def test_services_without_labels_are_ignored():
    assert postgis_volume_problems([dict(name='x', volumes=['geostack_postgis_data'])], 'maps',
                                   'geostack_postgis_data', 'l') == []


NODE1 = dict(id='n1', hostname='node1', labels={'geostack.postgis': 'true'})
NODE2 = dict(id='n2', hostname='node2', labels={})


def test_removing_the_node_of_postgis_and_registry_refused():
    problems = node_removal_problems([POSTGIS, REGISTRY, MAPSERVER], NODE1)
    assert len(problems) == 2
    assert problems[0].startswith('node1 runs geostack_postgis, whose data lives on that node (postgis)')
    assert 'swarm_remove_node_force=true' in problems[0]
    assert 'geostack_registry' in problems[1]


def test_placed_only_there_counts_even_when_not_running():
    stopped = dict(POSTGIS, nodes=[])
    assert len(node_removal_problems([stopped], NODE1)) == 1
    by_id = service('r', 'registry', constraints=['node.id == n2'])
    assert len(node_removal_problems([by_id], NODE2)) == 1


def test_other_nodes_and_force_are_fine():
    assert node_removal_problems([POSTGIS, REGISTRY, MAPSERVER], NODE2) == []
    assert node_removal_problems([POSTGIS, REGISTRY], NODE1, force=True) == []


def test_the_socket_volume_beside_the_data_is_not_taken_for_data():
    running = dict(POSTGIS, volumes=['geostack_postgis_data', 'geostack_postgis_socket'])
    assert postgis_volume_problems([running], 'geostack', 'geostack_postgis_data', 'geostack.postgis',
                                   ['geostack_postgis_socket']) == []
    [problem] = postgis_volume_problems([running], 'geostack', 'pgdata2', 'geostack.postgis', ['geostack_postgis_socket'])
    assert problem.startswith('postgis_volume=pgdata2: the running PostGIS') and 'volume geostack_postgis_data' in problem
