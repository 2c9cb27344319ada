# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: scheduler_registry_login
short_description: The scheduler's login to the swarm's registry, or what is wrong with scheduler_docker_config
version_added: 0.4.0
description:
  - From the manager's Docker client configuration (C(scheduler_docker_config), as M(ansible.builtin.slurp) read it),
    the login to the swarm's registry alone, which the scheduler creates its runs with, so that a worker can pull a
    run's image.
  - With a registry that asks for authentication, a missing file, a file that is not a Docker client configuration, or
    one without a login for that registry (a credential helper's, for one) is a problem naming C(scheduler_docker_config).
  - Without a registry, or with one that asks for none (an empty O(endpoint)), nothing is needed and nothing is read.
positional: endpoint, path
options:
  _input:
    description: The result of M(ansible.builtin.slurp) on the file (C(content), base64); failed or skipped when absent.
    type: dict
    required: true
  endpoint:
    description: The registry, C(ADDRESS:PORT) (C(registry_endpoint)); empty when no login is needed.
    type: str
    required: true
  path:
    description: The file's path, for the message.
    type: str
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Read the manager's Docker client configuration
  ansible.builtin.slurp:
    src: "{{ scheduler_docker_config }}"
  register: docker_config
  failed_when: false
  no_log: true

- name: Check that it holds the login to the registry
  ansible.builtin.assert:
    that: (docker_config | geostack.swarm.scheduler_registry_login(registry_endpoint, scheduler_docker_config)).problem == ''
"""

RETURN = r"""
_value:
  description: "C(auths), C({ENDPOINT: {auth: ...}}) or empty; C(problem), a message naming the variable, or empty."
  type: dict
"""

import base64
import binascii

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import registry_login


def _scheduler_registry_login(slurped, endpoint, path):
    if not isinstance(slurped, dict):
        raise AnsibleFilterError('scheduler_registry_login expects the result of slurp on scheduler_docker_config')
    content = None
    if slurped.get('content') and not slurped.get('failed'):
        try:
            content = base64.b64decode(slurped['content']).decode('utf-8')
        except (binascii.Error, ValueError):
            content = ''
    return registry_login(content, endpoint or '', path)


class FilterModule(object):
    def filters(self):
        return dict(scheduler_registry_login=_scheduler_registry_login)
