# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: regex_problem
short_description: Why a string is not a Python regular expression (empty when it is one)
version_added: 0.3.0
description:
  - Compiles the input with Python's C(re) module, as M(geostack.swarm.service_logs) does with its O(grep), and returns
    the compiler's message when it fails, or an empty string. A play uses it to refuse a bad pattern before acting,
    naming its variable.
options:
  _input:
    description: The pattern.
    type: str
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse a bad pattern, naming the variable
  ansible.builtin.assert:
    that: logs_grep | geostack.swarm.regex_problem | length == 0
    fail_msg: "logs_grep={{ logs_grep }} is not a regular expression: {{ logs_grep | geostack.swarm.regex_problem }}"
"""

RETURN = r"""
_value:
  description: The compiler's message, such as V(missing ), unterminated subpattern at position 0), or V('').
  type: str
"""

import re

from ansible.errors import AnsibleFilterError


def regex_problem(pattern):
    if not isinstance(pattern, str):
        raise AnsibleFilterError('regex_problem: the pattern must be a string, got %s' % type(pattern).__name__)
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return ''


class FilterModule(object):
    def filters(self):
        return dict(regex_problem=regex_problem)
