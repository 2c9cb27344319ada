# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make ``ansible_collections.geostack.swarm`` importable from this checkout, wherever it is cloned.

``<repo>/.collections/ansible_collections/geostack/swarm`` (made by ``make install``) is used when it points at this
checkout; otherwise a temporary ``ansible_collections/geostack/swarm`` symlink tree is made for the test run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _collections_root():
    installed = os.path.join(REPO_ROOT, '.collections')
    link = os.path.join(installed, 'ansible_collections', 'geostack', 'swarm')
    if os.path.exists(link) and os.path.realpath(link) == os.path.realpath(REPO_ROOT):
        return installed
    tmp = tempfile.mkdtemp(prefix='geostack-swarm-unit-')
    atexit.register(shutil.rmtree, tmp, True)
    namespace = os.path.join(tmp, 'ansible_collections', 'geostack')
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, 'swarm'))
    return tmp


_ROOT = _collections_root()
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

# Test helpers shared by the unit tests (tests/unit/fixtures/ogc/ogc_helpers.py: a local OGC server, PNG writer, TLS).
_OGC_FIXTURES = os.path.join(REPO_ROOT, 'tests', 'unit', 'fixtures', 'ogc')
if _OGC_FIXTURES not in sys.path:
    sys.path.insert(0, _OGC_FIXTURES)
