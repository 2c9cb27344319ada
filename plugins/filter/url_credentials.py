# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: url_credentials
short_description: Take the credentials out of a URL
version_added: 0.3.0
description:
  - Splits C(scheme://user:password@host/path) into the URL without C(user:password@) and the percent-decoded user
    name and password, so that a task can give the URL (shown in labels and messages) and the credentials (given to a
    module's no_log option such as M(ansible.builtin.get_url)'s O(ansible.builtin.get_url#module:url_password))
    separately.
options:
  _input:
    description: The URL.
    type: str
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Download without showing the password
  ansible.builtin.get_url:
    url: "{{ (source | geostack.swarm.url_credentials).url }}"
    url_username: "{{ (source | geostack.swarm.url_credentials).username | default(omit, true) }}"
    url_password: "{{ (source | geostack.swarm.url_credentials).password | default(omit, true) }}"
    dest: /tmp/data.gpkg
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The parts of the URL.
  type: dict
  contains:
    url:
      description: The URL without its credentials.
      type: str
    username:
      description: The user name, percent-decoded; null without credentials.
      type: str
    password:
      description: The password, percent-decoded; null when the URL has none.
      type: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.geodata import url_credentials


def _url_credentials(url):
    bare, username, password = url_credentials(url)
    return dict(url=bare, username=username, password=password)


class FilterModule(object):
    def filters(self):
        return dict(url_credentials=_url_credentials)
