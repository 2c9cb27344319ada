# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MapProxy (the tile cache) for the stack: the cached layers planned from ``mapproxy_layers`` and the planned layers
of ``geostack_layers``, the checks of the role's variables, MapProxy's configuration and its seeding configuration.
The filters ``geostack.swarm.mapproxy_plan``, ``geostack.swarm.mapproxy_config`` and ``geostack.swarm.mapproxy_seed``
expose them to the role geostack.swarm.mapproxy.

The cache is one MapProxy cache a layer (named after the layer) in every grid of the layer, as files in the ``tms``
directory layout: ``<cache dir>/<layer>_<grid directory>/<z>/<x>/<y>.<ext>``, where the grid directory is the one
MapProxy 1.15 names after the grid's SRS (measured: ``EPSG3857`` for the Web Mercator grid, ``EPSG4326`` for the
geodetic one) and, the grids having their origin at the top left (``origin: nw``), ``y`` counts rows from the top as
the WMTS does. The nginx in front of MapProxy (the mapproxy image) answers a cached tile from these files.
"""

from __future__ import annotations

import re

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import int_value as _int

# The grids offered: the name clients see (WMTS tile matrix set, TMS and the REST paths), MapProxy's base grid, the
# directory MapProxy names the cache after, and the SRS. Every grid has its origin at the top left and 25 levels.
GRIDS = {
    'GoogleMapsCompatible': dict(base='GLOBAL_WEBMERCATOR', directory='EPSG3857', srs='EPSG:3857'),
    'EPSG4326': dict(base='GLOBAL_GEODETIC', directory='EPSG4326', srs='EPSG:4326'),
}
FORMATS = {'png': 'image/png', 'jpeg': 'image/jpeg'}
MAX_LEVEL = 24
LEVELS = MAX_LEVEL + 1
NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_-]{0,62}\Z')
SOURCES = ('mapserver', 'qgis_server')


def _levels_problem(where, levels):
    if isinstance(levels, (str, bytes, dict)) or not isinstance(levels, (list, tuple)) or len(levels) != 2:
        return '%s: %r must be [first, last], two zoom levels from 0 to %d' % (where, levels, MAX_LEVEL)
    first, last = _int(levels[0]), _int(levels[1])
    if first is None or last is None or not 0 <= first <= MAX_LEVEL or not 0 <= last <= MAX_LEVEL:
        return '%s: %r: the zoom levels must be whole numbers from 0 to %d' % (where, list(levels), MAX_LEVEL)
    if first > last:
        return '%s: %r: the first level (%d) is after the last (%d)' % (where, list(levels), first, last)
    return None


def mapproxy_plan(settings, layers, services=None):
    """``settings``: ``layers`` (mapproxy_layers), ``levels``, ``grids``, ``format`` (the defaults of an entry),
    ``source`` (the map server the tiles are drawn by), ``replicas``, ``workers``, ``title``, ``seed_concurrency``;
    ``layers``: the planned layers of geostack_layers; ``services``: geostack_services.

    Returns ``{'layers': [{name, title, levels: [first, last], grids, format, mime, source_layer}], 'problems': [...]}``,
    every problem naming its variable. An empty mapproxy_layers caches every layer of geostack_layers with the
    defaults."""
    problems = []
    declared = [layer['name'] for layer in layers or [] if isinstance(layer, dict) and layer.get('name')]
    titles = dict((layer['name'], layer.get('title') or layer['name']) for layer in layers or []
                  if isinstance(layer, dict) and layer.get('name'))
    defaults = dict(levels=settings.get('levels'), grids=settings.get('grids'), format=settings.get('format'))
    for var in ('levels', 'grids', 'format'):
        problems.extend(_entry_problems('mapproxy_' + var, var, defaults[var]))
    source = settings.get('source')
    if source not in SOURCES:
        problems.append('mapproxy_source=%s must be one of %s (the map server that draws the tiles)'
                        % (source, ', '.join(SOURCES)))
    elif services is not None and source not in services:
        problems.append('mapproxy_source=%s is not in geostack_services: MapProxy draws its tiles with it' % source)
    for var, low, high in (('replicas', 1, 16), ('workers', 1, 64), ('seed_concurrency', 1, 16)):
        value = _int(settings.get(var))
        if value is None or value < low or value > high:
            problems.append('mapproxy_%s=%s must be a number from %d to %d' % (var, settings.get(var), low, high))
    title = settings.get('title')
    if not isinstance(title, str) or not title.strip() or '\n' in title:
        problems.append('mapproxy_title must be one line of text')
    entries = settings.get('layers')
    if isinstance(entries, (str, dict)) or not isinstance(entries, (list, tuple)):
        problems.append('mapproxy_layers must be a list of {layer, levels, grids, format}')
        return dict(layers=[], problems=problems)
    if not entries:
        entries = [dict(layer=name) for name in declared]
    out, seen = [], {}
    for index, entry in enumerate(entries):
        where = 'mapproxy_layers[%d]' % index
        if not isinstance(entry, dict):
            problems.append('%s must be a mapping {layer, levels, grids, format}' % where)
            continue
        name = entry.get('layer')
        if isinstance(name, str):
            where = '%s (%s)' % (where, name)
        unknown = sorted(set(entry) - set(['layer', 'levels', 'grids', 'format']))
        if unknown:
            problems.append('%s: unknown keys %s (known: layer, levels, grids, format)' % (where, ', '.join(unknown)))
        if not isinstance(name, str) or name not in declared:
            problems.append('%s.layer: %r is not a layer of geostack_layers (%s)' % (where, name, ', '.join(declared)))
            continue
        if name in seen:
            problems.append('%s.layer: %s is also cached by mapproxy_layers[%d]' % (where, name, seen[name]))
            continue
        seen[name] = index
        merged = dict(defaults, **dict((k, v) for k, v in entry.items() if k != 'layer' and v is not None))
        before = len(problems)
        for key in ('levels', 'grids', 'format'):
            if key in entry:
                problems.extend(_entry_problems('%s.%s' % (where, key), key, merged[key]))
        if len(problems) == before and not _defaults_broken(defaults):
            out.append(dict(name=name, title=titles[name], levels=[int(merged['levels'][0]), int(merged['levels'][1])],
                            grids=list(merged['grids']), format=merged['format'], mime=FORMATS[merged['format']],
                            source_layer=name))
    return dict(layers=out, problems=problems)


def _defaults_broken(defaults):
    return any(_entry_problems('', key, value) for key, value in defaults.items())


def _entry_problems(where, key, value):
    if key == 'levels':
        problem = _levels_problem(where, value)
        return [problem] if problem else []
    if key == 'grids':
        if isinstance(value, (str, dict)) or not isinstance(value, (list, tuple)) or not value:
            return ['%s: %r must be a list of grids (known: %s)' % (where, value, ', '.join(GRIDS))]
        out = ['%s: %r is not a grid MapProxy knows here (known: %s)' % (where, grid, ', '.join(GRIDS))
               for grid in value if grid not in GRIDS]
        if not out and len(set(value)) != len(value):
            out.append('%s: %s lists a grid twice' % (where, ', '.join(value)))
        return out
    if value not in FORMATS:
        return ['%s: %r must be one of %s' % (where, value, ', '.join(FORMATS))]
    return []


def cache_directories(plan):
    """The cache's directories, relative to the cache volume: one per layer and grid."""
    return ['%s_%s' % (layer['name'], GRIDS[grid]['directory']) for layer in plan['layers'] for grid in layer['grids']]


def mapproxy_config(plan, settings):
    """MapProxy's configuration (mapproxy.yaml as a dict). ``settings``: ``source_url`` (the map server's WMS on the
    back network), ``title``, ``cache_dir``, ``lock_dir``, ``srs`` (the WMS facade's SRSs)."""
    layers, caches, sources = [], {}, {}
    used_grids = []
    for layer in plan['layers']:
        name = layer['name']
        source = 'wms_' + name
        sources[source] = dict(
            type='wms', req=dict(url=settings['source_url'], layers=layer['source_layer'], transparent=True),
            supported_srs=sorted(set(GRIDS[g]['srs'] for g in layer['grids'])),
            http=dict(client_timeout=60))
        caches[name] = dict(
            grids=list(layer['grids']), sources=[source], format=layer['mime'],
            request_format=layer['mime'],
            # Levels after the last declared one are drawn for each request and not stored.
            use_direct_from_level=layer['levels'][1] + 1,
            meta_size=[4, 4], meta_buffer=20,
            cache=dict(type='file', directory_layout='tms'))
        layers.append(dict(name=name, title=layer['title'], sources=[name]))
        used_grids.extend(g for g in layer['grids'] if g not in used_grids)
    grids = dict((name, dict(base=GRIDS[name]['base'], origin='nw', num_levels=LEVELS)) for name in used_grids)
    return dict(
        services=dict(
            demo=None,
            tms=dict(use_grid_names=True),
            wmts=dict(restful=True, kvp=True, md=dict(title=settings['title'])),
            wms=dict(srs=list(settings.get('srs') or ['EPSG:3857', 'EPSG:4326']), image_formats=['image/png', 'image/jpeg'],
                     md=dict(title=settings['title'], abstract='Tiles of the geostack swarm, cached by MapProxy'))),
        layers=layers, caches=caches, sources=sources, grids=grids,
        globals=dict(
            cache=dict(base_dir=settings['cache_dir'], lock_dir=settings['lock_dir'] + '/cache',
                       tile_lock_dir=settings['lock_dir'] + '/tiles')))


def mapproxy_seed(plan, settings):
    """mapproxy-seed's configuration: for each layer, a seed ``<layer>`` (the missing tiles of its levels), a seed
    ``<layer>_refresh`` (also the tiles older than ``refresh_seconds``, for the scheduled re-seeding) and a cleanup
    ``<layer>_clean`` (every tile of the layer removed, when its data or style changed)."""
    seeds, cleanups = {}, {}
    for layer in plan['layers']:
        name = layer['name']
        levels = dict(**{'from': layer['levels'][0], 'to': layer['levels'][1]})
        seeds[name] = dict(caches=[name], grids=list(layer['grids']), levels=levels)
        seeds[name + '_refresh'] = dict(caches=[name], grids=list(layer['grids']), levels=levels,
                                        refresh_before=dict(seconds=int(settings['refresh_seconds'])))
        cleanups[name + '_clean'] = dict(caches=[name], grids=list(layer['grids']), remove_all=True)
    return dict(seeds=seeds, cleanups=cleanups)
