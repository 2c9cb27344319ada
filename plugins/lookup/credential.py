# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: credential
short_description: A secret generated on the first run and kept on the controller
version_added: 0.3.0
description:
  - Returns the secret kept in the file O(_terms) under O(directory) on the controller, generating it there on the
    first call (mode 0600, the directory 0700). Every generated secret of the collection comes from here, so they are
    all made and kept the same way, and a rerun reads the same value.
  - Generation and storage are those of C(ansible.builtin.password) (random from the system's generator, a lock so
    that hosts asking at once get the same value); this lookup fixes the lengths and alphabets.
  - O(kind=password) is 32 letters and digits. O(kind=bcrypt_salt) is a bcrypt salt, 22 characters of bcrypt's
    alphabet (C(./A-Za-z0-9)) with the unused bits of the last one cleared, as bcrypt expects.
options:
  _terms:
    description:
      - Names of the secrets, each a file name in O(directory) (letters, digits, C(_), C(.) and C(-); no path).
    type: list
    elements: str
    required: true
  directory:
    description:
      - Directory on the controller that keeps the secrets. By default the variable C(geostack_credentials_dir) of
        geostack.swarm.stack.
    type: path
    required: true
    vars:
      - name: geostack_credentials_dir
  kind:
    description: What to generate when the file does not exist yet.
    type: str
    choices: [password, bcrypt_salt]
    default: password
notes:
  - The secrets are kept in clear, as C(ansible.builtin.password) keeps them; protect O(directory) (or set the
    variables that would use them from Ansible Vault instead).
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: The registry's password and the salt of its htpasswd entry, generated once
  ansible.builtin.set_fact:
    htpasswd_line: >-
      geostack:{{ lookup('geostack.swarm.credential', 'registry')
                  | password_hash('bcrypt', salt=lookup('geostack.swarm.credential', 'registry_bcrypt_salt', kind='bcrypt_salt'),
                                  ident='2b') }}
  no_log: true
"""

RETURN = r"""
_raw:
  description: The secret of each name in O(_terms), in order.
  type: list
  elements: str
"""

import os
import re

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

# What each kind generates: the length and the characters given to ansible.builtin.password.
KINDS = {
    'password': dict(length=32, chars=['ascii_letters', 'digits']),
    'bcrypt_salt': dict(length=22, chars=['ascii_letters', 'digits', './']),
}

NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z')


def bcrypt_salt(value):
    """A bcrypt salt: 22 characters, the last one with only the 2 bits bcrypt uses (one of . O e u)."""
    if len(value) != 22 or any(c not in BCRYPT_ALPHABET for c in value):
        raise AnsibleLookupError('a bcrypt salt is 22 characters of %s, not %d others' % (BCRYPT_ALPHABET, len(value)))
    return value[:21] + BCRYPT_ALPHABET[BCRYPT_ALPHABET.index(value[21]) & 0x30]


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        directory = self.get_option('directory')
        kind = self.get_option('kind')
        if not directory:
            raise AnsibleLookupError('geostack.swarm.credential needs a directory (or geostack_credentials_dir)')
        password = lookup_loader.get('ansible.builtin.password', loader=self._loader, templar=self._templar)
        out = []
        for name in terms:
            if not isinstance(name, str) or not NAME.match(name):
                raise AnsibleLookupError('geostack.swarm.credential: %r is not a file name (letters, digits, _ . -)' % (name,))
            value = password.run([os.path.join(directory, name)], variables, **KINDS[kind])[0]
            out.append(bcrypt_salt(value) if kind == 'bcrypt_salt' else value)
        return out
