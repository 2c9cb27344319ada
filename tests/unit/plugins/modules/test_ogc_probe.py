# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ogc_probe's main() against a local OGC server (http.server on 127.0.0.1) answering with MapServer / QGIS Server /
pygeoapi documents; the waiter runs on virtual time."""

from __future__ import annotations

import functools

import ogc_helpers  # tests/unit/fixtures/ogc, on sys.path by tests/unit/conftest.py
import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.waiter import Waiter
from ansible_collections.geostack.swarm.plugins.modules import ogc_probe

pytestmark = pytest.mark.unit

h = ogc_helpers
fixture = h.fixture


@pytest.fixture
def server():
    srv = h.OgcServer()
    yield srv
    srv.stop()


@pytest.fixture
def probe(make_module, outcome, monkeypatch, clock):
    """Run the module's main() with ``params``; ``on_sleep(n)`` is called at the n-th sleep of the waiter."""
    def run(check_mode=False, on_sleep=None, **params):
        module = make_module(ogc_probe, check_mode=check_mode, **params)
        monkeypatch.setattr(ogc_probe, 'new_module', lambda argument_spec, **kwargs: module)

        def sleep(seconds):
            clock.sleep(seconds)
            if on_sleep:
                on_sleep(len(clock.sleeps))
        monkeypatch.setattr(ogc_probe, 'Waiter', functools.partial(Waiter, clock=clock, sleeper=sleep))
        return outcome(ogc_probe.main)
    return run


def ok(res):
    assert not res.failed, res.msg
    assert res.result['changed'] is False
    return res.result


def failed(res, attempts=None):
    assert res.failed, res.result
    if attempts is not None:
        assert res.result['attempts'] == attempts, res.result
    return res.msg


def mapserver_wms(server, version='1.3.0'):
    server.add(fixture('mapserver_wms_130.xml' if version == '1.3.0' else 'mapserver_wms_111.xml'),
               request='GetCapabilities')
    return server


# ---- WMS ----------------------------------------------------------------------------------------------------------

def test_wms_130_getmap_sends_lat_lon_order_for_epsg_4326(server, probe):
    mapserver_wms(server).add(h.drawn_png(), request='GetMap', content_type='image/png')
    r = ok(probe(url=server.url(), service='wms', version='1.3.0', expect_layers=['countries'],
                 expect_title='World', get_map=dict(bbox=[-180, -90, 180, 90])))
    assert (r['service'], r['version'], r['title']) == ('wms', '1.3.0', 'geostack world (MapServer)')
    assert r['layers'] == ['world', 'countries', 'places']
    assert 'image/png' in r['formats'] and r['crs'][:2] == ['EPSG:4326', 'EPSG:3857']
    assert r['attempts'] == 1 and r['elapsed'] == 0
    caps = server.requests('GetCapabilities')[0].params
    assert caps == dict(SERVICE='WMS', REQUEST='GetCapabilities', VERSION='1.3.0')
    get_map = server.requests('GetMap')[0].params
    assert get_map == dict(SERVICE='WMS', VERSION='1.3.0', REQUEST='GetMap', LAYERS='countries', STYLES='',
                           CRS='EPSG:4326', BBOX='-90,-180,90,180', WIDTH='512', HEIGHT='256', FORMAT='image/png')
    m = r['get_map']
    assert m['bbox'] == [-90.0, -180.0, 90.0, 180.0] and m['axis_order'] == 'yx' and m['crs'] == 'EPSG:4326'
    assert (m['width'], m['height'], m['blank'], m['content_type']) == (512, 256, False, 'image/png')
    assert m['colors'] > 2 and m['bytes'] == len(h.drawn_png())
    assert 'BBOX=-90,-180,90,180' in m['url']


def test_wms_111_sends_srs_in_lon_lat_order_from_the_layer_extent(server, probe):
    mapserver_wms(server, '1.1.1').add(h.drawn_png(), request='GetMap', content_type='image/png')
    r = ok(probe(url=server.url(), service='wms', version='1.1.1', expect_layers=['countries'], get_map={}))
    assert r['version'] == '1.1.1'
    get_map = server.requests('GetMap')[0].params
    assert get_map['SRS'] == 'EPSG:4326' and 'CRS' not in get_map
    assert get_map['BBOX'] == '-180,-90,180,83.6451' and get_map['VERSION'] == '1.1.1'
    assert r['get_map']['axis_order'] == 'xy'


def test_wms_default_bbox_and_projected_crs(server, probe):
    mapserver_wms(server).add(h.drawn_png(), request='GetMap', content_type='image/png')
    ok(probe(url=server.url(), service='wms', get_map=dict(layers=['places'])))
    assert server.requests('GetMap')[-1].params['BBOX'] == '-41.3,-175.22,64.15,179.2166'
    ok(probe(url=server.url(), service='wms', expect_layers=['countries'], get_map=dict(crs='EPSG:3857')))
    sent = server.requests('GetMap')[-1].params
    assert sent['CRS'] == 'EPSG:3857' and sent['BBOX'] == '-20037500,-20037500,20037500,18438700'
    ok(probe(url=server.url(), service='wms', get_map=dict(bbox=[0, 0, 10, 10], axis_order='xy')))
    sent = server.requests('GetMap')[-1].params
    assert sent['BBOX'] == '0,0,10,10' and sent['LAYERS'] == 'world'   # the first named layer


def test_qgis_wms_keeps_the_map_parameter_and_reads_palette_png(server, probe):
    server.add(fixture('qgis_wms_130.xml'), request='GetCapabilities')
    palette = [(255, 255, 255), (20, 90, 160), (200, 200, 200)]
    png8 = h.make_png(512, 256, lambda x, y: ((x // 64 + y // 64) % 3,), color_type=3, depth=8, palette=palette,
                      trns=b'\x00')
    server.add(png8, request='GetMap', content_type='image/png; mode=8bit')
    r = ok(probe(url=server.url('/qgis/ows?MAP=/srv/qgis/world.qgs'), service='wms', expect_layers=['countries'],
                 get_map=dict(format='image/png; mode=8bit', transparent=True)))
    assert all(s.params['MAP'] == '/srv/qgis/world.qgs' for s in server.seen)
    assert server.requests('GetMap')[0].params['TRANSPARENT'] == 'TRUE'
    assert r['get_map']['colors'] == 3 and r['get_map']['blank'] is False


def test_retry_until_ready_502_then_refused_then_good(server, probe):
    mapserver_wms(server).add(fixture('nginx_502.html'), request='GetCapabilities', status=502,
                              content_type='text/html', times=1)
    server.add(h.drawn_png(), request='GetMap', content_type='image/png')

    def on_sleep(n):
        if n == 1:
            server.stop()      # the edge restarts: connection refused
        elif n == 2:
            server.start()
    r = ok(probe(on_sleep=on_sleep, url=server.url(), service='wms', expect_layers=['countries'], get_map={}))
    assert r['attempts'] == 3 and r['elapsed'] == 6
    assert len(server.requests('GetCapabilities')) == 2 and len(server.requests('GetMap')) == 1


def test_timeout_says_what_was_last_seen(server, probe, clock):
    server.add(fixture('nginx_502.html'), request='GetCapabilities', status=502, content_type='text/html')
    msg = failed(probe(url=server.url(), service='wms', wait_timeout=10), attempts=5)
    assert msg == ('timed out after 10s waiting for WMS at %s to answer; last seen: WMS GetCapabilities at '
                   '%s?SERVICE=WMS&REQUEST=GetCapabilities answered HTTP 502 Bad Gateway: 502 Bad Gateway '
                   'nginx/1.22.1' % (server.url(), server.url()))
    assert clock.sleeps == [3, 3, 3, 1]


def test_service_exception_is_retried_and_quoted(server, probe):
    server.add(fixture('mapserver_exception_130.xml'), request='GetCapabilities')
    msg = failed(probe(url=server.url(), service='wms', wait_timeout=6), attempts=3)
    assert msg.startswith('timed out after 6s waiting for WMS at %s to answer; last seen: ' % server.url())
    assert ': ServiceException: msDrawMap(): Image handling error. Failed to draw layer named \'countries\'. ' \
        'msPostGISLayerOpen(): Query error.' in msg


def test_not_xml_is_retried(server, probe):
    server.add(b'<html><body><h1>Service starting</h1></body></html>', request='GetCapabilities',
               content_type='text/html')
    msg = failed(probe(url=server.url(), service='wms', wait=False), attempts=1)
    assert msg == ('WMS GetCapabilities at %s answered text/html, not XML: Service starting' % server.url())


def test_wait_false_makes_one_attempt(server, probe, clock):
    server.add(fixture('nginx_502.html'), request='GetCapabilities', status=502, content_type='text/html')
    msg = failed(probe(url=server.url(), service='wms', wait=False), attempts=1)
    assert msg.startswith('WMS GetCapabilities at %s?SERVICE=WMS&REQUEST=GetCapabilities answered HTTP 502'
                          % server.url())
    assert clock.sleeps == []


def test_version_mismatch_fails_at_once(server, probe):
    mapserver_wms(server, '1.1.1')
    msg = failed(probe(url=server.url(), service='wms', version='1.3.0'), attempts=1)
    assert msg == 'WMS GetCapabilities at %s: version 1.1.1 served, 1.3.0 expected' % server.url()


def test_layer_not_listed(server, probe):
    mapserver_wms(server)
    res = probe(url=server.url(), service='wms', expect_layers=['countries', 'lakes'])
    assert failed(res, attempts=1) == ('WMS GetCapabilities at %s: layer lakes not listed; listed: world, countries, '
                                       'places' % server.url())
    assert res.result['layers'] == ['world', 'countries', 'places']   # what was learnt is returned


def test_title_mismatch(server, probe):
    mapserver_wms(server)
    msg = failed(probe(url=server.url(), service='wms', expect_title='QGIS'), attempts=1)
    assert msg.endswith(": title 'geostack world (MapServer)' does not contain 'QGIS'")


def test_getmap_exception_is_quoted(server, probe):
    mapserver_wms(server, '1.1.1').add(fixture('mapserver_exception_111.xml'), request='GetMap',
                                       content_type='application/vnd.ogc.se_xml')
    msg = failed(probe(url=server.url(), service='wms', get_map={}), attempts=1)
    assert msg.startswith('WMS GetMap returned application/vnd.ogc.se_xml: ServiceException (LayerNotDefined): '
                          'msWMSLoadGetMapParams(): WMS server error. Invalid layer(s) given in the LAYERS parameter.')
    mapserver_wms(server).add(fixture('mapserver_exception_130.xml'), request='GetMap', content_type='text/xml')
    msg = failed(probe(url=server.url(), service='wms', get_map={}, wait=False), attempts=1)
    assert msg.startswith('WMS GetMap returned text/xml: ServiceException: msDrawMap(): Image handling error.')


def test_getmap_database_error_is_retried(server, probe):
    mapserver_wms(server).add(h.drawn_png(), request='GetMap', content_type='image/png')
    server.add(fixture('mapserver_exception_130.xml'), request='GetMap', content_type='text/xml', times=1)
    r = ok(probe(url=server.url(), service='wms', get_map={}))
    assert r['attempts'] == 2 and r['get_map']['blank'] is False


@pytest.mark.parametrize('image,message', [
    (h.blank_png(), 'WMS GetMap image is blank (1 colour)'),
    (h.transparent_png(), 'WMS GetMap image is blank (fully transparent)'),
])
def test_getmap_blank(server, probe, image, message):
    mapserver_wms(server).add(image, request='GetMap', content_type='image/png')
    res = probe(url=server.url(), service='wms', get_map={})
    assert failed(res, attempts=1).startswith(message + ': ' + server.url())
    assert res.result['get_map']['blank'] is True and res.result['get_map']['colors'] == 1


def test_getmap_min_colors_and_no_blank_check(server, probe):
    mapserver_wms(server).add(h.drawn_png(), request='GetMap', content_type='image/png')
    msg = failed(probe(url=server.url(), service='wms', get_map=dict(min_colors=1000)), attempts=1)
    colours = ok(probe(url=server.url(), service='wms', get_map={}))['get_map']['colors']
    assert msg.startswith('WMS GetMap image has %d colours, min_colors 1000: ' % colours)
    server.add(h.blank_png(), request='GetMap', content_type='image/png')
    assert ok(probe(url=server.url(), service='wms', get_map=dict(min_colors=0)))['get_map']['blank'] is True


def test_getmap_wrong_answers(server, probe):
    mapserver_wms(server).add(h.drawn_png(256, 256), request='GetMap', content_type='image/png')
    assert failed(probe(url=server.url(), service='wms', get_map={})).startswith(
        'WMS GetMap image is 256x256, 512x256 requested')
    server.add(b'<html><body>Maintenance</body></html>', request='GetMap', content_type='text/html')
    assert failed(probe(url=server.url(), service='wms', get_map={}, wait=False)).startswith(
        'WMS GetMap returned text/html, image/png expected: Maintenance')
    server.add(b'\xff\xd8\xff\xe0JFIF', request='GetMap', content_type='image/jpeg')
    assert failed(probe(url=server.url(), service='wms', get_map={}), attempts=1).startswith(
        'WMS GetMap returned image/jpeg, image/png expected')


def test_getmap_format_must_be_listed(server, probe):
    mapserver_wms(server)
    msg = failed(probe(url=server.url(), service='wms', get_map=dict(format='image/webp')), attempts=1)
    assert msg.startswith('WMS GetMap at %s: format image/webp not listed; listed: image/png, image/jpeg' %
                          server.url())
    assert server.requests('GetMap') == []


def test_jpeg_map_is_checked_by_magic_bytes(server, probe):
    mapserver_wms(server).add(b'\xff\xd8\xff\xe0JFIF', request='GetMap', content_type='image/jpeg')
    r = ok(probe(url=server.url(), service='wms', get_map=dict(format='image/jpeg')))
    assert r['get_map']['colors'] is None and r['get_map']['blank'] is None


# ---- WFS ----------------------------------------------------------------------------------------------------------

def mapserver_wfs(server, hits=b''):
    server.add(fixture('mapserver_wfs_200.xml'), request='GetCapabilities')
    server.add(fixture('mapserver_wfs_200_features.xml'), request='GetFeature')
    server.add(hits or fixture('mapserver_wfs_200_hits.xml'), request='GetFeature', resulttype='hits')
    return server


def test_wfs_hits(server, probe):
    mapserver_wfs(server)
    r = ok(probe(url=server.url(), service='wfs', expect_layers=['countries'],
                 get_feature=dict(type_name='countries', count=177)))
    assert r['version'] == '2.0.0' and r['layers'] == ['ms:countries', 'ms:places']
    assert r['get_feature'] == dict(url=r['get_feature']['url'], type_name='ms:countries', count=177,
                                    number_matched=177, method='hits', complete=True)
    sent = server.requests('GetFeature')[0].params
    assert sent == dict(SERVICE='WFS', VERSION='2.0.0', REQUEST='GetFeature', TYPENAMES='ms:countries',
                        RESULTTYPE='hits')


def test_wfs_count_mismatch(server, probe):
    mapserver_wfs(server, hits=fixture('mapserver_wfs_200_hits.xml').replace(b'"177"', b'"170"'))
    msg = failed(probe(url=server.url(), service='wfs', get_feature=dict(type_name='countries', count=177)),
                 attempts=1)
    assert msg == 'WFS countries: 170 features, 177 expected'
    msg = failed(probe(url=server.url(), service='wfs', get_feature=dict(type_name='countries', min_count=171)))
    assert msg == 'WFS countries: 170 features, at least 171 expected'


def test_wfs_without_hits_counts_members(server, probe):
    mapserver_wfs(server, hits=fixture('mapserver_wfs_200_exception.xml'))
    r = ok(probe(url=server.url(), service='wfs', get_feature=dict(count=3)))
    f = r['get_feature']
    assert (f['method'], f['count'], f['number_matched'], f['complete'], f['type_name']) == \
        ('members', 3, None, True, 'ms:countries')
    sent = server.requests('GetFeature')[-1].params
    assert sent['COUNT'] == '4' and 'RESULTTYPE' not in sent


def test_wfs_members_at_the_limit_are_a_lower_bound(server, probe):
    mapserver_wfs(server)
    msg = failed(probe(url=server.url(), service='wfs', get_feature=dict(count=2, method='members')))
    assert msg == 'WFS ms:countries: at least 3 features, 2 expected'
    r = ok(probe(url=server.url(), service='wfs', get_feature=dict(method='members', max_features=3)))
    assert r['get_feature']['complete'] is False and r['get_feature']['count'] == 3


def test_wfs_geojson_members(server, probe):
    mapserver_wfs(server)
    server.add(fixture('countries.geojson'), request='GetFeature', content_type='application/json; subtype=geojson',
               outputformat='application/json; subtype=geojson')
    r = ok(probe(url=server.url(), service='wfs', get_feature=dict(
        method='members', output_format='application/json; subtype=geojson', min_count=4)))
    assert r['get_feature']['count'] == 4 and r['get_feature']['method'] == 'members'


def test_qgis_wfs_110_hits(server, probe):
    server.add(fixture('qgis_wfs_110.xml'), request='GetCapabilities')
    server.add(fixture('qgis_wfs_110_hits.xml'), request='GetFeature', resulttype='hits')
    r = ok(probe(url=server.url('/qgis/ows?MAP=/srv/qgis/world.qgs'), service='wfs', version='1.1.0',
                 get_feature=dict(type_name='countries', count=177)))
    assert r['get_feature']['method'] == 'hits' and r['get_feature']['count'] == 177
    assert server.requests('GetFeature')[0].params['TYPENAME'] == 'countries'


def test_wfs_100_counts_gml2_members(server, probe):
    server.add(fixture('mapserver_wfs_100.xml'), request='GetCapabilities')
    server.add(fixture('mapserver_wfs_100_features.xml'), request='GetFeature')
    r = ok(probe(url=server.url(), service='wfs', version='1.0.0', get_feature=dict(count=2)))
    assert r['get_feature']['method'] == 'members' and r['get_feature']['count'] == 2
    sent = server.requests('GetFeature')[0].params
    assert sent['MAXFEATURES'] == '3' and sent['TYPENAME'] == 'countries' and 'RESULTTYPE' not in sent


def test_wfs_feature_type_not_listed(server, probe):
    mapserver_wfs(server)
    msg = failed(probe(url=server.url(), service='wfs', get_feature=dict(type_name='lakes')), attempts=1)
    assert msg == 'WFS GetFeature at %s: feature type lakes not listed; listed: ms:countries, ms:places' % server.url()
    msg = failed(probe(url=server.url(), service='wfs', expect_layers=['ms:lakes']))
    assert msg.endswith(': feature type ms:lakes not listed; listed: ms:countries, ms:places')


# ---- WCS ----------------------------------------------------------------------------------------------------------

def test_wcs_201_describe_and_get_coverage(server, probe):
    server.add(fixture('mapserver_wcs_201.xml'), request='GetCapabilities')
    server.add(fixture('mapserver_wcs_201_describe.xml'), request='DescribeCoverage')
    server.add(fixture('elev.tif'), request='GetCoverage', content_type='image/tiff')
    r = ok(probe(url=server.url(), service='wcs', expect_layers=['elev'], get_coverage=dict(coverage='elev')))
    assert r['version'] == '2.0.1' and r['layers'] == ['elev', 'hillshade']
    d = r['describe_coverage']
    assert (d['coverage'], d['size'], d['bands'], d['axis_labels']) == ('elev', [1200, 600], 1, ['lat', 'long'])
    assert server.requests('DescribeCoverage')[0].params['COVERAGEID'] == 'elev'
    sent = server.requests('GetCoverage')[0].params
    assert sent == dict(SERVICE='WCS', VERSION='2.0.1', REQUEST='GetCoverage', COVERAGEID='elev',
                        FORMAT='image/tiff', SCALESIZE='long(512),lat(256)')
    c = r['get_coverage']
    assert (c['format'], c['content_type'], c['width'], c['height'], c['bands']) == ('tiff', 'image/tiff', 8, 4, 1)
    ok(probe(url=server.url(), service='wcs', get_coverage=dict(bbox=[5, 45, 8, 47], width=300, height=200)))
    pairs = server.requests('GetCoverage')[-1].pairs
    assert ('SUBSET', 'long(5,8)') in pairs and ('SUBSET', 'lat(45,47)') in pairs
    assert ('SCALESIZE', 'long(300),lat(200)') in pairs


def test_wcs_100_get_coverage_parameters_come_from_describe_coverage(server, probe):
    server.add(fixture('mapserver_wcs_100.xml'), request='GetCapabilities')
    server.add(fixture('mapserver_wcs_100_describe.xml'), request='DescribeCoverage')
    server.add(fixture('elev.tif'), request='GetCoverage', content_type='image/tiff')
    r = ok(probe(url=server.url(), service='wcs', version='1.0.0', describe_coverage=dict(coverage='elev'),
                 get_coverage=dict(format='image/tiff')))
    assert server.requests('DescribeCoverage')[0].params['COVERAGE'] == 'elev'
    sent = server.requests('GetCoverage')[0].params
    assert sent == dict(SERVICE='WCS', VERSION='1.0.0', REQUEST='GetCoverage', COVERAGE='elev', CRS='EPSG:4326',
                        BBOX='5,45,11,48', WIDTH='512', HEIGHT='256', FORMAT='GTiff')
    assert r['describe_coverage']['derived'] == dict(crs='EPSG:4326', bbox=[5.0, 45.0, 11.0, 48.0], size=[512, 256])
    assert r['get_coverage']['requested_format'] == 'GTiff' and r['get_coverage']['format'] == 'tiff'
    ok(probe(url=server.url(), service='wcs', get_coverage=dict(crs='EPSG:3857', bbox=[1, 2, 3, 4], width=10,
                                                                height=20)))
    sent = server.requests('GetCoverage')[-1].params
    assert (sent['CRS'], sent['BBOX'], sent['WIDTH'], sent['HEIGHT']) == ('EPSG:3857', '1,2,3,4', '10', '20')


def test_wcs_get_coverage_failures(server, probe):
    server.add(fixture('mapserver_wcs_201.xml'), request='GetCapabilities')
    server.add(fixture('mapserver_wcs_201_describe.xml'), request='DescribeCoverage')
    server.add(fixture('mapserver_wcs_201_exception.xml'), request='GetCoverage', content_type='text/xml')
    msg = failed(probe(url=server.url(), service='wcs', get_coverage={}, wait=False), attempts=1)
    assert msg.startswith('WCS GetCoverage of elev returned text/xml: ServiceException (NoApplicableCode): '
                          "msDrawRasterLayerLow(): Unable to access file. Corrupt, empty or missing file")
    server.add(h.drawn_png(8, 8), request='GetCoverage', content_type='image/png')
    msg = failed(probe(url=server.url(), service='wcs', get_coverage={}, wait=False))
    assert msg.startswith('WCS GetCoverage of elev returned image/png that is not a TIFF: ')
    msg = failed(probe(url=server.url(), service='wcs', get_coverage=dict(format='application/x-netcdf')))
    assert msg.startswith('WCS GetCoverage at %s (elev): format application/x-netcdf not offered; offered: '
                          'image/tiff, image/png, image/jpeg' % server.url())


def test_wcs_describe_only_and_unknown_coverage(server, probe):
    server.add(fixture('mapserver_wcs_201.xml'), request='GetCapabilities')
    server.add(fixture('mapserver_wcs_201_describe.xml'), request='DescribeCoverage')
    r = ok(probe(url=server.url(), service='wcs', describe_coverage={}))
    assert r['describe_coverage']['coverage'] == 'elev' and 'get_coverage' not in r
    assert server.requests('GetCoverage') == []
    msg = failed(probe(url=server.url(), service='wcs', describe_coverage=dict(coverage='dem')))
    assert msg.endswith(': coverage dem not listed; listed: elev, hillshade')


# ---- WMTS ---------------------------------------------------------------------------------------------------------

def test_wmts_get_tile(server, probe):
    server.add(fixture('qgis_wmts_100.xml'), request='GetCapabilities')
    server.add(h.drawn_png(256, 256), request='GetTile', content_type='image/png')
    r = ok(probe(url=server.url('/qgis/ows?MAP=/srv/qgis/world.qgs'), service='wmts', expect_layers=['countries'],
                 get_tile={}))
    assert r['version'] == '1.0.0' and r['crs'] == ['EPSG:3857', 'EPSG:4326']
    sent = server.requests('GetTile')[0].params
    assert sent == dict(MAP='/srv/qgis/world.qgs', SERVICE='WMTS', REQUEST='GetTile', VERSION='1.0.0',
                        LAYER='countries', STYLE='default', TILEMATRIXSET='EPSG:3857', TILEMATRIX='0', TILEROW='0',
                        TILECOL='0', FORMAT='image/png')
    t = r['get_tile']
    assert (t['width'], t['height'], t['blank'], t['tile_matrix_set']) == (256, 256, False, 'EPSG:3857')


def test_wmts_get_tile_checks(server, probe):
    server.add(fixture('qgis_wmts_100.xml'), request='GetCapabilities')
    server.add(h.blank_png(256, 256), request='GetTile', content_type='image/png')
    url = server.url()
    assert failed(probe(url=url, service='wmts', get_tile=dict(layer='countries'))).startswith(
        'WMTS GetTile image is blank (1 colour)')
    assert failed(probe(url=url, service='wmts', get_tile=dict(layer='countries', row=5))).endswith(
        ': tile row 5, col 0 outside tile matrix 0 (1 rows, 1 columns)')
    assert failed(probe(url=url, service='wmts', get_tile=dict(layer='world', tile_matrix_set='EPSG:4326'))).endswith(
        ': tile matrix set EPSG:4326 not linked to layer world; linked: EPSG:3857')
    assert failed(probe(url=url, service='wmts', get_tile=dict(layer='countries', tile_matrix='9'))).endswith(
        ': tile matrix 9 not in tile matrix set EPSG:3857; listed: 0, 1')
    assert len(server.requests('GetTile')) == 1


# ---- TMS ----------------------------------------------------------------------------------------------------------
def tile_map(server):
    """A TileMap as MapProxy 1.15 writes it (/tms/1.0.0/<layer>/<grid>), its tile sets under the test server."""
    base = server.url('/tms/1.0.0/countries/EPSG4326')
    sets = ''.join('<TileSet href="%s/%d" units-per-pixel="%s" order="%d" />' % (base, n, 0.703125 / 2 ** n, n)
                   for n in range(3))
    return ('<?xml version="1.0"?><TileMap version="1.0.0"><Title>Countries</Title><Abstract></Abstract>'
            '<SRS>EPSG:4326</SRS><BoundingBox minx="-180.0" miny="-90.0" maxx="180.0" maxy="90.0" />'
            '<Origin x="-180.0" y="-90.0" />'
            '<TileFormat width="256" height="256" mime-type="image/png" extension="png" />'
            '<TileSets profile="global-geodetic">%s</TileSets></TileMap>' % sets).encode()


def test_tms_tile_map_and_tile(server, probe):
    server.add(tile_map(server), path='/tms/1.0.0/countries/EPSG4326')
    server.add(h.drawn_png(256, 256), path='/tms/1.0.0/countries/EPSG4326/1/2/1.png', content_type='image/png')
    r = ok(probe(url=server.url('/tms/1.0.0/countries/EPSG4326'), service='tms', expect_title='countries',
                 get_tile=dict(tile_matrix='1', col=2, row=1)))
    assert (r['version'], r['title'], r['layers'], r['formats'], r['crs']) == (
        '1.0.0', 'Countries', ['0', '1', '2'], ['image/png'], ['EPSG:4326'])
    t = r['get_tile']
    assert t['url'].endswith('/tms/1.0.0/countries/EPSG4326/1/2/1.png')
    assert (t['tile_matrix'], t['width'], t['blank']) == ('1', 256, False)
    # Without get_tile, only the TileMap is read.
    assert ok(probe(url=server.url('/tms/1.0.0/countries/EPSG4326'), service='tms'))['layers'] == ['0', '1', '2']


def test_tms_checks(server, probe):
    server.add(tile_map(server), path='/tms/1.0.0/countries/EPSG4326')
    server.add(h.blank_png(256, 256), path='/tms/1.0.0/countries/EPSG4326/0/0/0.png', content_type='image/png')
    url = server.url('/tms/1.0.0/countries/EPSG4326')
    assert failed(probe(url=url, service='tms', get_tile={})).startswith('TMS tile image is blank (1 colour)')
    assert failed(probe(url=url, service='tms', get_tile=dict(tile_matrix='7'))).endswith(
        ': tile set 7 not listed; listed: 0, 1, 2')
    server.add(fixture('qgis_wmts_100.xml'), path='/wmts')
    assert 'not a TMS TileMap' in failed(probe(url=server.url('/wmts'), service='tms', get_tile={}))


# ---- OGC API Features ---------------------------------------------------------------------------------------------

def pygeoapi(server, items=None):
    base = server.url('/ogcapi')

    def doc(name):
        return fixture(name).replace(b'@BASE@', base.encode())
    server.add(doc('pygeoapi_landing.json'), path='/ogcapi', content_type='application/json')
    server.add(doc('pygeoapi_conformance.json'), path='/ogcapi/conformance', content_type='application/json')
    server.add(doc('pygeoapi_collections.json'), path='/ogcapi/collections', content_type='application/json')
    server.add(items or doc('pygeoapi_items.json'), path='/ogcapi/collections/countries/items',
               content_type='application/geo+json')
    server.add(doc('pygeoapi_not_found.json'), path='/ogcapi/collections/lakes/items', status=404,
               content_type='application/json')
    return base


def test_ogcapi_items_number_matched(server, probe):
    base = pygeoapi(server)
    r = ok(probe(url=base, service='ogcapi-features', version='1.0', expect_layers=['countries', 'places'],
                 expect_title='pygeoapi', items=dict(collection='countries', count=177, limit=1)))
    assert (r['version'], r['title'], r['layers']) == ('1.0', 'geostack OGC API (pygeoapi)', ['countries', 'places'])
    assert r['crs'] == ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/4326']
    assert r['formats'] == ['application/geo+json', 'application/ld+json', 'text/html']
    assert 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core' in r['conformance']
    i = r['items']
    assert (i['count'], i['number_matched'], i['method'], i['pages'], i['complete']) == \
        (177, 177, 'number_matched', 1, True)
    sent = [s for s in server.seen if s.path.endswith('/items')][0].params
    assert sent == dict(F='json', LIMIT='1')
    assert all(s.params.get('F') == 'json' for s in server.seen)


def test_ogcapi_counts_pages_without_number_matched(server, probe):
    def page(seen):
        offset = int(seen.params.get('OFFSET', 0))
        features = [dict(type='Feature', id=n, geometry=None, properties={}) for n in range(offset, min(offset + 2, 5))]
        links = []
        if offset + 2 < 5:
            links.append(dict(rel='next', type='application/geo+json',
                              href='items?f=json&limit=2&offset=%d' % (offset + 2)))
        import json  # pylint: disable=import-outside-toplevel
        return 200, 'application/geo+json', json.dumps(dict(type='FeatureCollection', features=features,
                                                            links=links)).encode(), {}
    base = pygeoapi(server, items=page)
    r = ok(probe(url=base, service='ogcapi-features', items=dict(count=5, limit=2)))
    i = r['items']
    assert (i['count'], i['number_matched'], i['method'], i['pages'], i['complete']) == (5, None, 'members', 3, True)
    msg = failed(probe(url=base, service='ogcapi-features', items=dict(count=5, limit=2, max_pages=2)))
    assert msg == ('OGC API Features collection countries: 4 features counted and more remain, 5 expected; raise '
                   'items.max_pages')
    msg = failed(probe(url=base, service='ogcapi-features', items=dict(count=6, limit=2)))
    assert msg == 'OGC API Features collection countries: 5 features, 6 expected'


def test_ogcapi_failures(server, probe):
    base = pygeoapi(server)
    msg = failed(probe(url=base, service='ogcapi-features', items=dict(collection='lakes')), attempts=1)
    assert msg == 'OGC API Features at %s: collection lakes not listed; listed: countries, places' % base
    msg = failed(probe(url=base, service='ogcapi-features', items=dict(count=170)))
    assert msg == 'OGC API Features collection countries: 177 features, 170 expected'
    msg = failed(probe(url=server.url('/nothing'), service='ogcapi-features'), attempts=1)
    assert msg.startswith('OGC API Features landing page at %s?f=json answered HTTP 404 Not Found' %
                          server.url('/nothing'))


# ---- TLS ----------------------------------------------------------------------------------------------------------

def test_https_with_ca_path_and_refusal_of_an_unknown_ca(tmp_path, probe):
    ca_path, context = h.make_tls(str(tmp_path))
    server = h.OgcServer(tls_context=context)
    try:
        mapserver_wms(server)
        r = ok(probe(url=server.url(), service='wms', ca_path=ca_path))
        assert r['version'] == '1.3.0' and server.url().startswith('https://127.0.0.1:')
        msg = failed(probe(url=server.url(), service='wms', validate_certs=True), attempts=1)
        assert 'TLS certificate verification failed' in msg and 'certificate verify failed' in msg
        assert msg.endswith('give the CA that signed the server certificate as ca_path, or set validate_certs=false')
        assert ok(probe(url=server.url(), service='wms', validate_certs=False))['title']
    finally:
        server.stop()


# ---- options ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('params,message', [
    (dict(service='wfs', get_map={}), 'get_map is a WMS option, but service is wfs'),
    (dict(service='wfs', get_feature=dict(count=1, min_count=1)),
     'get_feature: count and min_count are mutually exclusive'),
    (dict(service='wms', get_map=dict(bbox=[1, 2, 3])),
     'get_map.bbox must be 4 numbers (minx, miny, maxx, maxy); got [1, 2, 3]'),
    (dict(service='ogcapi-features', items=dict(count=1, min_count=2), get_tile={}),
     'get_tile is a WMTS or TMS option, but service is ogcapi-features; items: count and min_count are mutually exclusive'),
])
def test_bad_options_fail_before_any_request(server, probe, params, message):
    assert failed(probe(url=server.url(), **params)) == message
    assert server.seen == []


def test_check_mode_probes_too(server, probe):
    mapserver_wms(server)
    r = ok(probe(check_mode=True, url=server.url(), service='wms'))
    assert r['version'] == '1.3.0' and len(server.seen) == 1


WCS11_CAPABILITIES = b'''<?xml version="1.0" encoding="UTF-8"?>
<Capabilities xmlns="http://www.opengis.net/wcs/1.1" xmlns:ows="http://www.opengis.net/ows/1.1" version="1.1.1">
  <ows:ServiceIdentification><ows:Title>geostack elevation (MapServer)</ows:Title>
    <ows:ServiceType codeSpace="OGC">OGC WCS</ows:ServiceType><ows:ServiceTypeVersion>1.1.1</ows:ServiceTypeVersion>
  </ows:ServiceIdentification>
  <Contents>
    <CoverageSummary><ows:Title>Elevation</ows:Title><Identifier>elev</Identifier>
      <SupportedCRS>urn:ogc:def:crs:EPSG::4326</SupportedCRS><SupportedFormat>image/tiff</SupportedFormat>
    </CoverageSummary>
  </Contents>
</Capabilities>'''

WCS11_DESCRIPTION = b'''<?xml version="1.0" encoding="UTF-8"?>
<CoverageDescriptions xmlns="http://www.opengis.net/wcs/1.1" xmlns:ows="http://www.opengis.net/ows/1.1">
  <CoverageDescription><ows:Title>Elevation</ows:Title><Identifier>elev</Identifier>
    <Domain><SpatialDomain>
      <ows:BoundingBox crs="urn:ogc:def:crs:OGC::imageCRS" dimensions="2">
        <ows:LowerCorner>0 0</ows:LowerCorner><ows:UpperCorner>1199 599</ows:UpperCorner></ows:BoundingBox>
      <ows:BoundingBox crs="urn:ogc:def:crs:EPSG::4326" dimensions="2">
        <ows:LowerCorner>45 5</ows:LowerCorner><ows:UpperCorner>48 11</ows:UpperCorner></ows:BoundingBox>
    </SpatialDomain></Domain>
    <Range><Field><Identifier>bands</Identifier><Axis identifier="bands"><AvailableKeys><Key>1</Key></AvailableKeys>
    </Axis></Field></Range>
    <SupportedCRS>urn:ogc:def:crs:EPSG::4326</SupportedCRS><SupportedFormat>image/tiff</SupportedFormat>
  </CoverageDescription>
</CoverageDescriptions>'''


def test_wcs_11_multipart_coverage(server, probe):
    server.add(WCS11_CAPABILITIES, request='GetCapabilities')
    server.add(WCS11_DESCRIPTION, request='DescribeCoverage')
    multipart = (b'--wcs\r\nContent-Type: text/xml\r\n\r\n<Coverages xmlns="http://www.opengis.net/wcs/1.1"/>\r\n'
                 b'--wcs\r\nContent-Type: image/tiff\r\nContent-ID: coverage/elev.tif\r\n\r\n' + fixture('elev.tif') +
                 b'\r\n--wcs--\r\n')
    server.add(multipart, request='GetCoverage', content_type='multipart/mixed; boundary=wcs')
    r = ok(probe(url=server.url(), service='wcs', version='1.1.1', get_coverage={}))
    assert server.requests('DescribeCoverage')[0].params['IDENTIFIERS'] == 'elev'
    sent = server.requests('GetCoverage')[0].params
    assert (sent['IDENTIFIER'], sent['FORMAT'], sent['BOUNDINGBOX']) == \
        ('elev', 'image/tiff', '45,5,48,11,urn:ogc:def:crs:EPSG::4326')
    assert 'WIDTH' not in sent and 'GRIDOFFSETS' not in sent   # the coverage's own resolution
    c = r['get_coverage']
    assert (c['format'], c['content_type'], c['bytes'], c['width']) == ('tiff', 'image/tiff', len(fixture('elev.tif')), 8)
