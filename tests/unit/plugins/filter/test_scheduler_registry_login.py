# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""scheduler_docker_config checked before the scheduler is deployed: with a registry that asks for a login, the file
must exist and hold the login to that registry (else runs on workers fail with "No such image"); without one,
nothing is read."""

from __future__ import annotations

import base64
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.filter.scheduler_registry_login import FilterModule

pytestmark = pytest.mark.unit
login = FilterModule().filters()['scheduler_registry_login']
ENDPOINT = '10.89.0.2:5000'
PATH = '/root/.docker/config.json'


def slurped(value):
    text = value if isinstance(value, str) else json.dumps(value)
    return {'content': base64.b64encode(text.encode('utf-8')).decode('ascii'), 'encoding': 'base64'}


def test_the_registry_login_alone_is_kept():
    config = {'auths': {ENDPOINT: {'auth': 'Z2Vvc3RhY2s6c2VjcmV0'}, 'other.example.org': {'auth': 'eDp5'}}}
    assert login(slurped(config), ENDPOINT, PATH) == {'auths': {ENDPOINT: {'auth': 'Z2Vvc3RhY2s6c2VjcmV0'}},
                                                      'problem': ''}


def test_without_a_registry_nothing_is_needed():
    assert login({'skipped': True}, '', PATH) == {'auths': {}, 'problem': ''}


@pytest.mark.parametrize('result, expected', [
    ({'failed': True, 'msg': 'file not found'}, 'no such file on the manager'),
    (slurped({'auths': {'other.example.org': {'auth': 'eDp5'}}}), 'has no login for the swarm\'s registry ' + ENDPOINT),
    (slurped({'auths': {ENDPOINT: {}}, 'credsStore': 'pass'}), 'credential helper'),
    (slurped('not json'), 'is not a Docker client configuration'),
    (slurped([]), 'is not a Docker client configuration'),
])
def test_a_missing_login_names_the_variable(result, expected):
    out = login(result, ENDPOINT, PATH)
    assert out['auths'] == {}
    assert out['problem'].startswith('scheduler_docker_config=' + PATH)
    assert expected in out['problem']


def test_not_a_slurp_result():
    with pytest.raises(AnsibleFilterError):
        login('x', ENDPOINT, PATH)
