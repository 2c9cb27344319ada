# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: pg_hba
short_description: PostGIS's pg_hba.conf and pg_ident.conf, and what is wrong with their input
version_added: 0.3.0
description:
  - Gives the client authentication rules of the stack's PostGIS, first match deciding.
  - The superuser logs in over the local Unix socket only, by C(peer) authentication from the container's C(postgres)
    user (C(docker exec), the setup job that shares the socket); no network line admits it.
  - The owner and the reader roles log in over TLS only (C(hostssl), C(scram-sha-256)), to the declared databases, from
    the back network's subnets; when the port is published, also from the front network's subnets (PostGIS is then on
    that network too, where Docker's DNS answers its names as well) and from O(_input.publish_clients). Every connection
    without TLS, and everything else, is rejected.
  - Problems (a client address that is not a network in CIDR form, a back network without a subnet) are returned in
    C(problems), naming the variable; the files are then empty.
options:
  _input:
    description: What the rules are made of.
    type: dict
    required: true
    suboptions:
      superuser:
        description: The superuser role (C(postgis_superuser)).
        type: str
        required: true
      owner:
        description: The data owner role (C(postgis_owner)).
        type: str
        required: true
      reader:
        description: The read-only role (C(postgis_reader)).
        type: str
        required: true
      databases:
        description: The databases the owner and the reader may connect to.
        type: list
        elements: str
        required: true
      back_subnets:
        description:
          - The back network's subnets (from Docker's IPAM). V(null) when the network is not read yet (the first
            play's check), in which case only the rest is checked.
        type: list
        elements: str
      front_subnets:
        description: The front network's subnets, admitted (over TLS) on a published port only.
        type: list
        elements: str
        default: []
      publish_clients:
        description: The client networks admitted on the published port (C(postgis_publish_clients)).
        type: list
        elements: str
        default: []
      published:
        description: Whether the port is published (C(postgis_publish_port) > 0).
        type: bool
        default: false
      monitor:
        description: The monitoring role (the PostgreSQL exporter's), admitted from the back network only; empty for none.
        type: str
        default: ""
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Make PostGIS's access rules
  ansible.builtin.set_fact:
    access: >-
      {{ {'superuser': 'postgres', 'owner': 'geostack', 'reader': 'geostack_reader', 'databases': ['gis'],
          'back_subnets': ['10.0.2.0/24']} | geostack.swarm.pg_hba }}
"""

RETURN = r"""
_value:
  description: The two files, and the problems.
  type: dict
  contains:
    hba:
      description: The content of pg_hba.conf (empty when there are problems).
      type: str
    ident:
      description: The content of pg_ident.conf (the map C(superuser), from the OS user C(postgres)).
      type: str
    problems:
      description: One message per problem, naming the variable.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.postgres import hba, hba_problems


def pg_hba(config):
    if not isinstance(config, dict):
        raise AnsibleFilterError('pg_hba: the input must be a dict, not %s' % type(config).__name__)
    missing = [key for key in ('superuser', 'owner', 'reader', 'databases') if not config.get(key)]
    if missing:
        raise AnsibleFilterError('pg_hba: %s missing' % ', '.join(missing))
    back = config.get('back_subnets')
    front = list(config.get('front_subnets') or [])
    clients = config.get('publish_clients') or []
    problems = hba_problems(clients, None if back is None else list(back), front)
    if problems or back is None:
        return {'hba': '', 'ident': '', 'problems': problems}
    files = hba(config['superuser'], config['owner'], config['reader'], list(config['databases']), list(back), front,
                list(clients), bool(config.get('published')), monitor=config.get('monitor') or None)
    return dict(files, problems=[])


class FilterModule(object):
    def filters(self):
        return dict(pg_hba=pg_hba)
