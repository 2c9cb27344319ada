# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import stat

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.template import Templar

from ansible_collections.geostack.swarm.plugins.lookup.credential import BCRYPT_ALPHABET, DOCUMENTATION, LookupModule, bcrypt_salt

pytestmark = pytest.mark.unit


@pytest.fixture
def lookup():
    if lookup_loader.get('ansible.builtin.password') is None:
        init_plugin_loader()      # as ansible-playbook does: the builtin lookup it delegates to is then found
    # Its options come from its documentation, as when a play loads it.
    C.config.initialize_plugin_configuration_definitions('lookup', 'geostack.swarm.credential',
                                                         yaml.safe_load(DOCUMENTATION)['options'])
    loader = DataLoader()
    plugin = LookupModule(loader=loader, templar=Templar(loader=loader))
    plugin._load_name = 'geostack.swarm.credential'
    return plugin


def test_generated_once_kept_private_and_read_again(lookup, tmp_path):
    directory = tmp_path / 'credentials'
    first = lookup.run(['registry'], {}, directory=str(directory))
    assert len(first) == 1 and len(first[0]) == 32 and first[0].isalnum()
    assert (directory / 'registry').read_text().strip() == first[0]
    assert stat.S_IMODE((directory / 'registry').stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert lookup.run(['registry'], {}, directory=str(directory)) == first


def test_each_name_its_own_secret(lookup, tmp_path):
    one, two = lookup.run(['a', 'b'], {}, directory=str(tmp_path))
    assert one != two


def test_directory_from_geostack_credentials_dir(lookup, tmp_path):
    value = lookup.run(['postgis_owner'], {'geostack_credentials_dir': str(tmp_path)})
    assert (tmp_path / 'postgis_owner').read_text().strip() == value[0]


def test_a_kept_secret_is_used_as_it_is(lookup, tmp_path):
    (tmp_path / 'registry').write_text('chosen-by-the-operator\n')
    assert lookup.run(['registry'], {}, directory=str(tmp_path)) == ['chosen-by-the-operator']


def test_bcrypt_salt_random_kept_and_valid(lookup, tmp_path):
    salts = set()
    for name in ('s1', 's2', 's3'):
        salt = lookup.run([name], {}, directory=str(tmp_path), kind='bcrypt_salt')[0]
        assert len(salt) == 22 and all(c in BCRYPT_ALPHABET for c in salt)
        assert salt[-1] in '.Oeu'
        assert lookup.run([name], {}, directory=str(tmp_path), kind='bcrypt_salt')[0] == salt
        salts.add(salt)
    assert len(salts) == 3


def test_bcrypt_salt_accepted_by_bcrypt(lookup, tmp_path):
    bcrypt = pytest.importorskip('bcrypt')
    salt = lookup.run(['salt'], {}, directory=str(tmp_path), kind='bcrypt_salt')[0]
    hashed = bcrypt.hashpw(b'correct horse battery', ('$2b$10$' + salt).encode())
    assert hashed.decode().startswith('$2b$10$' + salt)
    assert bcrypt.checkpw(b'correct horse battery', hashed)


@pytest.mark.parametrize('last, cleared', [('.', '.'), ('/', '.'), ('N', '.'), ('O', 'O'), ('d', 'O'), ('e', 'e'),
                                           ('t', 'e'), ('u', 'u'), ('9', 'u')])
def test_bcrypt_salt_padding_bits_cleared(last, cleared):
    assert bcrypt_salt('A' * 21 + last) == 'A' * 21 + cleared


def test_bcrypt_salt_refuses_other_characters():
    with pytest.raises(AnsibleLookupError, match='22 characters'):
        bcrypt_salt('A' * 21 + '!')
    with pytest.raises(AnsibleLookupError, match='22 characters'):
        bcrypt_salt('A' * 12)


@pytest.mark.parametrize('name', ['../registry', 'sub/registry', '', '.hidden', 'two\nlines'])
def test_names_are_file_names(lookup, tmp_path, name):
    with pytest.raises(AnsibleLookupError, match='is not a file name'):
        lookup.run([name], {}, directory=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_no_directory(lookup):
    with pytest.raises(Exception, match='directory'):
        lookup.run(['registry'], {})
