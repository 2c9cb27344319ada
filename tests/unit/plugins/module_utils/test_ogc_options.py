# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options checked before any request."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.ogc import options

pytestmark = pytest.mark.unit


BASE = dict(url='https://gis.example.org/ows', service='wms', wait_timeout=10, timeout=5, wait_sleep=1)


@pytest.mark.parametrize('extra,problem', [
    (dict(service='wfs', get_map={}), 'get_map is a WMS option, but service is wfs'),
    (dict(service='wfs', get_feature=dict(count=1, min_count=1)), 'get_feature: count and min_count are mutually '
                                                                  'exclusive'),
    (dict(get_map=dict(bbox=[1, 2, 3])), 'get_map.bbox must be 4 numbers (minx, miny, maxx, maxy); got [1, 2, 3]'),
    (dict(get_map=dict(bbox=[10, 0, 5, 1])), 'get_map.bbox must have minx < maxx and miny < maxy'),
    (dict(service='wcs', get_coverage=dict(bbox=['a', 1, 2, 3])), 'get_coverage.bbox must be 4 numbers'),
    (dict(version='1.2.0'), 'version 1.2.0 is not a WMS version this module speaks (1.1.1, 1.3.0)'),
    (dict(url='gis.example.org/ows'), "url must be an http:// or https:// URL; got 'gis.example.org/ows'"),
    (dict(client_key='/etc/hostname'), 'client_key needs client_cert'),
    (dict(ca_path='/nonexistent/ca.crt'), 'ca_path /nonexistent/ca.crt cannot be read'),
    (dict(service='ogcapi-features', items=dict(limit=0)), 'items.limit must be at least 1; got 0'),
    (dict(service='wcs', describe_coverage=dict(coverage='a'), get_coverage=dict(coverage='b')),
     'describe_coverage.coverage (a) and get_coverage.coverage (b) differ'),
    (dict(get_map=dict(width=0)), 'get_map.width must be between 1 and 8192; got 0'),
    (dict(expect_layers=['']), 'expect_layers must not contain empty names'),
])
def test_option_problems(extra, problem):
    params = dict(BASE, **extra)
    problems = options.option_problems(params)
    assert any(problem in p for p in problems), problems


def test_good_options_have_no_problems():
    assert options.option_problems(dict(BASE, version='1.3.0', get_map=dict(bbox=[-180, -90, 180, 90]))) == []
