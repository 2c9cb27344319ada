# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pygeoapi (OGC API Features) for the stack: its configuration made from the planned layers, and the checks of the
role's variables. The filters ``geostack.swarm.pygeoapi_config`` and ``geostack.swarm.pygeoapi_problems`` expose
them to the role geostack.swarm.pygeoapi.

The configuration holds no password: the PostgreSQL provider connects as the read-only role without one, and libpq
reads it from the ``.pgpass`` file that ``PGPASSFILE`` names (a Docker secret); the server's certificate is verified
(``sslmode``, ``sslrootcert`` in the provider's connection options).
"""

from __future__ import annotations

import math
import re

from ansible_collections.geostack.swarm.plugins.module_utils.srids import srid_known
from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import int_value as _int

CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
EPSG_URI = 'http://www.opengis.net/def/crs/EPSG/0/%d'
WORLD = [-180.0, -90.0, 180.0, 90.0]
URL = re.compile(r'^https?://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*'
                 r'|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&\'()*+,;=:@-]*)*\Z')
TILES = re.compile(r'^https?://[^\s]+\Z')
EPSG = re.compile(r'^EPSG:([0-9]{4,6})\Z')
IDENTIFIER = re.compile(r'^[a-z_][a-z0-9_]{0,62}\Z')
MAX_WORKERS = 64
MAX_ITEMS = 10000


def crs_uri(srid):
    """The OGC URI of an SRID; 4326 as PostGIS stores it (longitude first) is CRS84."""
    srid = int(srid)
    return CRS84 if srid == 4326 else EPSG_URI % srid


def _bbox(extent):
    """A CRS84 bbox from a [minx, miny, maxx, maxy] extent in longitude/latitude, kept within the world; the world
    when the extent is missing or unusable."""
    try:
        minx, miny, maxx, maxy = [float(v) for v in extent]
    except (TypeError, ValueError):
        return list(WORLD)
    if not (minx <= maxx and miny <= maxy) or any(math.isnan(v) for v in (minx, miny, maxx, maxy)):
        return list(WORLD)
    return [round(max(minx, -180.0), 6), round(max(miny, -90.0), 6), round(min(maxx, 180.0), 6),
            round(min(maxy, 90.0), 6)]


def vector_layers(layers):
    return [layer for layer in layers or [] if isinstance(layer, dict) and layer.get('type') != 'raster']


def pygeoapi_config(layers, extents, settings):
    """pygeoapi's configuration (a dict, for YAML) with one collection per vector layer of ``layers`` (the planned
    layers of geostack.swarm.layers_plan), served from PostGIS.

    ``extents``: {layer name: [minx, miny, maxx, maxy]} in longitude/latitude (WGS 84); a layer without one gets the
    world. ``settings``: url (the public URL of the service: pygeoapi builds every link from it), title, description,
    connection ({host, port, database, user, sslmode, ca_path}), id_field, id_fields ({layer: column}), crs (EPSG:<code>
    offered besides CRS84 and each layer's own), default_items, max_items, map ({url, attribution}), home (the stack's
    landing page, linked from each collection), log_level.
    """
    url = str(settings['url']).rstrip('/')
    conn = settings['connection']
    extra_crs = [EPSG_URI % int(EPSG.match(c).group(1)) for c in settings.get('crs') or [] if EPSG.match(str(c))]
    id_fields = settings.get('id_fields') or {}
    resources = {}
    for layer in vector_layers(layers):
        storage = crs_uri(layer['srid'])
        offered = [CRS84] + [c for c in extra_crs + [storage] if c != CRS84]
        links = []
        if settings.get('home'):
            links.append({'type': 'text/html', 'rel': 'related', 'title': 'The stack\'s landing page and map',
                          'href': settings['home']})
        resources[layer['name']] = {
            'type': 'collection',
            'title': layer.get('title') or layer['name'],
            'description': layer.get('abstract') or layer.get('title') or layer['name'],
            'keywords': [layer['type'], layer['qualified']],
            'links': links,
            'extents': {'spatial': {'bbox': _bbox((extents or {}).get(layer['name'])), 'crs': CRS84}},
            'providers': [{
                'type': 'feature',
                'name': 'PostgreSQL',
                'data': {'host': conn['host'], 'port': int(conn['port']), 'dbname': conn['database'],
                         'user': conn['user'], 'search_path': [layer['schema']]},
                'options': {'sslmode': conn['sslmode'], 'sslrootcert': conn['ca_path'], 'connect_timeout': 5},
                'id_field': id_fields.get(layer['name'], settings.get('id_field') or 'fid'),
                'table': layer['table'],
                'geom_field': layer.get('geometry_column') or 'geom',
                'storage_crs': storage,
                'crs': list(dict.fromkeys(offered)),
            }],
        }
    return {
        'server': {
            'bind': {'host': '0.0.0.0', 'port': 8080},
            'url': url,
            'mimetype': 'application/json; charset=UTF-8',
            'encoding': 'utf-8',
            'languages': ['en-US'],
            'pretty_print': False,
            'limits': {'default_items': int(settings.get('default_items', 10)),
                       'max_items': int(settings.get('max_items', 1000)), 'on_exceed': 'throttle'},
            'map': dict(settings.get('map') or {'url': 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
                                                'attribution': 'OpenStreetMap contributors'}),
        },
        'logging': {'level': settings.get('log_level') or 'ERROR'},
        'metadata': {
            'identification': {
                'title': {'en': settings.get('title') or 'geostack OGC API'},
                'description': {'en': settings.get('description') or ''},
                'keywords': {'en': ['geospatial', 'ogcapi', 'features']},
                'keywords_type': 'theme',
                'terms_of_service': settings.get('home') or url,
                'url': settings.get('home') or url,
            },
            'license': {'name': settings.get('license') or 'See the datasets\' licences',
                        'url': settings.get('home') or url},
            'provider': {'name': 'geostack', 'url': settings.get('home') or url},
            'contact': {'name': 'geostack operators', 'url': settings.get('home') or url, 'role': 'pointOfContact'},
        },
        'resources': resources,
    }


def pygeoapi_problems(settings, layers, var='pygeoapi'):
    """Problems of the role's variables (``settings``: their values by name without the prefix), each naming its
    variable. The path prefix's collisions with the other routes are checked by geostack.swarm.stack."""
    problems = []
    v = var + '_'
    url = settings.get('url')
    if not isinstance(url, str) or (url and (not URL.match(url) or '//' in url.split('://', 1)[1])):
        problems.append('%surl=%s must be empty or the public URL of the service, such as https://maps.example.org/ogcapi '
                        '(http or https, no query, no credentials)' % (v, url))
    else:
        port = re.match(r'^https?://[^/]*:([0-9]+)', url or '')
        if port and not 1 <= int(port.group(1)) <= 65535:
            problems.append('%surl=%s: the port must be from 1 to 65535' % (v, url))
    workers = _int(settings.get('workers'))
    if workers is None or not 0 <= workers <= MAX_WORKERS:
        problems.append('%sworkers=%s must be 0 (two per CPU of the node, plus one) or a number of gunicorn workers '
                        'from 1 to %d' % (v, settings.get('workers'), MAX_WORKERS))
    replicas = _int(settings.get('replicas'))
    if replicas is None or replicas < 1:
        problems.append('%sreplicas=%s must be at least 1' % (v, settings.get('replicas')))
    max_items = _int(settings.get('max_items'))
    if max_items is None or not 1 <= max_items <= MAX_ITEMS:
        problems.append('%smax_items=%s must be from 1 to %d' % (v, settings.get('max_items'), MAX_ITEMS))
    default_items = _int(settings.get('default_items'))
    if default_items is None or default_items < 1 or (max_items and default_items > max_items):
        problems.append('%sdefault_items=%s must be from 1 to %smax_items (%s)'
                        % (v, settings.get('default_items'), v, settings.get('max_items')))
    for key in ('title', 'description'):
        value = settings.get(key)
        if not isinstance(value, str) or (key == 'title' and not value) or re.search(r'[\x00-\x1f]', value or ''):
            problems.append('%s%s must be one line of text' % (v, key))
    crs = settings.get('crs')
    if isinstance(crs, str) or not isinstance(crs, (list, tuple)):
        problems.append('%scrs must be a list of EPSG:<code>' % v)
    else:
        for code in crs:
            match = EPSG.match(code) if isinstance(code, str) else None
            if not match:
                problems.append('%scrs: %r must be EPSG:<code>' % (v, code))
            elif not srid_known(int(match.group(1))):
                problems.append('%scrs: %s is not a coordinate system PostGIS knows' % (v, code))
    names = [layer['name'] for layer in vector_layers(layers)]
    if not names:
        problems.append('geostack_layers has no vector layer, and %s (in geostack_services) serves only vector layers'
                        % var)
    id_field = settings.get('id_field')
    if not isinstance(id_field, str) or not IDENTIFIER.match(id_field):
        problems.append('%sid_field=%s must be a column name (lower-case letters, digits and _)' % (v, id_field))
    id_fields = settings.get('id_fields')
    if not isinstance(id_fields, dict):
        problems.append('%sid_fields must be a mapping of layer names to column names' % v)
    else:
        for name, column in id_fields.items():
            if name not in names:
                problems.append('%sid_fields.%s: not a vector layer of geostack_layers (%s)'
                                % (v, name, ', '.join(names) or 'none'))
            elif not isinstance(column, str) or not IDENTIFIER.match(column):
                problems.append('%sid_fields.%s=%s must be a column name (lower-case letters, digits and _)'
                                % (v, name, column))
    tiles = settings.get('map', {'url': 'https://tiles.invalid/{z}/{x}/{y}.png', 'attribution': ''})
    if (not isinstance(tiles, dict) or not isinstance(tiles.get('url'), str) or not TILES.match(tiles['url'])
            or not isinstance(tiles.get('attribution'), str) or re.search(r'[\x00-\x1f]', tiles['attribution'])):
        problems.append('%smap must be a mapping with url (a tile URL template, http or https) and '
                        'attribution (one line)' % v)
    level = settings.get('log_level')
    if level not in ('CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'):
        problems.append('%slog_level=%s must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG' % (v, level))
    return problems
