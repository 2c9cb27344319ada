# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the module tests; the fakes they hand out are in fake_docker.py.

- ``make_module(plugin, check_mode=False, **params)``: a fake AnsibleModule whose params are the plugin's own
  argument spec defaults (read from its ``main()``) updated with ``params``; ``fail_json``/``exit_json`` raise.
- ``outcome(func)``: runs a module entry point and returns ``Outcome(failed, result)``.
- ``api``: a ``FakeAPI`` standing in for ``docker.APIClient``, with a small in-memory swarm and a call log.
- ``clock``: virtual time for the waiter (sleeping advances it, so timeouts cost nothing).
"""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.tests.unit.plugins.modules.fake_docker import (
    MANAGER_TOKEN,
    WORKER_TOKEN,
    FakeAPI,
    FakeClock,
    FakeModule,
    argument_spec_of,
    run_module,
    task,
)


@pytest.fixture
def api():
    return FakeAPI()


@pytest.fixture
def make_module(monkeypatch):
    specs = {}

    def factory(plugin, check_mode=False, **params):
        if plugin not in specs:
            specs[plugin] = argument_spec_of(plugin, monkeypatch)
        spec = specs[plugin]
        unknown = set(params) - set(spec)
        assert not unknown, 'not options of %s: %s' % (plugin.__name__, sorted(unknown))
        values = dict((name, option.get('default')) for name, option in spec.items())
        values.update(params)
        return FakeModule(values, check_mode=check_mode)
    return factory


@pytest.fixture
def outcome():
    return run_module


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def tokens():
    return dict(worker=WORKER_TOKEN, manager=MANAGER_TOKEN)


@pytest.fixture
def make_task():
    return task
