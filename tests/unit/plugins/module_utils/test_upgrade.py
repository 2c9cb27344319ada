# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The upgrade verb's decisions: PostgreSQL majors, the refusals, the images kept, the report."""

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.operate.upgrade import (
    kept_images,
    pg_major,
    upgrade_problems,
    upgrade_report,
)

pytestmark = pytest.mark.unit

DECLARED = ['postgis', 'backup', 'mapserver', 'qgis_server', 'edge']
CATALOGUE = {'postgis': {'image': 'postgis'}, 'backup': {'image': 'postgis'}, 'mapserver': {'image': 'mapserver'},
             'qgis_server': {'image': 'qgis-server'}, 'edge': {'image': 'edge'}}


@pytest.mark.parametrize('value, major', [
    ('15-3.3', '15'), ('15', '15'), ('15\n', '15'), ('16.2', '16'), ('9.6', '9.6'), ('9.6-2.5', '9.6'),
    ('geostack/postgis:16-3.4-0123456789ab', '16'), ('registry:5000/geostack/postgis:15-3.3-abc@sha256:' + '0' * 64, '15'),
    ('docker.io/kartoza/postgis:15-3.4', '15'), ('sha256:' + 'a' * 64, None), ('', None), (None, None),
    ('latest', None)])
def test_pg_major(value, major):
    assert pg_major(value) == major


def test_a_minor_update_passes():
    assert upgrade_problems([], DECLARED, {'node3': '15'}, '15-3.4') == []
    assert upgrade_problems(['mapserver'], DECLARED, {'node3': '15'}, '16-3.4') == []   # PostGIS not upgraded
    assert upgrade_problems([], DECLARED, {}, '16-3.4') == []                          # no data yet: a first deploy


def test_a_major_change_is_refused_with_the_path():
    problems = upgrade_problems(['postgis'], DECLARED, {'node3': '15\n', 'node1': '16'}, '16-3.4',
                                postgis_volume='geostack_postgis_data')
    assert len(problems) == 1
    assert problems[0].startswith('upgrade_services: the PostGIS image is PostgreSQL 16, the data volume '
                                  'geostack_postgis_data on node3 is PostgreSQL 15: refused, a PostgreSQL major')
    assert 'pg_dump -Fc' in problems[0] and 'pg_restore' in problems[0] and 'pg_upgrade' in problems[0]
    # The backup service runs the PostGIS image too.
    assert len(upgrade_problems(['backup'], DECLARED, {'node3': '15'}, '16-3.4')) == 1


def test_an_unknown_image_major_is_refused_where_data_exists():
    problems = upgrade_problems([], DECLARED, {'node3': '15'}, 'sha256:' + 'a' * 64)
    assert len(problems) == 1 and 'is unknown' in problems[0] and 'node3 is PostgreSQL 15' in problems[0]


def test_bad_service_names_are_refused_naming_the_variable():
    assert upgrade_problems(['mapserver', 'tiles', 'geostack_edge'], DECLARED, {}, '15-3.3') == [
        'upgrade_services names tiles, geostack_edge, which are not declared in geostack_services '
        '(postgis, backup, mapserver, qgis_server, edge)']
    assert upgrade_problems(['mapserver', 'mapserver'], DECLARED, {}, '15') == [
        'upgrade_services lists a service twice: mapserver, mapserver']
    assert upgrade_problems('mapserver', DECLARED, {}, '15')[0].startswith(
        'upgrade_services=mapserver must be a list of service names')


def test_kept_images_are_those_only_other_services_use():
    running = {'postgis': 'sha256:p', 'backup': 'sha256:p', 'mapserver': 'sha256:m', 'qgis_server': 'sha256:q',
               'edge': 'sha256:e'}
    assert kept_images([], DECLARED, CATALOGUE, running) == {}
    assert kept_images(['mapserver'], DECLARED, CATALOGUE, running) == {
        'postgis': 'sha256:p', 'qgis-server': 'sha256:q', 'edge': 'sha256:e'}
    # backup shares the PostGIS image: upgrading it upgrades PostGIS's image too.
    assert 'postgis' not in kept_images(['backup'], DECLARED, CATALOGUE, running)
    # A service not running yet keeps nothing (it gets the image this run provides).
    assert kept_images(['mapserver'], DECLARED, CATALOGUE, dict(running, edge=None)).get('edge') is None


def svc(key, image, state=None, started=None, message=None, errors=(), version=None, recipe=None):
    return dict(key=key, image=image, version=version, recipe=recipe, errors=list(errors),
                update=dict(state=state, message=message, started=started) if state else None)


def test_the_report_says_what_changed_and_what_rolled_back():
    before = [svc('mapserver', 'geostack/mapserver:8.0-aaaaaaaaaaaa'), svc('edge', 'geostack/edge:1.22-eeeeeeeeeeee'),
              svc('qgis_server', 'geostack/qgis-server:3.22-qqqqqqqqqqqq', 'rollback_completed', 'T1', 'old'),
              svc('old', 'x:1')]
    after = [svc('mapserver', 'geostack/mapserver:8.0-bbbbbbbbbbbb', 'completed', 'T2'),
             svc('edge', 'geostack/edge:1.22-eeeeeeeeeeee'),
             svc('qgis_server', 'geostack/qgis-server:3.22-qqqqqqqqqqqq', 'rollback_completed', 'T3',
                 'rollback completed', errors=['task abc failed: unhealthy container']),
             svc('scheduler', 'sha256:' + 'c' * 64, version='1.0', recipe='0123456789ab')]
    report = dict((e['service'], e) for e in upgrade_report(before, after))
    assert report['mapserver']['line'] == ('mapserver: geostack/mapserver:8.0-aaaaaaaaaaaa -> '
                                           'geostack/mapserver:8.0-bbbbbbbbbbbb')
    assert report['mapserver']['changed'] and not report['mapserver']['rolled_back']
    assert report['edge']['line'] == 'edge: geostack/edge:1.22-eeeeeeeeeeee (unchanged)'
    assert report['qgis_server']['rolled_back']
    assert report['qgis_server']['line'] == ('qgis_server: geostack/qgis-server:3.22-qqqqqqqqqqqq, rolled back '
                                             '(rollback completed): task abc failed: unhealthy container')
    assert report['scheduler']['line'] == 'scheduler: new, sha256:cccccccccccc (1.0-0123456789ab)'
    assert report['old']['line'] == 'old: x:1 -> removed'


def test_an_old_rollback_is_not_this_run_s():
    before = [svc('mapserver', 'm:1', 'rollback_completed', 'T1', 'old')]
    report = upgrade_report(before, [svc('mapserver', 'm:1', 'rollback_completed', 'T1', 'old')])
    assert not report[0]['rolled_back'] and report[0]['line'] == 'mapserver: m:1 (unchanged)'
