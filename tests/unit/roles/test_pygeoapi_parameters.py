# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pygeoapi image's WSGI wrapper (roles/images/files/recipes/pygeoapi/geostack_pygeoapi.py): unknown query
parameters on the features paths answer 400, from the names of pygeoapi's own OpenAPI document (its shape as pygeoapi
0.21 generates it for a PostgreSQL collection)."""

from __future__ import annotations

import importlib.util
import json
import os

import pytest

pytestmark = pytest.mark.unit

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPEC = importlib.util.spec_from_file_location(
    'geostack_pygeoapi', os.path.join(REPO, 'roles', 'images', 'files', 'recipes', 'pygeoapi', 'geostack_pygeoapi.py'))
wrapper = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(wrapper)

OAPIF = 'https://schemas.opengis.net/ogcapi/features/part1/1.0/openapi/ogcapi-features-1.yaml'
DOC = {
    'components': {'parameters': {
        'f': {'name': 'f', 'in': 'query'}, 'lang': {'name': 'lang', 'in': 'query'},
        'bbox': {'name': 'bbox', 'in': 'query'}, 'crs': {'name': 'crs', 'in': 'query'},
        'bbox-crs': {'name': 'bbox-crs', 'in': 'query'}, 'offset': {'name': 'offset', 'in': 'query'},
        'skipGeometry': {'name': 'skipGeometry', 'in': 'query'},
        'vendorSpecificParameters': {'name': 'vendorSpecificParameters', 'in': 'query',
                                     'schema': {'type': 'object', 'additionalProperties': True}}}},
    'paths': {
        '/collections/places/items': {'get': {'parameters': [
            {'$ref': '#/components/parameters/f'}, {'$ref': '#/components/parameters/lang'},
            {'$ref': '#/components/parameters/bbox'}, {'name': 'limit', 'in': 'query'},
            {'$ref': '#/components/parameters/crs'}, {'$ref': '#/components/parameters/bbox-crs'},
            {'name': 'properties', 'in': 'query'}, {'$ref': '#/components/parameters/vendorSpecificParameters'},
            {'$ref': '#/components/parameters/skipGeometry'},
            {'$ref': 'https://raw.githubusercontent.com/opengeospatial/ogcapi-records/master/core/openapi/parameters/sortby.yaml'},
            {'$ref': '#/components/parameters/offset'}, {'name': 'fid', 'in': 'query'}, {'name': 'name', 'in': 'query'}]}},
        '/collections/places/items/{featureId}': {'get': {'parameters': [
            {'$ref': OAPIF + '#/components/parameters/featureId'}, {'$ref': '#/components/parameters/crs'},
            {'$ref': '#/components/parameters/f'}, {'$ref': '#/components/parameters/lang'}]}},
        '/collections/places': {'get': {'parameters': [{'$ref': '#/components/parameters/f'}]}},
    },
}


@pytest.fixture
def names():
    return wrapper.parameter_names(DOC)


def test_the_names_of_each_features_path(names):
    by_path = dict((p.pattern, n) for p, n in names.items())
    assert len(by_path) == 2
    items = [n for p, n in by_path.items() if p.endswith('items/?\\Z')][0]
    assert items == {'f', 'lang', 'bbox', 'limit', 'crs', 'bbox-crs', 'properties', 'skipGeometry', 'sortby', 'offset',
                     'fid', 'name'}


@pytest.mark.parametrize('path, query, unknown', [
    ('/collections/places/items', 'f=json&limit=2&offset=4&bbox=-10,35,30,60&name=Paris&sortby=name', []),
    ('/collections/places/items/', 'f=json', []),
    ('/collections/places/items', 'ooga=booga&f=json', ['ooga']),
    ('/collections/places/items', 'vendorSpecificParameters=x&z=&f=json', ['vendorSpecificParameters', 'z']),
    ('/collections/places/items/5', 'f=json&crs=http://www.opengis.net/def/crs/EPSG/0/3857', []),
    ('/collections/places/items/5', 'limit=2', ['limit']),
    # Other paths are pygeoapi's own business.
    ('/collections/places', 'ooga=booga', []),
    ('/collections/other/items', 'ooga=booga', []),
    ('/', 'ooga=booga', []),
])
def test_unknown_parameters(names, path, query, unknown):
    assert wrapper.unknown_parameters(names, path, query) == unknown


def test_the_middleware_answers_400_or_passes_on(names):
    calls = []

    def app(environ, start_response):
        calls.append(environ['PATH_INFO'])
        start_response('200 OK', [])
        return [b'ok']

    started = []
    middleware = wrapper.RefuseUnknownParameters(app, names)
    body = middleware({'PATH_INFO': '/collections/places/items', 'QUERY_STRING': 'ooga=booga'},
                      lambda status, headers: started.append((status, dict(headers))))
    assert started[0][0] == '400 Bad Request' and started[0][1]['Content-Type'] == 'application/json'
    assert json.loads(b''.join(body)) == {'code': 'InvalidParameterValue', 'description': 'Unknown query parameter(s): ooga'}
    assert calls == []
    assert middleware({'PATH_INFO': '/collections/places/items', 'QUERY_STRING': 'limit=1'},
                      lambda status, headers: started.append(status)) == [b'ok']
    assert calls == ['/collections/places/items'] and started[-1] == '200 OK'
