# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m bench` (`make bench`): measure, side by side in one run on the local deployment, what bench/report.py
compares; print the ratio table; write bench/results/<time>.json and .png (and latest.json, latest.png)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

from bench import measure, report

WMS = ('SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS=EPSG:4326&BBOX=-90,-180,90,180'
       '&WIDTH=256&HEIGHT=256&FORMAT=image/png')
WFS = 'SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME={layer}&MAXFEATURES=10'
PARTS = ('ows', 'tiles', 'ansible', 'stack', 'cold')
# The cached tile measured: z, x, y of the GoogleMapsCompatible grid, a tile with content (western and central Europe
# in the default layers, about 6 kB); level 4 is among the default seeded levels.
TILE = (4, 8, 5)


def arguments(argv):
    parser = argparse.ArgumentParser(prog='python -m bench', description=__doc__)
    parser.add_argument('--inventory', default='inventories/local', help='the deployment (default: %(default)s)')
    parser.add_argument('--stack', default='geostack', help='geostack_stack of the deployment (default: %(default)s)')
    parser.add_argument('--layer', default='countries', help='a declared layer served by both map servers')
    parser.add_argument('--seconds', type=int, default=10, help='each load measurement (default: %(default)s)')
    parser.add_argument('--concurrency', type=int, nargs='+', default=[1, 16], help='default: 1 16')
    parser.add_argument('--only', nargs='+', choices=PARTS, default=list(PARTS),
                        help='ows: wrk and CGI; tiles: a cached tile and the same file static; ansible: site.yml '
                             'rerun and setup; stack: geo_stack and '
                             'docker_stack; cold: the last make up (default: all)')
    parser.add_argument('--out', default=os.path.join(measure.REPO, 'bench', 'results'))
    return parser.parse_args(argv)


def log(message):
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), message), flush=True)


def load(args, image, network, name, url, answer, measurements, describe):
    """wrk on `url` at each of the concurrencies (after a warm-up that is not kept), into measurements[<name>_c<n>]
    with the checked `answer`; each result logged as describe(result), or its error."""
    measure.wrk(image, network, url, 4, 2)   # warm-up, not kept
    for connections in args.concurrency:
        key = '%s_c%d' % (name, connections)
        measurements[key] = measure.wrk(image, network, url, connections, args.seconds)
        measurements[key]['answer'] = answer
        if 'error' in measurements[key]:
            log('%-28s FAILED: %s' % (key, measurements[key]['error']))
            continue
        log('%-28s %s' % (key, describe(measurements[key])))


def measure_ows(args, image, measurements, network):
    """Load from wrk: GetMap through the edge and direct, MapServer and QGIS Server for GetMap and GetFeature;
    then MapServer as CGI."""
    wms, wfs = WMS.format(layer=args.layer), WFS.format(layer=args.layer)
    targets = (
        ('getmap_edge', 'https://edge:8443/mapserver/ows?' + wms, 'getmap'),
        ('getmap_mapserver', 'http://mapserver:8080/ows?' + wms, 'getmap'),
        ('getmap_qgis_server', 'http://qgis_server:8080/ows?' + wms, 'getmap'),
        ('getfeature_mapserver', 'http://mapserver:8080/ows?' + wfs, 'getfeature'),
        ('getfeature_qgis_server', 'http://qgis_server:8080/ows?' + wfs, 'getfeature'),
    )
    for name, url, kind in targets:
        answer = measure.check_answer(image, network, url, kind)
        load(args, image, network, name, url, answer, measurements,
             lambda r: '%7.1f req/s  %7.1f ms  (%d requests, %d failed; %d tasks)' % (
                 r['requests_per_second'], r['latency_ms'].get('avg', 0), r['requests'], r['failed'],
                 len(r['addresses'])))
    for connections in args.concurrency:
        key = 'getmap_cgi_c%d' % connections
        measurements[key] = measure.cgi(args.stack, wms, connections, args.seconds)
        log('%-28s %7.1f req/s  %7.1f ms  (%d requests, %d failed)' % (
            key, measurements[key]['requests_per_second'], measurements[key]['latency_ms']['avg'] or 0,
            measurements[key]['requests'], measurements[key]['failed']))


def measure_tiles(args, image, measurements, network):
    """Load from wrk, same settings, one after the other: a cached WMTS REST tile through the tile cache's nginx
    (answered from the cache file) and the same file served by nginx from a plain static location."""
    z, x, y = TILE
    cached = 'http://mapproxy:8080/wmts/%s/GoogleMapsCompatible/%02d/%d/%d.png' % (args.layer, z, x, y)
    conf_dir = tempfile.mkdtemp(prefix='geostack-bench-')
    try:
        static = measure.start_static(args.stack, image, network, conf_dir) + '/%s_EPSG3857/%d/%d/%d.png' % (
            args.layer, z, x, y)
        answer = measure.check_tiles(image, network, cached, static)
        for name, url in (('tile_cached', cached), ('tile_static', static)):
            load(args, image, network, name, url, answer, measurements,
                 lambda r: '%7.1f req/s  %7.2f ms  (%d requests, %d failed)' % (
                     r['requests_per_second'], r['latency_ms'].get('avg', 0), r['requests'], r['failed']))
    finally:
        measure.stop_static()
        shutil.rmtree(conf_dir, ignore_errors=True)


def measure_ansible(measurements, args, stamp):
    """The no-op rerun of site.yml against ansible -m setup on the same hosts."""
    measurements['site_rerun'] = measure.site_rerun(args.inventory, os.path.join(args.out, stamp + '-site.log'))
    measurements['setup'] = measure.setup(args.inventory, os.path.join(args.out, stamp + '-setup.log'))
    log('site.yml rerun %.1f s (%d tasks, recap %s); ansible -m setup %.1f s' % (
        measurements['site_rerun']['seconds'], measurements['site_rerun']['tasks'],
        measurements['site_rerun']['recap'], measurements['setup']['seconds']))
    if measurements['site_rerun']['recap']['changed']:
        log('WARNING: the rerun changed %d things: it was not a no-op' % measurements['site_rerun']['recap']['changed'])


def part(measurements, name, function, *args):
    """Run one part; its failure is recorded (measurements['errors']) and the other parts still run."""
    try:
        function(*args)
    except Exception as error:  # pylint: disable=broad-exception-caught
        log('%s FAILED: %s' % (name, error))
        measurements.setdefault('errors', {})[name] = str(error)


def main(argv=None):
    args = arguments(sys.argv[1:] if argv is None else argv)
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    measurements = {}
    started = time.monotonic()
    network = '%s_front' % args.stack
    image = None
    if 'ows' in args.only or 'tiles' in args.only or 'stack' in args.only:
        image = measure.bench_image(args.stack)
        log('load generator image %s' % image)
    if 'ows' in args.only:
        part(measurements, 'ows', measure_ows, args, image, measurements, network)
    if 'tiles' in args.only:
        part(measurements, 'tiles', measure_tiles, args, image, measurements, network)
    if 'ansible' in args.only:
        log('site.yml, run again on the deployment (about 1 to 2 minutes)')
        part(measurements, 'ansible', measure_ansible, measurements, args, stamp)
    if 'stack' in args.only:
        log('geo_stack and docker_stack on a throwaway 2-service stack')
        part(measurements, 'stack', lambda: measurements.update(measure.stack_noop(
            measure.base_image(args.stack), args.inventory, os.path.join(args.out, stamp + '-stack.log'))))
    if 'cold' in args.only:
        measurements.update(measure.cold_start(os.path.join(measure.REPO, '.build', 'up-timings.txt'),
                                               os.path.join(measure.REPO, '.build', 'up.log')))
    table = report.rows(measurements)
    result = {
        'time': stamp,
        'machine': {'cores': os.cpu_count(), 'host': os.uname().nodename, 'kernel': os.uname().release},
        'seconds': time.monotonic() - started,
        'settings': {'seconds': args.seconds, 'concurrency': args.concurrency, 'layer': args.layer,
                     'inventory': args.inventory, 'stack': args.stack, 'wms': WMS.format(layer=args.layer),
                     'wfs': WFS.format(layer=args.layer), 'load_image': image},
        'measurements': measurements,
        'ratios': table,
    }
    base = os.path.join(args.out, stamp)
    with open(base + '.json', 'w', encoding='utf-8') as handle:
        json.dump(result, handle, indent=1, sort_keys=True)
    report.chart(table, measurements, base + '.png',
                 'geostack.swarm benchmark, %s, this machine (%d cores)' % (stamp, os.cpu_count()))
    for suffix in ('.json', '.png'):
        shutil.copyfile(base + suffix, os.path.join(args.out, 'latest' + suffix))
    print()
    print(report.format_table(table))
    print()
    log('%.0f s; wrote %s.json and %s.png' % (result['seconds'], base, base))
    return 1 if measurements.get('errors') or any(row['failed'] for row in table) else 0
