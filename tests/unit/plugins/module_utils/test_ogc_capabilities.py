# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading OGC documents: capabilities (cross-checked with OWSLib), coverage descriptions, exception reports, feature
counting, CRSs and axis order."""

from __future__ import annotations

import ogc_helpers  # tests/unit/fixtures/ogc, on sys.path by tests/unit/conftest.py
import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.ogc import capabilities, client, common

pytestmark = pytest.mark.unit

h = ogc_helpers


def root(name):
    return capabilities.parse_xml(h.fixture(name))


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
    caps = capabilities.parse_capabilities(service, root(name))
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
    assert capabilities.parse_capabilities(service, root(name))['layers'] == _owslib_names(service, name, version)


def test_wms_details():
    caps = capabilities.parse_capabilities('wms', root('mapserver_wms_130.xml'))
    assert 'image/png; mode=8bit' in caps['formats'] and caps['formats'][0] == 'image/png'
    assert caps['crs'] == ['EPSG:4326', 'EPSG:3857', 'EPSG:3035', 'CRS:84']
    places = caps['layer_info']['places']
    assert places['bbox'] == [-175.22, -41.3, 179.2166, 64.15]          # x/y, from EX_GeographicBoundingBox
    assert places['boxes']['EPSG:4326'] == [-41.3, -175.22, 64.15, 179.2166]  # as 1.3.0 writes it (lat/lon)
    assert caps['layer_info']['countries']['styles'] == ['default']
    old = capabilities.parse_capabilities('wms', root('mapserver_wms_111.xml'))
    assert old['layer_info']['places']['bbox'] == [-175.22, -41.3, 179.2166, 64.15]  # LatLonBoundingBox
    assert old['crs'] == ['EPSG:4326', 'EPSG:3857']


def test_wfs_details():
    caps = capabilities.parse_capabilities('wfs', root('mapserver_wfs_200.xml'))
    assert caps['formats'][-1] == 'application/json; subtype=geojson'
    assert caps['crs'] == ['urn:ogc:def:crs:EPSG::4326', 'urn:ogc:def:crs:EPSG::3857']
    assert caps['hits_possible'] and not caps['hits_listed']
    qgis = capabilities.parse_capabilities('wfs', root('qgis_wfs_110.xml'))
    assert qgis['hits_listed'] and 'application/geo+json' in qgis['formats']
    old = capabilities.parse_capabilities('wfs', root('mapserver_wfs_100.xml'))
    assert old['formats'] == ['GML2'] and not old['hits_possible']


def test_wcs_and_wmts_details():
    wcs = capabilities.parse_capabilities('wcs', root('mapserver_wcs_201.xml'))
    assert wcs['formats'] == ['image/tiff', 'image/png', 'image/jpeg']
    assert wcs['crs'][0] == 'http://www.opengis.net/def/crs/EPSG/0/4326'
    wmts = capabilities.parse_capabilities('wmts', root('qgis_wmts_100.xml'))
    assert wmts['layer_info']['countries']['sets'] == ['EPSG:3857', 'EPSG:4326']
    assert wmts['layer_info']['countries']['style'] == 'default'
    assert wmts['tile_matrix_sets']['EPSG:3857']['matrices'][1] == dict(id='1', width=2, height=2)
    assert wmts['crs'] == ['EPSG:3857', 'EPSG:4326']


def test_a_document_of_another_service_is_refused():
    with pytest.raises(ValueError, match='WFS_Capabilities'):
        capabilities.parse_capabilities('wms', root('mapserver_wfs_200.xml'))
    with pytest.raises(ValueError, match='WMS_Capabilities'):
        capabilities.parse_capabilities('wmts', root('mapserver_wms_130.xml'))


def test_namespaces_do_not_matter():
    bare = b'<WMS_Capabilities version="1.3.0"><Service><Title>t</Title></Service><Capability><Layer>' \
           b'<Name>a</Name></Layer></Capability></WMS_Capabilities>'
    prefixed = b'<w:WMS_Capabilities xmlns:w="urn:x" version="1.3.0"><w:Service><w:Title>t</w:Title></w:Service>' \
               b'<w:Capability><w:Layer><w:Name>a</w:Name></w:Layer></w:Capability></w:WMS_Capabilities>'
    for body in (bare, prefixed):
        caps = capabilities.parse_capabilities('wms', capabilities.parse_xml(body))
        assert (caps['title'], caps['layers']) == ('t', ['a'])


def test_coverage_descriptions():
    wcs20 = capabilities.parse_coverage_description(root('mapserver_wcs_201_describe.xml'), 'elev')
    assert wcs20['coverage'] == 'elev'
    assert wcs20['crs'] == 'http://www.opengis.net/def/crs/EPSG/0/4326'
    assert wcs20['axis_labels'] == ['lat', 'long'] and wcs20['bbox'] == [45.0, 5.0, 48.0, 11.0]
    assert wcs20['size'] == [1200, 600] and wcs20['bands'] == 1 and wcs20['band_names'] == ['elevation']
    assert wcs20['native_format'] == 'image/tiff'
    wcs10 = capabilities.parse_coverage_description(root('mapserver_wcs_100_describe.xml'), 'elev')
    assert wcs10['crs'] == 'EPSG:4326' and wcs10['bbox'] == [5.0, 45.0, 11.0, 48.0]   # not the CRS84 lonLatEnvelope
    assert wcs10['size'] == [1200, 600] and wcs10['bands'] == 1
    assert wcs10['formats'] == ['GTiff', 'PNG'] and wcs10['native_format'] == 'GTiff'
    assert wcs10['crs_list'] == ['EPSG:4326', 'EPSG:3857']
    with pytest.raises(ValueError):
        capabilities.parse_coverage_description(root('mapserver_wms_130.xml'))


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
    info = capabilities.parse_coverage_description(capabilities.parse_xml(body))
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
    found_code, text = capabilities.exception_report(root(name))
    assert found_code == code and words in text
    with pytest.raises(common.OgcError) as err:
        capabilities.raise_if_exception(root(name), 'WMS GetMap at http://x')
    assert err.value.retry is retry
    assert err.value.msg.startswith('WMS GetMap at http://x: ServiceException')
    assert words in err.value.msg


def test_exception_text_of_other_bodies():
    assert capabilities.exception_text(h.fixture('mapserver_wms_130.xml')) is None
    assert capabilities.exception_text(h.fixture('pygeoapi_not_found.json')) == 'NotFound: Collection not found'
    assert capabilities.exception_text(b'') is None
    assert common.excerpt(h.fixture('nginx_502.html')) == '502 Bad Gateway nginx/1.22.1'
    assert common.excerpt(h.drawn_png()).startswith('%d bytes starting 89504e47' % len(h.drawn_png()))


def test_xml_document_says_what_it_got():
    html = client.Response('http://x', 200, 'text/html', h.fixture('nginx_502.html'))
    with pytest.raises(common.OgcError) as err:
        capabilities.xml_document(html, 'WMS GetCapabilities at http://x')
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
    assert capabilities.count_features(h.fixture(name)) == (members, matched)


def test_count_features_refuses_other_documents():
    with pytest.raises(ValueError, match='WFS_Capabilities'):
        capabilities.count_features(h.fixture('mapserver_wfs_200.xml'))
    with pytest.raises(ValueError, match='features'):
        capabilities.count_features(b'{"type": "Feature"}')
    with pytest.raises(ValueError, match='neither XML nor JSON'):
        capabilities.count_features(b'Internal error')
    with pytest.raises(common.OgcError, match="TYPENAME 'ms:lakes'"):
        capabilities.count_features(h.fixture('mapserver_wfs_200_exception.xml'))


# ---- CRS and axis order -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('crs,normal,yx', [
    ('EPSG:4326', 'EPSG:4326', True), ('epsg:4258', 'EPSG:4258', True),
    ('urn:ogc:def:crs:EPSG::4326', 'EPSG:4326', True),
    ('http://www.opengis.net/def/crs/EPSG/0/3857', 'EPSG:3857', False), ('EPSG:3035', 'EPSG:3035', True),
    ('CRS:84', 'CRS:84', False), ('urn:ogc:def:crs:OGC:1.3:CRS84', 'CRS:84', False),
    ('EPSG:25832', 'EPSG:25832', False),
])
def test_crs_and_axis_order(crs, normal, yx):
    assert capabilities.normalise_crs(crs) == normal
    assert capabilities.northing_first(crs) is yx
