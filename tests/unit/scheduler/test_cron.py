# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scheduler's cron schedules: expressions, time zones, daylight saving time."""

from __future__ import annotations

import datetime as dt

import pytest

from geostack_scheduler.cron import Schedule, ScheduleError

pytestmark = pytest.mark.unit
UTC = dt.timezone.utc


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def fires(schedule, start, count):
    out = []
    instant = at(start)
    for _index in range(count):
        instant = schedule.next_after(instant)
        out.append(instant)
    return out


@pytest.mark.parametrize('expression, first', [
    ('* * * * *', '2024-01-01T12:01:00'),
    ('*/15 * * * *', '2024-01-01T12:15:00'),
    ('0 3 * * *', '2024-01-02T03:00:00'),
    ('30 1 * * mon-fri', '2024-01-02T01:30:00'),    # 2024-01-01 is a Monday, 01:30 already passed
    ('0 0 1 jan *', '2025-01-01T00:00:00'),
    ('@hourly', '2024-01-01T13:00:00'),
    ('@daily', '2024-01-02T00:00:00'),
    ('@weekly', '2024-01-07T00:00:00'),
    ('5,35 */2 * * *', '2024-01-01T12:05:00'),
])
def test_next_in_utc(expression, first):
    assert Schedule(expression).next_after(at('2024-01-01T12:00:00')) == at(first)


@pytest.mark.parametrize('expression', [
    '', '* * * *', '* * * * * *', '61 * * * *', '* 24 * * *', '0 0 32 * *', '0 0 * 13 *', '0 0 * * 8',
    '0 0 L * *', '0 0 * * 1#2', 'H * * * *', '@every 5m', 'a b c d e', '*/0 * * * *', 5,
])
def test_bad_expressions_refused(expression):
    with pytest.raises(ScheduleError):
        Schedule(expression)


def test_unknown_time_zone_refused():
    with pytest.raises(ScheduleError, match='Mars/Olympus'):
        Schedule('* * * * *', 'Mars/Olympus')


def test_time_zone_offsets_the_wall_clock():
    # 03:00 in Paris is 02:00 UTC in winter and 01:00 UTC in summer.
    schedule = Schedule('0 3 * * *', 'Europe/Paris')
    assert schedule.next_after(at('2024-01-10T00:00:00')) == at('2024-01-10T02:00:00')
    assert schedule.next_after(at('2024-07-10T00:00:00')) == at('2024-07-10T01:00:00')


def test_spring_forward_a_skipped_time_fires_once_at_the_end_of_the_gap():
    # Paris, 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 does not exist that day.
    schedule = Schedule('30 2 * * *', 'Europe/Paris')
    assert fires(schedule, '2024-03-30T12:00:00', 3) == [
        at('2024-03-31T01:00:00'), at('2024-04-01T00:30:00'), at('2024-04-02T00:30:00')]


def test_spring_forward_times_in_the_gap_are_not_run_twice():
    schedule = Schedule('*/20 2,3 * * *', 'Europe/Paris')
    got = [i.astimezone(schedule.tz).strftime('%H:%M%z') for i in fires(schedule, '2024-03-31T00:30:00', 4)]
    # 02:00, 02:20, 02:40 do not exist: one run at 03:00 (the end of the gap), then 03:20, 03:40, then next day.
    assert got == ['03:00+0200', '03:20+0200', '03:40+0200', '02:00+0200']


def test_fall_back_a_fixed_time_fires_at_its_first_occurrence_only():
    # Paris, 2024-10-27: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:30 happens twice.
    schedule = Schedule('30 2 * * *', 'Europe/Paris')
    assert fires(schedule, '2024-10-26T12:00:00', 2) == [at('2024-10-27T00:30:00'), at('2024-10-28T01:30:00')]


def test_fall_back_an_interval_job_fires_in_both_passes_of_the_hour():
    schedule = Schedule('*/30 * * * *', 'Europe/Paris')
    assert fires(schedule, '2024-10-26T23:00:00', 6) == [
        at('2024-10-26T23:30:00'), at('2024-10-27T00:00:00'), at('2024-10-27T00:30:00'),
        at('2024-10-27T01:00:00'), at('2024-10-27T01:30:00'), at('2024-10-27T02:00:00')]


def test_new_york_rules_differ_from_europe():
    # New York springs forward on 2024-03-10 (02:00 EST -> 03:00 EDT, 07:00 UTC).
    schedule = Schedule('30 2 * * *', 'America/New_York')
    assert schedule.next_after(at('2024-03-10T00:00:00')) == at('2024-03-10T07:00:00')


def test_between_counts_every_time_in_order():
    schedule = Schedule('* * * * *')
    times = schedule.between(at('2024-01-01T00:00:00'), at('2024-01-08T00:00:00'))
    assert len(times) == 7 * 24 * 60
    assert times[0] == at('2024-01-01T00:01:00') and times[-1] == at('2024-01-08T00:00:00')
    assert schedule.between(at('2024-01-01T00:00:00'), at('2024-01-01T00:00:59')) == []


def test_between_over_a_dst_change_in_a_zone():
    schedule = Schedule('0 * * * *', 'Europe/Paris')
    # The night of 2024-10-27 has 25 hours: 26 hourly runs from 22:00 UTC to 23:00 UTC the next day.
    assert len(schedule.between(at('2024-10-26T21:30:00'), at('2024-10-27T22:30:00'))) == 25
