# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every part of the OGC probe shares: the services, the limits, ``OgcError`` and the text helpers of the
messages."""

from __future__ import annotations

import re

SERVICES = ('wms', 'wfs', 'wcs', 'wmts', 'tms', 'ogcapi-features')
LABELS = {'wms': 'WMS', 'wfs': 'WFS', 'wcs': 'WCS', 'wmts': 'WMTS', 'tms': 'TMS', 'ogcapi-features': 'OGC API Features'}
VERSIONS = {'wms': ('1.1.1', '1.3.0'), 'wfs': ('1.0.0', '1.1.0', '2.0.0'),
            'wcs': ('1.0.0', '1.1.0', '1.1.1', '1.1.2', '2.0.0', '2.0.1'), 'wmts': ('1.0.0',), 'tms': ('1.0.0',),
            'ogcapi-features': ('1.0',)}
# Operation options and the services each belongs to.
OPERATIONS = (('get_map', ('wms',)), ('get_feature', ('wfs',)), ('describe_coverage', ('wcs',)), ('get_coverage', ('wcs',)),
              ('get_tile', ('wmts', 'tms')), ('items', ('ogcapi-features',)))

CRS_LIMIT = 50                   # CRSs reported at most
LIST_LIMIT = 1000                # layers / formats reported at most
SHOWN = 20                       # names quoted in a message at most

# Exception codes that say the request itself is wrong: trying again cannot help.
PERMANENT_CODES = frozenset(code.lower() for code in (
    'LayerNotDefined', 'StyleNotDefined', 'InvalidFormat', 'InvalidCRS', 'InvalidSRS', 'InvalidPoint',
    'LayerNotQueryable', 'InvalidParameterValue', 'MissingParameterValue', 'OperationNotSupported',
    'OptionNotSupported', 'VersionNegotiationFailed', 'InvalidUpdateSequence', 'CurrentUpdateSequence',
    'NoSuchCoverage', 'InvalidAxisLabel', 'InvalidSubsetting', 'NoSuchField', 'TileOutOfRange',
    'OperationParsingFailed', 'InvalidDimensionValue', 'MissingDimensionValue', 'InvalidValue'))


class OgcError(Exception):
    """A failed probe step. ``retry``: the service may answer correctly later (not ready yet)."""

    def __init__(self, msg, retry=False):
        super(OgcError, self).__init__(msg)
        self.msg = msg
        self.retry = retry


def report_error(report, prefix, suffix=''):
    """``OgcError`` for an exception report ``(code, text)``: "<prefix>ServiceException (<code>): <text><suffix>",
    retried unless the code blames the request."""
    code, words = report
    return OgcError('%sServiceException%s: %s%s' % (prefix, ' (%s)' % code if code else '', words, suffix),
                    retry=(code or '').lower() not in PERMANENT_CODES)


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


def format_key(value):
    """A format name compared loosely: lower case, no white space ('image/png; mode=8bit' ~ 'image/png;mode=8bit')."""
    return re.sub(r'\s+', '', (value or '').lower())


def num(value):
    """A coordinate as a compact string: 180.0 -> '180'."""
    return '%.12g' % value


def version_tuple(version):
    try:
        return tuple(int(p) for p in (version or '').split('.'))
    except ValueError:
        return ()


def unique(values, limit=LIST_LIMIT):
    """The distinct true values in their order, at most ``limit``."""
    seen, result = set(), []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            result.append(value)
            if len(result) >= limit:
                break
    return result
