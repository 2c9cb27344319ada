# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: pg_scram_verifier
short_description: The SCRAM-SHA-256 verifier PostgreSQL stores for a password
version_added: 0.3.0
description:
  - Computes, on the controller, what PostgreSQL keeps in C(pg_authid.rolpassword) for a password under
    C(password_encryption = scram-sha-256) (RFC 5802 and RFC 7677, the password prepared by SASLprep as PostgreSQL does).
  - C(ALTER ROLE name PASSWORD 'SCRAM-SHA-256$...') with the verifier sets the password without the password itself
    ever reaching the server, its logs or C(pg_stat_activity).
  - The same password, salt and iterations always give the same verifier, so a rerun changes nothing; keep the salt
    with the password (a random one per role).
positional: salt, iterations
options:
  _input:
    description: The password.
    type: str
    required: true
  salt:
    description: The salt (at least 8 characters; its UTF-8 bytes are the salt).
    type: str
    required: true
  iterations:
    description: PBKDF2 iterations (PostgreSQL's default is 4096).
    type: int
    default: 4096
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: The owner's verifier, sent instead of the password
  ansible.builtin.set_fact:
    owner_verifier: "{{ postgis_owner_password | geostack.swarm.pg_scram_verifier(owner_salt) }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: C(SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>), base64.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.module_utils.postgres import SCRAM_ITERATIONS, scram_sha256


def pg_scram_verifier(password, salt, iterations=SCRAM_ITERATIONS):
    try:
        return scram_sha256(str(password), str(salt), int(iterations))
    except ValueError as exc:
        raise AnsibleFilterError('pg_scram_verifier: %s' % exc)


class FilterModule(object):
    def filters(self):
        return dict(pg_scram_verifier=pg_scram_verifier)
