# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The table of probes and what its classes do differently (the probes' requests and checks are tested through
ogc_probe's main(), tests/unit/plugins/modules/test_ogc_probe.py)."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.ogc import common, probe, probes

pytestmark = pytest.mark.unit


def test_one_probe_a_service():
    assert sorted(probes.PROBES) == sorted(common.SERVICES)
    for service, cls in probes.PROBES.items():
        made = cls(None, dict(service=service, url='http://x/ows'))
        assert isinstance(made, probe.Probe) and made.service == service
        assert made.label == common.LABELS[service] and made.item_word
    assert [s for s, cls in probes.PROBES.items() if issubclass(cls, probe.OwsProbe)] == ['wms', 'wfs', 'wcs', 'wmts']


def test_only_wfs_names_match_without_their_prefix():
    wfs, wms = probes.PROBES['wfs'], probes.PROBES['wms']
    assert wfs.matches('ms:countries', 'countries') and wfs.matches('countries', 'ms:countries')
    assert not wfs.matches('ms:countries', 'qgis:countries') and wfs.matches('ms:countries', 'ms:countries')
    assert not wms.matches('ms:countries', 'countries') and wms.matches('countries', 'countries')
