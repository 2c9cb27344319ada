# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: upgrade_kept_images
short_description: The images an upgrade of some services leaves as they run
version_added: 0.4.0
description:
  - >-
      For an upgrade of the services O(_input) only, C({image name: reference}) of the images that only the other
      declared services use, each the reference its service runs now (so that C(geostack_images) keeps it and the
      images role does not rebuild it). Empty when O(_input) is empty (every service is upgraded).
options:
  _input:
    description: The services to upgrade (C(upgrade_services)).
    type: list
    elements: str
    required: true
  declared:
    description: The stack's services.
    type: list
    elements: str
    required: true
  catalogue:
    description: >-
      The stack's catalogue, C({service: {image, needs}}).
    type: dict
    required: true
  running:
    description: >-
      The image reference each service runs now, C({service: reference}).
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Keep the images of the services not upgraded
  ansible.builtin.set_fact:
    geostack_images: "{{ upgrade_services | geostack.swarm.upgrade_kept_images(geostack_services, geostack__catalogue, running) }}"
"""

RETURN = r"""
_value:
  description: The references by image name.
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.operate.upgrade import kept_images


def _upgrade_kept_images(services, declared, catalogue, running):
    return kept_images(list(services or []), list(declared or []), dict(catalogue or {}), dict(running or {}))


class FilterModule(object):
    def filters(self):
        return {'upgrade_kept_images': _upgrade_kept_images}
