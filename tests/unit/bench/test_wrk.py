# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/wrk.py: wrk 4's reports (as Debian's wrk prints them with --latency) read into numbers."""

from __future__ import annotations

import pytest

from bench import wrk

pytestmark = pytest.mark.unit

# Printed by Debian's wrk 4.1.0 in the bench image against the local deployment's MapServer.
CLEAN = '''Running 3s test @ http://mapserver:8080/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=countries
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   130.14ms   61.59ms 241.06ms   60.87%
    Req/Sec     8.45      4.55    19.00     90.00%
  Latency Distribution
     50%  145.32ms
     75%  172.47ms
     90%  197.80ms
     99%  241.06ms
  23 requests in 3.02s, 714.92KB read
Requests/sec:      7.62
Transfer/sec:    236.93KB
'''

# With failures, microseconds and seconds, and megabytes.
FAILING = '''Running 10s test @ https://edge:8443/mapserver/ows?SERVICE=WMS
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   850.00us    1.20ms    1.50s    95.00%
    Req/Sec   365.17    258.28     0.90k    68.33%
  Latency Distribution
     50%  612.00us
     75%    1.02ms
     90%    2.00ms
     99%    1.20s
  7197 requests in 10.06s, 1.91MB read
  Socket errors: connect 1, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 40
Requests/sec:    715.40
Transfer/sec:    194.10KB
'''


def test_clean_report():
    got = wrk.parse(CLEAN)
    assert (got['threads'], got['connections'], got['requests']) == (1, 1, 23)
    assert got['seconds'] == pytest.approx(3.02)
    assert got['bytes'] == int(714.92 * 1024)
    assert got['requests_per_second'] == pytest.approx(7.62)
    assert got['latency_ms'] == pytest.approx({'avg': 130.14, 'stdev': 61.59, 'max': 241.06, 'p50': 145.32,
                                               'p75': 172.47, 'p90': 197.80, 'p99': 241.06})
    assert got['failed'] == 0 and got['non_2xx_3xx'] == 0


def test_units_and_failures():
    got = wrk.parse(FAILING)
    assert (got['threads'], got['connections'], got['requests']) == (2, 16, 7197)
    assert got['latency_ms']['avg'] == pytest.approx(0.85)
    assert got['latency_ms']['stdev'] == pytest.approx(1.2)
    assert got['latency_ms']['max'] == pytest.approx(1500.0)
    assert got['latency_ms']['p50'] == pytest.approx(0.612)
    assert got['latency_ms']['p99'] == pytest.approx(1200.0)
    assert got['bytes'] == int(1.91 * 1024 ** 2)
    assert got['socket_errors'] == {'connect': 1, 'read': 2, 'write': 0, 'timeout': 3}
    assert got['non_2xx_3xx'] == 40
    assert got['failed'] == 46


@pytest.mark.parametrize('text', [
    '',
    'unable to connect to mapserver:8080 Connection refused\n',
    CLEAN.replace('Requests/sec:      7.62\n', ''),
    CLEAN.replace('  23 requests in 3.02s, 714.92KB read\n', ''),
])
def test_not_a_report(text):
    with pytest.raises(ValueError, match='not a wrk report'):
        wrk.parse(text)
