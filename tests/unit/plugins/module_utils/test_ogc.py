# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The OGC probe's building blocks: capabilities parsing (cross-checked with OWSLib), exception reports, feature
counting, the pure-Python PNG decoder, TIFF headers, URLs, options, and HTTP errors against a local server."""

from __future__ import annotations

import struct
import time
import zlib

import ogc_helpers  # tests/unit/fixtures/ogc, on sys.path by tests/unit/conftest.py
import pytest

from ansible_collections.geostack.swarm.plugins.module_utils import ogc

pytestmark = pytest.mark.unit

h = ogc_helpers


def root(name):
    return ogc.parse_xml(h.fixture(name))


# ---- capabilities -------------------------------------------------------------------------------------------------

CAPABILITIES = [
    ('wms', 'mapserver_wms_130.xml', '1.3.0', 'geostack world (MapServer)', ['world', 'countries', 'places']),
    ('wms', 'mapserver_wms_111.xml', '1.1.1', 'geostack world (MapServer)', ['world', 'countries', 'places']),
    ('wms', 'qgis_wms_130.xml', '1.3.0', 'geostack world (QGIS Server)', ['world', 'countries']),
    ('wfs', 'mapserver_wfs_200.xml', '2.0.0', 'geostack world (MapServer)', ['ms:countries', 'ms:places']),
    ('wfs', 'qgis_wfs_110.xml', '1.1.0', 'geostack world (QGIS Server)', ['countries']),
    ('wfs', 'mapserver_wfs_100.xml', '1.0.0', 'geostack world (MapServer)', ['countries']),
    ('wcs', 'mapserver_wcs_201.xml', '2.0.1', 'geostack elevation (MapServer)', ['elev', 'hillshade']),
    ('wcs', 'mapserver_wcs_100.xml', '1.0.0', 'geostack elevation (MapServer)', ['elev', 'hillshade']),
    ('wmts', 'qgis_wmts_100.xml', '1.0.0', 'geostack world (QGIS Server)', ['world', 'countries']),
]


@pytest.mark.parametrize('service,name,version,title,layers', CAPABILITIES, ids=[c[1] for c in CAPABILITIES])
def test_capabilities(service, name, version, title, layers):
    caps = ogc.parse_capabilities(service, root(name))
    assert caps['version'] == version
    assert caps['title'] == title
    assert caps['layers'] == layers


def _owslib_names(service, name, version):
    """The names OWSLib finds in the same document (a second opinion; OWSLib is used by tests only)."""
    # pylint: disable=import-outside-toplevel
    owslib = pytest.importorskip('owslib')
    from owslib.wcs import WebCoverageService
    from owslib.wfs import WebFeatureService
    from owslib.wms import WebMapService
    from owslib.wmts import WebMapTileService
    assert owslib
    factory = dict(wms=WebMapService, wfs=WebFeatureService, wcs=WebCoverageService, wmts=WebMapTileService)[service]
    return list(factory('http://127.0.0.1/ows', version=version, xml=h.fixture(name)).contents)


@pytest.mark.parametrize('service,name,version,title,layers', CAPABILITIES, ids=[c[1] for c in CAPABILITIES])
def test_capabilities_agree_with_owslib(service, name, version, title, layers):
    assert ogc.parse_capabilities(service, root(name))['layers'] == _owslib_names(service, name, version)


def test_wms_details():
    caps = ogc.parse_capabilities('wms', root('mapserver_wms_130.xml'))
    assert 'image/png; mode=8bit' in caps['formats'] and caps['formats'][0] == 'image/png'
    assert caps['crs'] == ['EPSG:4326', 'EPSG:3857', 'EPSG:3035', 'CRS:84']
    places = caps['layer_info']['places']
    assert places['bbox'] == [-175.22, -41.3, 179.2166, 64.15]          # x/y, from EX_GeographicBoundingBox
    assert places['boxes']['EPSG:4326'] == [-41.3, -175.22, 64.15, 179.2166]  # as 1.3.0 writes it (lat/lon)
    assert caps['layer_info']['countries']['styles'] == ['default']
    old = ogc.parse_capabilities('wms', root('mapserver_wms_111.xml'))
    assert old['layer_info']['places']['bbox'] == [-175.22, -41.3, 179.2166, 64.15]  # LatLonBoundingBox
    assert old['crs'] == ['EPSG:4326', 'EPSG:3857']


def test_wfs_details():
    caps = ogc.parse_capabilities('wfs', root('mapserver_wfs_200.xml'))
    assert caps['formats'][-1] == 'application/json; subtype=geojson'
    assert caps['crs'] == ['urn:ogc:def:crs:EPSG::4326', 'urn:ogc:def:crs:EPSG::3857']
    assert caps['hits_possible'] and not caps['hits_listed']
    qgis = ogc.parse_capabilities('wfs', root('qgis_wfs_110.xml'))
    assert qgis['hits_listed'] and 'application/geo+json' in qgis['formats']
    old = ogc.parse_capabilities('wfs', root('mapserver_wfs_100.xml'))
    assert old['formats'] == ['GML2'] and not old['hits_possible']


def test_wcs_and_wmts_details():
    wcs = ogc.parse_capabilities('wcs', root('mapserver_wcs_201.xml'))
    assert wcs['formats'] == ['image/tiff', 'image/png', 'image/jpeg']
    assert wcs['crs'][0] == 'http://www.opengis.net/def/crs/EPSG/0/4326'
    wmts = ogc.parse_capabilities('wmts', root('qgis_wmts_100.xml'))
    assert wmts['layer_info']['countries']['sets'] == ['EPSG:3857', 'EPSG:4326']
    assert wmts['layer_info']['countries']['style'] == 'default'
    assert wmts['tile_matrix_sets']['EPSG:3857']['matrices'][1] == dict(id='1', width=2, height=2)
    assert wmts['crs'] == ['EPSG:3857', 'EPSG:4326']


def test_a_document_of_another_service_is_refused():
    with pytest.raises(ValueError, match='WFS_Capabilities'):
        ogc.parse_capabilities('wms', root('mapserver_wfs_200.xml'))
    with pytest.raises(ValueError, match='WMS_Capabilities'):
        ogc.parse_capabilities('wmts', root('mapserver_wms_130.xml'))


def test_namespaces_do_not_matter():
    bare = b'<WMS_Capabilities version="1.3.0"><Service><Title>t</Title></Service><Capability><Layer>' \
           b'<Name>a</Name></Layer></Capability></WMS_Capabilities>'
    prefixed = b'<w:WMS_Capabilities xmlns:w="urn:x" version="1.3.0"><w:Service><w:Title>t</w:Title></w:Service>' \
               b'<w:Capability><w:Layer><w:Name>a</w:Name></w:Layer></w:Capability></w:WMS_Capabilities>'
    for body in (bare, prefixed):
        caps = ogc.parse_capabilities('wms', ogc.parse_xml(body))
        assert (caps['title'], caps['layers']) == ('t', ['a'])


def test_coverage_descriptions():
    wcs20 = ogc.parse_coverage_description(root('mapserver_wcs_201_describe.xml'), 'elev')
    assert wcs20['coverage'] == 'elev'
    assert wcs20['crs'] == 'http://www.opengis.net/def/crs/EPSG/0/4326'
    assert wcs20['axis_labels'] == ['lat', 'long'] and wcs20['bbox'] == [45.0, 5.0, 48.0, 11.0]
    assert wcs20['size'] == [1200, 600] and wcs20['bands'] == 1 and wcs20['band_names'] == ['elevation']
    assert wcs20['native_format'] == 'image/tiff'
    wcs10 = ogc.parse_coverage_description(root('mapserver_wcs_100_describe.xml'), 'elev')
    assert wcs10['crs'] == 'EPSG:4326' and wcs10['bbox'] == [5.0, 45.0, 11.0, 48.0]   # not the CRS84 lonLatEnvelope
    assert wcs10['size'] == [1200, 600] and wcs10['bands'] == 1
    assert wcs10['formats'] == ['GTiff', 'PNG'] and wcs10['native_format'] == 'GTiff'
    assert wcs10['crs_list'] == ['EPSG:4326', 'EPSG:3857']
    with pytest.raises(ValueError):
        ogc.parse_coverage_description(root('mapserver_wms_130.xml'))


def test_coverage_description_wcs11():
    body = b'''<wcs:CoverageDescriptions xmlns:wcs="http://www.opengis.net/wcs/1.1"
      xmlns:ows="http://www.opengis.net/ows/1.1">
      <wcs:CoverageDescription><wcs:Identifier>elev</wcs:Identifier>
        <wcs:Domain><wcs:SpatialDomain>
          <ows:BoundingBox crs="urn:ogc:def:crs:OGC::imageCRS" dimensions="2">
            <ows:LowerCorner>0 0</ows:LowerCorner><ows:UpperCorner>1199 599</ows:UpperCorner></ows:BoundingBox>
          <ows:BoundingBox crs="urn:ogc:def:crs:EPSG::4326" dimensions="2">
            <ows:LowerCorner>45 5</ows:LowerCorner><ows:UpperCorner>48 11</ows:UpperCorner></ows:BoundingBox>
        </wcs:SpatialDomain></wcs:Domain>
        <wcs:Range><wcs:Field><wcs:Identifier>bands</wcs:Identifier><wcs:Axis identifier="bands">
          <wcs:AvailableKeys><wcs:Key>1</wcs:Key><wcs:Key>2</wcs:Key></wcs:AvailableKeys></wcs:Axis></wcs:Field>
        </wcs:Range>
        <wcs:SupportedCRS>urn:ogc:def:crs:EPSG::4326</wcs:SupportedCRS>
        <wcs:SupportedFormat>image/tiff</wcs:SupportedFormat>
      </wcs:CoverageDescription></wcs:CoverageDescriptions>'''
    info = ogc.parse_coverage_description(ogc.parse_xml(body))
    assert info['size'] == [1200, 600] and info['bbox'] == [45.0, 5.0, 48.0, 11.0]
    assert info['crs'] == 'urn:ogc:def:crs:EPSG::4326' and info['bands'] == 2
    assert info['formats'] == ['image/tiff'] and info['crs_list'] == ['urn:ogc:def:crs:EPSG::4326']


# ---- exception reports --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name,code,words,retry', [
    ('mapserver_exception_111.xml', 'LayerNotDefined', 'Invalid layer(s) given in the LAYERS parameter', False),
    ('mapserver_exception_130.xml', None, 'msPostGISLayerOpen(): Query error. Database connection failed', True),
    ('mapserver_wfs_200_exception.xml', 'InvalidParameterValue', "TYPENAME 'ms:lakes' doesn't exist", False),
    ('mapserver_wcs_201_exception.xml', 'NoApplicableCode', "missing file '/srv/data/elev.tif'", True),
    ('qgis_exception.xml', 'Project file error', 'please provide a SERVICE and a MAP parameter', True),
])
def test_exception_reports(name, code, words, retry):
    found_code, text = ogc.exception_report(root(name))
    assert found_code == code and words in text
    with pytest.raises(ogc.OgcError) as err:
        ogc.raise_if_exception(root(name), 'WMS GetMap at http://x')
    assert err.value.retry is retry
    assert err.value.msg.startswith('WMS GetMap at http://x: ServiceException')
    assert words in err.value.msg


def test_exception_text_of_other_bodies():
    assert ogc.exception_text(h.fixture('mapserver_wms_130.xml')) is None
    assert ogc.exception_text(h.fixture('pygeoapi_not_found.json')) == 'NotFound: Collection not found'
    assert ogc.exception_text(b'') is None
    assert ogc.excerpt(h.fixture('nginx_502.html')) == '502 Bad Gateway nginx/1.22.1'
    assert ogc.excerpt(h.drawn_png()).startswith('%d bytes starting 89504e47' % len(h.drawn_png()))


def test_xml_document_says_what_it_got():
    html = ogc.Response('http://x', 200, 'text/html', h.fixture('nginx_502.html'))
    with pytest.raises(ogc.OgcError) as err:
        ogc.xml_document(html, 'WMS GetCapabilities at http://x')
    assert err.value.retry
    assert err.value.msg == 'WMS GetCapabilities at http://x answered text/html, not XML: 502 Bad Gateway nginx/1.22.1'


# ---- feature counting ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name,members,matched', [
    ('mapserver_wfs_200_hits.xml', 0, 177),
    ('mapserver_wfs_200_features.xml', 3, None),      # numberMatched="unknown"
    ('qgis_wfs_110_hits.xml', 0, 177),
    ('qgis_wfs_110_features.xml', 2, None),
    ('gml311_feature_members.xml', 4, None),
    ('mapserver_wfs_100_features.xml', 2, None),
    ('countries.geojson', 4, None),
    ('pygeoapi_items.json', 1, 177),
])
def test_count_features(name, members, matched):
    assert ogc.count_features(h.fixture(name)) == (members, matched)


def test_count_features_refuses_other_documents():
    with pytest.raises(ValueError, match='WFS_Capabilities'):
        ogc.count_features(h.fixture('mapserver_wfs_200.xml'))
    with pytest.raises(ValueError, match='features'):
        ogc.count_features(b'{"type": "Feature"}')
    with pytest.raises(ValueError, match='neither XML nor JSON'):
        ogc.count_features(b'Internal error')
    with pytest.raises(ogc.OgcError, match="TYPENAME 'ms:lakes'"):
        ogc.count_features(h.fixture('mapserver_wfs_200_exception.xml'))


# ---- PNG ----------------------------------------------------------------------------------------------------------

def expected_colours(width, height, pixel, transparent):
    """Distinct pixel values computed independently of the decoder: ``transparent(samples)`` says which are."""
    return len(set('T' if transparent(pixel(x, y)) else pixel(x, y) for y in range(height) for x in range(width)))


PALETTE = [(255, 255, 255), (200, 30, 30), (30, 200, 30), (30, 30, 200), (0, 0, 0), (255, 255, 0), (9, 9, 9),
           (10, 10, 10)] + [(i, i, i) for i in range(11, 256)]


def gradient(channels, maximum, alpha=None):
    def pixel(x, y):
        values = tuple(((x * 7 + y * 13 + c * 5) % 11) * maximum // 10 for c in range(channels))
        if alpha is not None:
            values = values[:-1] + (alpha(x, y),)
        return values
    return pixel


PNG_CASES = [
    # name, width, height, colour type, depth, pixel, transparent(samples), palette, tRNS
    ('gray1', 13, 5, 0, 1, lambda x, y: ((x + y) % 2,), lambda s: False, None, None),
    ('gray2', 13, 5, 0, 2, lambda x, y: ((x * y) % 4,), lambda s: False, None, None),
    ('gray4', 11, 7, 0, 4, lambda x, y: ((x + 3 * y) % 16,), lambda s: False, None, None),
    ('gray8', 9, 6, 0, 8, gradient(1, 255), lambda s: False, None, None),
    ('gray16', 9, 6, 0, 16, gradient(1, 65535), lambda s: False, None, None),
    ('gray8-trns', 9, 6, 0, 8, gradient(1, 255), lambda s: s == (51,), None, struct.pack('>H', 51)),
    ('gray4-trns', 11, 7, 0, 4, lambda x, y: ((x + 3 * y) % 16,), lambda s: s == (3,), None, struct.pack('>H', 3)),
    ('rgb8', 10, 6, 2, 8, gradient(3, 255), lambda s: False, None, None),
    ('rgb16', 10, 6, 2, 16, gradient(3, 65535), lambda s: False, None, None),
    ('rgb8-trns', 10, 6, 2, 8, gradient(3, 255), lambda s: s == (0, 25, 51), None, struct.pack('>HHH', 0, 25, 51)),
    ('palette1', 17, 3, 3, 1, lambda x, y: ((x * y) % 2,), lambda s: False, PALETTE[:2], None),
    ('palette2', 17, 3, 3, 2, lambda x, y: ((x + y) % 4,), lambda s: s == (0,), PALETTE[:4], b'\x00\xff\x80'),
    ('palette4', 15, 4, 3, 4, lambda x, y: ((x + y) % 16,), lambda s: s in ((0,), (5,)), PALETTE[:16],
     b'\x00\xff\xff\xff\xff\x00'),
    ('palette8', 20, 20, 3, 8, lambda x, y: ((x * 3 + y) % 256,), lambda s: s == (1,), PALETTE, b'\xff\x00'),
    ('gray-alpha8', 9, 6, 4, 8, gradient(2, 255, alpha=lambda x, y: 0 if x < 3 else 255), lambda s: s[1] == 0,
     None, None),
    ('gray-alpha16', 9, 6, 4, 16, gradient(2, 65535, alpha=lambda x, y: 0 if y < 2 else 65535), lambda s: s[1] == 0,
     None, None),
    ('rgba8', 12, 8, 6, 8, gradient(4, 255, alpha=lambda x, y: (x * 40) % 256), lambda s: s[3] == 0, None, None),
    ('rgba16', 12, 8, 6, 16, gradient(4, 65535, alpha=lambda x, y: (x * 9000) % 65536), lambda s: s[3] == 0, None,
     None),
]


def _png_case(case, interlace, filters):
    _name, width, height, color_type, depth, pixel, transparent, palette, trns = case
    data = h.make_png(width, height, pixel, color_type=color_type, depth=depth, palette=palette, trns=trns,
                      filters=filters, interlace=interlace)
    if color_type == 3:
        # a palette image's colours are its entries: two indices of one colour would count once
        def seen(x, y):
            return pixel(x, y)
        return data, expected_colours(width, height, seen, transparent)
    return data, expected_colours(width, height, pixel, transparent)


@pytest.mark.parametrize('case', PNG_CASES, ids=[c[0] for c in PNG_CASES])
@pytest.mark.parametrize('interlace', [False, True], ids=['progressive', 'adam7'])
def test_png_colour_types_and_depths(case, interlace):
    data, colours = _png_case(case, interlace, (0, 1, 2, 3, 4))
    summary = ogc.png_summary(data)
    assert (summary['width'], summary['height']) == (case[1], case[2])
    assert (summary['color_type'], summary['bit_depth'], summary['interlaced']) == (case[3], case[4], interlace)
    assert summary['colors'] == colours
    assert summary['transparent'] is False


@pytest.mark.parametrize('kind', [0, 1, 2, 3, 4], ids=['none', 'sub', 'up', 'average', 'paeth'])
def test_png_each_filter_alone(kind):
    pixel = gradient(4, 255, alpha=lambda x, y: 255)
    data = h.make_png(31, 9, pixel, filters=(kind,))
    assert ogc.png_summary(data)['colors'] == expected_colours(31, 9, pixel, lambda s: False)


def test_png_blank_drawn_transparent():
    assert ogc.png_summary(h.blank_png())['colors'] == 1
    drawn = ogc.png_summary(h.drawn_png())
    assert drawn['colors'] > 2 and drawn['transparent'] is False
    clear = ogc.png_summary(h.transparent_png())
    assert clear['colors'] == 1 and clear['transparent'] is True
    palette = h.make_png(8, 8, lambda x, y: (x % 2,), color_type=3, depth=8, palette=PALETTE[:2], trns=b'\x00\x00')
    assert ogc.png_summary(palette)['transparent'] is True


def test_png_identical_palette_entries_count_once():
    data = h.make_png(8, 8, lambda x, y: (x % 2,), color_type=3, depth=8, palette=[(1, 2, 3), (1, 2, 3)])
    assert ogc.png_summary(data)['colors'] == 1


def test_png_colours_are_capped():
    data = h.make_png(64, 64, lambda x, y: (x * 4, y * 4, 0), color_type=2)
    summary = ogc.png_summary(data, color_cap=256)
    assert summary['colors'] == 256 and summary['colors_capped'] is True


def test_png_decoding_is_fast_enough():
    data = h.make_png(512, 256, lambda x, y: (255, 255, 255, 255), filters=(4,))
    start = time.monotonic()
    assert ogc.png_summary(data)['colors'] == 1
    assert time.monotonic() - start < 5


def test_png_damage_is_reported():
    data = h.drawn_png(16, 8)
    with pytest.raises(ValueError, match='not a PNG'):
        ogc.png_summary(b'GIF89a' + data)
    broken = bytearray(data)
    broken[40] ^= 0xff
    with pytest.raises(ValueError, match='bad CRC'):
        ogc.png_summary(bytes(broken))
    with pytest.raises(ValueError, match='truncated'):
        ogc.png_summary(data[:60])
    ihdr = struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)
    short = zlib.compress(b'\x00' + bytes(12))   # one row of four
    chunk = h._chunk  # pylint: disable=protected-access
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', short) + chunk(b'IEND', b'')
    with pytest.raises(ValueError, match='truncated PNG image data'):
        ogc.png_summary(png)


# ---- TIFF and other formats ---------------------------------------------------------------------------------------

def test_tiff_headers():
    assert ogc.tiff_summary(h.fixture('elev.tif')) == dict(width=8, height=4, bands=1, bits=16, bigtiff=False)
    assert ogc.tiff_summary(h.make_tiff(300, 200, 3, 8, big_endian=True))['width'] == 300
    big = b'II+\x00' + struct.pack('<HHQ', 8, 0, 16) + struct.pack('<Q', 2) + \
        struct.pack('<HHQQ', 256, 4, 1, 70000) + struct.pack('<HHQQ', 257, 3, 1, 9)
    assert ogc.tiff_summary(big) == dict(width=70000, height=9, bands=1, bits=None, bigtiff=True)
    with pytest.raises(ValueError, match='not a TIFF'):
        ogc.tiff_summary(b'\x89PNG\r\n\x1a\n')


@pytest.mark.parametrize('body,kind', [
    (b'\x89PNG\r\n\x1a\n....', 'png'), (b'\xff\xd8\xff\xe0..', 'jpeg'), (b'GIF89a', 'gif'), (b'II*\x00', 'tiff'),
    (b'MM\x00*', 'tiff'), (b'II+\x00', 'tiff'), (b'CDF\x01', 'netcdf'), (b'\x89HDF\r\n', 'hdf5'),
    (b'  <?xml version="1.0"?><a/>', 'xml'), (b'{"a": 1}', 'json'), (b'hello', None),
])
def test_sniff(body, kind):
    assert ogc.sniff(body) == kind


def test_multipart_coverage_part():
    tiff = h.make_tiff()
    body = (b'--wcs\r\nContent-Type: text/xml\r\n\r\n<Coverages/>\r\n--wcs\r\nContent-Type: image/tiff\r\n'
            b'Content-Description: coverage data\r\n\r\n' + tiff + b'\r\n--wcs--\r\n')
    assert ogc.multipart_part('multipart/mixed; boundary=wcs', body) == ('image/tiff', tiff)
    assert ogc.multipart_part('multipart/mixed', body) is None


# ---- URLs, CRSs, options ------------------------------------------------------------------------------------------

def test_with_query_keeps_the_url_parameters():
    url = ogc.with_query('https://gis.example.org/cgi-bin/mapserv?map=/etc/world.map&Service=WFS',
                         [('SERVICE', 'WMS'), ('FORMAT', 'image/png; mode=8bit'), ('BBOX', '-90,-180,90,180')])
    assert url == ('https://gis.example.org/cgi-bin/mapserv?map=/etc/world.map&SERVICE=WMS'
                   '&FORMAT=image/png%3B%20mode%3D8bit&BBOX=-90,-180,90,180')
    assert ogc.sub_url('https://x/ogcapi/?f=json', 'collections', 'a b') == 'https://x/ogcapi/collections/a%20b?f=json'


@pytest.mark.parametrize('crs,normal,yx', [
    ('EPSG:4326', 'EPSG:4326', True), ('epsg:4258', 'EPSG:4258', True),
    ('urn:ogc:def:crs:EPSG::4326', 'EPSG:4326', True),
    ('http://www.opengis.net/def/crs/EPSG/0/3857', 'EPSG:3857', False), ('EPSG:3035', 'EPSG:3035', True),
    ('CRS:84', 'CRS:84', False), ('urn:ogc:def:crs:OGC:1.3:CRS84', 'CRS:84', False),
    ('EPSG:25832', 'EPSG:25832', False),
])
def test_crs_and_axis_order(crs, normal, yx):
    assert ogc.normalise_crs(crs) == normal
    assert ogc.northing_first(crs) is yx


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
    problems = ogc.option_problems(params)
    assert any(problem in p for p in problems), problems


def test_good_options_have_no_problems():
    assert ogc.option_problems(dict(BASE, version='1.3.0', get_map=dict(bbox=[-180, -90, 180, 90]))) == []


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
    http = ogc.Http(timeout=5)
    with pytest.raises(ogc.OgcError) as err:
        http.get(server.url('/bad'), 'WMS GetCapabilities')
    assert err.value.retry
    assert err.value.msg == ('WMS GetCapabilities at %s answered HTTP 502 Bad Gateway: 502 Bad Gateway nginx/1.22.1'
                             % server.url('/bad'))
    with pytest.raises(ogc.OgcError) as err:
        http.get(server.url('/qgis'), 'WMS GetCapabilities')
    assert err.value.retry and 'answered HTTP 500 Internal Server Error: ServiceException (Project file error): ' \
        'Project file error.' in err.value.msg
    with pytest.raises(ogc.OgcError) as err:
        http.get(server.url('/denied'), 'WMS GetCapabilities')
    assert not err.value.retry and 'answered HTTP 403 Forbidden: forbidden' in err.value.msg
    port = server.port
    server.stop()
    with pytest.raises(ogc.OgcError) as err:
        http.get('http://127.0.0.1:%d/ows' % port, 'WMS GetCapabilities')
    assert err.value.retry and err.value.msg.endswith('/ows: connection refused')


def test_http_sends_headers_and_reads_answers(server):
    server.add(h.fixture('mapserver_wms_130.xml'), path='/ows')
    http = ogc.Http(headers={'X-Probe': 'yes'}, timeout=5)
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
    with pytest.raises(ogc.OgcError) as err:
        ogc.Http(timeout=1).get(server.url('/slow'), 'WMS GetCapabilities')
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
    http = ogc.Http(timeout=5)
    with pytest.raises(ogc.OgcError) as err:
        http.get(server.url('/internal'), 'WCS GetCapabilities')
    assert err.value.retry and 'answered HTTP 400 Bad Request: ServiceException (Internal): ' in err.value.msg
    with pytest.raises(ogc.OgcError) as err:
        http.get(server.url('/request'), 'WCS DescribeCoverage')
    assert not err.value.retry
