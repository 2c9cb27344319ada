# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.waiter import WAIT_ARGUMENT_SPEC, Waiter, WaitTimeout
from ansible_collections.geostack.swarm.tests.unit.plugins.modules.fake_docker import FakeClock as Clock

pytestmark = pytest.mark.unit


def ready_after(polls, seen='n1 ready'):
    calls = []

    def predicate():
        calls.append(1)
        if len(calls) >= polls:
            return True, seen
        return False, 'poll %d: not yet' % len(calls)
    predicate.calls = calls
    return predicate


def test_ready_immediately_does_not_sleep():
    clock = Clock()
    predicate = ready_after(1)
    assert Waiter(timeout=10, sleep=2, clock=clock, sleeper=clock.sleep).wait('n1', predicate) == 'n1 ready'
    assert len(predicate.calls) == 1
    assert clock.sleeps == []


def test_ready_after_n_polls():
    clock = Clock()
    predicate = ready_after(4)
    assert Waiter(timeout=60, sleep=3, clock=clock, sleeper=clock.sleep).wait('n1', predicate) == 'n1 ready'
    assert len(predicate.calls) == 4
    assert clock.sleeps == [3, 3, 3]


def test_timeout_names_what_and_last_seen():
    clock = Clock()
    predicate = ready_after(1000)
    waiter = Waiter(timeout=10, sleep=3, clock=clock, sleeper=clock.sleep)
    with pytest.raises(WaitTimeout) as exc:
        waiter.wait('node w1 to be drained', predicate)
    assert exc.value.what == 'node w1 to be drained'
    assert exc.value.seen == 'poll 5: not yet'
    assert exc.value.elapsed == 10
    assert str(exc.value) == 'timed out after 10s waiting for node w1 to be drained; last seen: poll 5: not yet'
    # the last sleep is cut to what remains of the timeout
    assert clock.sleeps == [3, 3, 3, 1]


def test_zero_timeout_polls_once():
    clock = Clock()
    predicate = ready_after(2)
    with pytest.raises(WaitTimeout, match='waiting for x; last seen: poll 1: not yet'):
        Waiter(timeout=0, sleep=2, clock=clock, sleeper=clock.sleep).wait('x', predicate)
    assert len(predicate.calls) == 1 and clock.sleeps == []


def test_sleep_is_at_least_one_second_and_timeout_not_negative():
    waiter = Waiter(timeout=-5, sleep=0)
    assert waiter.sleep == 1
    assert waiter.timeout == 0


def test_from_params():
    clock = Clock()
    waiter = Waiter.from_params(dict(wait=True, wait_timeout=42, wait_sleep=7), clock=clock, sleeper=clock.sleep)
    assert (waiter.timeout, waiter.sleep, waiter.clock, waiter.sleeper) == (42, 7, clock, clock.sleep)
    assert (Waiter.from_params({}).timeout, Waiter.from_params({}).sleep) == (300, 2)


def test_argument_spec_with_a_modules_defaults():
    spec = Waiter.argument_spec(wait_timeout=600)
    assert spec == dict(wait=dict(type='bool', default=True), wait_timeout=dict(type='int', default=600),
                        wait_sleep=dict(type='int', default=2))
    assert WAIT_ARGUMENT_SPEC['wait_timeout']['default'] == 300
    assert Waiter.argument_spec() == WAIT_ARGUMENT_SPEC
