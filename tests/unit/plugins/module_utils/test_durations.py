# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.durations import parse_duration

S = 10 ** 9


@pytest.mark.parametrize('value, ns', [
    (10, 10 * S), (0, 0), (1.5, 1500 * 10 ** 6), ('10', 10 * S), ('2.5', 2500 * 10 ** 6), (' 7776000 ', 7776000 * S),
    ('10s', 10 * S), ('1m30s', 90 * S), ('500ms', 500 * 10 ** 6), ('1.5h', 5400 * S), ('2m0.5s', 120 * S + S // 2),
    ('100us', 100000), (u'100\u00b5s', 100000), ('7ns', 7), ('90d', 90 * 86400 * S), ('2160h', 90 * 86400 * S),
    (' 30 m ', 30 * 60 * S), ('1h 30m', 5400 * S),
])
def test_accepts_the_units_of_swarm_settings_and_of_stacks(value, ns):
    assert parse_duration(value, 'x') == ns


@pytest.mark.parametrize('value', ['ten', '1y', '90 days', '-5s', -1, True, False, None, '', 's', '5s3', [5], {}])
def test_refuses_naming_the_path(value):
    with pytest.raises(ValueError, match=r'^a\.b: .* is not a duration \(such as'):
        parse_duration(value, 'a.b')


def test_raises_the_callers_error():
    class Mine(ValueError):
        pass

    with pytest.raises(Mine):
        parse_duration('soon', 'x', Mine)
