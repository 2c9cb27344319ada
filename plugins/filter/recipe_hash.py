# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: recipe_hash
short_description: A digest of an image recipe, for tagging the image it builds
version_added: 0.2.0
description:
  - Reads files and directories on the controller (as filters do, where the play runs) and returns the SHA-256 of their
    contents, together with extra values such as the base image's ID and the build arguments that change the result.
  - Each file counts by its path relative to the directory given (or its name, for a file given directly) and its
    contents; modes, owners and times do not count, so a checkout, a copy or a collection install of an unchanged
    recipe gives the same digest. Directories named C(__pycache__) or C(.git), and C(*.pyc) files, are skipped.
  - The same inputs always give the same digest; changing one byte of one file, renaming a file or changing an extra
    value gives another. The role C(geostack.swarm.images) tags images with its first 12 characters, so a rerun with
    unchanged recipes finds its images and builds nothing.
positional: extra
options:
  _input:
    description: Paths of the recipe's files or directories on the controller.
    type: list
    elements: path
    required: true
  extra:
    description:
      - Further values that change the result (base image ID, mirror URLs, versions); their order counts.
      - A mapping counts by its sorted items.
    type: raw
    default: []
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Tag the PostGIS image with its recipe's digest
  ansible.builtin.set_fact:
    postgis_tag: "15-3.3-{{ digest[:12] }}"
  vars:
    digest: "{{ [role_path ~ '/files/recipes/postgis'] | geostack.swarm.recipe_hash([base_image_id, images_debian_mirror]) }}"
"""

RETURN = r"""
_value:
  description: The SHA-256 digest, 64 hexadecimal characters.
  type: str
"""

import hashlib
import json
import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_bytes, to_text

SKIPPED_DIRS = ('__pycache__', '.git')
SKIPPED_SUFFIXES = ('.pyc',)


def _files(path):
    """(relative name, absolute path) of every file under path, sorted by name."""
    if os.path.isfile(path):
        return [(os.path.basename(path), path)]
    if not os.path.isdir(path):
        raise AnsibleFilterError('recipe_hash: %s is neither a file nor a directory on the controller' % path)
    found = []
    for root, dirs, files in os.walk(path, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in files:
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            full = os.path.join(root, name)
            found.append((os.path.relpath(full, path).replace(os.sep, '/'), full))
    return sorted(found)


def recipe_hash(paths, extra=None):
    if isinstance(paths, (str, bytes)):
        paths = [paths]
    if not isinstance(paths, (list, tuple)):
        raise AnsibleFilterError('recipe_hash: expected a list of paths, got %s' % type(paths).__name__)
    if extra is None:
        extra = []
    elif isinstance(extra, dict):
        extra = sorted((to_text(k), extra[k]) for k in extra)
    elif not isinstance(extra, (list, tuple)):
        extra = [extra]
    digest = hashlib.sha256()
    for index, path in enumerate(paths):
        digest.update(b'path\0%d\0' % index)
        for name, full in _files(to_text(path)):
            size = os.path.getsize(full)
            digest.update(b'file\0' + to_bytes(name) + b'\0%d\0' % size)
            with open(full, 'rb') as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b''):
                    digest.update(chunk)
    try:
        digest.update(b'extra\0' + to_bytes(json.dumps(list(extra), sort_keys=True, default=to_text)))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('recipe_hash: extra values must be plain data: %s' % exc)
    return digest.hexdigest()


class FilterModule(object):
    def filters(self):
        return dict(recipe_hash=recipe_hash)
