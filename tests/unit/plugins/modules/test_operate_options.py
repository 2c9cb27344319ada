# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The day-2 modules take ``name`` (and ``service``) from one argument spec (module_utils/operate) and document them
with one doc fragment (geostack.swarm.stack, geostack.swarm.stack.service), never on their own."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.geostack.swarm.plugins.doc_fragments.stack import ModuleDocFragment
from ansible_collections.geostack.swarm.plugins.module_utils.operate import (
    SERVICE_ARGUMENT_SPEC,
    STACK_ARGUMENT_SPEC,
    stack_argument_spec,
)
from ansible_collections.geostack.swarm.plugins.modules import service_logs, stack_service, stack_status
from ansible_collections.geostack.swarm.tests.unit.plugins.modules.fake_docker import argument_spec_of

pytestmark = pytest.mark.unit

MODULES = {stack_status: False, service_logs: True, stack_service: True}


@pytest.mark.parametrize('plugin', list(MODULES), ids=lambda m: m.__name__.rsplit('.', 1)[-1])
def test_the_shared_options_come_from_the_one_spec(plugin, monkeypatch):
    spec = argument_spec_of(plugin, monkeypatch)
    assert spec['name'] == STACK_ARGUMENT_SPEC['name']
    if MODULES[plugin]:
        assert spec['service'] == SERVICE_ARGUMENT_SPEC['service']
    else:
        assert 'service' not in spec


@pytest.mark.parametrize('plugin', list(MODULES), ids=lambda m: m.__name__.rsplit('.', 1)[-1])
def test_the_shared_options_are_documented_by_the_fragment_only(plugin):
    doc = yaml.safe_load(plugin.DOCUMENTATION)
    assert 'name' not in doc['options'] and 'service' not in doc['options']
    fragments = doc['extends_documentation_fragment']
    assert 'geostack.swarm.stack' in fragments
    assert ('geostack.swarm.stack.service' in fragments) is MODULES[plugin]


def test_the_fragment_documents_the_spec():
    for text, spec in ((ModuleDocFragment.DOCUMENTATION, STACK_ARGUMENT_SPEC),
                       (ModuleDocFragment.SERVICE, SERVICE_ARGUMENT_SPEC)):
        options = yaml.safe_load(text)['options']
        assert set(options) == set(spec)
        for key, option in options.items():
            assert option['type'] == spec[key]['type']
            assert option.get('required', False) == spec[key].get('required', False)


def test_a_module_s_own_options_follow_and_the_shared_spec_is_not_changed():
    spec = stack_argument_spec(service=True, tail=dict(type='int', default=100))
    assert list(spec) == ['name', 'service', 'tail']
    spec['name']['required'] = False
    assert STACK_ARGUMENT_SPEC['name']['required'] is True
