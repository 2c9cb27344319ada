# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geo_stack documents the keys of a service (the suboptions of its option services) that its parser accepts
(SERVICE_SCHEMA in module_utils/stack/parse.py), at every level."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.geostack.swarm.plugins.module_utils.stack.parse import SERVICE_KEYS, SERVICE_SCHEMA
from ansible_collections.geostack.swarm.plugins.modules import geo_stack

pytestmark = pytest.mark.unit


def documented_schema(options):
    """The same shape as SERVICE_SCHEMA from documented suboptions: None for a value, else the nested keys."""
    return dict((key, documented_schema(option['suboptions']) if option.get('suboptions') else None)
                for key, option in options.items())


def paths(schema, prefix=''):
    """Every key of a schema by dotted path, nested keys included."""
    out = set()
    for key, nested in schema.items():
        out.add(prefix + key)
        if nested:
            out |= paths(nested, prefix + key + '.')
    return out


def services_doc():
    return yaml.safe_load(geo_stack.DOCUMENTATION)['options']['services']


def test_the_documented_service_keys_are_the_accepted_ones():
    documented = paths(documented_schema(services_doc()['suboptions']))
    accepted = paths(SERVICE_SCHEMA)
    assert documented == accepted, 'documented only: %s; accepted only: %s' % (
        sorted(documented - accepted), sorted(accepted - documented))


def test_the_comparison_sees_every_level():
    accepted = paths(SERVICE_SCHEMA)
    for path in ('image', 'healthcheck.test', 'update_config.order', 'rollback_config.failure_action',
                 'placement.preferences.spread', 'resources.limits.memory', 'resources.reservations.cpus',
                 'mounts.tmpfs_size', 'ports.published', 'secrets.mode', 'configs.target', 'networks.aliases',
                 'restart_policy.window', 'logging.options', 'cap_add', 'cap_drop', 'read_only'):
        assert path in accepted
    assert set(SERVICE_KEYS) == set(SERVICE_SCHEMA)


def test_required_keys_are_documented_as_required():
    doc = services_doc()['suboptions']
    assert doc['image'].get('required') is True
    for option, key in (('ports', 'target'), ('mounts', 'target'), ('secrets', 'source'), ('configs', 'source'),
                        ('networks', 'name'), ('logging', 'driver')):
        assert doc[option]['suboptions'][key].get('required') is True, '%s.%s' % (option, key)
