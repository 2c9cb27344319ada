# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: backup_max_age
short_description: The age after which the last backup is late
version_added: 0.4.0
description:
  - Twice the longest interval between two runs of the backup schedules (full, diff, incr; check and verify do not
    count), in seconds; V(0) when no backup is scheduled (then a backup is never late).
  - The rule of M(geostack.swarm.backup_status), given to the repository host's metrics (C(geostack_backup_late)).
options:
  _input:
    description: The backup schedules by type (C(backup_schedules)), valid cron expressions.
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Work out when a backup is late
  ansible.builtin.set_fact:
    max_age: "{{ backup_schedules | geostack.swarm.backup_max_age }}"
"""

RETURN = r"""
_value:
  description: Seconds; 0 without a backup schedule.
  type: int
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.backup import max_age


def _backup_max_age(schedules):
    if not isinstance(schedules, dict):
        raise AnsibleFilterError('backup_max_age expects the backup schedules by type (backup_schedules)')
    return max_age(schedules) or 0


class FilterModule(object):
    def filters(self):
        return {'backup_max_age': _backup_max_age}
