# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request URLs, and HTTP errors against a local server."""

from __future__ import annotations

import time

import ogc_helpers  # tests/unit/fixtures/ogc, on sys.path by tests/unit/conftest.py
import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.ogc import client, common

pytestmark = pytest.mark.unit

h = ogc_helpers


# ---- URLs ---------------------------------------------------------------------------------------------------------

def test_with_query_keeps_the_url_parameters():
    url = client.with_query('https://gis.example.org/cgi-bin/mapserv?map=/etc/world.map&Service=WFS',
                            [('SERVICE', 'WMS'), ('FORMAT', 'image/png; mode=8bit'), ('BBOX', '-90,-180,90,180')])
    assert url == ('https://gis.example.org/cgi-bin/mapserv?map=/etc/world.map&SERVICE=WMS'
                   '&FORMAT=image/png%3B%20mode%3D8bit&BBOX=-90,-180,90,180')
    assert client.sub_url('https://x/ogcapi/?f=json', 'collections', 'a b') == \
        'https://x/ogcapi/collections/a%20b?f=json'


# ---- HTTP against a local server ----------------------------------------------------------------------------------

@pytest.fixture
def server():
    srv = h.OgcServer()
    yield srv
    srv.stop()


def test_http_errors_name_the_request(server):
    server.add(h.fixture('nginx_502.html'), path='/bad', status=502, content_type='text/html')
    server.add(h.fixture('qgis_exception.xml'), path='/qgis', status=500)
    server.add(b'<html>forbidden</html>', path='/denied', status=403, content_type='text/html')
    http = client.Http(timeout=5)
    with pytest.raises(common.OgcError) as err:
        http.get(server.url('/bad'), 'WMS GetCapabilities')
    assert err.value.retry
    assert err.value.msg == ('WMS GetCapabilities at %s answered HTTP 502 Bad Gateway: 502 Bad Gateway nginx/1.22.1'
                             % server.url('/bad'))
    with pytest.raises(common.OgcError) as err:
        http.get(server.url('/qgis'), 'WMS GetCapabilities')
    assert err.value.retry and 'answered HTTP 500 Internal Server Error: ServiceException (Project file error): ' \
        'Project file error.' in err.value.msg
    with pytest.raises(common.OgcError) as err:
        http.get(server.url('/denied'), 'WMS GetCapabilities')
    assert not err.value.retry and 'answered HTTP 403 Forbidden: forbidden' in err.value.msg
    port = server.port
    server.stop()
    with pytest.raises(common.OgcError) as err:
        http.get('http://127.0.0.1:%d/ows' % port, 'WMS GetCapabilities')
    assert err.value.retry and err.value.msg.endswith('/ows: connection refused')


def test_http_sends_headers_and_reads_answers(server):
    server.add(h.fixture('mapserver_wms_130.xml'), path='/ows')
    http = client.Http(headers={'X-Probe': 'yes'}, timeout=5)
    response = http.get(server.url('/ows?map=/x.map'), 'WMS GetCapabilities', accept='text/xml')
    assert response.status == 200 and response.media_type == 'text/xml'
    assert response.body == h.fixture('mapserver_wms_130.xml')
    seen = server.seen[-1]
    assert seen.headers['X-Probe'] == 'yes' and seen.headers['Accept'] == 'text/xml'
    assert seen.params == {'MAP': '/x.map'}


def test_http_timeout(server):
    def slow(seen):
        time.sleep(1.5)
        return 200, 'text/xml', b'<a/>', {}
    server.add(slow, path='/slow')
    with pytest.raises(common.OgcError) as err:
        client.Http(timeout=1).get(server.url('/slow'), 'WMS GetCapabilities')
    assert err.value.retry and 'no answer within 1s (timeout)' in err.value.msg


def test_http_400_with_an_internal_exception_report_is_retried(server):
    # MapServer answers HTTP 400 with an exception report when its database is not reachable (yet): try again later.
    internal = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                b'<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/2.0" version="2.0.1">\n'
                b'  <ows:Exception exceptionCode="Internal" locator="mapserv">\n'
                b'    <ows:ExceptionText>msWCSGetCoverageMetadata20(): Unable to access file. no connection to the '
                b'server</ows:ExceptionText>\n  </ows:Exception>\n</ows:ExceptionReport>\n')
    server.add(internal, path='/internal', status=400)
    server.add(internal.replace(b'"Internal"', b'"NoSuchCoverage"'), path='/request', status=400)
    http = client.Http(timeout=5)
    with pytest.raises(common.OgcError) as err:
        http.get(server.url('/internal'), 'WCS GetCapabilities')
    assert err.value.retry and 'answered HTTP 400 Bad Request: ServiceException (Internal): ' in err.value.msg
    with pytest.raises(common.OgcError) as err:
        http.get(server.url('/request'), 'WCS DescribeCoverage')
    assert not err.value.retry
