# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: upgrade_problems
short_description: What refuses an upgrade of the stack before anything changes
version_added: 0.4.0
description:
  - The problems of the upgrade verb's request, each naming its variable, an empty list when there is none.
  - A service of O(_input) (C(upgrade_services)) that O(declared) does not list.
  - >-
      A PostgreSQL major version change, when PostGIS (or its backup, which runs the same image) is upgraded: the major
      of O(image_version) (the PostGIS image's version, C(15-3.3)) differs from the C(PG_VERSION) of the data volume
      on a host (O(data_versions)). The message names the documented path (dump and restore, or pg_upgrade).
options:
  _input:
    description: The services to upgrade (C(upgrade_services)); empty means every declared service.
    type: list
    elements: str
    required: true
  declared:
    description: The stack's services (C(geostack_services), with the scheduler when it is deployed).
    type: list
    elements: str
    required: true
  data_versions:
    description: The C(PG_VERSION) of the PostGIS data volume by host, for the hosts where the volume exists.
    type: dict
    default: {}
  image_version:
    description: The version of the PostGIS image that the upgrade deploys (C(15-3.3)), or its reference.
    type: str
    default: ""
  postgis_volume:
    description: The data volume's name (C(postgis_volume)), for the message.
    type: str
    default: postgis_data
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse a bad upgrade request
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ upgrade_services | geostack.swarm.upgrade_problems(geostack_services, data_versions={'node3': '15'},
                                                            image_version='16-3.4') }}
"""

RETURN = r"""
_value:
  description: The problems, one sentence each.
  type: list
  elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.operate.upgrade import upgrade_problems


def _upgrade_problems(services, declared, data_versions=None, image_version='', postgis_volume='postgis_data'):
    return upgrade_problems(services, list(declared or []), dict(data_versions or {}), image_version,
                            postgis_volume=postgis_volume)


class FilterModule(object):
    def filters(self):
        return {'upgrade_problems': _upgrade_problems}
