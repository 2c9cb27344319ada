# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The swarm role's declared overlay networks, checked before anything changes."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.filter.network_problems import network_problems

pytestmark = pytest.mark.unit


def test_the_default_networks_are_sound():
    assert network_problems([dict(name='geostack_front', attachable=True),
                             dict(name='geostack_back', attachable=True, internal=True)]) == []


@pytest.mark.parametrize('name, expected', [
    ('geo front', 'swarm_networks[0] (geo front): the name must be letters, digits, _ . and -'),
    ('geostack_back\n', 'swarm_networks[0] (geostack_back\n): the name must be'),
    ('-back', 'the name must be'),
    ('n' * 64, 'the name must be'),
    ('ingress', 'swarm_networks[0] (ingress): ingress is the name of a network Docker makes itself'),
    ('docker_gwbridge', 'docker_gwbridge is the name of a network Docker makes itself'),
])
def test_bad_network_names_are_named(name, expected):
    problems = network_problems([dict(name=name)])
    assert len(problems) == 1 and expected in problems[0], problems
