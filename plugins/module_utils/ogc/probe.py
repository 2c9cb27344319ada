# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the probes of all services share: ``Probe`` (options, the listing checks, images, counts) and ``OwsProbe``
(a service with GetCapabilities). One subclass a service, chosen from ``probes.PROBES``."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import (
    exception_report, parse_capabilities, parse_xml, xml_document)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import with_query
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import (
    LABELS, OgcError, excerpt, media_type, report_error, shown)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.image import expected_kind, png_summary, sniff


class Probe(object):
    """One attempt at the checks the options ask for. ``run()`` returns the result dict or raises ``OgcError``;
    ``result`` holds what was learnt so far either way. A subclass a service: ``service``, ``item_word`` (what the
    service lists) and ``probe()``."""

    service = None
    item_word = None

    def __init__(self, http, params, defaults=None):
        self.http = http
        self.params = params
        self.defaults = defaults or {}
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
        self.probe()
        return self.result

    def probe(self):
        """The checks of the service, filling ``result``."""
        raise NotImplementedError

    # -- listings --------------------------------------------------------------------------------------------------
    def _check_listing(self, version, title, names, where):
        wanted = self.params.get('version')
        if wanted and version != wanted:
            raise OgcError('%s: version %s served, %s expected' % (where, version or '(none)', wanted))
        expect_title = self.params.get('expect_title')
        if expect_title and expect_title.lower() not in (title or '').lower():
            raise OgcError('%s: title %r does not contain %r' % (where, title, expect_title))
        missing = [n for n in self.params.get('expect_layers') or [] if self.listed(n, names) is None]
        if missing:
            word = self.item_word + ('s' if len(missing) > 1 else '')
            raise OgcError('%s: %s %s not listed; listed: %s' % (where, word, ', '.join(missing), shown(names)))

    def listed(self, wanted, names=None):
        for name in self.result['layers'] if names is None else names:
            if self.matches(name, wanted):
                return name
        return None

    @staticmethod
    def matches(listed, wanted):
        """Whether a listed name is the wanted one."""
        return listed == wanted

    def require_listed(self, wanted, where):
        name = self.listed(wanted)
        if name is None:
            raise OgcError('%s: %s %s not listed; listed: %s'
                           % (where, self.item_word, wanted, shown(self.result['layers'])))
        return name

    def first_wanted(self, option_value):
        if option_value:
            return option_value
        expected = self.params.get('expect_layers') or []
        if expected:
            return expected[0]
        if not self.result['layers']:
            raise OgcError('%s: no %s listed' % (self.at('GetCapabilities'), self.item_word))
        return self.result['layers'][0]

    # -- images and counts ------------------------------------------------------------------------------------------
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
            raise report_error(report, '%s returned %s: ' % (what, ctype), ' (%s)' % response.url)
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


class OwsProbe(Probe):
    """A service with GetCapabilities (WMS, WFS, WCS, WMTS): the capabilities, then the operation asked for when one
    of ``operations`` (option names) is given."""

    operations = ()

    def probe(self):
        caps = self._capabilities()
        if any(self.params.get(name) is not None for name in self.operations):
            self.operate(caps)

    def operate(self, caps):
        """The operation the options ask for, with the parsed capabilities."""
        raise NotImplementedError

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
