# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: backup_problems
short_description: What is wrong with the variables of geostack.swarm.backup
version_added: 0.4.0
description:
  - Checks the backup role's variables before anything changes, each problem naming its variable.
  - Refused, among others, an invalid cron expression in C(backup_schedules), a retention of 0, an
    C(backup_archive_timeout) above 60 seconds, a passphrase shorter than 20 characters, and C(backup_node) equal to
    C(postgis_node) while the swarm has other hosts (unless C(backup_allow_same_node)).
options:
  _input:
    description:
      - The role's variables by name (C(backup_stanza), C(backup_archive_timeout), C(backup_retention_full),
        C(backup_retention_full_type), C(backup_retention_diff), C(backup_schedules), C(backup_time_zone),
        C(backup_cipher_passphrase), C(backup_volume), C(backup_node_label), C(backup_port), C(backup_metrics_port), C(backup_node),
        C(backup_allow_same_node)), plus C(hosts), the swarm's hosts in the inventory, and
        C(postgis_node).
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Check the backup variables
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'backup_stanza': 'geostack', 'hosts': ['node1']} | geostack.swarm.backup_problems }}"
"""

RETURN = r"""
_value:
  description: The problems, each a sentence naming its variable; empty when there is none.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.backup import problems


def _backup_problems(variables):
    if not isinstance(variables, dict):
        raise AnsibleFilterError('backup_problems expects a mapping of the variables')
    return problems(variables)


class FilterModule(object):
    def filters(self):
        return {'backup_problems': _backup_problems}
