# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's ratio table: each row compares two measurements of the same run (A / B), or shows one absolute
figure; printed as text, and drawn as a PNG chart."""

from __future__ import annotations

# (title, A, B, metric): metric 'rps' compares requests per second (a ratio above 1 means A serves more), 'seconds'
# compares durations (above 1 means A takes longer).
RATIOS = (
    ('GetMap through the edge (TLS) / direct, c=1', 'getmap_edge_c1', 'getmap_mapserver_c1', 'rps'),
    ('GetMap through the edge (TLS) / direct, c=16', 'getmap_edge_c16', 'getmap_mapserver_c16', 'rps'),
    ('GetMap MapServer / QGIS Server, c=1', 'getmap_mapserver_c1', 'getmap_qgis_server_c1', 'rps'),
    ('GetMap MapServer / QGIS Server, c=16', 'getmap_mapserver_c16', 'getmap_qgis_server_c16', 'rps'),
    ('GetFeature MapServer / QGIS Server, c=1', 'getfeature_mapserver_c1', 'getfeature_qgis_server_c1', 'rps'),
    ('GetFeature MapServer / QGIS Server, c=16', 'getfeature_mapserver_c16', 'getfeature_qgis_server_c16', 'rps'),
    ('GetMap MapServer FastCGI / CGI, c=1', 'getmap_mapserver_c1', 'getmap_cgi_c1', 'rps'),
    ('GetMap MapServer FastCGI / CGI, c=16', 'getmap_mapserver_c16', 'getmap_cgi_c16', 'rps'),
    ('Cached WMTS tile / the same file static (nginx), c=1', 'tile_cached_c1', 'tile_static_c1', 'rps'),
    ('Cached WMTS tile / the same file static (nginx), c=16', 'tile_cached_c16', 'tile_static_c16', 'rps'),
    ('site.yml no-op rerun / ansible -m setup', 'site_rerun', 'setup', 'seconds'),
    ('docker_stack / geo_stack, no-op redeploy', 'docker_stack_noop', 'geo_stack_noop', 'seconds'),
)
# (title, measurement): absolute figures, in seconds.
ABSOLUTES = (
    ('Convergence: last task healthy -> geo_stack returns', 'convergence'),
    ('Cold start (last make up): venv and collection', 'cold_venv'),
    ('Cold start (last make up): engine', 'cold_engine'),
    ('Cold start (last make up): images', 'cold_images'),
    ('Cold start (last make up): stack', 'cold_stack'),
)
UNITS = {'rps': 'req/s', 'seconds': 's'}


def value(measurement, metric):
    """The figure of one measurement: its requests per second or its seconds; None when it was not measured."""
    if not measurement:
        return None
    key = 'requests_per_second' if metric == 'rps' else 'seconds'
    return measurement.get(key)


def rows(measurements):
    """The table's rows, as dicts: title, a, b (None for an absolute figure), unit, ratio (None when a side is
    missing or zero), failed (requests that failed on either side: such a figure is not a fair one)."""
    out = []
    for title, a_key, b_key, metric in RATIOS:
        a_m, b_m = measurements.get(a_key), measurements.get(b_key)
        a, b = value(a_m, metric), value(b_m, metric)
        out.append({
            'title': title, 'a': a, 'b': b, 'a_key': a_key, 'b_key': b_key, 'unit': UNITS[metric],
            'ratio': a / b if a is not None and b else None,
            'failed': sum((m or {}).get('failed', 0) for m in (a_m, b_m)),
        })
    for title, key in ABSOLUTES:
        m = measurements.get(key)
        out.append({'title': title, 'a': value(m, 'seconds'), 'b': None, 'a_key': key, 'b_key': None, 'unit': 's',
                    'ratio': None, 'failed': (m or {}).get('failed', 0)})
    return out


def _figure(number):
    if number is None:
        return '-'
    if number >= 100:
        return '%.0f' % number
    if number >= 10:
        return '%.1f' % number
    return '%.2f' % number


def format_table(table):
    """The rows as an aligned text table: comparison, A, B, A/B; a row with failed requests is marked."""
    header = ('comparison', 'A', 'B', 'A/B')
    lines = [header]
    for row in table:
        unit = ' ' + row['unit']
        a = _figure(row['a']) + (unit if row['a'] is not None else '')
        b = _figure(row['b']) + (unit if row['b'] is not None else '')
        ratio = '-' if row['ratio'] is None else '%.2f' % row['ratio']
        if row['failed']:
            ratio += '  (%d failed requests)' % row['failed']
        lines.append((row['title'], a, b, ratio))
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    text = []
    for line in lines:
        text.append('  '.join([line[0].ljust(widths[0]), line[1].rjust(widths[1]), line[2].rjust(widths[2]), line[3]]))
    text.insert(1, '-' * len(text[0]))
    return '\n'.join(text)


def chart(table, measurements, path, title):
    """A PNG: the requests per second of each load measurement (left) and the ratios (right, log scale)."""
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot

    loads = [(key, m) for key, m in measurements.items() if m.get('requests_per_second') is not None]
    ratios = [row for row in table if row['ratio'] is not None]
    figure, (left, right) = pyplot.subplots(1, 2, figsize=(15, 7), gridspec_kw={'width_ratios': [1, 1.3]})
    left.barh([key for key, _m in loads], [m['requests_per_second'] for _key, m in loads], color='#4477aa')
    left.invert_yaxis()
    left.set_xlabel('requests per second (wrk, 10 s each; CGI: processes run in the container)')
    for index, (_key, m) in enumerate(loads):
        left.annotate(' %.1f' % m['requests_per_second'], (m['requests_per_second'], index), va='center', fontsize=8)
    right.barh([row['title'] for row in ratios], [row['ratio'] for row in ratios], color='#cc6677')
    right.invert_yaxis()
    right.set_xscale('log')
    right.axvline(1.0, color='black', linewidth=0.8)
    right.set_xlabel('A / B (log scale)')
    right.yaxis.tick_right()
    for index, row in enumerate(ratios):
        right.annotate(' %.2f' % row['ratio'], (row['ratio'], index), va='center', fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
