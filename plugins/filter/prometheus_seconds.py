# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: prometheus_seconds
short_description: The seconds of a Prometheus duration
version_added: 0.4.0
description:
  - Reads a duration as Prometheus 2.42 does (units V(y), V(w), V(d), V(h), V(m), V(s), V(ms), largest first, each
    once, such as V(1h30m)) and gives its seconds. Fails on anything else
    (M(geostack.swarm.monitoring_problems#filter) reports it first, naming the variable).
options:
  _input:
    description: The duration.
    type: str
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: The scrape timeout, at most 10 seconds
  ansible.builtin.set_fact:
    timeout: "{{ [monitoring_scrape_interval | geostack.swarm.prometheus_seconds, 10] | min }}"
"""

RETURN = r"""
_value:
  description: Seconds (an integer when the duration has no milliseconds).
  type: float
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.monitoring import duration_seconds


def prometheus_seconds(value):
    seconds = duration_seconds(value)
    if seconds is None:
        raise AnsibleFilterError('prometheus_seconds: %r is not a Prometheus duration such as 30s or 1h30m' % (value,))
    return seconds


class FilterModule(object):
    def filters(self):
        return dict(prometheus_seconds=prometheus_seconds)
