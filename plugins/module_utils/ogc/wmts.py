# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The WMTS probe: GetCapabilities, then GetTile (tile matrix set, matrix, row and column checked against the
capabilities; the image checked)."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import with_query
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import OgcError, format_key, shown
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probe import OwsProbe


class WmtsProbe(OwsProbe):
    service = 'wmts'
    item_word = 'layer'
    operations = ('get_tile',)

    def operate(self, caps):
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
        if layer['formats'] and format_key(fmt) not in [format_key(f) for f in layer['formats']]:
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
