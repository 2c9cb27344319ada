# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The WCS probe: GetCapabilities, DescribeCoverage, then GetCoverage (WCS 1.0, 1.1 and 2.0 requests, sizes and axes
derived from the coverage description; the answer checked, a TIFF's header read)."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import (
    crs_uri, exception_report, normalise_crs, parse_coverage_description, parse_xml, xml_document)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import with_query
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import (
    OgcError, excerpt, format_key, media_type, num, report_error, shown, version_tuple)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.image import (
    expected_kind, multipart_part, sniff, tiff_summary)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probe import OwsProbe

COVERAGE_MAX_SIDE = 512          # a derived WCS GetCoverage size is scaled down to this
TIFF_NAMES = ('image/tiff', 'image/geotiff', 'image/tiff;application=geotiff', 'gtiff', 'geotiff', 'tiff', 'tif',
              'image/x-geotiff')


class WcsProbe(OwsProbe):
    service = 'wcs'
    item_word = 'coverage'
    operations = ('describe_coverage', 'get_coverage')

    def operate(self, caps):
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
                raise report_error(report, 'WCS GetCoverage of %s returned %s: ' % (name, media_type(ctype)),
                                   ' (%s)' % url)
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
        keys = [format_key(f) for f in offered]
        if format_key(fmt) in keys:
            return offered[keys.index(format_key(fmt))]
        if format_key(fmt) in TIFF_NAMES:
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
