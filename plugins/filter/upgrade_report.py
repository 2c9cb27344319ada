# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: upgrade_report
short_description: What an upgrade changed, service by service
version_added: 0.4.0
description:
  - >-
      From the stack's services before and after the upgrade (RV(geostack.swarm.stack_status#module:services)), one
      entry per service, C({service, before, after, changed, rolled_back, update, line}); C(line) reads
      C(mapserver: geostack/mapserver:8.0-aaa -> geostack/mapserver:8.0-bbb), or C(..., rolled back (reason): task
      errors) when its update of this run rolled back, or C(... (unchanged)).
  - An image run by its ID (no registry) is shown shortened, with the image's version and recipe.
options:
  _input:
    description: The services before (C(stack_status)'s C(services)).
    type: list
    elements: dict
    required: true
  after:
    description: The services after.
    type: list
    elements: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ before.services | geostack.swarm.upgrade_report(after.services) | map(attribute='line') | list }}"
"""

RETURN = r"""
_value:
  description: One entry per service, sorted by service.
  type: list
  elements: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.operate.upgrade import upgrade_report


def _upgrade_report(before, after):
    return upgrade_report(before or [], after or [])


class FilterModule(object):
    def filters(self):
        return {'upgrade_report': _upgrade_report}
