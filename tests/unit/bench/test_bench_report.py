# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/report.py and the parsing in bench/measure.py: the ratio table (A / B of the same run, the missing and failing
sides shown as such), PLAY RECAP's counts, the json callback's task durations, health events, make up's timings."""

from __future__ import annotations

import json

import pytest

from bench import measure, report

pytestmark = pytest.mark.unit


def by_title(table):
    return dict((row['title'], row) for row in table)


def test_ratios_of_the_same_run():
    table = by_title(report.rows({
        'getmap_edge_c1': {'requests_per_second': 20.0, 'failed': 0},
        'getmap_mapserver_c1': {'requests_per_second': 25.0, 'failed': 0},
        'getmap_qgis_server_c1': {'requests_per_second': 125.0, 'failed': 0},
        'site_rerun': {'seconds': 66.0, 'failed': 0},
        'setup': {'seconds': 3.3, 'failed': 0},
        'convergence': {'seconds': 1.5, 'failed': 0},
    }))
    assert table['GetMap through the edge (TLS) / direct, c=1']['ratio'] == pytest.approx(0.8)
    assert table['GetMap MapServer / QGIS Server, c=1']['ratio'] == pytest.approx(0.2)
    assert table['site.yml no-op rerun / ansible -m setup']['ratio'] == pytest.approx(20.0)
    assert table['site.yml no-op rerun / ansible -m setup']['unit'] == 's'
    assert table['GetMap MapServer / QGIS Server, c=1']['unit'] == 'req/s'
    convergence = table['Convergence: last task healthy -> geo_stack returns']
    assert (convergence['a'], convergence['b'], convergence['ratio']) == (1.5, None, None)


def test_a_missing_or_zero_side_has_no_ratio():
    table = by_title(report.rows({
        'getmap_edge_c16': {'requests_per_second': 20.0},
        'getmap_mapserver_c16': {'requests_per_second': 0.0},
        'getmap_qgis_server_c16': {'requests_per_second': 30.0},
    }))
    assert table['GetMap through the edge (TLS) / direct, c=16']['ratio'] is None
    assert table['GetMap MapServer / QGIS Server, c=16']['ratio'] == pytest.approx(0.0)
    assert table['GetFeature MapServer / QGIS Server, c=1']['a'] is None
    assert table['GetFeature MapServer / QGIS Server, c=1']['ratio'] is None


def test_every_comparison_has_a_row_and_failures_are_counted():
    table = report.rows({'getmap_mapserver_c1': {'requests_per_second': 10.0, 'failed': 3},
                         'getmap_cgi_c1': {'requests_per_second': 5.0, 'failed': 1}})
    assert len(table) == len(report.RATIOS) + len(report.ABSOLUTES)
    row = by_title(table)['GetMap MapServer FastCGI / CGI, c=1']
    assert (row['ratio'], row['failed']) == (2.0, 4)


def test_format_table():
    text = report.format_table(report.rows({
        'docker_stack_noop': {'seconds': 12.5, 'failed': 0},
        'geo_stack_noop': {'seconds': 1.25, 'failed': 0},
        'getmap_mapserver_c1': {'requests_per_second': 250.0, 'failed': 2},
        'getmap_cgi_c1': {'requests_per_second': 5.0, 'failed': 0},
    }))
    lines = text.splitlines()
    assert lines[0].split() == ['comparison', 'A', 'B', 'A/B']
    assert set(lines[1]) == {'-'}
    stack = [line for line in lines if line.startswith('docker_stack / geo_stack')][0]
    assert stack.split()[-5:] == ['12.5', 's', '1.25', 's', '10.00']
    cgi = [line for line in lines if line.startswith('GetMap MapServer FastCGI / CGI, c=1')][0]
    assert cgi.endswith('50.00  (2 failed requests)')
    assert '250 req/s' in cgi
    missing = [line for line in lines if line.startswith('GetMap MapServer / QGIS Server, c=16')][0]
    assert missing.split()[-3:] == ['-', '-', '-']
    # the columns line up: each row's A/B starts where the header's does
    column = lines[0].index('A/B')
    assert lines[0].endswith('  A/B')
    assert all(line[column - 2:column] == '  ' and line[column] != ' ' for line in lines[2:])


def test_chart_is_a_png(tmp_path):
    measurements = {'getmap_mapserver_c1': {'requests_per_second': 25.0},
                    'getmap_qgis_server_c1': {'requests_per_second': 120.0}}
    path = tmp_path / 'chart.png'
    report.chart(report.rows(measurements), measurements, str(path), 'test')
    assert path.read_bytes().startswith(b'\x89PNG\r\n\x1a\n')


def test_recap_summed_over_hosts():
    output = '''PLAY RECAP *********************************************************************
node1                      : ok=250  changed=0    unreachable=0    failed=0    skipped=80   rescued=0    ignored=0
node2                      : ok=40   changed=2    unreachable=0    failed=1    skipped=9    rescued=0    ignored=0
'''
    assert measure.recap(output) == {'ok': 290, 'changed': 2, 'unreachable': 0, 'failed': 1, 'skipped': 89,
                                     'hosts': 2}


def test_task_durations_from_the_json_callback():
    data = {'plays': [{'tasks': [
        {'task': {'name': 'Bench no-op geo_stack',
                  'duration': {'start': '2026-11-28T01:00:00.000000Z', 'end': '2026-11-28T01:00:04.500000Z'}}},
        {'task': {'name': 'Bench no-op docker_stack', 'duration': {'start': '2026-11-28T01:00:05.000000Z'}}},
    ]}]}
    got = measure.task_durations('[WARNING]: something\n' + json.dumps(data))
    assert list(got) == ['Bench no-op geo_stack']
    start, end = got['Bench no-op geo_stack']
    assert end - start == pytest.approx(4.5)


def test_healthy_events():
    lines = [
        {'status': 'health_status: starting', 'timeNano': 1000000000},
        {'status': 'health_status: healthy', 'timeNano': 2500000000},
        {'Action': 'health_status: healthy', 'timeNano': 3000000000},
        {'status': 'health_status: unhealthy', 'timeNano': 4000000000},
    ]
    assert measure.healthy_times('\n'.join(json.dumps(line) for line in lines) + '\n\n') == [2.5, 3.0]


ROLES_LOG = '''PLAY RECAP *********************************************************************
localhost                  : ok=250  changed=120  unreachable=0    failed=0    skipped=80

ROLES RECAP ********************************************************************
Saturday 28 November 2026  01:00:00 +0000 (0:00:01.000)       0:08:00.000 *****
===============================================================================
geostack.swarm.images ------------------------------------------------- 400.00s
geostack.swarm._service ----------------------------------------------- 50.00s
geostack.swarm.docker_engine ------------------------------------------- 20.00s
geostack.swarm.registry ------------------------------------------------- 5.50s
firewall ---------------------------------------------------------------- 2.00s
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
total ------------------------------------------------------------------ 477.50s
'''


def test_role_seconds():
    assert measure.role_seconds(ROLES_LOG) == {'images': 400.0, '_service': 50.0, 'docker_engine': 20.0,
                                               'registry': 5.5, 'firewall': 2.0}


def test_cold_start_split(tmp_path):
    timings = tmp_path / 'up-timings.txt'
    log = tmp_path / 'up.log'
    timings.write_text('venv 95.0\nplaybook 500.0\nvenv_created yes\n')
    log.write_text(ROLES_LOG)
    got = measure.cold_start(str(timings), str(log))
    assert {key: value['seconds'] for key, value in got.items()} == {
        'cold_venv': 95.0, 'cold_engine': 22.0, 'cold_images': 405.5, 'cold_stack': 72.5}
    assert got['cold_venv']['venv_created'] is True


def test_cold_start_not_recorded(tmp_path):
    assert measure.cold_start(str(tmp_path / 'none.txt'), str(tmp_path / 'none.log')) == {}
    timings = tmp_path / 'up-timings.txt'
    log = tmp_path / 'up.log'
    timings.write_text('venv 95.0\nplaybook 500.0\nvenv_created no\n')
    log.write_text('PLAY RECAP\nlocalhost : ok=1 changed=0 unreachable=0 failed=0 skipped=0\n')
    assert measure.cold_start(str(timings), str(log)) == {}


def test_cached_tile_against_the_same_file_static():
    table = by_title(report.rows({
        'tile_cached_c16': {'requests_per_second': 4200.0, 'failed': 0},
        'tile_static_c16': {'requests_per_second': 5000.0, 'failed': 0},
        'tile_cached_c1': {'requests_per_second': 900.0, 'failed': 2},
    }))
    row = table['Cached WMTS tile / the same file static (nginx), c=16']
    assert (row['a'], row['b'], row['unit']) == (4200.0, 5000.0, 'req/s')
    assert row['ratio'] == pytest.approx(0.84)
    single = table['Cached WMTS tile / the same file static (nginx), c=1']
    assert (single['ratio'], single['failed']) == (None, 2)
