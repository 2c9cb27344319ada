# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.filter.regex_problem import FilterModule, regex_problem

pytestmark = pytest.mark.unit


def test_a_pattern_has_no_problem():
    assert regex_problem('(?i)error|warn') == ''
    assert FilterModule().filters()['regex_problem'] is regex_problem


def test_a_bad_pattern_says_why():
    assert 'missing ), unterminated subpattern' in regex_problem('(unclosed')
    assert 'nothing to repeat' in regex_problem('*a')


def test_not_a_string():
    with pytest.raises(AnsibleFilterError):
        regex_problem(5)
