# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The WFS probe: GetCapabilities, then GetFeature (counted with resultType=hits where the service can, else by its
members)."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import count_features
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import with_query
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import OgcError, excerpt, version_tuple
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probe import OwsProbe


class WfsProbe(OwsProbe):
    service = 'wfs'
    item_word = 'feature type'
    operations = ('get_feature',)

    @staticmethod
    def matches(listed, wanted):
        """Feature types match without their prefix (ms:countries is countries) unless both have one."""
        if listed == wanted:
            return True
        if ':' not in listed or ':' not in wanted:
            return listed.split(':')[-1] == wanted.split(':')[-1]
        return False

    def operate(self, caps):
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
