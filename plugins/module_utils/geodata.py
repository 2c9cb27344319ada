# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The stack's declared datasets, layers and routes: checked and completed before anything is deployed.

Each ``*_plan`` function returns ``(items, problems)``: the items completed with their defaults, and one message per
problem, each naming the variable and the item (``geostack_datasets[1] (places).srid: ...``). The filters
``geostack.swarm.datasets_plan``, ``layers_plan`` and ``route_problems`` expose them to the roles.
"""

from __future__ import annotations

import os
import re
import zipfile
from urllib.parse import unquote

from ansible_collections.geostack.swarm.plugins.module_utils.srids import srid_known

# Sample data inside the geostack tools image (files/recipes/tools): name -> (path in the image, kind).
SAMPLE_DIR = '/usr/share/geostack/sample-data'
SAMPLES = {
    'naturalearth_lowres': (SAMPLE_DIR + '/naturalearth_lowres/naturalearth_lowres.shp', 'vector'),
    'naturalearth_cities': (SAMPLE_DIR + '/naturalearth_cities/naturalearth_cities.shp', 'vector'),
    'olinda_dem': (SAMPLE_DIR + '/olinda_dem_utm25s.tif', 'raster'),
}

# File name endings -> (format, kind). A .zip holds a vector source (a zipped Shapefile, say), read through /vsizip/.
FORMATS = (
    ('.gpkg', 'GPKG', 'vector'),
    ('.shp', 'ESRI Shapefile', 'vector'),
    ('.geojson', 'GeoJSON', 'vector'),
    ('.json', 'GeoJSON', 'vector'),
    ('.csv', 'CSV', 'vector'),
    ('.zip', 'zip', 'vector'),
    ('.tif', 'GTiff', 'raster'),
    ('.tiff', 'GTiff', 'raster'),
)
FORMAT_KINDS = dict((fmt, kind) for _ext, fmt, kind in FORMATS)
SHAPEFILE_SIDECARS = ('.shx', '.dbf')
SHAPEFILE_OPTIONAL = ('.prj', '.cpg')

DATASET_KEYS = ('name', 'sample', 'file', 'url', 'checksum', 'format', 'layer', 'table', 'srid', 'source_srid',
                'geometry_type', 'x', 'y', 'wkt', 'tile_size')
LAYER_KEYS = ('name', 'title', 'abstract', 'table', 'type', 'style', 'label', 'srid', 'external', 'geometry_column')
STYLE_KEYS = ('fill', 'stroke', 'stroke_width', 'size', 'opacity')
LAYER_TYPES = ('polygon', 'line', 'point', 'raster')
STAGING_SCHEMA = 'geostack_staging'

# Anchored with \Z, never $: in Python (and Jinja's match) $ also matches before a trailing newline.
NAME = re.compile(r'^[a-z][a-z0-9_]{0,39}\Z')
IDENTIFIER = re.compile(r'^[a-z_][a-z0-9_]{0,62}\Z')
LAYER_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_-]{0,62}\Z')
COLOUR = re.compile(r'^#[0-9A-Fa-f]{6}\Z')
TILE_SIZE = re.compile(r'^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}\Z')
CHECKSUM = re.compile(r'^(sha256|sha512|sha1|md5):[0-9a-fA-F]+\Z')
# A URL with a host (a name, an IPv4 or a bracketed IPv6 address), an optional port and path, no spaces. Credentials
# (user:password@) are taken apart by url_credentials() before this is matched.
URL = re.compile(r'^(https?|ftp)://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*'
                 r'|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?([/?#][^\s]*)?\Z')
# Where PostgreSQL and PostGIS keep their own objects: a dataset's table never goes there, nor takes their names.
RESERVED_SCHEMAS = ('information_schema', 'topology', 'tiger', 'tiger_data')
RESERVED_TABLES = ('spatial_ref_sys', 'geometry_columns', 'geography_columns', 'raster_columns', 'raster_overviews')
# ogr2ogr's -nlt values a dataset's geometry_type may take.
GEOMETRY_TYPES = ('GEOMETRY', 'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON',
                  'GEOMETRYCOLLECTION', 'PROMOTE_TO_MULTI', 'CONVERT_TO_LINEAR', 'CONVERT_TO_CURVES')
# What the edge serves itself (roles/edge/templates/geostack.conf.j2, the edge image): no route may take these.
EDGE_PATHS = ('/index.html', '/leaflet', '/geostack-map.js', '/geostack.css', '/healthz')
ROUTE = re.compile(r'^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*/?\Z')


def _label(var, index, item):
    name = item.get('name') if isinstance(item, dict) else None
    return '%s[%d]%s' % (var, index, ' (%s)' % name if isinstance(name, str) and name else '')


def _unknown_keys(where, mapping, known):
    """The problem with the keys of `mapping` that are not in `known`, or None."""
    unknown = sorted(set(mapping) - set(known))
    if unknown:
        return '%s has unknown keys: %s (known: %s)' % (where, ', '.join(unknown), ', '.join(known))
    return None


def _declared(var, items, what, known, problems):
    """Each item of a declared list as ``(where, item, before)``: ``where`` names it in messages, ``before`` counts the
    problems found before its own. An item that is not a mapping is reported as needing ``what`` and skipped; unknown
    keys (not in ``known``) are reported."""
    for index, item in enumerate(items):
        where = _label(var, index, item)
        if not isinstance(item, dict):
            problems.append('%s must be a mapping with %s' % (where, what))
            continue
        before = len(problems)
        problems.extend(p for p in [_unknown_keys(where, item, known)] if p)
        yield where, item, before


def split_table(table, default_schema='public'):
    """'schema.table' or 'table' -> (schema, table); None when it is neither."""
    if not isinstance(table, str):
        return None
    parts = table.split('.')
    if len(parts) == 1:
        parts = [default_schema] + parts
    if len(parts) != 2 or not all(IDENTIFIER.match(p) for p in parts):
        return None
    return tuple(parts)


def reserved_table_problem(schema, table):
    """Why ``schema.table`` is PostgreSQL's or PostGIS's own, or None."""
    if schema.startswith('pg_') or schema in RESERVED_SCHEMAS:
        return 'the schema %s is reserved by PostgreSQL or PostGIS' % schema
    if table.startswith('pg_') or table in RESERVED_TABLES:
        return 'the name %s is reserved by PostgreSQL or PostGIS (its catalogues and views)' % table
    return None


def _zip_problems(where, path, source_srid):
    """What is wrong with a zip archive on the controller as a vector source: not a zip, a Shapefile in it without its
    .shx or .dbf, or (without ``source_srid``) a source whose coordinate system it does not say (a Shapefile without
    .prj, a CSV)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith('/')]
    except (zipfile.BadZipFile, OSError) as exc:
        return ['%s.file: %s is not a zip archive (%s)' % (where, path, exc)]
    lower = set(n.lower() for n in names)
    problems = []
    for name in sorted(n for n in names if n.lower().endswith('.shp')):
        stem = name[:-4].lower()
        missing = [ext for ext in SHAPEFILE_SIDECARS if stem + ext not in lower]
        if missing:
            problems.append('%s.file: the Shapefile %s in %s has no %s beside it' % (where, name, path, ', '.join(missing)))
        if not source_srid and stem + '.prj' not in lower:
            problems.append('%s.source_srid: the Shapefile %s in %s has no .prj beside it, so its coordinate system is not '
                            'known: set source_srid (or add the .prj)' % (where, name, path))
    if not source_srid and any(n.endswith('.csv') for n in lower):
        problems.append('%s.source_srid: %s holds a CSV, which does not say its SRID: set source_srid' % (where, path))
    return problems


def _srid_problem(where, srid, required=True):
    if srid is None:
        return '%s: set it to the SRID (EPSG code) of the table' % where if required else None
    if isinstance(srid, bool) or not isinstance(srid, (int, str)) or not str(srid).isdigit():
        return '%s: %r is not an SRID (an EPSG code such as 4326)' % (where, srid)
    if not srid_known(srid):
        return '%s: %s is not an SRID that PostGIS knows (its spatial_ref_sys has EPSG and ESRI codes)' % (where, srid)
    return None


def _format_of(path):
    lower = path.lower()
    for ext, fmt, _kind in FORMATS:
        if lower.endswith(ext):
            return fmt
    return None


def url_credentials(url):
    """``(url without user:password@, user, password)``, the last two percent-decoded (None without credentials).

    What is given back as the URL never holds the password, so messages and labels can show it.
    """
    if not isinstance(url, str):
        return url, None, None
    match = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)\Z', url, re.S)
    if not match or '@' not in match.group(2):
        return url, None, None
    userinfo, host = match.group(2).rsplit('@', 1)
    user, sep, password = userinfo.partition(':')
    return match.group(1) + host + match.group(3), unquote(user), unquote(password) if sep else None


def datasets_plan(datasets, var='geostack_datasets', samples=None):
    """Check and complete dataset declarations (see the role geostack.swarm.data)."""
    samples = SAMPLES if samples is None else samples
    if datasets is None:
        datasets = []
    if not isinstance(datasets, (list, tuple)):
        return [], ['%s must be a list of datasets, got %s' % (var, type(datasets).__name__)]
    out, problems, names, tables, staged = [], [], {}, {}, {}
    for where, item, before in _declared(var, datasets, 'name, a source (sample, file or url), table and srid',
                                         DATASET_KEYS, problems):
        name = item.get('name')
        if not isinstance(name, str) or not NAME.match(name):
            problems.append('%s.name: %r must be lower-case letters, digits and _ (at most 40, starting with a letter)'
                            % (where, name))
        elif name in names:
            problems.append('%s.name: %s is also the name of %s' % (where, name, names[name]))
        else:
            names[name] = where
        sources = [key for key in ('sample', 'file', 'url') if item.get(key) not in (None, '')]
        plan = dict(name=name, layer=item.get('layer') or '', geometry_type=item.get('geometry_type') or '',
                    x=item.get('x') or '', y=item.get('y') or '', wkt=item.get('wkt') or '',
                    tile_size=item.get('tile_size') or '256x256', checksum=item.get('checksum') or '', files=[])
        fmt = item.get('format')
        if len(sources) != 1:
            problems.append('%s needs exactly one source: sample (one of %s), file (a path on the controller) or url; '
                            'it has %s' % (where, ', '.join(sorted(samples)), ', '.join(sources) or 'none'))
        elif sources[0] == 'sample':
            sample = item['sample']
            if sample not in samples:
                problems.append('%s.sample: %r is not a sample dataset (known: %s)' % (where, sample, ', '.join(sorted(samples))))
            else:
                path, kind = samples[sample]
                plan.update(source_type='sample', source=sample, container_path=path, kind=kind,
                            format=fmt or _format_of(path))
        elif sources[0] == 'file':
            path = item['file']
            if not isinstance(path, str) or not os.path.isabs(path):
                problems.append('%s.file: %r must be an absolute path on the controller' % (where, path))
            elif not os.path.isfile(path):
                problems.append('%s.file: %s is not a file on the controller' % (where, path))
            else:
                plan.update(source_type='file', source=path, files=[path])
                fmt = fmt or _format_of(path)
                if fmt == 'ESRI Shapefile':
                    stem = os.path.splitext(path)[0]
                    for ext in SHAPEFILE_SIDECARS + SHAPEFILE_OPTIONAL:
                        sidecar = [p for p in (stem + ext, stem + ext.upper()) if os.path.isfile(p)]
                        if sidecar:
                            plan['files'].append(sidecar[0])
                        elif ext in SHAPEFILE_SIDECARS:
                            problems.append('%s.file: the Shapefile %s has no %s beside it' % (where, path, ext))
        else:
            url, user, password = url_credentials(item['url'])
            if not isinstance(url, str) or not URL.match(url):
                problems.append('%s.url: %r must be an http(s):// or ftp:// URL' % (where, url))
            else:
                # The plan names the URL without its credentials: it is shown in task labels and job labels.
                plan.update(source_type='url', source=url, credentials=user is not None)
                fmt = fmt or _format_of(url.split('?')[0])
                if fmt == 'ESRI Shapefile':
                    problems.append('%s.url: a Shapefile needs its .shx and .dbf: give the URL of a .zip that holds '
                                    'them' % where)
        if plan.get('source_type') in ('file', 'url'):
            if fmt not in FORMAT_KINDS:
                if item.get('format') in (None, ''):
                    problems.append('%s: the format of %s is not known from its name: set format to one of %s'
                                    % (where, plan['source'], ', '.join(sorted(FORMAT_KINDS))))
            else:
                plan.update(format=fmt, kind=FORMAT_KINDS[fmt])
                basename = os.path.basename(plan['source'].split('?')[0]) or (name or 'source')
                plan['container_path'] = ('/vsizip//data/' if fmt == 'zip' else '/data/') + basename
        if plan['checksum'] and not CHECKSUM.match(str(plan['checksum'])):
            problems.append('%s.checksum: %r must be algorithm:hexdigest, e.g. sha256:0123...' % (where, plan['checksum']))
        parts = split_table(item.get('table'))
        if parts is None:
            problems.append('%s.table: %r must be schema.table or table, in lower-case letters, digits and _'
                            % (where, item.get('table')))
        elif parts[0] == STAGING_SCHEMA:
            problems.append('%s.table: the schema %s is where tables are loaded before they replace the old ones: '
                            'choose another' % (where, STAGING_SCHEMA))
        elif reserved_table_problem(*parts):
            problems.append('%s.table: %s: %s; choose another' % (where, '.'.join(parts), reserved_table_problem(*parts)))
        else:
            key = '.'.join(parts)
            if key in tables:
                problems.append('%s.table: %s is also the table of %s' % (where, key, tables[key]))
            elif parts[1] in staged:
                # geostack-load stages every table as geostack_staging.<table>: two schemas, one name, one overwrites.
                problems.append('%s.table: %s and %s (%s) are both loaded through the staging table %s.%s, where one '
                                'would overwrite the other: give the tables different names'
                                % (where, key, staged[parts[1]][0], staged[parts[1]][1], STAGING_SCHEMA, parts[1]))
            tables[key] = where
            staged.setdefault(parts[1], (key, where))
            plan.update(schema=parts[0], table=parts[1], qualified=key)
        for key, required in (('srid', True), ('source_srid', False)):
            problem = _srid_problem('%s.%s' % (where, key), item.get(key), required)
            if problem:
                problems.append(problem)
        plan['srid'] = item.get('srid')
        plan['source_srid'] = item.get('source_srid') or ''
        for key in ('layer', 'x', 'y', 'wkt'):
            if item.get(key) not in (None, '') and (not isinstance(item[key], str) or re.search(r'[\x00-\x1f]', item[key])):
                problems.append('%s.%s: %r must be a name (one line of text)' % (where, key, item[key]))
        if plan['geometry_type'] and str(plan['geometry_type']).upper() not in GEOMETRY_TYPES:
            problems.append('%s.geometry_type: %r must be one of %s' % (where, plan['geometry_type'], ', '.join(GEOMETRY_TYPES)))
        if item.get('format') not in (None, '') and item['format'] not in FORMAT_KINDS:
            problems.append('%s.format: %r must be one of %s' % (where, item['format'], ', '.join(sorted(FORMAT_KINDS))))
        if plan.get('format') == 'CSV':
            if not (plan['wkt'] or (plan['x'] and plan['y'])):
                problems.append('%s: a CSV source needs x and y (the coordinate columns) or wkt (a WKT column)' % where)
            if not plan['source_srid']:
                problems.append('%s.source_srid: a CSV source does not say its SRID: set source_srid' % where)
        elif plan.get('format') == 'zip' and plan.get('source_type') == 'file':
            problems.extend(_zip_problems(where, plan['source'], plan['source_srid']))
        elif (plan.get('format') == 'ESRI Shapefile' and plan.get('source_type') == 'file' and not plan['source_srid']
              and not any(f.lower().endswith('.prj') for f in plan['files'])):
            # Without a .prj, ogr2ogr cannot reproject (-t_srs) what it does not know the CRS of: the load job fails.
            problems.append('%s.source_srid: the Shapefile %s has no .prj beside it, so its coordinate system is not '
                            'known: set source_srid (or add the .prj)' % (where, plan['source']))
        if plan.get('kind') == 'raster' and not TILE_SIZE.match(str(plan['tile_size'])):
            problems.append('%s.tile_size: %r must be WIDTHxHEIGHT, e.g. 256x256' % (where, plan['tile_size']))
        if len(problems) == before:
            out.append(plan)
    return out, problems


def _colour_problems(where, style):
    problems = []
    if not isinstance(style, dict):
        return ['%s.style must be a mapping (%s)' % (where, ', '.join(STYLE_KEYS))]
    problems.extend(p for p in [_unknown_keys(where + '.style', style, STYLE_KEYS)] if p)
    for key in ('fill', 'stroke'):
        if key in style and not (isinstance(style[key], str) and COLOUR.match(style[key])):
            problems.append('%s.style.%s: %r must be a colour #rrggbb' % (where, key, style[key]))
    for key, low, high in (('stroke_width', 0, 50), ('size', 1, 100), ('opacity', 0, 100)):
        if key in style:
            value = style[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                problems.append('%s.style.%s: %r must be a number from %s to %s' % (where, key, value, low, high))
    return problems


def layers_plan(layers, datasets, var='geostack_layers', datasets_var='geostack_datasets'):
    """Check and complete layer declarations against the (planned) datasets."""
    if layers is None:
        layers = []
    if not isinstance(layers, (list, tuple)):
        return [], ['%s must be a list of layers, got %s' % (var, type(layers).__name__)]
    by_table = dict((d.get('qualified'), d) for d in datasets or [] if isinstance(d, dict) and d.get('qualified'))
    out, problems, names = [], [], {}
    for where, item, before in _declared(var, layers, 'name, table and type', LAYER_KEYS, problems):
        name = item.get('name')
        if not isinstance(name, str) or not LAYER_NAME.match(name):
            problems.append('%s.name: %r must start with a letter, then letters, digits, _ and -' % (where, name))
        elif name.lower() in names:
            problems.append('%s.name: %s is also the name of %s' % (where, name, names[name.lower()]))
        else:
            names[name.lower()] = where
        external = item.get('external', False)
        if isinstance(external, str) and external.lower() in ('true', 'yes', 'on', '1', 'false', 'no', 'off', '0'):
            external = external.lower() in ('true', 'yes', 'on', '1')
        if not isinstance(external, bool):
            problems.append('%s.external: %r must be true or false' % (where, external))
            external = False
        parts = split_table(item.get('table'))
        dataset = None
        if parts is None:
            problems.append('%s.table: %r must be schema.table or table, in lower-case letters, digits and _'
                            % (where, item.get('table')))
        else:
            dataset = by_table.get('.'.join(parts))
            if dataset is None and not external:
                problems.append('%s.table: %s is not the table of any dataset of %s (tables: %s); declare the dataset, '
                                'or set external: true for a table loaded otherwise'
                                % (where, '.'.join(parts), datasets_var, ', '.join(sorted(by_table)) or 'none'))
        layer_type = item.get('type')
        if layer_type is None and dataset is not None and dataset.get('kind') == 'raster':
            layer_type = 'raster'
        if layer_type not in LAYER_TYPES:
            problems.append('%s.type: %r must be one of %s' % (where, layer_type, ', '.join(LAYER_TYPES)))
        elif dataset is not None and (layer_type == 'raster') != (dataset.get('kind') == 'raster'):
            problems.append('%s.type: %s, but the dataset %s is a %s'
                            % (where, layer_type, dataset.get('name'), dataset.get('kind')))
        srid = item.get('srid', dataset.get('srid') if dataset else None)
        if dataset is not None or external or srid is not None:
            problem = _srid_problem('%s.srid' % where, srid)
            if problem:
                problems.append(problem)
        style = item.get('style') or {}
        problems.extend(_colour_problems(where, style))
        for key in ('label', 'geometry_column'):
            if item.get(key) is not None and not (isinstance(item[key], str) and IDENTIFIER.match(item[key])):
                problems.append('%s.%s: %r must be a column name (lower-case letters, digits and _)' % (where, key, item[key]))
        if len(problems) == before:
            out.append(dict(
                name=name, title=item.get('title') or name, abstract=item.get('abstract') or '',
                schema=parts[0], table=parts[1], qualified='.'.join(parts), type=layer_type,
                srid=int(srid), external=external, label=item.get('label') or '',
                geometry_column=item.get('geometry_column') or ('rast' if layer_type == 'raster' else 'geom'),
                style=dict(dict(fill='#9ecae1', stroke='#3182bd', stroke_width=1, size=6, opacity=100), **style)))
    return out, problems


def route_problems(routes, edge_paths=EDGE_PATHS):
    """``routes``: {variable name: path prefix}. Paths must start with /, not be / (the landing page), have no . or ..
    segment, stay clear of what the edge serves itself (``edge_paths``), and no two may be equal or one inside the
    other."""
    problems = []
    clean = {}
    for var in sorted(routes or {}):
        path = routes[var]
        if not isinstance(path, str) or not ROUTE.match(path):
            problems.append('%s: %r must be a path such as /mapserver (letters, digits, . _ ~ -; not /, which is the '
                            'landing page)' % (var, path))
            continue
        if any(segment in ('.', '..') for segment in path.split('/')):
            problems.append('%s: %r must not have a . or .. segment' % (var, path))
            continue
        clean[var] = path.rstrip('/') + '/'
    names = sorted(clean)
    for var in names:
        for own in edge_paths:
            a, b = clean[var], own.rstrip('/') + '/'
            if a.startswith(b) or b.startswith(a):
                problems.append('%s=%s collides with %s, which the edge serves itself (%s): choose another path prefix'
                                % (var, clean[var].rstrip('/'), own, ', '.join(('/',) + tuple(edge_paths))))
                break
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            a, b = clean[first], clean[second]
            if a == b:
                problems.append('%s and %s are both %s: two services on one path prefix' % (first, second, a.rstrip('/')))
            elif a.startswith(b) or b.startswith(a):
                problems.append('%s (%s) and %s (%s): one path prefix is inside the other'
                                % (first, a.rstrip('/'), second, b.rstrip('/')))
    return problems
