# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cron schedules in a time zone: ``Schedule(expression, time_zone).next_after(instant)``.

Five fields (minute hour day-of-month month day-of-week: numbers, ``*``, ranges, lists, steps, month and day names)
or a macro (``@hourly``, ``@daily``, ``@midnight``, ``@weekly``, ``@monthly``, ``@yearly``, ``@annually``); croniter
walks the wall clock of the time zone (zoneinfo), and each wall-clock time is turned into instants (UTC):

- a time that does not exist (skipped when clocks go forward) fires once, at the first instant after the gap;
- a time that occurs twice (clocks go back) fires once, at its first occurrence, unless the hour field is a
  wildcard (``*`` or ``*/n``): such interval jobs fire at both occurrences, every interval of real time
  (Vixie cron's rule).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

UTC = dt.timezone.utc
MINUTE = dt.timedelta(minutes=1)
MACROS = {
    '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
    '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
}
# One field: a list of items, each * or a number or name or a range of them, with an optional /step. Anything
# croniter accepts beyond this (L, W, #, H, seconds) is refused, as the role's validation refuses it.
_ITEM = r'(\*|([0-9]+|[a-z]{3})(-([0-9]+|[a-z]{3}))?)(/[0-9]+)?'
_FIELD = re.compile(r'^%s(,%s)*\Z' % (_ITEM, _ITEM))
# Wall-clock time shifts are at most this long: the search for a time's instants starts this much earlier.
_MAX_SHIFT = dt.timedelta(hours=3)


class ScheduleError(ValueError):
    """A schedule or a time zone that cannot be used."""


def expand(expression):
    """The five fields of an expression (a macro expanded), or ScheduleError."""
    if not isinstance(expression, str):
        raise ScheduleError('a cron expression must be a string')
    text = expression.strip().lower()
    text = MACROS.get(text, text)
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError('%r is not a cron expression of five fields (minute hour day month weekday) or a macro '
                            '(%s)' % (expression, ', '.join(sorted(MACROS))))
    for field in fields:
        if not _FIELD.match(field):
            raise ScheduleError('%r: the field %r is not a number, name, *, range, list or step' % (expression, field))
    joined = ' '.join(fields)
    if not croniter.is_valid(joined):
        raise ScheduleError('%r is not a valid cron expression (a value out of range?)' % expression)
    return fields


def zone(name):
    if not isinstance(name, str) or not name:
        raise ScheduleError('a time zone must be a name such as Europe/Paris or UTC')
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError('time zone %r does not exist (%s)' % (name, exc)) from None


class Schedule:
    def __init__(self, expression, time_zone='UTC'):
        self.expression = expression
        self.time_zone = time_zone
        self.fields = expand(expression)
        self.tz = zone(time_zone)
        self.interval = self.fields[1].startswith('*')

    def _instants(self, wall):
        """The instants (UTC) at which the wall-clock time ``wall`` (naive) fires."""
        first = wall.replace(tzinfo=self.tz, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=self.tz, fold=1).astimezone(UTC)
        if first.astimezone(self.tz).replace(tzinfo=None) != wall:
            # In a gap: the first instant whose wall clock is past it (the end of the gap).
            instant = min(first, second)
            while (instant - MINUTE).astimezone(self.tz).replace(tzinfo=None) > wall:
                instant -= MINUTE
            while instant.astimezone(self.tz).replace(tzinfo=None) < wall:
                instant += MINUTE
            return [instant]
        if first != second and self.interval:
            return sorted({first, second})
        return [first]

    def next_after(self, instant):
        """The first instant (UTC, aware) strictly after ``instant`` (aware) at which the schedule fires."""
        if instant.tzinfo is None:
            raise ValueError('instant must be timezone-aware')
        instant = instant.astimezone(UTC)
        start = (instant.astimezone(self.tz).replace(tzinfo=None) - _MAX_SHIFT).replace(second=0, microsecond=0)
        walk = croniter(' '.join(self.fields), start - MINUTE)
        best = None
        for _step in range(200000):
            wall = walk.get_next(dt.datetime)
            instants = self._instants(wall)
            if best is not None and instants[0] > best:
                return best
            later = [i for i in instants if i > instant]
            if later and (best is None or later[0] < best):
                best = later[0]
        raise ScheduleError('%r never fires' % self.expression)

    def between(self, after, until):
        """The instants in (after, until], in order. A gap longer than a year is looked at over its last year."""
        after = max(after.astimezone(UTC), until.astimezone(UTC) - dt.timedelta(days=366))
        start = (after.astimezone(self.tz).replace(tzinfo=None) - _MAX_SHIFT).replace(second=0, microsecond=0)
        walk = croniter(' '.join(self.fields), start - MINUTE)
        found = set()
        while True:
            instants = self._instants(walk.get_next(dt.datetime))
            if instants[0] > until:
                return sorted(found)
            found.update(i for i in instants if after < i <= until)
