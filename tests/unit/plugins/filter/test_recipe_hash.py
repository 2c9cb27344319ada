# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.filter.recipe_hash import recipe_hash

pytestmark = pytest.mark.unit


@pytest.fixture
def recipe(tmp_path):
    root = tmp_path / 'recipe'
    (root / 'conf').mkdir(parents=True)
    (root / 'Dockerfile').write_text('FROM base\nRUN true\n')
    (root / 'conf' / 'nginx.conf').write_text('events {}\n')
    return root


def test_same_inputs_same_digest(recipe):
    first = recipe_hash([str(recipe)], ['sha256:abc', 'http://mirror'])
    assert first == recipe_hash([str(recipe)], ['sha256:abc', 'http://mirror'])
    assert len(first) == 64


def test_modes_and_times_do_not_count(recipe):
    before = recipe_hash([str(recipe)])
    os.chmod(str(recipe / 'Dockerfile'), 0o755)
    os.utime(str(recipe / 'Dockerfile'), (1, 1))
    assert recipe_hash([str(recipe)]) == before


@pytest.mark.parametrize('change', ['content', 'rename', 'new file', 'extra'])
def test_any_change_changes_the_digest(recipe, change):
    before = recipe_hash([str(recipe)], ['sha256:abc'])
    extra = ['sha256:abc']
    if change == 'content':
        (recipe / 'Dockerfile').write_text('FROM base\nRUN false\n')
    elif change == 'rename':
        (recipe / 'conf' / 'nginx.conf').rename(recipe / 'conf' / 'other.conf')
    elif change == 'new file':
        (recipe / 'entrypoint.sh').write_text('')
    else:
        extra = ['sha256:def']
    assert recipe_hash([str(recipe)], extra) != before


def test_file_boundaries_count(tmp_path):
    a, b = tmp_path / 'a', tmp_path / 'b'
    for d in (a, b):
        d.mkdir()
    (a / 'x').write_text('12')
    (a / 'y').write_text('3')
    (b / 'x').write_text('1')
    (b / 'y').write_text('23')
    assert recipe_hash([str(a)]) != recipe_hash([str(b)])


def test_caches_are_skipped(recipe):
    before = recipe_hash([str(recipe)])
    (recipe / '__pycache__').mkdir()
    (recipe / '__pycache__' / 'm.cpython-311.pyc').write_bytes(b'\0')
    (recipe / 'm.pyc').write_bytes(b'\0')
    assert recipe_hash([str(recipe)]) == before


def test_mapping_extra_is_order_independent(recipe):
    assert recipe_hash([str(recipe)], dict(a='1', b='2')) == recipe_hash([str(recipe)], dict(b='2', a='1'))


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(AnsibleFilterError, match='neither a file nor a directory'):
        recipe_hash([str(tmp_path / 'nope')])
