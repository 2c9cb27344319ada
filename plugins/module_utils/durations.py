# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one duration parser of the collection (swarm settings and stack services).

A duration is a number of seconds (an int, a float or a numeric string) or a Go-style duration of one or more parts,
each a number and a unit: ``ns``, ``us`` (or ``µs``), ``ms``, ``s``, ``m``, ``h`` or ``d`` (such as ``1m30s``,
``500ms``, ``90d``, ``2160h``). It is returned in nanoseconds, the unit of the Docker API.
"""

from __future__ import annotations

import re
from decimal import Decimal

NS_PER_S = 10 ** 9
UNITS = {'ns': 1, 'us': 10 ** 3, u'\u00b5s': 10 ** 3, 'ms': 10 ** 6, 's': NS_PER_S, 'm': 60 * NS_PER_S,
         'h': 3600 * NS_PER_S, 'd': 86400 * NS_PER_S}
_NUMBER_RE = re.compile(r'^\d+(\.\d+)?\Z')
_PART_RE = re.compile(u'(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ns|us|\u00b5s|ms|s|m|h|d)\\s*')


def parse_duration(value, path, error=ValueError):
    """Nanoseconds from a duration; a bad value raises ``error`` with a message naming ``path``."""
    problem = '%s: %r is not a duration (such as 10s, 1m30s, 500ms, 90d, or a number of seconds)' % (path, value)
    if isinstance(value, bool) or value is None:
        raise error(problem)
    if isinstance(value, (int, float)):
        if value < 0:
            raise error(problem)
        return int(Decimal(str(value)) * NS_PER_S)
    if not isinstance(value, str):
        raise error(problem)
    text = value.strip()
    if _NUMBER_RE.match(text):
        return int(Decimal(text) * NS_PER_S)
    total = Decimal(0)
    pos = 0
    for match in _PART_RE.finditer(text):
        if match.start() != pos:
            raise error(problem)
        total += Decimal(match.group(1)) * UNITS[match.group(2)]
        pos = match.end()
    if pos == 0 or pos != len(text):
        raise error(problem)
    return int(total)
