# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harvests (geostack.swarm.harvest): checked on the controller, and what each run does.

``harvests_plan`` checks ``geostack_harvests`` before anything changes (each problem naming the variable, the harvest
and the key) and completes each harvest with what its runs need: the ogr2ogr arguments that load the source into the
staging table ``geostack_harvest.<table>`` (``ogr2ogr_args``), and the SQL that merges the staging table into the
target in ONE transaction (``merge_sql``): replace (the staging table swapped in), append, or upsert by key columns
(``INSERT ... ON CONFLICT (keys) DO UPDATE ... WHERE the row differs``, then optionally ``DELETE`` of the keys missing
from the source). The SQL ends by printing one JSON line of counts (rows read, inserted, updated, deleted).

The runner (roles/harvest/files/geostack_harvest.py, a Docker config run by python3 in the tools image) fetches,
runs ogr2ogr and psql; nothing here talks to a network.
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.geostack.swarm.plugins.module_utils.geodata import (
    GEOMETRY_TYPES,
    IDENTIFIER,
    STAGING_SCHEMA as DATA_STAGING_SCHEMA,
    reserved_table_problem,
    split_table,
)
from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import cron_problem, time_zone_problem
from ansible_collections.geostack.swarm.plugins.module_utils.srids import srid_known

KINDS = ('ogcapi_features', 'wfs', 'geojson', 'csv', 'gpkg', 'shapefile_zip')
# Fetched by the runner (curl) into its scratch directory, then read by ogr2ogr; the services are read by GDAL itself.
FILE_KINDS = {'geojson': 'source.geojson', 'csv': 'source.csv', 'gpkg': 'source.gpkg', 'shapefile_zip': 'source.zip'}
MODES = ('replace', 'append', 'upsert')
HARVEST_KEYS = ('name', 'source', 'table', 'srid', 'geometry_type', 'schedule', 'time_zone', 'mode', 'keys',
                'delete_missing', 'allow_empty', 'timeout', 'retries', 'retry_delay', 'starting_deadline', 'suspend')
# Per kind: the source's keys (besides kind, url, credentials, bbox, filter) and which of them is required.
SOURCE_COMMON = ('kind', 'url', 'credentials', 'bbox', 'filter')
SOURCE_KIND_KEYS = {
    'ogcapi_features': (('collection', 'page_size'), ('collection',)),
    'wfs': (('typename', 'page_size'), ('typename',)),
    'geojson': ((), ()),
    'csv': (('x', 'y', 'wkt', 'source_srid'), ('source_srid',)),
    'gpkg': (('layer',), ()),
    'shapefile_zip': (('layer',), ()),
}
CREDENTIALS_KEYS = ('file',)
STAGING_SCHEMA = 'geostack_harvest'
DEFAULTS = dict(srid=4326, geometry_type='', time_zone='UTC', mode='replace', keys=[], delete_missing=False,
                allow_empty=False, timeout=3600, retries=2, retry_delay=30, starting_deadline=300, suspend=False)
# lower-case words joined by single underscores: the job harvest_<name> is a scheduler job name.
NAME = re.compile(r'^[a-z][a-z0-9]*(_[a-z0-9]+)*\Z')
# http(s) only, a host (a Docker service name may hold _), an optional port and path; no credentials (user@), no
# spaces.
URL = re.compile(r'^https?://([A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*'
                 r'|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?([/?#][^\s@]*)?\Z')
# The source's names (collection, type name, layer, columns): one line of printable text.
TEXT = re.compile(r'^[^\x00-\x1f\x7f]{1,255}\Z')
FILTER = re.compile(r'^[^\x00-\x1f\x7f]{1,2000}\Z')
# A scheduled run is the service <stack>_run_harvest_<name>_<yyyymmddhhmm>: at most 63 characters.
RUN_NAME_MAX = 63
STAGING_SCHEMAS = (STAGING_SCHEMA, DATA_STAGING_SCHEMA)


def job_name(name):
    return 'harvest_' + name


def _int_in(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _bool(value):
    if isinstance(value, str) and value.lower() in ('true', 'yes', 'on', '1', 'false', 'no', 'off', '0'):
        return value.lower() in ('true', 'yes', 'on', '1')
    return value


def _source_problems(where, source, read_file):
    """(problems, completed source) of one harvest's source."""
    problems = []
    if not isinstance(source, dict):
        return ['%s.source must be a mapping with kind (%s) and url' % (where, ', '.join(KINDS))], None
    kind = source.get('kind')
    if kind not in KINDS:
        return ['%s.source.kind: %r is not a kind of source (known: %s)' % (where, kind, ', '.join(KINDS))], None
    keys, required = SOURCE_KIND_KEYS[kind]
    known = SOURCE_COMMON + keys
    unknown = sorted(str(k) for k in source if k not in known)
    if unknown:
        problems.append('%s.source: %s not for a %s source (known: %s)'
                        % (where, ', '.join(unknown), kind, ', '.join(known)))
    out = dict(kind=kind, url=source.get('url'), auth='', bbox=None, filter='', page_size=None)
    url = source.get('url')
    if not isinstance(url, str) or '@' in url.split('/')[2 if url.count('/') >= 2 else 0]:
        problems.append('%s.source.url: %s must be an http(s) URL without credentials (give them in '
                        'source.credentials.file)' % (where, 'the URL' if isinstance(url, str) else repr(url)))
    elif not URL.match(url):
        problems.append('%s.source.url: %r must be an http:// or https:// URL (a host, an optional port and path, '
                        'no spaces)' % (where, url))
    for key in required:
        if source.get(key) in (None, ''):
            problems.append('%s.source.%s: a %s source needs %s' % (where, key, kind, key))
    for key in ('collection', 'typename', 'layer', 'x', 'y', 'wkt'):
        value = source.get(key)
        if value not in (None, '') and not (isinstance(value, str) and TEXT.match(value)):
            problems.append('%s.source.%s: %r must be a name (one line of text)' % (where, key, value))
        out[key] = value if isinstance(value, str) else ''
    if kind == 'csv' and not (out['wkt'] or (out['x'] and out['y'])):
        problems.append('%s.source: a csv source needs x and y (the coordinate columns) or wkt (a WKT column)' % where)
    if kind == 'csv':
        srid = source.get('source_srid')
        if not (_int_in(srid, 1, 999999) and srid_known(srid)):
            problems.append('%s.source.source_srid: %r is not an SRID that PostGIS knows' % (where, srid))
        out['source_srid'] = srid
    if 'page_size' in source:
        if not _int_in(source['page_size'], 1, 100000):
            problems.append('%s.source.page_size: %r must be a number of features from 1 to 100000'
                            % (where, source['page_size']))
        else:
            out['page_size'] = source['page_size']
    bbox = source.get('bbox')
    if bbox is not None:
        numbers = isinstance(bbox, (list, tuple)) and len(bbox) == 4 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in bbox)
        if not numbers or not (-180 <= bbox[0] < bbox[2] <= 180 and -90 <= bbox[1] < bbox[3] <= 90):
            problems.append('%s.source.bbox: %r must be [min longitude, min latitude, max longitude, max latitude] '
                            '(WGS 84, min below max)' % (where, bbox))
        else:
            out['bbox'] = [float(v) for v in bbox]
    flt = source.get('filter')
    if flt not in (None, ''):
        if not (isinstance(flt, str) and FILTER.match(flt)):
            problems.append('%s.source.filter: must be an attribute filter (an OGR SQL WHERE clause on one line, at '
                            'most 2000 characters)' % where)
        else:
            out['filter'] = flt
    credentials = source.get('credentials')
    if credentials is not None:
        if not isinstance(credentials, dict) or set(credentials) - set(CREDENTIALS_KEYS) or not credentials.get('file'):
            problems.append('%s.source.credentials must be {file: <a file on the controller holding user:password>}'
                            % where)
        else:
            path = credentials['file']
            if not isinstance(path, str) or not os.path.isabs(path):
                problems.append('%s.source.credentials.file: %r must be an absolute path on the controller'
                                % (where, path))
            elif not os.path.isfile(path):
                problems.append('%s.source.credentials.file: %s is not a file on the controller' % (where, path))
            else:
                text = read_file(path)
                line = text.strip('\n')
                if '\n' in line or ':' not in line or line.startswith(':') or re.search(r'[\x00-\x1f]', line):
                    # The content is never shown.
                    problems.append('%s.source.credentials.file: %s must hold one line, user:password' % (where, path))
                else:
                    out['auth'] = line
    return problems, out


def harvests_plan(harvests, stack='geostack', dataset_tables=(), var='geostack_harvests', read_file=None):
    """Check and complete ``geostack_harvests``. ``dataset_tables``: the qualified tables of geostack_datasets (a
    harvest may not write a table a dataset loads). Returns ``(harvests, problems)``."""
    read_file = read_file or _read
    if harvests is None:
        harvests = []
    if not isinstance(harvests, (list, tuple)):
        return [], ['%s must be a list of harvests' % var]
    out, problems, names, tables, staged = [], [], {}, {}, {}
    datasets = set(dataset_tables or ())
    for index, item in enumerate(harvests):
        label = item.get('name') if isinstance(item, dict) else None
        where = '%s[%d]%s' % (var, index, ' (%s)' % label if isinstance(label, str) and label else '')
        if not isinstance(item, dict):
            problems.append('%s must be a mapping with name, source, table and schedule' % where)
            continue
        before = len(problems)
        unknown = sorted(str(k) for k in item if k not in HARVEST_KEYS)
        if unknown:
            problems.append('%s has unknown keys: %s (known: %s)' % (where, ', '.join(unknown), ', '.join(HARVEST_KEYS)))
        h = dict(DEFAULTS)
        h.update(item)
        name = h.get('name')
        if not isinstance(name, str) or not NAME.match(name):
            problems.append('%s.name: %r must be lower-case letters and digits, words joined by single _ (starting '
                            'with a letter)' % (where, name))
        elif name in names:
            problems.append('%s.name: %s is also the name of %s' % (where, name, names[name]))
        else:
            names[name] = where
            run = '%s_run_%s_202401010000' % (stack, job_name(name))
            if len(run) > RUN_NAME_MAX:
                problems.append('%s.name: its runs, the services %s_run_%s_<yyyymmddhhmm>, would be longer than the %d '
                                'characters of a Docker service name: shorten the name (at most %d characters with '
                                'geostack_stack=%s)'
                                % (where, stack, job_name(name), RUN_NAME_MAX, len(name) - (len(run) - RUN_NAME_MAX), stack))
        source_problems, source = _source_problems(where, h.get('source'), read_file)
        problems.extend(source_problems)
        parts = split_table(h.get('table'))
        if parts is None:
            problems.append('%s.table: %r must be schema.table or table, in lower-case letters, digits and _'
                            % (where, h.get('table')))
        elif parts[0] in STAGING_SCHEMAS:
            problems.append('%s.table: the schema %s is where sources are staged before they reach their tables: '
                            'choose another' % (where, parts[0]))
        elif reserved_table_problem(*parts):
            problems.append('%s.table: %s: %s; choose another' % (where, '.'.join(parts), reserved_table_problem(*parts)))
        else:
            key = '.'.join(parts)
            if key in datasets:
                problems.append('%s.table: %s is also the table of a dataset of geostack_datasets: a table is loaded '
                                'by one of them' % (where, key))
            elif key in tables:
                problems.append('%s.table: %s is also the table of %s' % (where, key, tables[key]))
            elif parts[1] in staged:
                problems.append('%s.table: %s and %s (%s) are both staged as %s.%s, where one would overwrite the '
                                'other: give the tables different names'
                                % (where, key, staged[parts[1]][0], staged[parts[1]][1], STAGING_SCHEMA, parts[1]))
            tables.setdefault(key, where)
            staged.setdefault(parts[1], (key, where))
        srid = h.get('srid')
        if not (_int_in(srid, 1, 999999) and srid_known(srid)):
            problems.append('%s.srid: %r is not an SRID that PostGIS knows' % (where, srid))
        geometry_type = h.get('geometry_type') or ''
        if geometry_type and str(geometry_type).upper() not in GEOMETRY_TYPES:
            problems.append('%s.geometry_type: %r must be one of %s' % (where, geometry_type, ', '.join(GEOMETRY_TYPES)))
        problem = cron_problem(h.get('schedule'))
        if problem:
            problems.append('%s.schedule: %s' % (where, problem))
        problem = time_zone_problem(h.get('time_zone'))
        if problem:
            problems.append('%s.time_zone: %s' % (where, problem))
        mode = h.get('mode')
        keys = h.get('keys')
        delete_missing = _bool(h.get('delete_missing'))
        allow_empty = _bool(h.get('allow_empty'))
        suspend = _bool(h.get('suspend'))
        if mode not in MODES:
            problems.append('%s.mode: %r must be one of %s' % (where, mode, ', '.join(MODES)))
        if not isinstance(keys, (list, tuple)) or not all(isinstance(k, str) and IDENTIFIER.match(k) for k in keys):
            problems.append('%s.keys: %r must be a list of column names (lower-case letters, digits and _, as ogr2ogr '
                            'names them)' % (where, keys))
        elif len(set(keys)) != len(keys):
            problems.append('%s.keys: %s names a column twice' % (where, ', '.join(keys)))
        elif mode == 'upsert' and not keys:
            problems.append('%s.keys: mode upsert needs the key columns that identify a row of the source' % where)
        elif mode in ('replace', 'append') and keys:
            problems.append('%s.keys: only for mode upsert (mode is %s)' % (where, mode))
        for key, value in (('delete_missing', delete_missing), ('allow_empty', allow_empty), ('suspend', suspend)):
            if not isinstance(value, bool):
                problems.append('%s.%s: %r must be true or false' % (where, key, value))
        if delete_missing is True and mode != 'upsert':
            problems.append('%s.delete_missing: only with mode upsert (mode is %s): replace drops what the source '
                            'no longer has anyway, append never deletes' % (where, mode))
        for key, low, high, what in (('timeout', 10, 86400, 'seconds'), ('retries', 0, 10, 'retries'),
                                     ('retry_delay', 1, 3600, 'seconds'), ('starting_deadline', 1, 86400, 'seconds')):
            if not _int_in(h.get(key), low, high):
                problems.append('%s.%s: %r must be a number of %s from %d to %d'
                                % (where, key, h.get(key), what, low, high))
        if len(problems) == before:
            plan = dict(name=name, job=job_name(name), source=source, schema=parts[0], table=parts[1],
                        qualified='.'.join(parts), staging='%s.%s' % (STAGING_SCHEMA, parts[1]), srid=srid,
                        geometry_type=str(geometry_type).upper(), schedule=h['schedule'].strip(),
                        time_zone=h['time_zone'], mode=mode, keys=list(keys), delete_missing=delete_missing,
                        allow_empty=allow_empty, timeout=h['timeout'], retries=h['retries'],
                        retry_delay=h['retry_delay'], starting_deadline=h['starting_deadline'], suspend=suspend)
            out.append(plan)
    return out, problems


def _read(path):
    with open(path, encoding='utf-8', errors='replace') as handle:
        return handle.read(4096)


# -- What a run does ------------------------------------------------------------------------------------------------

def source_name(plan, scratch='/tmp/harvest'):
    """The GDAL data source ogr2ogr reads: the service's connection string, or the downloaded file."""
    source = plan['source']
    kind = source['kind']
    if kind == 'ogcapi_features':
        return 'OAPIF:' + source['url']
    if kind == 'wfs':
        return 'WFS:' + source['url']
    path = '%s/%s' % (scratch, FILE_KINDS[kind])
    return '/vsizip/' + path if kind == 'shapefile_zip' else path


def ogr2ogr_args(plan, scratch='/tmp/harvest'):
    """ogr2ogr's arguments after the destination (``-f PostgreSQL PG:...`` comes first, from the runner): the source,
    its layer, and the staging table ``geostack_harvest.<table>`` (overwritten)."""
    source = plan['source']
    kind = source['kind']
    args = [source_name(plan, scratch)]
    layer = source.get('collection') or source.get('typename') or source.get('layer') or ''
    if layer:
        args.append(layer)
    args += ['-nln', plan['staging'], '-overwrite', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'FID=fid',
             '-lco', 'SPATIAL_INDEX=GIST', '-lco', 'PRECISION=NO', '-t_srs', 'EPSG:%d' % plan['srid'],
             '--config', 'PG_USE_COPY', 'YES']
    if plan['geometry_type']:
        args += ['-nlt', plan['geometry_type']]
    if kind == 'csv':
        args += ['-s_srs', 'EPSG:%d' % source['source_srid']]
        if source.get('wkt'):
            args += ['-oo', 'GEOM_POSSIBLE_NAMES=' + source['wkt'], '-oo', 'KEEP_GEOM_COLUMNS=NO']
        else:
            args += ['-oo', 'X_POSSIBLE_NAMES=' + source['x'], '-oo', 'Y_POSSIBLE_NAMES=' + source['y'],
                     '-oo', 'KEEP_GEOM_COLUMNS=NO']
    if source.get('page_size'):
        if kind == 'ogcapi_features':
            args += ['-oo', 'PAGE_SIZE=%d' % source['page_size']]
        else:
            args += ['--config', 'OGR_WFS_PAGING_ALLOWED', 'ON', '--config', 'OGR_WFS_PAGE_SIZE',
                     '%d' % source['page_size']]
    if source.get('bbox'):
        args += ['-spat'] + ['%r' % v for v in source['bbox']] + ['-spat_srs', 'EPSG:4326']
    if source.get('filter'):
        args += ['-where', source['filter']]
    return args


def _literal(text):
    return "'" + str(text).replace("'", "''") + "'"


def _array(items):
    return 'ARRAY[%s]::text[]' % ', '.join(_literal(i) for i in items) if items else 'ARRAY[]::text[]'


def merge_sql(plan, readers=()):
    """The SQL a run gives psql (``psql -1 -v ON_ERROR_STOP=1``: one transaction, all or nothing) once ogr2ogr has
    loaded the staging table: checks, the merge by mode, grants, and one JSON line of counts on stdout."""
    index = (plan['table'][:50] + '_harvest_key')
    lines = [
        '-- geostack harvest %s: %s into %s' % (plan['name'], plan['mode'], plan['qualified']),
        'CREATE TEMPORARY TABLE geostack_harvest_counts (rows_read bigint, rows_inserted bigint, rows_updated bigint,',
        '  rows_deleted bigint, columns_added text[]) ON COMMIT DROP;',
        'DO $harvest$',
        'DECLARE',
        '  harvest text := %s;' % _literal(plan['name']),
        '  mode text := %s;' % _literal(plan['mode']),
        '  staging regclass := to_regclass(%s);' % _literal('%s.%s' % (STAGING_SCHEMA, plan['table'])),
        '  target_schema text := %s;' % _literal(plan['schema']),
        '  target_name text := %s;' % _literal(plan['table']),
        '  keys text[] := %s;' % _array(plan['keys']),
        '  readers text[] := %s;' % _array(readers),
        '  delete_missing boolean := %s;' % ('true' if plan['delete_missing'] else 'false'),
        '  allow_empty boolean := %s;' % ('true' if plan['allow_empty'] else 'false'),
        '  key_index text := %s;' % _literal(index),
        '  target regclass;',
        '  n_read bigint; n_ins bigint := 0; n_upd bigint := 0; n_del bigint := 0; n bigint;',
        '  cols text[]; missing text[]; added text[] := ARRAY[]::text[]; c record;',
        '  col_list text; set_list text; old_row text; new_row text; key_list text; key_match text;',
        'BEGIN',
        '  IF staging IS NULL THEN',
        "    RAISE EXCEPTION 'harvest %: ogr2ogr made no staging table (the source has no layer?)', harvest;",
        '  END IF;',
        "  EXECUTE format('SELECT count(*) FROM %s', staging) INTO n_read;",
        "  IF n_read = 0 AND NOT allow_empty AND (mode = 'replace' OR delete_missing) THEN",
        "    RAISE EXCEPTION 'harvest %: the source has no rows: the table is left as it was (allow_empty: true "
        "accepts an empty source)', harvest;",
        '  END IF;',
        '  SELECT array_agg(k) INTO missing FROM unnest(keys) AS k',
        '    WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = staging AND a.attname = k',
        '                      AND a.attnum > 0 AND NOT a.attisdropped);',
        '  IF missing IS NOT NULL THEN',
        "    RAISE EXCEPTION 'harvest %: the key column(s) % are not in the source, whose columns are %', harvest,",
        "      array_to_string(missing, ', '), (SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute",
        '      WHERE attrelid = staging AND attnum > 0 AND NOT attisdropped);',
        '  END IF;',
        "  IF mode = 'upsert' THEN",
        '    -- A key identifies one row: none empty, none twice (ON CONFLICT could not update a row twice).',
        "    SELECT string_agg(format('%I', k), ', '),",
        "           string_agg(format('s.%I = t.%I', k, k), ' AND ') INTO key_list, key_match FROM unnest(keys) AS k;",
        "    EXECUTE format('SELECT count(*) FROM %s WHERE %s', staging,",
        "      (SELECT string_agg(format('%I IS NULL', k), ' OR ') FROM unnest(keys) AS k)) INTO n;",
        '    IF n > 0 THEN',
        "      RAISE EXCEPTION 'harvest %: % row(s) of the source have no value in the key column(s) %', harvest, n,",
        "        key_list;",
        '    END IF;',
        "    EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s GROUP BY %s HAVING count(*) > 1) AS d', staging,",
        '      key_list) INTO n;',
        '    IF n > 0 THEN',
        "      RAISE EXCEPTION 'harvest %: % value(s) of the key (%) are on more than one row of the source',",
        '        harvest, n, key_list;',
        '    END IF;',
        '  END IF;',
        "  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', target_schema);",
        "  target := to_regclass(format('%I.%I', target_schema, target_name));",
        "  IF mode = 'replace' OR target IS NULL THEN",
        '    -- The staging table becomes the target: swapped in, readers see the old or the new one, never a mix.',
        '    IF target IS NOT NULL THEN',
        "      EXECUTE format('SELECT count(*) FROM %s', target) INTO n_del;",
        "      EXECUTE format('DROP TABLE %s', target);",
        '    END IF;',
        "    EXECUTE format('ALTER TABLE %s SET SCHEMA %I', staging, target_schema);",
        "    target := to_regclass(format('%I.%I', target_schema, target_name));",
        '    n_ins := n_read;',
        "    IF mode = 'upsert' THEN",
        "      EXECUTE format('CREATE UNIQUE INDEX %I ON %s (%s)', key_index, target, key_list);",
        '    END IF;',
        '  ELSE',
        "    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', target);",
        '    -- Columns the source gained are added to the table (empty in its older rows).',
        '    FOR c IN SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a',
        "             WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'fid'",
        '               AND NOT EXISTS (SELECT 1 FROM pg_attribute b WHERE b.attrelid = target',
        '                               AND b.attname = a.attname AND b.attnum > 0 AND NOT b.attisdropped)',
        '             ORDER BY a.attnum LOOP',
        "      EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', target, c.attname, c.type);",
        '      added := added || c.attname::text;',
        '    END LOOP;',
        '    -- The columns written: the source\'s, but its fid (the table numbers its own rows) unless it is a key.',
        '    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols FROM pg_attribute a',
        '      WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped',
        "        AND (a.attname <> 'fid' OR a.attname = ANY (keys));",
        "    SELECT string_agg(format('%I', x), ', ') INTO col_list FROM unnest(cols) AS x;",
        "    IF mode = 'append' THEN",
        "      EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s', target, col_list, col_list, staging);",
        '      GET DIAGNOSTICS n_ins = ROW_COUNT;',
        '    ELSE',
        "      EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON %s (%s)', key_index, target, key_list);",
        "      SELECT string_agg(format('%I = EXCLUDED.%I', x, x), ', '),",
        "             string_agg(format('t.%I::text', x), ', '), string_agg(format('EXCLUDED.%I::text', x), ', ')",
        '        INTO set_list, old_row, new_row FROM unnest(cols) AS x WHERE x <> ALL (keys);',
        '      IF set_list IS NULL THEN',
        "        EXECUTE format('WITH up AS (INSERT INTO %s AS t (%s) SELECT %s FROM %s ON CONFLICT (%s) DO NOTHING '",
        "          'RETURNING 1) SELECT count(*), 0 FROM up', target, col_list, col_list, staging, key_list)",
        '          INTO n_ins, n_upd;',
        '      ELSE',
        '        -- A row is updated only when it differs (compared as text: every type, geometries as EWKB).',
        "        EXECUTE format('WITH up AS (INSERT INTO %s AS t (%s) SELECT %s FROM %s ON CONFLICT (%s) DO UPDATE '",
        "          'SET %s WHERE ROW(%s) IS DISTINCT FROM ROW(%s) RETURNING (t.xmax = 0) AS inserted) '",
        "          'SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up',",
        '          target, col_list, col_list, staging, key_list, set_list, old_row, new_row) INTO n_ins, n_upd;',
        '      END IF;',
        '      IF delete_missing THEN',
        "        EXECUTE format('DELETE FROM %s AS t WHERE NOT EXISTS (SELECT 1 FROM %s AS s WHERE %s)', target,",
        '          staging, key_match);',
        '        GET DIAGNOSTICS n_del = ROW_COUNT;',
        '      END IF;',
        '    END IF;',
        "    EXECUTE format('DROP TABLE %s', staging);",
        '  END IF;',
        '  FOR c IN SELECT r FROM unnest(readers) AS r LOOP',
        "    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', target_schema, c.r);",
        "    EXECUTE format('GRANT SELECT ON %s TO %I', target, c.r);",
        '  END LOOP;',
        "  EXECUTE format('COMMENT ON TABLE %s IS %L', target, format('geostack harvest %s (%s)', harvest, mode));",
        '  INSERT INTO geostack_harvest_counts VALUES (n_read, n_ins, n_upd, n_del, added);',
        'END',
        '$harvest$;',
        'ANALYZE %s;' % '.'.join('"%s"' % p for p in (plan['schema'], plan['table'])),
        'SELECT row_to_json(c) FROM geostack_harvest_counts AS c;',
        '',
    ]
    return '\n'.join(lines)


def run_config(plan, readers=(), scratch='/tmp/harvest'):
    """What the runner reads (a Docker config, JSON): no secret in it."""
    source = plan['source']
    return dict(name=plan['name'], kind=source['kind'], url=source['url'],
                download=None if source['kind'] not in FILE_KINDS else '%s/%s' % (scratch, FILE_KINDS[source['kind']]),
                scratch=scratch, staging_schema=STAGING_SCHEMA, staging=plan['staging'], table=plan['qualified'],
                mode=plan['mode'], retries=plan['retries'], retry_delay=plan['retry_delay'],
                ogr2ogr=ogr2ogr_args(plan, scratch), sql=merge_sql(plan, readers))


RUNNER_PATH = '/etc/geostack/harvest/geostack_harvest.py'
CREDENTIALS_PATH = '/run/secrets/harvest_credentials'


def scheduler_jobs(plans, runner, postgis, networks, uid='1000', readers=(), resources=None, history=(3, 3)):
    """The scheduler's jobs (geostack_scheduled_jobs' shape) of the planned harvests: each run a one-off service of
    the tools image that runs the runner (a Docker config) on its run config (another), as the tools user, with no
    capability and a read-only root; the owner's .pgpass and the source's credentials as Docker secrets. Concurrency
    is always ``forbid``: never two runs of one harvest at once. ``postgis``: the fact geostack_postgis (with
    ``ca_cert``, or a placeholder before PostGIS's role ran)."""
    jobs = []
    env = {'PGHOST': postgis['host'], 'PGPORT': str(postgis['port']), 'PGUSER': postgis['owner'],
           'PGDATABASE': postgis['database'], 'PGPASSFILE': '/run/secrets/pgpass', 'PGCONNECT_TIMEOUT': '10',
           'PGAPPNAME': 'geostack-harvest', 'HARVEST_CREDENTIALS': CREDENTIALS_PATH}
    env.update(postgis.get('client_env') or {})
    for plan in plans:
        run_key = 'hv_%s' % plan['name']
        secrets = {'harvest_pgpass': {'data': postgis['owner_pgpass']}}
        service_secrets = [{'source': 'harvest_pgpass', 'target': 'pgpass', 'uid': uid, 'gid': uid, 'mode': 256}]
        if plan['source']['auth']:
            secrets[run_key + '_auth'] = {'data': plan['source']['auth'] + '\n'}
            service_secrets.append({'source': run_key + '_auth', 'target': 'harvest_credentials', 'uid': uid,
                                    'gid': uid, 'mode': 256})
        configs = {
            'harvest_runner': {'data': runner},
            'harvest_ca': {'data': postgis.get('ca_cert') or 'pending'},
            run_key: {'data': json.dumps(run_config(plan, readers), indent=1, sort_keys=True) + '\n'},
        }
        service = {
            'image': 'tools',
            'command': ['python3', RUNNER_PATH, '/etc/geostack/harvest/%s.json' % plan['name']],
            'env': dict(env, HARVEST_NAME=plan['name']),
            'user': '%s:%s' % (uid, uid),
            'secrets': service_secrets,
            'configs': [{'source': 'harvest_runner', 'target': RUNNER_PATH, 'mode': 292},
                        {'source': 'harvest_ca', 'target': postgis['ca_path'], 'mode': 292},
                        {'source': run_key, 'target': '/etc/geostack/harvest/%s.json' % plan['name'], 'mode': 292}],
            'networks': list(networks),
            'read_only': True,
            'cap_drop': ['ALL'],
            # Scratch space (the downloaded source): on the node's disk, removed with the run's container.
            'mounts': [{'type': 'volume', 'target': '/tmp'}],
            'labels': {'org.geostack.role': 'harvest', 'org.geostack.harvest': plan['name']},
        }
        if resources:
            service['resources'] = resources
        jobs.append(dict(name=plan['job'], schedule=plan['schedule'], time_zone=plan['time_zone'],
                         concurrency='forbid', starting_deadline=plan['starting_deadline'], timeout=plan['timeout'],
                         suspend=plan['suspend'], successful_history=history[0], failed_history=history[1],
                         secrets=secrets, configs=configs, service=service))
    return jobs
