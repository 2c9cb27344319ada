# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading OGC documents: XML helpers that match local names only, so every version's namespaces (or none) are read
alike; exception reports; CRS names and axis order; ``parse_capabilities`` and ``parse_coverage_description``, which
reduce a document to a plain dict; ``count_features`` for GetFeature / items answers (GML or GeoJSON)."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import (
    CRS_LIMIT, OgcError, excerpt, report_error, squeeze, unique, version_tuple)


# ---- XML ----------------------------------------------------------------------------------------------------------

def local(tag):
    """The local name of an element or attribute name (namespace dropped)."""
    if not isinstance(tag, str):
        return ''
    return tag.rsplit('}', 1)[-1].split(':')[-1]


def kids(element, *names):
    if element is None:
        return []
    return [c for c in element if local(c.tag) in names]


def kid(element, *names):
    found = kids(element, *names)
    return found[0] if found else None


def walk(element, *steps):
    """Follow first children by local name: ``walk(root, 'Service', 'Title')``."""
    for step in steps:
        element = kid(element, step)
        if element is None:
            return None
    return element


def descendants(element, *names):
    if element is None:
        return []
    return [e for e in element.iter() if local(e.tag) in names]


def text(element):
    if element is None:
        return None
    value = squeeze(''.join(element.itertext()), 100000)
    return value or None


def attr(element, name):
    """An attribute by local name (``xlink:href`` is found as ``href``)."""
    if element is None:
        return None
    for key, value in element.attrib.items():
        if local(key) == name:
            return value
    return None


def numbers(value):
    try:
        return [float(v) for v in (value or '').replace(',', ' ').split()]
    except ValueError:
        return []


def parse_xml(body):
    """The root element, or None when ``body`` is not XML."""
    try:
        return ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError, TypeError):
        return None


def exception_report(root):
    """``(code, text)`` of an OGC exception document (WMS ServiceExceptionReport, OWS ExceptionReport), else None."""
    if root is None or local(root.tag) not in ('ServiceExceptionReport', 'ExceptionReport'):
        return None
    codes, texts = [], []
    for exc in descendants(root, 'ServiceException', 'Exception'):
        code = exc.get('code') or exc.get('exceptionCode')
        if code:
            codes.append(code)
        details = [text(t) for t in kids(exc, 'ExceptionText')] if local(exc.tag) == 'Exception' else [text(exc)]
        where = exc.get('locator')
        line = '; '.join(d for d in details if d)
        if where:
            line = '%s (locator %s)' % (line, where) if line else 'locator %s' % where
        if line:
            texts.append(line)
    return (codes[0] if codes else None), squeeze(' | '.join(texts) or '(no exception text)', 600)


def exception_text(body):
    """A readable exception message from an OGC exception document or an OGC API JSON error, else None."""
    if not body:
        return None
    stripped = body.lstrip()
    if stripped[:1] == b'<':
        report = exception_report(parse_xml(body))
        return report_error(report, '').msg if report else None
    if stripped[:1] == b'{':
        try:
            doc = json.loads(body.decode('utf-8'))
        except ValueError:
            return None
        if isinstance(doc, dict) and ('description' in doc or 'detail' in doc) and 'links' not in doc:
            return squeeze('%s: %s' % (doc.get('code') or doc.get('title') or 'error',
                                       doc.get('description') or doc.get('detail')), 600)
    return None


def transient_report(body):
    """Whether an error answer is an OGC exception report whose code does not blame the request (MapServer answers
    HTTP 400 with code NoApplicableCode or Internal when its database is not reachable yet): worth retrying."""
    if not body or body.lstrip()[:1] != b'<':
        return False
    report = exception_report(parse_xml(body))
    return bool(report) and report_error(report, '').retry


def raise_if_exception(root, where):
    report = exception_report(root)
    if report:
        raise report_error(report, '%s: ' % where)


def xml_document(response, where):
    """The root of an XML answer; a non-XML answer or an exception report raises (retry)."""
    root = parse_xml(response.body)
    if root is None or local(root.tag).lower() == 'html':   # a (well-formed) HTML page is no answer either
        got = response.media_type or 'no content type'
        raise OgcError('%s answered %s, not XML: %s' % (where, got, excerpt(response.body)), retry=True)
    raise_if_exception(root, where)
    return root


# ---- CRS and axis order -------------------------------------------------------------------------------------------

# Projected EPSG CRSs whose first axis is northing (geographic 2D CRSs, EPSG:4000-4999, are latitude first).
NORTHING_FIRST = frozenset((2180, 3006, 3034, 3035, 3844, 31466, 31467, 31468, 31469))


def normalise_crs(crs):
    """'urn:ogc:def:crs:EPSG::4326', 'http://www.opengis.net/def/crs/EPSG/0/4326' -> 'EPSG:4326'."""
    value = (crs or '').strip()
    match = re.match(r'(?i)^(?:urn:ogc:def:crs:|https?://www\.opengis\.net/def/crs/)(EPSG|OGC)[:/][^:/]*[:/]+(\w+)\Z',
                     value)
    if match:
        authority, code = match.group(1).upper(), match.group(2)
        if authority == 'OGC' and code.upper() in ('CRS84', '1.3:CRS84'):
            return 'CRS:84'
        return '%s:%s' % (authority, code)
    if re.match(r'(?i)^epsg:\d+\Z', value):
        return value.upper()
    if value.upper() in ('CRS:84', 'OGC:CRS84'):
        return 'CRS:84'
    return value


def epsg_code(crs):
    match = re.match(r'^EPSG:(\d+)\Z', normalise_crs(crs))
    return int(match.group(1)) if match else None


def northing_first(crs):
    """Whether the CRS's EPSG axis order puts latitude / northing first (WMS 1.3.0 follows it)."""
    code = epsg_code(crs)
    if code is None:
        return False
    return 4000 <= code <= 4999 or code in NORTHING_FIRST


def crs_uri(crs):
    code = epsg_code(crs)
    return 'http://www.opengis.net/def/crs/EPSG/0/%d' % code if code else crs


# ---- capabilities -------------------------------------------------------------------------------------------------

def _ows_values(element, operation, parameter):
    """Allowed values of an OWS Common operation parameter (``GetFeature`` / ``outputFormat``)."""
    for op in descendants(element, 'Operation'):
        if (op.get('name') or '').lower() != operation.lower():
            continue
        for param in kids(op, 'Parameter'):
            if (param.get('name') or '').lower() == parameter.lower():
                return [text(v) for v in descendants(param, 'Value') if text(v)]
    return []


def _ows_title(root):
    return text(walk(root, 'ServiceIdentification', 'Title')) or text(walk(root, 'Service', 'Title'))


def _wms_capabilities(root):
    name = local(root.tag)
    if name not in ('WMS_Capabilities', 'WMT_MS_Capabilities'):
        raise ValueError(name)
    layers, crs = [], []

    def visit(layer, bbox, inherited):
        geo = kid(layer, 'EX_GeographicBoundingBox')
        if geo is not None:
            values = [numbers(text(kid(geo, n))) for n in ('westBoundLongitude', 'southBoundLatitude',
                                                           'eastBoundLongitude', 'northBoundLatitude')]
            if all(values):
                bbox = [v[0] for v in values]
        old = kid(layer, 'LatLonBoundingBox')
        if old is not None:
            try:
                bbox = [float(old.get(k)) for k in ('minx', 'miny', 'maxx', 'maxy')]
            except (TypeError, ValueError):
                pass
        boxes = dict(inherited)
        for box in kids(layer, 'BoundingBox'):
            try:
                boxes[normalise_crs(box.get('CRS') or box.get('SRS'))] = [
                    float(box.get(k)) for k in ('minx', 'miny', 'maxx', 'maxy')]
            except (TypeError, ValueError):
                pass
        for ref in kids(layer, 'CRS', 'SRS'):
            crs.extend((text(ref) or '').split())
        styles = [text(kid(s, 'Name')) for s in kids(layer, 'Style')]
        layer_name = text(kid(layer, 'Name'))
        if layer_name:
            layers.append(dict(name=layer_name, title=text(kid(layer, 'Title')), bbox=bbox, boxes=boxes,
                               styles=[s for s in styles if s]))
        for child in kids(layer, 'Layer'):
            visit(child, bbox, boxes)

    capability = kid(root, 'Capability')
    for top in kids(capability, 'Layer'):
        visit(top, None, {})
    return dict(version=root.get('version'), title=text(walk(root, 'Service', 'Title')),
                layers=unique(lyr['name'] for lyr in layers),
                layer_info=dict((lyr['name'], lyr) for lyr in reversed(layers)),
                formats=unique(text(f) for f in kids(walk(capability, 'Request', 'GetMap'), 'Format')),
                crs=unique(crs, CRS_LIMIT))


def _wfs_capabilities(root):
    if local(root.tag) != 'WFS_Capabilities':
        raise ValueError(local(root.tag))
    version = root.get('version')
    types, crs = [], []
    for ftype in kids(kid(root, 'FeatureTypeList'), 'FeatureType'):
        name = text(kid(ftype, 'Name'))
        if name:
            types.append(name)
        for ref in kids(ftype, 'DefaultCRS', 'OtherCRS', 'DefaultSRS', 'OtherSRS', 'SRS'):
            crs.append(text(ref))
    formats = _ows_values(root, 'GetFeature', 'outputFormat')
    if not formats:  # WFS 1.0.0: <ResultFormat><GML2/>...</ResultFormat>
        result_format = walk(root, 'Capability', 'Request', 'GetFeature', 'ResultFormat')
        formats = [local(f.tag) for f in (result_format if result_format is not None else [])]
    result_types = [v.lower() for v in _ows_values(root, 'GetFeature', 'resultType')]
    return dict(version=version, title=_ows_title(root), layers=unique(types), formats=unique(formats),
                crs=unique(crs, CRS_LIMIT), hits_listed='hits' in result_types,
                hits_possible=version_tuple(version) >= (1, 1))


def _wcs_capabilities(root):
    name = local(root.tag)
    if name == 'WCS_Capabilities':  # 1.0.0
        offerings = descendants(kid(root, 'ContentMetadata'), 'CoverageOfferingBrief')
        return dict(version=root.get('version'),
                    title=text(walk(root, 'Service', 'label')) or text(walk(root, 'Service', 'name')),
                    layers=unique(text(kid(o, 'name')) for o in offerings), formats=[], crs=[])
    if name != 'Capabilities':
        raise ValueError(name)
    summaries = descendants(kid(root, 'Contents'), 'CoverageSummary')
    ids = [text(kid(s, 'CoverageId')) or text(kid(s, 'Identifier')) for s in summaries]
    formats = [text(f) for f in descendants(kid(root, 'ServiceMetadata'), 'formatSupported')]
    formats += [text(f) for s in summaries for f in kids(s, 'SupportedFormat')]
    formats += _ows_values(root, 'GetCoverage', 'format')
    crs = [text(c) for c in descendants(kid(root, 'ServiceMetadata'), 'crsSupported')]
    crs += [text(c) for s in summaries for c in kids(s, 'SupportedCRS')]
    return dict(version=root.get('version'), title=_ows_title(root), layers=unique(ids), formats=unique(formats),
                crs=unique(crs, CRS_LIMIT))


def _wmts_capabilities(root):
    if local(root.tag) != 'Capabilities' or kid(root, 'Contents') is None:
        raise ValueError(local(root.tag))
    contents = kid(root, 'Contents')
    sets = {}
    for tms in kids(contents, 'TileMatrixSet'):
        matrices = []
        for matrix in kids(tms, 'TileMatrix'):
            try:
                width, height = int(text(kid(matrix, 'MatrixWidth'))), int(text(kid(matrix, 'MatrixHeight')))
            except (TypeError, ValueError):
                width = height = None
            matrices.append(dict(id=text(kid(matrix, 'Identifier')), width=width, height=height))
        sets[text(kid(tms, 'Identifier'))] = dict(crs=text(kid(tms, 'SupportedCRS')), matrices=matrices)
    layers = []
    for layer in kids(contents, 'Layer'):
        default_style = None
        for style in kids(layer, 'Style'):
            if default_style is None or (style.get('isDefault') or '').lower() == 'true':
                default_style = text(kid(style, 'Identifier'))
        layers.append(dict(name=text(kid(layer, 'Identifier')), formats=[text(f) for f in kids(layer, 'Format')],
                           sets=[text(kid(link, 'TileMatrixSet')) for link in kids(layer, 'TileMatrixSetLink')],
                           style=default_style))
    return dict(version=root.get('version'), title=_ows_title(root), layers=unique(lyr['name'] for lyr in layers),
                layer_info=dict((lyr['name'], lyr) for lyr in layers), tile_matrix_sets=sets,
                formats=unique(f for lyr in layers for f in lyr['formats']),
                crs=unique((s['crs'] for s in sets.values()), CRS_LIMIT))


CAPABILITIES_PARSERS = {'wms': _wms_capabilities, 'wfs': _wfs_capabilities, 'wcs': _wcs_capabilities,
                        'wmts': _wmts_capabilities}


def parse_capabilities(service, root):
    """A capabilities document as ``{version, title, layers, formats, crs, ...}``; ValueError(root name) when the
    document is not one of ``service``."""
    return CAPABILITIES_PARSERS[service](root)


def parse_coverage_description(root, coverage=None):
    """A WCS 1.0 / 1.1 / 2.0 DescribeCoverage answer as ``{coverage, crs, bbox, size, axis_labels, bands,
    band_names, native_format, formats, crs_list}`` (what the document says; the rest None)."""
    found = None
    for element in descendants(root, 'CoverageOffering', 'CoverageDescription'):
        ident = (text(kid(element, 'CoverageId')) or text(kid(element, 'Identifier')) or text(kid(element, 'name')))
        if local(element.tag) == 'CoverageDescription' and kid(element, 'CoverageOffering') is not None:
            continue
        if found is None or (coverage and ident == coverage):
            found = (element, ident)
    if found is None:
        raise ValueError(local(root.tag))
    element, ident = found
    info = dict(coverage=ident, crs=None, bbox=None, size=None, axis_labels=None, bands=None, band_names=[],
                native_format=None, formats=[], crs_list=[])
    envelopes = descendants(element, 'Envelope', 'EnvelopeWithTimePeriod')
    projected = [e for e in envelopes if 'CRS84' not in (e.get('srsName') or '')]
    envelope = (projected or envelopes or [None])[0]
    if envelope is not None:  # WCS 1.0 (gml:pos x2) and 2.0 (lowerCorner / upperCorner)
        corners = [numbers(text(p)) for p in kids(envelope, 'pos')] or \
            [numbers(text(kid(envelope, 'lowerCorner'))), numbers(text(kid(envelope, 'upperCorner')))]
        if len(corners) == 2 and len(corners[0]) >= 2 and len(corners[1]) >= 2:
            info['bbox'] = [corners[0][0], corners[0][1], corners[1][0], corners[1][1]]
        info['crs'] = envelope.get('srsName')
        if envelope.get('axisLabels'):
            info['axis_labels'] = envelope.get('axisLabels').split()
    for box in descendants(element, 'BoundingBox'):  # WCS 1.1: ows:BoundingBox, one per CRS
        crs = box.get('crs') or ''
        lower, upper = numbers(text(kid(box, 'LowerCorner'))), numbers(text(kid(box, 'UpperCorner')))
        if len(lower) < 2 or len(upper) < 2:
            continue
        if 'imageCRS' in crs:
            info['size'] = [int(upper[0] - lower[0] + 1), int(upper[1] - lower[1] + 1)]
        elif info['bbox'] is None or 'CRS84' in (info['crs'] or ''):
            info['bbox'], info['crs'] = [lower[0], lower[1], upper[0], upper[1]], crs
    grids = descendants(element, 'GridEnvelope')
    if grids:
        low, high = numbers(text(kid(grids[0], 'low'))), numbers(text(kid(grids[0], 'high')))
        if len(high) >= 2:
            low = low if len(low) >= 2 else [0, 0]
            info['size'] = [int(high[0] - low[0] + 1), int(high[1] - low[1] + 1)]
    bands = [f.get('name') for f in descendants(element, 'field')]                # WCS 2.0: swe:field per band
    if not bands:
        bands = [text(k) for k in descendants(element, 'Key')]                    # WCS 1.1: Range/Field/Axis keys
    if not bands:
        for axis in descendants(element, 'AxisDescription'):                      # WCS 1.0: the "bands" axis
            if (text(kid(axis, 'name')) or '').lower() in ('bands', 'band'):
                bands = [text(v) for v in descendants(axis, 'singleValue')]
    info['band_names'] = [b for b in bands if b]
    info['bands'] = len(bands) or None
    supported = descendants(element, 'supportedFormats')
    native = descendants(element, 'nativeFormat')
    if native:
        info['native_format'] = text(native[0])
    elif supported:
        info['native_format'] = supported[0].get('nativeFormat')
    info['formats'] = unique(v for f in descendants(element, 'formats', 'SupportedFormat')
                             for v in ([text(f)] if local(f.tag) == 'SupportedFormat' else (text(f) or '').split()))
    crs_list = []
    for ref in descendants(element, 'requestResponseCRSs', 'requestCRSs', 'responseCRSs', 'nativeCRSs',
                           'SupportedCRS'):
        crs_list.extend((text(ref) or '').split())
    info['crs_list'] = unique(crs_list, CRS_LIMIT)
    if not info['crs'] and info['crs_list']:
        info['crs'] = info['crs_list'][0]
    return info


# ---- feature counting ---------------------------------------------------------------------------------------------

def _count_attribute(root, *names):
    for name in names:
        value = attr(root, name)
        if value is not None and re.match(r'^\d+\Z', value.strip()):
            return int(value)
    return None


def count_features(body):
    """Features in a GetFeature / items answer: ``(members, number_matched)``; GML (featureMember,
    featureMembers, member) or GeoJSON. ``number_matched`` is what the document says (None when it says nothing
    or "unknown")."""
    stripped = body.lstrip()
    if stripped[:1] == b'{':
        try:
            doc = json.loads(body.decode('utf-8'))
        except ValueError as exc:
            raise ValueError('not valid JSON: %s' % exc)
        if not isinstance(doc, dict) or not isinstance(doc.get('features'), list):
            raise ValueError('a JSON document without a "features" list')
        matched = None
        for key in ('numberMatched', 'totalFeatures'):
            if isinstance(doc.get(key), int) and not isinstance(doc.get(key), bool):
                matched = doc[key]
                break
        return len(doc['features']), matched
    root = parse_xml(body)
    if root is None:
        raise ValueError('neither XML nor JSON: %s' % excerpt(body))
    report = exception_report(root)
    if report:
        raise report_error(report, '')
    if local(root.tag) != 'FeatureCollection':
        raise ValueError('a %s document, not a FeatureCollection' % local(root.tag))
    members = 0
    for child in root:
        name = local(child.tag)
        if name in ('featureMember', 'member'):
            members += 1
        elif name == 'featureMembers':
            members += len(list(child))
    return members, _count_attribute(root, 'numberMatched', 'numberOfFeatures')
