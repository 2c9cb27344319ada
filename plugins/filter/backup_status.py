# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: backup_status
short_description: The last successful backup of a stanza, and whether it is late
version_added: 0.4.0
description:
  - Reads the output of C(pgbackrest info --output=json) and gives the last backup that finished without error, its
    label, type, stop time, size and size in the repository, and its age.
  - The backup is late when it is older than twice the longest interval between two runs of the backup schedules
    (full, diff, incr), or when there is none.
options:
  _input:
    description: The parsed output of C(pgbackrest info --output=json).
    type: list
    elements: dict
    required: true
  stanza:
    description: The stanza.
    type: str
    required: true
  now:
    description: The time to measure the age at, in seconds since the epoch.
    type: int
    required: true
  schedules:
    description: The backup schedules by type (C(backup_schedules)).
    type: dict
    default: {}
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Show the last backup
  ansible.builtin.debug:
    msg: "{{ (info.stdout | from_json | geostack.swarm.backup_status('geostack', now(utc=true).timestamp() | int)).message }}"
"""

RETURN = r"""
_value:
  description: The last backup.
  type: dict
  contains:
    found:
      description: Whether there is a backup.
      type: bool
    label:
      description: Its label.
      type: str
    type:
      description: full, diff or incr.
      type: str
    time:
      description: When it stopped (UTC, ISO 8601).
      type: str
    size:
      description: The database's size, in bytes.
      type: int
    repo_size:
      description: What it added to the repository, in bytes.
      type: int
    age:
      description: Seconds since it stopped.
      type: int
    max_age:
      description: Twice the longest interval of the schedules, in seconds (null without a schedule).
      type: int
    late:
      description: Whether it is older than max_age (or missing).
      type: bool
    message:
      description: A line for people.
      type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.backup import status


def _backup_status(info, stanza, now, schedules=None):
    if not isinstance(info, list):
        raise AnsibleFilterError('backup_status expects the parsed output of pgbackrest info --output=json (a list)')
    return status(info, stanza, int(now), schedules or {})


class FilterModule(object):
    def filters(self):
        return {'backup_status': _backup_status}
