# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The OGC API Features probe: landing page, conformance and collections (JSON, links followed), then items
(counted from numberMatched or page by page)."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import count_features
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import sub_url, with_query
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import (
    CRS_LIMIT, LIST_LIMIT, OgcError, excerpt, unique)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probe import Probe


class OgcApiFeaturesProbe(Probe):
    service = 'ogcapi-features'
    item_word = 'collection'

    def probe(self):
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
        self.result['layers'] = unique(str(c['id']) for c in entries)
        self.result['crs'] = unique((crs for c in entries for crs in (c.get('crs') or [])
                                     if isinstance(crs, str)), CRS_LIMIT)
        self.result['formats'] = unique(link.get('type') for c in entries for link in (c.get('links') or [])
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
