# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: pgbackrest_conf
short_description: A pgbackrest.conf from sections of options
version_added: 0.4.0
description:
  - Writes pgBackRest's configuration file, one C([section]) per key of the input, C(option=value) per option.
  - A list gives the option once per item (C(tls-server-auth)); V(null) leaves the option out; V(true) and V(false)
    are C(y) and C(n).
  - Fails on a section or option name pgBackRest would not read, or a value that is not one line (which could add
    options of its own to the file).
options:
  _input:
    description: The sections, in order, each a mapping of options to values.
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Make the repository host's configuration
  ansible.builtin.set_fact:
    conf: "{{ {'global': {'repo1-path': '/var/lib/pgbackrest', 'start-fast': true}, 'geostack': {'pg1-host': 'postgis'}}
              | geostack.swarm.pgbackrest_conf }}"
"""

RETURN = r"""
_value:
  description: The file's text.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.backup import conf


def _pgbackrest_conf(sections):
    if not isinstance(sections, dict):
        raise AnsibleFilterError('pgbackrest_conf expects a mapping of sections')
    try:
        return conf(sections)
    except ValueError as exc:
        raise AnsibleFilterError('pgbackrest_conf: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'pgbackrest_conf': _pgbackrest_conf}
