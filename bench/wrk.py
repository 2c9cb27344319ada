# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""wrk's text report (wrk 4, run with --latency) read into numbers: requests, seconds, requests per second, latency in
milliseconds, and the failures wrk counts (socket errors, answers other than 2xx or 3xx)."""

from __future__ import annotations

import re

_TIME_MS = {'us': 0.001, 'ms': 1.0, 's': 1000.0, 'm': 60000.0, 'h': 3600000.0}
_SIZE = {'B': 1, 'KB': 1024, 'MB': 1024 ** 2, 'GB': 1024 ** 3, 'TB': 1024 ** 4}
_NUMBER = r'([0-9]+(?:\.[0-9]+)?)'

_HEADER = re.compile(r'^\s*(\d+) threads and (\d+) connections\s*$', re.M)
_LATENCY = re.compile(r'^\s*Latency\s+' + _NUMBER + r'(us|ms|s|m|h)\s+' + _NUMBER + r'(us|ms|s|m|h)\s+'
                      + _NUMBER + r'(us|ms|s|m|h)\s', re.M)
_PERCENTILE = re.compile(r'^\s*(50|75|90|99)%\s+' + _NUMBER + r'(us|ms|s|m|h)\s*$', re.M)
_TOTAL = re.compile(r'^\s*(\d+) requests in ' + _NUMBER + r'(us|ms|s|m|h), ' + _NUMBER + r'(B|KB|MB|GB|TB) read\s*$',
                    re.M)
_SOCKET = re.compile(r'^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$', re.M)
_NON_2XX = re.compile(r'^\s*Non-2xx or 3xx responses: (\d+)\s*$', re.M)
_RATE = re.compile(r'^Requests/sec:\s+' + _NUMBER + r'\s*$', re.M)


def _ms(value, unit):
    return float(value) * _TIME_MS[unit]


def parse(text):
    """The figures of one wrk report, as a dict; ValueError naming what is missing when ``text`` is not one."""
    found = {}
    for name, pattern in (('header', _HEADER), ('total', _TOTAL), ('rate', _RATE)):
        found[name] = pattern.search(text)
        if found[name] is None:
            raise ValueError('not a wrk report: no %s line in %r' % (name, text[:200]))
    threads, connections = (int(n) for n in found['header'].groups())
    count, seconds, seconds_unit, size, size_unit = found['total'].groups()
    result = {
        'threads': threads,
        'connections': connections,
        'requests': int(count),
        'seconds': _ms(seconds, seconds_unit) / 1000.0,
        'bytes': int(float(size) * _SIZE[size_unit]),
        'requests_per_second': float(found['rate'].group(1)),
        'latency_ms': {},
        'socket_errors': {'connect': 0, 'read': 0, 'write': 0, 'timeout': 0},
        'non_2xx_3xx': 0,
    }
    latency = _LATENCY.search(text)
    if latency:
        avg, avg_unit, stdev, stdev_unit, peak, peak_unit = latency.groups()
        result['latency_ms'].update(avg=_ms(avg, avg_unit), stdev=_ms(stdev, stdev_unit), max=_ms(peak, peak_unit))
    for percent, value, unit in _PERCENTILE.findall(text):
        result['latency_ms']['p' + percent] = _ms(value, unit)
    socket = _SOCKET.search(text)
    if socket:
        result['socket_errors'] = dict(zip(('connect', 'read', 'write', 'timeout'), (int(n) for n in socket.groups())))
    non_2xx = _NON_2XX.search(text)
    if non_2xx:
        result['non_2xx_3xx'] = int(non_2xx.group(1))
    result['failed'] = result['non_2xx_3xx'] + sum(result['socket_errors'].values())
    return result
