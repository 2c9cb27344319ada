# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Probing OGC web services (WMS, WFS, WCS, WMTS, OGC API Features) with the standard library only.

The pieces, each usable alone:

- ``Http``: GET with ``ansible.module_utils.urls.open_url``; every failure becomes an ``OgcError`` that names the
  request and the URL and says whether trying again later may help (``retry``).
- XML helpers that match local names only, so every version's namespaces (or none) are read alike, and
  ``parse_capabilities`` / ``parse_coverage_description`` that reduce a document to a plain dict.
- ``png_summary`` (pure Python PNG decoder: the five filters, Adam7, colour types 0/2/3/4/6, bit depths
  1/2/4/8/16, tRNS) and ``tiff_summary`` (the first IFD of a TIFF or BigTIFF).
- ``Probe``: one attempt at the whole check the module asks for; ``option_problems`` validates the options first.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import struct
import zlib
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import ConnectionError as UrlsConnectionError, open_url

SERVICES = ('wms', 'wfs', 'wcs', 'wmts', 'ogcapi-features')
LABELS = {'wms': 'WMS', 'wfs': 'WFS', 'wcs': 'WCS', 'wmts': 'WMTS', 'ogcapi-features': 'OGC API Features'}
ITEM_WORD = {'wms': 'layer', 'wfs': 'feature type', 'wcs': 'coverage', 'wmts': 'layer',
             'ogcapi-features': 'collection'}
VERSIONS = {'wms': ('1.1.1', '1.3.0'), 'wfs': ('1.0.0', '1.1.0', '2.0.0'),
            'wcs': ('1.0.0', '1.1.0', '1.1.1', '1.1.2', '2.0.0', '2.0.1'), 'wmts': ('1.0.0',),
            'ogcapi-features': ('1.0',)}
# Operation options and the one service each belongs to.
OPERATIONS = (('get_map', 'wms'), ('get_feature', 'wfs'), ('describe_coverage', 'wcs'), ('get_coverage', 'wcs'),
              ('get_tile', 'wmts'), ('items', 'ogcapi-features'))

MAX_BODY = 64 * 1024 * 1024      # bytes read from one response
MAX_PIXELS = 4096 * 4096         # largest image decoded
COLOR_CAP = 256                  # distinct colours counted at most
CRS_LIMIT = 50                   # CRSs reported at most
LIST_LIMIT = 1000                # layers / formats reported at most
SHOWN = 20                       # names quoted in a message at most
COVERAGE_MAX_SIDE = 512          # a derived WCS GetCoverage size is scaled down to this

# Exception codes that say the request itself is wrong: trying again cannot help.
PERMANENT_CODES = frozenset(code.lower() for code in (
    'LayerNotDefined', 'StyleNotDefined', 'InvalidFormat', 'InvalidCRS', 'InvalidSRS', 'InvalidPoint',
    'LayerNotQueryable', 'InvalidParameterValue', 'MissingParameterValue', 'OperationNotSupported',
    'OptionNotSupported', 'VersionNegotiationFailed', 'InvalidUpdateSequence', 'CurrentUpdateSequence',
    'NoSuchCoverage', 'InvalidAxisLabel', 'InvalidSubsetting', 'NoSuchField', 'TileOutOfRange',
    'OperationParsingFailed', 'InvalidDimensionValue', 'MissingDimensionValue', 'InvalidValue'))

TRANSPARENT = b'transparent'     # the one colour every fully transparent pixel counts as


class OgcError(Exception):
    """A failed probe step. ``retry``: the service may answer correctly later (not ready yet)."""

    def __init__(self, msg, retry=False):
        super(OgcError, self).__init__(msg)
        self.msg = msg
        self.retry = retry


def new_module(argument_spec, **kwargs):
    """The module's AnsibleModule (a function of its own so tests can replace it)."""
    return AnsibleModule(argument_spec=argument_spec, **kwargs)


# ---- text helpers -------------------------------------------------------------------------------------------------

def shown(names, limit=SHOWN):
    names = list(names)
    if not names:
        return '(none)'
    text = ', '.join(str(n) for n in names[:limit])
    if len(names) > limit:
        text += ' ... (%d more)' % (len(names) - limit)
    return text


def squeeze(text, limit=400):
    text = re.sub(r'\s+', ' ', text or '').strip()
    return text if len(text) <= limit else text[:limit - 3] + '...'


def excerpt(body, limit=300):
    """A short, readable rendering of a response body for a message (tags of an HTML page stripped)."""
    if not body:
        return '(empty body)'
    head = body[:8192]
    printable = sum(1 for b in head[:512] if 32 <= b < 127 or b in (9, 10, 13))
    if printable < 0.85 * min(len(head), 512):
        return '%d bytes starting %s' % (len(body), body[:8].hex())
    text = head.decode('utf-8', 'replace')
    text = re.sub(r'(?is)<(head|script|style)\b.*?</\1>', ' ', text)
    text = re.sub(r'(?s)<!--.*?-->', ' ', text)
    text = re.sub(r'<[^>]*>', ' ', text)
    for entity, char in (('&lt;', '<'), ('&gt;', '>'), ('&quot;', '"'), ('&#39;', "'"), ('&nbsp;', ' '),
                         ('&amp;', '&')):
        text = text.replace(entity, char)
    return squeeze(text, limit) or '(no text)'


def media_type(content_type):
    return (content_type or '').split(';')[0].strip().lower()


def num(value):
    """A coordinate as a compact string: 180.0 -> '180'."""
    return '%.12g' % value


# ---- URLs ---------------------------------------------------------------------------------------------------------

def with_query(url, params):
    """``url`` with ``params`` (pairs) added to its query; a parameter already there with the same name (any case)
    is replaced, others (``map=...``) are kept."""
    parts = urlsplit(url)
    names = set(k.lower() for k, _v in params)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in names]
    query = urlencode(kept + [(k, '' if v is None else str(v)) for k, v in params], safe=',:/()', quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def sub_url(url, *segments):
    """``url`` with path segments appended (the query is kept): an OGC API resource under a landing page."""
    parts = urlsplit(url)
    path = parts.path.rstrip('/') + ''.join('/' + quote(s, safe='') for s in segments)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ''))


# ---- HTTP ---------------------------------------------------------------------------------------------------------

class Response(object):
    def __init__(self, url, status, content_type, body):
        self.url = url
        self.status = status
        self.content_type = content_type or ''
        self.media_type = media_type(content_type)
        self.body = body


def _read(stream):
    body = stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise OgcError('response larger than %d MiB' % (MAX_BODY // (1024 * 1024)))
    return body


def _is_cert_failure(reason):
    if isinstance(reason, getattr(ssl, 'SSLCertVerificationError', ())) or isinstance(reason, ssl.CertificateError):
        return True
    return 'CERTIFICATE_VERIFY_FAILED' in str(reason)


class Http(object):
    """GET requests with the module's connection options (``open_url``: proxies from the environment unless
    ``use_proxy`` is false, ``validate_certs``, ``ca_path``, client certificates, headers, timeout)."""

    def __init__(self, validate_certs=True, ca_path=None, client_cert=None, client_key=None, headers=None,
                 timeout=30, use_proxy=True, url_username=None, url_password=None, force_basic_auth=False,
                 http_agent='ansible-geostack.swarm-ogc_probe'):
        self.options = dict(validate_certs=validate_certs, ca_path=ca_path, client_cert=client_cert,
                            client_key=client_key, use_proxy=use_proxy, url_username=url_username,
                            url_password=url_password, force_basic_auth=force_basic_auth, http_agent=http_agent)
        self.headers = dict(headers or {})
        self.timeout = timeout

    @classmethod
    def from_params(cls, params):
        return cls(validate_certs=params.get('validate_certs') is not False, ca_path=params.get('ca_path'),
                   client_cert=params.get('client_cert'), client_key=params.get('client_key'),
                   headers=params.get('headers'), timeout=params.get('timeout') or 30,
                   use_proxy=params.get('use_proxy') is not False, url_username=params.get('url_username'),
                   url_password=params.get('url_password'), force_basic_auth=bool(params.get('force_basic_auth')))

    def get(self, url, what, accept=None):
        """GET ``url``; ``what`` names the request in messages ("WMS GetMap"). Returns a ``Response`` for a
        2xx answer, raises ``OgcError`` otherwise."""
        headers = dict(self.headers)
        if accept and not any(k.lower() == 'accept' for k in headers):
            headers['Accept'] = accept
        where = '%s at %s' % (what, url)
        try:
            stream = open_url(url, method='GET', headers=headers, timeout=self.timeout, **self.options)
            try:
                body = _read(stream)
                status = stream.getcode() or 200
                ctype = stream.headers.get('Content-Type', '')
                final = stream.geturl() or url
            finally:
                stream.close()
            return Response(final, status, ctype, body)
        except HTTPError as exc:
            try:
                body = exc.read(MAX_BODY) or b''
            except Exception:  # pylint: disable=broad-exception-caught
                body = b''
            detail = exception_text(body) or excerpt(body)
            raise OgcError('%s answered HTTP %s %s: %s' % (where, exc.code, exc.reason or '', detail),
                           retry=exc.code >= 500 or exc.code in (408, 425, 429) or _transient_report(body))
        except OgcError as exc:
            raise OgcError('%s: %s' % (where, exc.msg))
        except URLError as exc:
            raise self._connection_error(where, exc.reason)
        except (socket.timeout, TimeoutError):
            raise OgcError('%s: no answer within %ss (timeout)' % (where, self.timeout), retry=True)
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise self._connection_error(where, exc)
        except (HTTPException, UrlsConnectionError, OSError) as exc:
            raise self._connection_error(where, exc)

    def _connection_error(self, where, reason):
        if _is_cert_failure(reason):
            return OgcError('%s: TLS certificate verification failed: %s; give the CA that signed the server '
                            'certificate as ca_path, or set validate_certs=false' % (where, reason))
        if isinstance(reason, ConnectionRefusedError):
            return OgcError('%s: connection refused' % where, retry=True)
        if isinstance(reason, socket.gaierror):
            return OgcError('%s: host name not resolved (%s)' % (where, reason), retry=True)
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return OgcError('%s: no answer within %ss (timeout)' % (where, self.timeout), retry=True)
        return OgcError('%s: %s' % (where, reason or 'connection failed'), retry=True)


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
        if report:
            code, words = report
            return 'ServiceException%s: %s' % (' (%s)' % code if code else '', words)
        return None
    if stripped[:1] == b'{':
        try:
            doc = json.loads(body.decode('utf-8'))
        except ValueError:
            return None
        if isinstance(doc, dict) and ('description' in doc or 'detail' in doc) and 'links' not in doc:
            return squeeze('%s: %s' % (doc.get('code') or doc.get('title') or 'error',
                                       doc.get('description') or doc.get('detail')), 600)
    return None


def _transient_report(body):
    """Whether an error answer is an OGC exception report whose code does not blame the request (MapServer answers
    HTTP 400 with code NoApplicableCode or Internal when its database is not reachable yet): worth retrying."""
    if not body or body.lstrip()[:1] != b'<':
        return False
    report = exception_report(parse_xml(body))
    return bool(report) and (report[0] or '').lower() not in PERMANENT_CODES


def raise_if_exception(root, where):
    report = exception_report(root)
    if report:
        code, words = report
        raise OgcError('%s: ServiceException%s: %s' % (where, ' (%s)' % code if code else '', words),
                       retry=(code or '').lower() not in PERMANENT_CODES)


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
    match = re.match(r'(?i)^(?:urn:ogc:def:crs:|https?://www\.opengis\.net/def/crs/)(EPSG|OGC)[:/][^:/]*[:/]+(\w+)$',
                     value)
    if match:
        authority, code = match.group(1).upper(), match.group(2)
        if authority == 'OGC' and code.upper() in ('CRS84', '1.3:CRS84'):
            return 'CRS:84'
        return '%s:%s' % (authority, code)
    if re.match(r'(?i)^epsg:\d+$', value):
        return value.upper()
    if value.upper() in ('CRS:84', 'OGC:CRS84'):
        return 'CRS:84'
    return value


def epsg_code(crs):
    match = re.match(r'^EPSG:(\d+)$', normalise_crs(crs))
    return int(match.group(1)) if match else None


def northing_first(crs):
    """Whether the CRS's EPSG axis order puts latitude / northing first (WMS 1.3.0 follows it)."""
    code = epsg_code(crs)
    if code is None:
        return False
    return 4000 <= code <= 4999 or code in NORTHING_FIRST


def version_tuple(version):
    try:
        return tuple(int(p) for p in (version or '').split('.'))
    except ValueError:
        return ()


def crs_uri(crs):
    code = epsg_code(crs)
    return 'http://www.opengis.net/def/crs/EPSG/0/%d' % code if code else crs


# ---- capabilities -------------------------------------------------------------------------------------------------

def _unique(values, limit=LIST_LIMIT):
    seen, result = set(), []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            result.append(value)
            if len(result) >= limit:
                break
    return result


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
                layers=_unique(lyr['name'] for lyr in layers),
                layer_info=dict((lyr['name'], lyr) for lyr in reversed(layers)),
                formats=_unique(text(f) for f in kids(walk(capability, 'Request', 'GetMap'), 'Format')),
                crs=_unique(crs, CRS_LIMIT))


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
    return dict(version=version, title=_ows_title(root), layers=_unique(types), formats=_unique(formats),
                crs=_unique(crs, CRS_LIMIT), hits_listed='hits' in result_types,
                hits_possible=version_tuple(version) >= (1, 1))


def _wcs_capabilities(root):
    name = local(root.tag)
    if name == 'WCS_Capabilities':  # 1.0.0
        offerings = descendants(kid(root, 'ContentMetadata'), 'CoverageOfferingBrief')
        return dict(version=root.get('version'),
                    title=text(walk(root, 'Service', 'label')) or text(walk(root, 'Service', 'name')),
                    layers=_unique(text(kid(o, 'name')) for o in offerings), formats=[], crs=[])
    if name != 'Capabilities':
        raise ValueError(name)
    summaries = descendants(kid(root, 'Contents'), 'CoverageSummary')
    ids = [text(kid(s, 'CoverageId')) or text(kid(s, 'Identifier')) for s in summaries]
    formats = [text(f) for f in descendants(kid(root, 'ServiceMetadata'), 'formatSupported')]
    formats += [text(f) for s in summaries for f in kids(s, 'SupportedFormat')]
    formats += _ows_values(root, 'GetCoverage', 'format')
    crs = [text(c) for c in descendants(kid(root, 'ServiceMetadata'), 'crsSupported')]
    crs += [text(c) for s in summaries for c in kids(s, 'SupportedCRS')]
    return dict(version=root.get('version'), title=_ows_title(root), layers=_unique(ids), formats=_unique(formats),
                crs=_unique(crs, CRS_LIMIT))


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
    return dict(version=root.get('version'), title=_ows_title(root), layers=_unique(lyr['name'] for lyr in layers),
                layer_info=dict((lyr['name'], lyr) for lyr in layers), tile_matrix_sets=sets,
                formats=_unique(f for lyr in layers for f in lyr['formats']),
                crs=_unique((s['crs'] for s in sets.values()), CRS_LIMIT))


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
    info['formats'] = _unique(v for f in descendants(element, 'formats', 'SupportedFormat')
                              for v in ([text(f)] if local(f.tag) == 'SupportedFormat' else (text(f) or '').split()))
    crs_list = []
    for ref in descendants(element, 'requestResponseCRSs', 'requestCRSs', 'responseCRSs', 'nativeCRSs',
                           'SupportedCRS'):
        crs_list.extend((text(ref) or '').split())
    info['crs_list'] = _unique(crs_list, CRS_LIMIT)
    if not info['crs'] and info['crs_list']:
        info['crs'] = info['crs_list'][0]
    return info


# ---- feature counting ---------------------------------------------------------------------------------------------

def _count_attribute(root, *names):
    for name in names:
        value = attr(root, name)
        if value is not None and re.match(r'^\d+$', value.strip()):
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
        code, words = report
        raise OgcError('ServiceException%s: %s' % (' (%s)' % code if code else '', words),
                       retry=(code or '').lower() not in PERMANENT_CODES)
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


# ---- images -------------------------------------------------------------------------------------------------------

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def sniff(body):
    """The kind of a binary answer from its first bytes: png, jpeg, gif, tiff, netcdf, hdf5, xml, json or None."""
    head = body[:8]
    if head.startswith(PNG_MAGIC):
        return 'png'
    if head.startswith(b'\xff\xd8\xff'):
        return 'jpeg'
    if head[:4] in (b'GIF8',):
        return 'gif'
    if head[:4] in (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+'):
        return 'tiff'
    if head[:3] == b'CDF':
        return 'netcdf'
    if head.startswith(b'\x89HDF'):
        return 'hdf5'
    stripped = body[:512].lstrip()
    if stripped[:1] == b'<':
        return 'xml'
    if stripped[:1] in (b'{', b'['):
        return 'json'
    return None


def _unfilter(kind, line, prev, bpp, masks):
    """Undo one PNG row filter (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth); ``prev`` is the decoded row above."""
    n = len(line)
    if kind == 0:
        return line
    if kind == 2:
        low, high = masks
        a, b = int.from_bytes(line, 'big'), int.from_bytes(prev, 'big')
        # byte-wise addition modulo 256 of the whole row at once, carries kept inside each byte
        return (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(n, 'big')
    out = bytearray(line)
    if kind == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xff
    elif kind == 3:
        for i in range(min(bpp, n)):
            out[i] = (out[i] + (prev[i] >> 1)) & 0xff
        for i in range(bpp, n):
            out[i] = (out[i] + ((out[i - bpp] + prev[i]) >> 1)) & 0xff
    elif kind == 4:
        for i in range(min(bpp, n)):
            out[i] = (out[i] + prev[i]) & 0xff
        for i in range(bpp, n):
            a, b, c = out[i - bpp], prev[i], prev[i - bpp]
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - c - c)
            if pa <= pb and pa <= pc:
                out[i] = (out[i] + a) & 0xff
            elif pb <= pc:
                out[i] = (out[i] + b) & 0xff
            else:
                out[i] = (out[i] + c) & 0xff
    else:
        raise ValueError('unknown PNG filter type %d' % kind)
    return bytes(out)


def _png_chunks(data):
    pos = len(PNG_MAGIC)
    while pos + 8 <= len(data):
        length, = struct.unpack('>I', data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) < length or len(crc) < 4:
            raise ValueError('truncated PNG (chunk %s)' % kind.decode('latin-1'))
        if struct.unpack('>I', crc)[0] != zlib.crc32(kind + body) & 0xffffffff:
            raise ValueError('corrupt PNG (bad CRC in chunk %s)' % kind.decode('latin-1'))
        yield kind, body
        if kind == b'IEND':
            return
        pos += 12 + length
    raise ValueError('truncated PNG (no IEND chunk)')


class _Pixels(object):
    """Turns decoded rows into colour keys (fully transparent pixels all count as one colour)."""

    def __init__(self, color_type, depth, palette, trns):
        self.color_type, self.depth = color_type, depth
        self.channels = CHANNELS[color_type]
        self.size = self.channels * depth // 8      # bytes per pixel for depths >= 8
        self.palette = None
        self.key = None
        if color_type == 3:
            alphas = list(trns or b'')
            self.palette = []
            for index in range(len(palette) // 3):
                alpha = alphas[index] if index < len(alphas) else 255
                self.palette.append(TRANSPARENT if alpha == 0 else palette[3 * index:3 * index + 3] + bytes([alpha]))
        elif trns and color_type in (0, 2):
            values = struct.unpack('>%dH' % (len(trns) // 2), trns[:len(trns) // 2 * 2])
            if depth == 16:
                self.key = struct.pack('>%dH' % len(values), *values)
            elif depth == 8:
                self.key = bytes(v & 0xff for v in values)
            else:
                self.key = values[0]

    def keys(self, row, width):
        if self.depth < 8:
            per_byte = 8 // self.depth
            mask = (1 << self.depth) - 1
            shifts = [8 - self.depth * (k + 1) for k in range(per_byte)]
            samples = [(byte >> s) & mask for byte in row for s in shifts][:width]
            if self.palette is not None:
                return [self._palette(s) for s in samples]
            return [TRANSPARENT if s == self.key else s for s in samples]
        size = self.size
        keys = [row[i:i + size] for i in range(0, width * size, size)]
        if self.palette is not None:
            return [self._palette(k[0]) for k in keys]
        if self.color_type in (4, 6):
            alpha = size // self.channels
            zero = bytes(alpha)
            return [TRANSPARENT if k[-alpha:] == zero else k for k in keys]
        if self.key is not None:
            return [TRANSPARENT if k == self.key else k for k in keys]
        return keys

    def _palette(self, index):
        if index >= len(self.palette):
            raise ValueError('PNG pixel refers to palette entry %d of %d' % (index, len(self.palette)))
        return self.palette[index]


def _png_decode(data):
    """``(header, rows)`` of a PNG: the header as ``{width, height, bit_depth, color_type, interlaced}``, and a
    generator of its decoded rows, each a list of pixel keys (``_Pixels.keys``: fully transparent pixels are all
    ``TRANSPARENT``). Raises ValueError for anything that is not a valid PNG (the rows are checked as they are
    decoded)."""
    if not data.startswith(PNG_MAGIC):
        raise ValueError('not a PNG (starts with %s)' % data[:8].hex())
    header, palette, trns, idat = None, b'', None, []
    for kind, body in _png_chunks(data):
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body[:13])
        elif kind == b'PLTE':
            palette = body
        elif kind == b'tRNS':
            trns = body
        elif kind == b'IDAT':
            idat.append(body)
    if header is None:
        raise ValueError('PNG without IHDR')
    width, height, depth, color_type, _compression, _filter, interlace = header
    if color_type not in CHANNELS or depth not in (1, 2, 4, 8, 16) or \
            (color_type in (2, 4, 6) and depth < 8) or (color_type == 3 and depth == 16):
        raise ValueError('unsupported PNG: colour type %d, bit depth %d' % (color_type, depth))
    if color_type == 3 and not palette:
        raise ValueError('palette PNG without PLTE')
    if width * height > MAX_PIXELS:
        raise ValueError('PNG of %dx%d pixels is too large to check' % (width, height))
    bits = CHANNELS[color_type] * depth
    bpp = max(1, bits // 8)
    passes = [(width, height)]
    if interlace:
        passes = [((width - x0 + dx - 1) // dx if width > x0 else 0, (height - y0 + dy - 1) // dy if height > y0 else 0)
                  for x0, y0, dx, dy in ADAM7]
    expected = sum(h * (1 + (w * bits + 7) // 8) for w, h in passes if w and h)
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(b''.join(idat), expected + 1)
    except zlib.error as exc:
        raise ValueError('corrupt PNG image data (%s)' % exc)
    if len(raw) < expected:
        raise ValueError('truncated PNG image data (%d of %d bytes)' % (len(raw), expected))
    pixels = _Pixels(color_type, depth, palette, trns)

    def rows():
        pos = 0
        for pass_width, pass_height in passes:
            if not pass_width or not pass_height:
                continue
            stride = (pass_width * bits + 7) // 8
            masks = (int.from_bytes(b'\x7f' * stride, 'big'), int.from_bytes(b'\x80' * stride, 'big'))
            prev = bytes(stride)
            for _row in range(pass_height):
                kind = raw[pos]
                prev = _unfilter(kind, raw[pos + 1:pos + 1 + stride], prev, bpp, masks)
                pos += 1 + stride
                yield pixels.keys(prev, pass_width)
    return (dict(width=width, height=height, bit_depth=depth, color_type=color_type, interlaced=bool(interlace)),
            rows())


def png_summary(data, color_cap=COLOR_CAP):
    """Decode a PNG: ``{width, height, bit_depth, color_type, interlaced, colors, transparent}``. ``colors``
    counts distinct pixel values up to ``color_cap`` (decoding stops there); ``transparent``: every pixel is fully
    transparent. Raises ValueError for anything that is not a valid PNG."""
    header, rows = _png_decode(data)
    colors = set()
    for row in rows:
        colors.update(row)
        if len(colors) > color_cap:
            break
    return dict(header, colors=min(len(colors), color_cap), colors_capped=len(colors) > color_cap,
                transparent=colors == set([TRANSPARENT]))


TIFF_TYPES = {3: ('H', 2), 4: ('I', 4), 16: ('Q', 8)}


def tiff_summary(data):
    """The first image of a TIFF / BigTIFF: ``{width, height, bands, bits, bigtiff}`` (None where absent).
    Raises ValueError when ``data`` is not a TIFF."""
    head = data[:4]
    if head[:2] not in (b'II', b'MM') or len(data) < 8:
        raise ValueError('not a TIFF (starts with %s)' % data[:8].hex())
    endian = '<' if head[:2] == b'II' else '>'
    magic, = struct.unpack(endian + 'H', data[2:4])
    if magic == 42:
        big, offset = False, struct.unpack(endian + 'I', data[4:8])[0]
    elif magic == 43 and len(data) >= 16:
        big, offset = True, struct.unpack(endian + 'Q', data[8:16])[0]
    else:
        raise ValueError('not a TIFF (starts with %s)' % data[:8].hex())
    count_format, entry_size, field = ('Q', 20, 8) if big else ('H', 12, 4)
    count_size = struct.calcsize(count_format)
    if offset + count_size > len(data):
        raise ValueError('truncated TIFF (first IFD at %d of %d bytes)' % (offset, len(data)))
    entries, = struct.unpack(endian + count_format, data[offset:offset + count_size])
    tags = {}
    for index in range(min(entries, 4096)):
        start = offset + count_size + index * entry_size
        entry = data[start:start + entry_size]
        if len(entry) < entry_size:
            break
        tag, kind = struct.unpack(endian + 'HH', entry[:4])
        count, = struct.unpack(endian + ('Q' if big else 'I'), entry[4:4 + field])
        if kind not in TIFF_TYPES or tag not in (256, 257, 258, 277) or not count:
            continue
        code, size = TIFF_TYPES[kind]
        raw = entry[4 + field:4 + 2 * field]
        if count * size > field:
            where, = struct.unpack(endian + ('Q' if big else 'I'), raw)
            raw = data[where:where + min(count, 16) * size]
        values = struct.unpack(endian + code * (len(raw) // size), raw[:len(raw) // size * size])
        tags[tag] = values[:count]
    first = dict((tag, values[0]) for tag, values in tags.items() if values)
    return dict(width=first.get(256), height=first.get(257), bands=first.get(277, 1 if 256 in first else None),
                bits=first.get(258), bigtiff=big)


def multipart_part(content_type, body):
    """The first non-XML part of a multipart answer (WCS 1.1 GetCoverage): ``(content_type, body)``."""
    match = re.search(r'boundary="?([^";]+)"?', content_type or '', re.I)
    if not match:
        return None
    boundary = b'--' + match.group(1).encode('latin-1')
    for part in body.split(boundary)[1:]:
        if part.startswith(b'--'):
            break
        head, _sep, payload = part.lstrip(b'\r\n').partition(b'\r\n\r\n')
        if not _sep:
            head, _sep, payload = part.lstrip(b'\n').partition(b'\n\n')
        ctype = ''
        for line in head.decode('latin-1').splitlines():
            if line.lower().startswith('content-type:'):
                ctype = line.split(':', 1)[1].strip()
        if payload.endswith(b'\r\n'):
            payload = payload[:-2]
        elif payload.endswith(b'\n'):
            payload = payload[:-1]
        if 'xml' not in ctype.lower() and sniff(payload) != 'xml':
            return ctype, payload
    return None


# ---- options ------------------------------------------------------------------------------------------------------

def _bbox_problem(option, bbox):
    if bbox is None:
        return None
    try:
        values = [float(v) for v in bbox]
    except (TypeError, ValueError):
        values = []
    if len(values) != 4 or len(values) != len(bbox):
        return '%s.bbox must be 4 numbers (minx, miny, maxx, maxy); got %r' % (option, bbox)
    if values[0] >= values[2] or values[1] >= values[3]:
        return '%s.bbox must have minx < maxx and miny < maxy; got %r' % (option, bbox)
    return None


def option_problems(params):
    """Problems with the options, each naming the option (checked before any request)."""
    problems = []
    service = params.get('service')
    url = params.get('url') or ''
    if service not in SERVICES:
        problems.append('service must be one of %s; got %r' % (', '.join(SERVICES), service))
    if urlsplit(url).scheme not in ('http', 'https') or not urlsplit(url).netloc:
        problems.append('url must be an http:// or https:// URL; got %r' % url)
    version = params.get('version')
    if version and service in VERSIONS and version not in VERSIONS[service]:
        problems.append('version %s is not a %s version this module speaks (%s)'
                        % (version, LABELS[service], ', '.join(VERSIONS[service])))
    for option, owner in OPERATIONS:
        if params.get(option) is not None and service != owner:
            problems.append('%s is a %s option, but service is %s' % (option, LABELS[owner], service))
    for option in ('timeout', 'wait_sleep'):
        if params.get(option) is not None and params[option] < 1:
            problems.append('%s must be at least 1; got %s' % (option, params[option]))
    if (params.get('wait_timeout') or 0) < 0:
        problems.append('wait_timeout must not be negative; got %s' % params['wait_timeout'])
    for option in ('ca_path', 'client_cert', 'client_key'):
        path = params.get(option)
        if path:
            try:
                with open(path, 'rb'):
                    pass
            except (IOError, OSError) as exc:
                problems.append('%s %s cannot be read: %s' % (option, path, exc.strerror or exc))
    if params.get('client_key') and not params.get('client_cert'):
        problems.append('client_key needs client_cert')
    for name in params.get('expect_layers') or []:
        if not name or not str(name).strip():
            problems.append('expect_layers must not contain empty names')
            break
    for option in ('get_feature', 'items'):
        opts = params.get(option) or {}
        if opts.get('count') is not None and opts.get('min_count') is not None:
            problems.append('%s: count and min_count are mutually exclusive' % option)
        for key in ('count', 'min_count'):
            if opts.get(key) is not None and opts[key] < 0:
                problems.append('%s.%s must not be negative; got %s' % (option, key, opts[key]))
        for key in ('limit', 'max_pages', 'max_features'):
            if opts.get(key) is not None and opts[key] < 1:
                problems.append('%s.%s must be at least 1; got %s' % (option, key, opts[key]))
    for option in ('get_map', 'get_coverage'):
        opts = params.get(option) or {}
        problem = _bbox_problem(option, opts.get('bbox'))
        if problem:
            problems.append(problem)
        for key in ('width', 'height'):
            if opts.get(key) is not None and not 0 < opts[key] <= 8192:
                problems.append('%s.%s must be between 1 and 8192; got %s' % (option, key, opts[key]))
    for option in ('get_map', 'get_tile'):
        opts = params.get(option) or {}
        if opts.get('min_colors') is not None and opts['min_colors'] < 0:
            problems.append('%s.min_colors must not be negative; got %s' % (option, opts['min_colors']))
    described = (params.get('describe_coverage') or {}).get('coverage')
    fetched = (params.get('get_coverage') or {}).get('coverage')
    if described and fetched and described != fetched:
        problems.append('describe_coverage.coverage (%s) and get_coverage.coverage (%s) differ: probe one coverage '
                        'per task' % (described, fetched))
    tile = params.get('get_tile') or {}
    for key in ('row', 'col'):
        if tile.get(key) is not None and tile[key] < 0:
            problems.append('get_tile.%s must not be negative; got %s' % (key, tile[key]))
    return problems


# ---- the probe ----------------------------------------------------------------------------------------------------

def name_matches(service, listed, wanted):
    """Whether a listed name is the wanted one; WFS feature types match without their prefix (ms:countries)."""
    if listed == wanted:
        return True
    if service == 'wfs' and (':' not in listed or ':' not in wanted):
        return listed.split(':')[-1] == wanted.split(':')[-1]
    return False


def _format_key(value):
    return re.sub(r'\s+', '', (value or '').lower())


TIFF_NAMES = ('image/tiff', 'image/geotiff', 'image/tiff;application=geotiff', 'gtiff', 'geotiff', 'tiff', 'tif',
              'image/x-geotiff')
EXPECTED_KIND = (('tif', 'tiff'), ('png', 'png'), ('jpeg', 'jpeg'), ('jpg', 'jpeg'), ('gif', 'gif'),
                 ('netcdf', 'netcdf'))


def expected_kind(fmt):
    """The image kind a format name promises (None when it does not say, or may be either, as jpeg-png)."""
    key = _format_key(fmt)
    if 'jpeg-png' in key:
        return None
    for marker, kind in EXPECTED_KIND:
        if marker in key:
            return kind
    return None


class Probe(object):
    """One attempt at the checks the options ask for. ``run()`` returns the result dict or raises ``OgcError``;
    ``result`` holds what was learnt so far either way."""

    def __init__(self, http, params, defaults=None):
        self.http = http
        self.params = params
        self.defaults = defaults or {}
        self.service = params['service']
        self.label = LABELS[self.service]
        self.url = params['url']
        self.result = {}

    # -- options ---------------------------------------------------------------------------------------------------
    def option(self, name):
        """A dict option with its suboption defaults filled in (as AnsibleModule would)."""
        value = self.params.get(name)
        if value is None:
            return None
        merged = dict(self.defaults.get(name) or {})
        merged.update(dict((k, v) for k, v in value.items() if v is not None))
        return merged

    def at(self, what):
        return '%s %s at %s' % (self.label, what, self.url)

    # -- entry -----------------------------------------------------------------------------------------------------
    def run(self):
        self.result = dict(url=self.url, service=self.service, version=None, title=None, layers=[], formats=[],
                           crs=[])
        if self.service == 'ogcapi-features':
            self._ogcapi()
            return self.result
        caps = self._capabilities()
        if self.service == 'wms' and self.params.get('get_map') is not None:
            self._get_map(caps)
        elif self.service == 'wfs' and self.params.get('get_feature') is not None:
            self._get_feature(caps)
        elif self.service == 'wcs' and (self.params.get('describe_coverage') is not None or
                                        self.params.get('get_coverage') is not None):
            self._coverage(caps)
        elif self.service == 'wmts' and self.params.get('get_tile') is not None:
            self._get_tile(caps)
        return self.result

    # -- capabilities ----------------------------------------------------------------------------------------------
    def _capabilities(self):
        query = [('SERVICE', self.label), ('REQUEST', 'GetCapabilities')]
        if self.params.get('version'):
            query.append(('VERSION', self.params['version']))
        url = with_query(self.url, query)
        where = self.at('GetCapabilities')
        root = xml_document(self.http.get(url, '%s GetCapabilities' % self.label, accept='application/xml, text/xml'),
                            where)
        try:
            caps = parse_capabilities(self.service, root)
        except ValueError as exc:
            raise OgcError('%s answered a %s document, not %s capabilities' % (where, exc, self.label))
        self.result.update(version=caps['version'], title=caps['title'], layers=caps['layers'],
                           formats=caps['formats'], crs=caps['crs'])
        self._check_listing(caps['version'], caps['title'], caps['layers'], where)
        return caps

    def _check_listing(self, version, title, names, where):
        wanted = self.params.get('version')
        if wanted and version != wanted:
            raise OgcError('%s: version %s served, %s expected' % (where, version or '(none)', wanted))
        expect_title = self.params.get('expect_title')
        if expect_title and expect_title.lower() not in (title or '').lower():
            raise OgcError('%s: title %r does not contain %r' % (where, title, expect_title))
        missing = [n for n in self.params.get('expect_layers') or [] if self.listed(n, names) is None]
        if missing:
            word = ITEM_WORD[self.service] + ('s' if len(missing) > 1 else '')
            raise OgcError('%s: %s %s not listed; listed: %s' % (where, word, ', '.join(missing), shown(names)))

    def listed(self, wanted, names=None):
        for name in self.result['layers'] if names is None else names:
            if name_matches(self.service, name, wanted):
                return name
        return None

    def require_listed(self, wanted, where):
        name = self.listed(wanted)
        if name is None:
            raise OgcError('%s: %s %s not listed; listed: %s'
                           % (where, ITEM_WORD[self.service], wanted, shown(self.result['layers'])))
        return name

    def first_wanted(self, option_value):
        if option_value:
            return option_value
        expected = self.params.get('expect_layers') or []
        if expected:
            return expected[0]
        if not self.result['layers']:
            raise OgcError('%s: no %s listed' % (self.at('GetCapabilities'), ITEM_WORD[self.service]))
        return self.result['layers'][0]

    # -- images ----------------------------------------------------------------------------------------------------
    def check_image(self, response, what, fmt, min_colors, size=None, into=None):
        """Content type, decoding and blankness of an image answer; the facts go into ``into`` (also when a check
        fails) and are returned."""
        ctype = response.media_type
        kind = sniff(response.body)
        info = into if into is not None else {}
        info.update(url=response.url, content_type=response.content_type, bytes=len(response.body), width=None,
                    height=None, colors=None, blank=None)
        report = exception_report(parse_xml(response.body)) if kind == 'xml' or 'xml' in ctype else None
        if report:
            code, words = report
            raise OgcError('%s returned %s: ServiceException%s: %s (%s)'
                           % (what, ctype, ' (%s)' % code if code else '', words, response.url),
                           retry=(code or '').lower() not in PERMANENT_CODES)
        wanted = media_type(fmt)
        if ctype != wanted and not (ctype.startswith('image/') and expected_kind(fmt) in (None, expected_kind(ctype))):
            raise OgcError('%s returned %s, %s expected: %s (%s)'
                           % (what, ctype or 'no content type', wanted, excerpt(response.body), response.url),
                           retry=not ctype.startswith('image/'))
        expect = expected_kind(fmt)
        if expect and kind != expect:
            raise OgcError('%s returned %s that is not a %s image: %s (%s)'
                           % (what, ctype, expect.upper(), excerpt(response.body), response.url), retry=True)
        if kind != 'png':
            return info
        try:
            png = png_summary(response.body)
        except ValueError as exc:
            raise OgcError('%s returned a broken PNG: %s (%s)' % (what, exc, response.url), retry=True)
        info.update(width=png['width'], height=png['height'], colors=png['colors'],
                    blank=png['transparent'] or png['colors'] < 2)
        if size and (png['width'], png['height']) != tuple(size):
            raise OgcError('%s image is %dx%d, %dx%d requested (%s)'
                           % (what, png['width'], png['height'], size[0], size[1], response.url))
        if min_colors:
            if png['transparent']:
                raise OgcError('%s image is blank (fully transparent): %s' % (what, response.url))
            if png['colors'] < min_colors:
                plural = '' if png['colors'] == 1 else 's'
                if png['colors'] < 2:
                    raise OgcError('%s image is blank (%d colour%s): %s'
                                   % (what, png['colors'], plural, response.url))
                raise OgcError('%s image has %d colour%s, min_colors %d: %s'
                               % (what, png['colors'], plural, min_colors, response.url))
        return info

    # -- WMS -------------------------------------------------------------------------------------------------------
    def _get_map(self, caps):
        opts = self.option('get_map')
        where = self.at('GetMap')
        layers = opts.get('layers') or self.params.get('expect_layers') or [self.first_wanted(None)]
        listed = [self.require_listed(name, where) for name in layers]
        fmt = opts['format']
        if caps['formats'] and _format_key(fmt) not in [_format_key(f) for f in caps['formats']]:
            raise OgcError('%s: format %s not listed; listed: %s' % (where, fmt, shown(caps['formats'])))
        crs = normalise_crs(opts['crs'])
        version = caps['version'] or '1.3.0'
        new = version_tuple(version) >= (1, 3)
        bbox = opts.get('bbox') or self._wms_bbox(caps, listed, crs, new, where)
        order = opts.get('axis_order') or 'auto'
        swap = new and (order == 'yx' or (order == 'auto' and northing_first(crs)))
        sent = [bbox[1], bbox[0], bbox[3], bbox[2]] if swap else list(bbox)
        query = [('SERVICE', 'WMS'), ('VERSION', version), ('REQUEST', 'GetMap'), ('LAYERS', ','.join(listed)),
                 ('STYLES', ','.join(opts.get('styles') or [])), ('CRS' if new else 'SRS', crs),
                 ('BBOX', ','.join(num(v) for v in sent)), ('WIDTH', opts['width']), ('HEIGHT', opts['height']),
                 ('FORMAT', fmt)]
        if opts.get('transparent'):
            query.append(('TRANSPARENT', 'TRUE'))
        url = with_query(self.url, query)
        self.result['get_map'] = dict(url=url, layers=listed, crs=crs, bbox=[float(v) for v in sent],
                                      axis_order='yx' if swap else 'xy')
        response = self.http.get(url, 'WMS GetMap', accept=fmt)
        self.check_image(response, 'WMS GetMap', fmt, opts['min_colors'], (opts['width'], opts['height']),
                         into=self.result['get_map'])

    def _wms_bbox(self, caps, layers, crs, new, where):
        """The layers' extent in ``crs`` (x/y order) from the capabilities."""
        infos = [caps['layer_info'].get(name) or {} for name in layers]
        boxes = []
        if crs in ('EPSG:4326', 'CRS:84'):
            boxes = [i.get('bbox') for i in infos]
        else:
            for info in infos:
                box = (info.get('boxes') or {}).get(crs)
                if box and new and northing_first(crs):
                    box = [box[1], box[0], box[3], box[2]]
                boxes.append(box)
        if not boxes or not all(boxes):
            if crs in ('EPSG:4326', 'CRS:84'):
                return [-180.0, -90.0, 180.0, 90.0]
            raise OgcError('%s: no bounding box in %s listed for %s; give get_map.bbox'
                           % (where, crs, ', '.join(layers)))
        bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes)]
        pad_x = 0.01 if bbox[2] - bbox[0] <= 0 else 0
        pad_y = 0.01 if bbox[3] - bbox[1] <= 0 else 0
        return [bbox[0] - pad_x, bbox[1] - pad_y, bbox[2] + pad_x, bbox[3] + pad_y]

    # -- WFS -------------------------------------------------------------------------------------------------------
    def _get_feature(self, caps):
        opts = self.option('get_feature')
        where = self.at('GetFeature')
        wanted = self.first_wanted(opts.get('type_name'))
        name = self.require_listed(wanted, where)
        version = caps['version'] or '1.1.0'
        v2 = version_tuple(version) >= (2,)
        base = [('SERVICE', 'WFS'), ('VERSION', version), ('REQUEST', 'GetFeature'),
                ('TYPENAMES' if v2 else 'TYPENAME', name)]
        count, min_count = opts.get('count'), opts.get('min_count')
        if count is None and min_count is None:
            min_count = 1
        outcome = None
        method = opts.get('method') or 'auto'
        if method in ('auto', 'hits') and caps.get('hits_possible'):
            outcome = self._wfs_hits(base, where, strict=method == 'hits')
        elif method == 'hits':
            raise OgcError('%s: WFS %s has no resultType=hits; use get_feature.method=members' % (where, version))
        if outcome is None:
            limit = count + 1 if count is not None else opts['max_features']
            query = base + [('COUNT' if v2 else 'MAXFEATURES', limit)]
            if opts.get('output_format'):
                query.append(('OUTPUTFORMAT', opts['output_format']))
            url = with_query(self.url, query)
            response = self.http.get(url, 'WFS GetFeature')
            try:
                members, matched = count_features(response.body)
            except OgcError as exc:
                raise OgcError('%s: %s (%s)' % (where, exc.msg, url), retry=exc.retry)
            except ValueError as exc:
                raise OgcError('%s answered %s: %s (%s)' % (where, response.media_type, exc, url), retry=True)
            total = matched if matched is not None else members
            outcome = dict(url=url, count=total, number_matched=matched, members=members, method='members',
                           limit=limit, complete=matched is not None or members < limit)
        outcome['type_name'] = name
        self.result['get_feature'] = outcome
        self._check_count('%s %s' % (self.label, wanted), outcome, count, min_count, 'get_feature.max_features')

    def _wfs_hits(self, base, where, strict):
        url = with_query(self.url, base + [('RESULTTYPE', 'hits')])
        response = self.http.get(url, 'WFS GetFeature')
        try:
            _members, matched = count_features(response.body)
        except OgcError as exc:
            if strict or exc.retry:
                raise OgcError('%s: %s (%s)' % (where, exc.msg, url), retry=exc.retry)
            return None
        except ValueError:
            if strict:
                raise OgcError('%s answered %s to resultType=hits: %s (%s)'
                               % (where, response.media_type, excerpt(response.body), url), retry=True)
            return None
        if matched is None:
            if strict:
                raise OgcError('%s: the resultType=hits answer gives no numberMatched / numberOfFeatures (%s)'
                               % (where, url))
            return None
        return dict(url=url, count=matched, number_matched=matched, method='hits', complete=True)

    @staticmethod
    def _check_count(subject, outcome, count, min_count, bound_option):
        """Compare a count with the expectation; an incomplete count (``complete`` false) is a lower bound."""
        found, complete = outcome['count'], outcome.get('complete', True)
        if count is not None and (found != count or not complete):
            if found > count:
                raise OgcError('%s: %s%d features, %d expected' % (subject, '' if complete else 'at least ', found,
                                                                   count))
            if complete:
                raise OgcError('%s: %d features, %d expected' % (subject, found, count))
            raise OgcError('%s: %d features counted and more remain, %d expected; raise %s'
                           % (subject, found, count, bound_option))
        if min_count is not None and found < min_count:
            if complete:
                raise OgcError('%s: %d features, at least %d expected' % (subject, found, min_count))
            raise OgcError('%s: %d features counted and more remain, at least %d expected; raise %s'
                           % (subject, found, min_count, bound_option))

    # -- WCS -------------------------------------------------------------------------------------------------------
    def _coverage(self, caps):
        describe = self.option('describe_coverage') or {}
        get = self.option('get_coverage')
        wanted = self.first_wanted(describe.get('coverage') or (get or {}).get('coverage'))
        name = self.require_listed(wanted, self.at('DescribeCoverage'))
        version = caps['version'] or '2.0.1'
        vt = version_tuple(version)
        key = 'COVERAGEID' if vt >= (2,) else ('IDENTIFIERS' if vt >= (1, 1) else 'COVERAGE')
        url = with_query(self.url, [('SERVICE', 'WCS'), ('VERSION', version), ('REQUEST', 'DescribeCoverage'),
                                    (key, name)])
        where = '%s (%s)' % (self.at('DescribeCoverage'), name)
        root = xml_document(self.http.get(url, 'WCS DescribeCoverage'), where)
        try:
            info = parse_coverage_description(root, name)
        except ValueError as exc:
            raise OgcError('%s answered a %s document, not a coverage description' % (where, exc))
        info['url'] = url
        self.result['describe_coverage'] = info
        if get is not None:
            self._get_coverage(get, name, version, info, caps)

    def _get_coverage(self, opts, name, version, info, caps):
        vt = version_tuple(version)
        where = '%s (%s)' % (self.at('GetCoverage'), name)
        fmt = opts['format']
        offered = info['formats'] or caps['formats']
        if offered:
            fmt = self._offered_format(fmt, offered, where)
        if vt >= (2,):
            query = self._wcs20_query(opts, name, version, info, fmt)
        else:
            query = self._wcs1_query(opts, name, version, info, fmt, where)
        url = with_query(self.url, query)
        self.result['get_coverage'] = dict(url=url, format=None, content_type=None, bytes=None, requested_format=fmt)
        response = self.http.get(url, 'WCS GetCoverage')
        ctype, body = response.content_type, response.body
        if media_type(ctype).startswith('multipart/'):
            part = multipart_part(ctype, body)
            if part is None:
                raise OgcError('%s: the multipart answer holds no coverage (%s)' % (where, url), retry=True)
            ctype, body = part
        kind = sniff(body)
        if kind == 'xml' or 'xml' in media_type(ctype):
            report = exception_report(parse_xml(body))
            if report:
                code, words = report
                raise OgcError('WCS GetCoverage of %s returned %s: ServiceException%s: %s (%s)'
                               % (name, media_type(ctype), ' (%s)' % code if code else '', words, url),
                               retry=(code or '').lower() not in PERMANENT_CODES)
        expect = expected_kind(fmt)
        if not body or (expect and kind != expect):
            raise OgcError('WCS GetCoverage of %s returned %s that is not a %s: %s (%s)'
                           % (name, media_type(ctype) or 'no content type', (expect or 'coverage').upper(),
                              excerpt(body), url), retry=True)
        result = dict(url=url, content_type=ctype, bytes=len(body), format=kind, requested_format=fmt)
        if kind == 'tiff':
            try:
                result.update(tiff_summary(body))
            except ValueError as exc:
                raise OgcError('WCS GetCoverage of %s returned a broken TIFF: %s (%s)' % (name, exc, url), retry=True)
        self.result['get_coverage'] = result

    @staticmethod
    def _offered_format(fmt, offered, where):
        keys = [_format_key(f) for f in offered]
        if _format_key(fmt) in keys:
            return offered[keys.index(_format_key(fmt))]
        if _format_key(fmt) in TIFF_NAMES:
            for index, key in enumerate(keys):
                if key in TIFF_NAMES or key.startswith('image/tiff'):
                    return offered[index]
        raise OgcError('%s: format %s not offered; offered: %s' % (where, fmt, shown(offered)))

    @staticmethod
    def _axes(labels):
        """Which of two axis labels is x (easting / longitude) and which y: ``(x_label, y_label)``."""
        labels = list(labels or [])[:2]
        if len(labels) < 2:
            return 'x', 'y'
        if labels[0].lower() in ('y', 'lat', 'latitude', 'n', 'northing', 'north', 'j', 'row'):
            return labels[1], labels[0]
        return labels[0], labels[1]

    def _wcs20_query(self, opts, name, version, info, fmt):
        query = [('SERVICE', 'WCS'), ('VERSION', version), ('REQUEST', 'GetCoverage'), ('COVERAGEID', name),
                 ('FORMAT', fmt)]
        x_label, y_label = self._axes(info.get('axis_labels'))
        bbox = opts.get('bbox')
        if opts.get('crs'):
            query += [('SUBSETTINGCRS', crs_uri(opts['crs'])), ('OUTPUTCRS', crs_uri(opts['crs']))]
        if bbox:
            query += [('SUBSET', '%s(%s,%s)' % (x_label, num(bbox[0]), num(bbox[2]))),
                      ('SUBSET', '%s(%s,%s)' % (y_label, num(bbox[1]), num(bbox[3])))]
        size = self._size(opts, info, capped_only=True) if not bbox else self._size(opts, {})
        if size:
            query.append(('SCALESIZE', '%s(%d),%s(%d)' % (x_label, size[0], y_label, size[1])))
        return query

    @staticmethod
    def _size(opts, info, capped_only=False):
        """``[width, height]`` to request: the options, else the described grid scaled down to
        ``COVERAGE_MAX_SIDE`` (with ``capped_only``: only when the grid is larger than that)."""
        if opts.get('width') and opts.get('height'):
            return [opts['width'], opts['height']]
        grid = info.get('size')
        if not grid or min(grid) < 1:
            return None
        width, height = grid
        if opts.get('width'):
            return [opts['width'], max(1, int(round(height * opts['width'] / float(width))))]
        if opts.get('height'):
            return [max(1, int(round(width * opts['height'] / float(height)))), opts['height']]
        scale = min(1.0, COVERAGE_MAX_SIDE / float(max(width, height)))
        if capped_only and scale >= 1.0:
            return None
        return [max(1, int(round(width * scale))), max(1, int(round(height * scale)))]

    def _wcs1_query(self, opts, name, version, info, fmt, where):
        crs = opts.get('crs') or info.get('crs')
        bbox = opts.get('bbox') or info.get('bbox')
        wcs11 = version_tuple(version) >= (1, 1)
        size = None if wcs11 else self._size(opts, info)   # WCS 1.1: the coverage's own resolution
        missing = [k for k, v in (('crs', crs), ('bbox', bbox), ('width/height', size or wcs11)) if not v]
        if missing:
            raise OgcError('%s: WCS %s GetCoverage needs %s; DescribeCoverage does not give them, set '
                           'get_coverage.%s' % (where, version, ', '.join(missing), ', get_coverage.'.join(missing)))
        self.result['describe_coverage'].setdefault('derived', {}).update(crs=crs, bbox=bbox, size=size)
        if wcs11:
            return [('SERVICE', 'WCS'), ('VERSION', version), ('REQUEST', 'GetCoverage'), ('IDENTIFIER', name),
                    ('FORMAT', fmt), ('BOUNDINGBOX', ','.join([num(v) for v in bbox] + [crs]))]
        return [('SERVICE', 'WCS'), ('VERSION', version), ('REQUEST', 'GetCoverage'), ('COVERAGE', name),
                ('CRS', normalise_crs(crs)), ('BBOX', ','.join(num(v) for v in bbox)), ('WIDTH', size[0]),
                ('HEIGHT', size[1]), ('FORMAT', fmt)]

    # -- WMTS ------------------------------------------------------------------------------------------------------
    def _get_tile(self, caps):
        opts = self.option('get_tile')
        where = self.at('GetTile')
        name = self.require_listed(self.first_wanted(opts.get('layer')), where)
        layer = caps['layer_info'][name]
        sets = layer['sets']
        tms = opts.get('tile_matrix_set') or (sets[0] if sets else None)
        if tms not in sets:
            raise OgcError('%s: tile matrix set %s not linked to layer %s; linked: %s'
                           % (where, tms, name, shown(sets)))
        matrices = (caps['tile_matrix_sets'].get(tms) or {}).get('matrices') or []
        matrix_id = opts.get('tile_matrix') or (matrices[0]['id'] if matrices else '0')
        matrix = [m for m in matrices if m['id'] == str(matrix_id)]
        if matrices and not matrix:
            raise OgcError('%s: tile matrix %s not in tile matrix set %s; listed: %s'
                           % (where, matrix_id, tms, shown(m['id'] for m in matrices)))
        row, col = opts['row'], opts['col']
        if matrix and matrix[0]['width'] and (row >= matrix[0]['height'] or col >= matrix[0]['width']):
            raise OgcError('%s: tile row %d, col %d outside tile matrix %s (%d rows, %d columns)'
                           % (where, row, col, matrix_id, matrix[0]['height'], matrix[0]['width']))
        fmt = opts.get('format') or ('image/png' if 'image/png' in layer['formats'] or not layer['formats']
                                     else layer['formats'][0])
        if layer['formats'] and _format_key(fmt) not in [_format_key(f) for f in layer['formats']]:
            raise OgcError('%s: format %s not listed for layer %s; listed: %s' % (where, fmt, name,
                                                                                  shown(layer['formats'])))
        style = opts.get('style') if opts.get('style') is not None else (layer['style'] or 'default')
        url = with_query(self.url, [('SERVICE', 'WMTS'), ('REQUEST', 'GetTile'),
                                    ('VERSION', caps['version'] or '1.0.0'), ('LAYER', name), ('STYLE', style),
                                    ('TILEMATRIXSET', tms), ('TILEMATRIX', matrix_id), ('TILEROW', row),
                                    ('TILECOL', col), ('FORMAT', fmt)])
        self.result['get_tile'] = dict(url=url, layer=name, tile_matrix_set=tms, tile_matrix=str(matrix_id), row=row,
                                       col=col, style=style)
        response = self.http.get(url, 'WMTS GetTile', accept=fmt)
        self.check_image(response, 'WMTS GetTile', fmt, opts['min_colors'], into=self.result['get_tile'])

    # -- OGC API Features ------------------------------------------------------------------------------------------
    def _json(self, url, what):
        response = self.http.get(with_query(url, [('f', 'json')]), what, accept='application/json')
        try:
            return json.loads(response.body.decode('utf-8')), response
        except ValueError:
            raise OgcError('%s at %s answered %s, not JSON: %s' % (what, response.url, response.media_type
                                                                   or 'no content type', excerpt(response.body)),
                           retry=True)

    @staticmethod
    def _link(doc, *rels, **kwargs):
        links = [link for link in (doc.get('links') or []) if isinstance(link, dict) and link.get('rel') in rels]
        prefer = kwargs.get('prefer')
        for link in links:
            if prefer and (link.get('type') or '').split(';')[0] in prefer:
                return link.get('href')
        return links[0].get('href') if links else None

    def _ogcapi(self):
        what = 'OGC API Features landing page'
        landing, response = self._json(self.url, what)
        if not isinstance(landing, dict) or not isinstance(landing.get('links'), list):
            raise OgcError('%s at %s is not an OGC API landing page (no links): %s'
                           % (what, response.url, excerpt(response.body)))
        self.result['title'] = landing.get('title')
        json_types = ('application/json', 'application/geo+json')
        conformance_url = self._link(landing, 'conformance', 'http://www.opengis.net/def/rel/ogc/1.0/conformance',
                                     prefer=json_types)
        if conformance_url:
            conformance_url = urljoin(response.url, conformance_url)
        else:
            conformance_url = sub_url(self.url, 'conformance')
        conformance, _response = self._json(conformance_url, 'OGC API Features conformance')
        classes = conformance.get('conformsTo') if isinstance(conformance, dict) else None
        versions = sorted(set(re.findall(r'/ogcapi-features-1/(\d+(?:\.\d+)*)/conf/core',
                                         ' '.join(c for c in classes or [] if isinstance(c, str)))))
        self.result['version'] = versions[-1] if versions else None
        self.result['conformance'] = [c for c in classes or [] if isinstance(c, str)][:LIST_LIMIT]
        data_url = self._link(landing, 'data', 'http://www.opengis.net/def/rel/ogc/1.0/data', prefer=json_types)
        data_url = urljoin(response.url, data_url) if data_url else sub_url(self.url, 'collections')
        collections, response = self._json(data_url, 'OGC API Features collections')
        if not isinstance(collections, dict) or not isinstance(collections.get('collections'), list):
            raise OgcError('OGC API Features collections at %s: no "collections" list: %s'
                           % (response.url, excerpt(response.body)))
        entries = [c for c in collections['collections'] if isinstance(c, dict) and c.get('id')]
        self.result['layers'] = _unique(str(c['id']) for c in entries)
        self.result['crs'] = _unique((crs for c in entries for crs in (c.get('crs') or [])
                                      if isinstance(crs, str)), CRS_LIMIT)
        self.result['formats'] = _unique(link.get('type') for c in entries for link in (c.get('links') or [])
                                         if isinstance(link, dict) and link.get('rel') == 'items' and link.get('type'))
        self._check_listing(self.result['version'], self.result['title'], self.result['layers'],
                            'OGC API Features at %s' % self.url)
        if self.params.get('items') is not None:
            self._items(entries, data_url)

    def _items(self, entries, data_url):
        opts = self.option('items')
        where = 'OGC API Features at %s' % self.url
        name = self.require_listed(self.first_wanted(opts.get('collection')), where)
        entry = [c for c in entries if str(c['id']) == name][0]
        href = self._link(entry, 'items', prefer=('application/geo+json', 'application/json'))
        url = urljoin(data_url, href) if href else sub_url(data_url, name, 'items')
        url = with_query(url, [('f', 'json'), ('limit', opts['limit'])])
        count, min_count = opts.get('count'), opts.get('min_count')
        if count is None and min_count is None:
            min_count = 1
        counted, pages, matched, first_url = 0, 0, None, url
        what = 'OGC API Features items of %s' % name
        while url:
            doc, response = self._json(url, what)
            try:
                members, page_matched = count_features(response.body)
            except (ValueError, OgcError) as exc:
                raise OgcError('%s at %s: %s' % (what, response.url, exc), retry=True)
            pages += 1
            counted += members
            if pages == 1 and page_matched is not None:
                matched = page_matched
                break
            next_href = self._link(doc, 'next')
            url = urljoin(response.url, next_href) if next_href and members else None
            if url and (pages >= opts['max_pages'] or (count is not None and counted > count) or
                        (count is None and min_count is not None and counted >= min_count)):
                break
        outcome = dict(url=first_url, count=matched if matched is not None else counted, number_matched=matched,
                       method='number_matched' if matched is not None else 'members', pages=pages,
                       complete=matched is not None or not url, collection=name)
        self.result['items'] = outcome
        self._check_count('%s collection %s' % (self.label, name), outcome, count, min_count, 'items.max_pages')
