# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The WMS probe: GetCapabilities, then GetMap (the layers' extent, axis order, the image checked)."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import normalise_crs, northing_first
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import with_query
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import (
    OgcError, format_key, num, shown, version_tuple)
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probe import OwsProbe


class WmsProbe(OwsProbe):
    service = 'wms'
    item_word = 'layer'
    operations = ('get_map',)

    def operate(self, caps):
        opts = self.option('get_map')
        where = self.at('GetMap')
        layers = opts.get('layers') or self.params.get('expect_layers') or [self.first_wanted(None)]
        listed = [self.require_listed(name, where) for name in layers]
        fmt = opts['format']
        if caps['formats'] and format_key(fmt) not in [format_key(f) for f in caps['formats']]:
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
