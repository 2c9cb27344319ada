# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The TMS probe (OSGeo Tile Map Service 1.0.0): the TileMap resource at the probe's URL (its title, format and
tile sets), then a tile (``get_tile``: the tile set's order, the column and the row, counted from the bottom as TMS
does), checked as an image."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import xml_document
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import OgcError, shown
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probe import Probe


def _local(tag):
    return tag.rsplit('}', 1)[-1]


def parse_tile_map(root):
    """{title, srs, extension, mime, sets: [{order, href}]} of a TileMap document; ValueError for another one."""
    if _local(root.tag) != 'TileMap':
        raise ValueError(_local(root.tag))
    out = dict(title=None, srs=None, extension=None, mime=None, sets=[], version=root.get('version'))
    for child in root:
        name = _local(child.tag)
        if name in ('Title', 'SRS'):
            out[name.lower()] = (child.text or '').strip()
        elif name == 'TileFormat':
            out['extension'] = child.get('extension')
            out['mime'] = child.get('mime-type')
        elif name == 'TileSets':
            out['sets'] = [dict(order=str(s.get('order')), href=s.get('href')) for s in child if _local(s.tag) == 'TileSet']
    return out


class TmsProbe(Probe):
    service = 'tms'
    item_word = 'tile set'

    def probe(self):
        where = self.at('TileMap')
        root = xml_document(self.http.get(self.url, 'TMS TileMap', accept='application/xml, text/xml'), where)
        try:
            tile_map = parse_tile_map(root)
        except ValueError as exc:
            raise OgcError('%s answered a %s document, not a TMS TileMap' % (where, exc))
        self.result.update(version=tile_map['version'], title=tile_map['title'],
                           layers=[s['order'] for s in tile_map['sets']],
                           formats=[tile_map['mime']] if tile_map['mime'] else [],
                           crs=[tile_map['srs']] if tile_map['srs'] else [])
        self._check_listing(tile_map['version'], tile_map['title'], self.result['layers'], where)
        if not tile_map['sets']:
            raise OgcError('%s: no tile set listed' % where)
        opts = self.option('get_tile')
        if opts is None:
            return
        order = str(opts.get('tile_matrix') or tile_map['sets'][0]['order'])
        found = [s for s in tile_map['sets'] if s['order'] == order]
        if not found:
            raise OgcError('%s: tile set %s not listed; listed: %s' % (where, order, shown(s['order'] for s in tile_map['sets'])))
        fmt = opts.get('format') or tile_map['mime'] or 'image/png'
        url = '%s/%d/%d.%s' % (found[0]['href'].rstrip('/'), opts['col'], opts['row'], tile_map['extension'] or 'png')
        self.result['get_tile'] = dict(url=url, layer=tile_map['title'], tile_matrix_set=tile_map['srs'],
                                       tile_matrix=order, row=opts['row'], col=opts['col'], style=None)
        response = self.http.get(url, 'TMS tile', accept=fmt)
        self.check_image(response, 'TMS tile', fmt, opts['min_colors'], into=self.result['get_tile'])
