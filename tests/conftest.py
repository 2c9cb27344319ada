# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test markers shared by every test suite of the collection."""

MARKERS = (
    'unit: fast tests without a Docker engine or network',
    'integration: tests against a real Docker engine',
    'firstplay: a playbook refuses bad input in its first play; only reads, so these run in parallel (pytest -n)',
    'molecule: Molecule scenarios',
    'build: the collection built, installed offline and documented',
    'slow: tests that take more than a few seconds',
)


def pytest_configure(config):
    for marker in MARKERS:
        config.addinivalue_line('markers', marker)
