# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The alert rules and Prometheus' configuration that geostack.swarm.monitoring renders, checked and tested with
promtool (Debian's prometheus package; `make host-deps` puts it in .venv/bin). Without promtool these tests fail."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import jinja2
import pytest
import yaml

from ansible_collections.geostack.swarm.plugins.module_utils.backup import max_age

pytestmark = pytest.mark.unit

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TEMPLATES = os.path.join(REPO, 'roles', 'monitoring', 'templates')
# geostack.swarm.backup's default schedules: each backup job's last success is late after twice the longest interval
# of its own schedule (incr: 4 hours, so 8; diff: Saturday to Monday, so 4 days; full: 14 days).
BACKUP_SCHEDULES = {'full': '15 1 * * 0', 'diff': '15 1 * * 1-6', 'incr': '15 */4 * * *'}
BACKUP_MAX_AGES = dict(('backup_' + kind, max_age({kind: cron})) for kind, cron in BACKUP_SCHEDULES.items())


@pytest.fixture(scope='module')
def promtool():
    found = shutil.which('promtool') or shutil.which('promtool', path=os.path.join(REPO, '.venv', 'bin'))
    if not found:
        pytest.fail('promtool is missing: `make host-deps` extracts it from Debian\'s prometheus package into .venv/bin '
                    '(or apt-get install prometheus)')
    return found


def render(name, **values):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters['to_json'] = json.dumps
    env.filters['bool'] = lambda value: value is True or str(value).lower() in ('true', 'yes', '1')
    env.filters['regex_replace'] = lambda value, pattern, repl: re.sub(pattern, repl, value)
    base = dict(ansible_managed='test', geostack_stack='geostack', geostack_back_network='geostack_back',
                monitoring_scrape_interval='30s', monitoring_evaluation_interval='30s', monitoring__scrape_seconds=30,
                monitoring__prometheus_port=9090, monitoring__node_exporter_port=9100, monitoring__swarm_api_port=2375,
                monitoring__scheduler_port=8080, monitoring__rules_path='/etc/prometheus/alerts.yml',
                monitoring__backup_max_ages={}, monitoring__probes=[], monitoring_probe_interval='30s',
                monitoring__probe_timeout=8, monitoring__blackbox_port=9115, monitoring__alertmanager_port=9093,
                monitoring__probe_host='geo.example.org', monitoring__probe_ca='/ca.crt',
                monitoring__blackbox_ca_path='/etc/prometheus/edge-ca.crt', monitoring_receivers=[],
                monitoring__receiver_secrets={}, monitoring__alert_group_wait='30s',
                monitoring__alert_group_interval='5m', monitoring__alert_repeat_interval='4h',
                monitoring__postgres=False, monitoring__postgres_exporter_port=9187)
    base.update(values)
    return env.get_template(name).render(**base)


def run(*args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture()
def rules_dir(tmp_path):
    (tmp_path / 'alerts.yml').write_text(render('alerts.yml.j2', monitoring__backup_max_ages=BACKUP_MAX_AGES))
    return tmp_path


def test_each_backup_is_late_after_twice_its_own_schedule():
    assert BACKUP_MAX_AGES == {'backup_full': 14 * 86400, 'backup_diff': 4 * 86400, 'backup_incr': 8 * 3600}


def test_the_rules_pass_promtool_check(promtool, rules_dir):
    result = run(promtool, 'check', 'rules', 'alerts.yml', cwd=rules_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'SUCCESS: 16 rules found' in result.stdout


def test_without_backups_there_is_no_backup_rule(promtool, tmp_path):
    text = render('alerts.yml.j2')
    (tmp_path / 'alerts.yml').write_text(text)
    result = run(promtool, 'check', 'rules', 'alerts.yml', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'SUCCESS: 10 rules found' in result.stdout
    assert 'GeostackBackup' not in text


def test_the_configuration_passes_promtool_check(promtool, tmp_path):
    (tmp_path / 'alerts.yml').write_text(render('alerts.yml.j2'))
    config = render('prometheus.yml.j2', monitoring__rules_path=str(tmp_path / 'alerts.yml'))
    (tmp_path / 'prometheus.yml').write_text(config)
    result = run(promtool, 'check', 'config', 'prometheus.yml', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    parsed = yaml.safe_load(config)
    jobs = dict((job['job_name'], job) for job in parsed['scrape_configs'])
    assert sorted(jobs) == ['alertmanager', 'node', 'prometheus', 'scheduler', 'swarm']
    assert parsed['alerting']['alertmanagers'][0]['static_configs'][0]['targets'] == ['alertmanager:9093']
    for name in ('node', 'scheduler'):
        assert jobs[name]['dockerswarm_sd_configs'][0]['host'] == 'http://swarm_api:2375'
        assert jobs[name]['dockerswarm_sd_configs'][0]['role'] == 'tasks'
    assert jobs['scheduler']['honor_labels'] is True
    assert parsed['global']['scrape_timeout'] == '10s'


def alert(labels, summary, description):
    return {'exp_labels': labels, 'exp_annotations': {'summary': summary, 'description': description}}


CRIT = {'severity': 'critical'}
WARN = {'severity': 'warning'}
SWARM = {'job': 'swarm', 'instance': 'swarm_api:2375'}


def tasks(kind, service, stack='geostack', mode='replicated'):
    return ('geostack_swarm_service_tasks_%s{job="swarm",instance="swarm_api:2375",service="%s",stack="%s",mode="%s"}'
            % (kind, service, stack, mode))


def node_fs(metric, instance, mountpoint, device, fstype):
    return 'node_filesystem_%s{job="node",instance="%s",mountpoint="%s",device="%s",fstype="%s"}' % (
        metric, instance, mountpoint, device, fstype)


TESTS = [
    # PostGIS stops accepting connections at 1m (the exporter still answers): the alert after a minute more.
    {'interval': '30s',
     'input_series': [{'series': 'pg_up{job="postgres",instance="postgis"}', 'values': '1 1 0x8'}],
     'alert_rule_test': [
         {'eval_time': '90s', 'alertname': 'GeostackPostgisDown', 'exp_alerts': []},
         {'eval_time': '3m', 'alertname': 'GeostackPostgisDown', 'exp_alerts': [alert(
             dict(CRIT, job='postgres', instance='postgis'), 'PostGIS is not accepting connections',
             'The PostgreSQL exporter has not been able to log in to PostGIS for 1 minute: the map servers cannot read '
             'their data.')]}]},
    # MapServer's GetMap fails through the edge (its replicas stopped) from 1m: the endpoint alert after a minute more;
    # QGIS Server's answers; the alert resolves when the probes succeed again.
    {'interval': '30s',
     'input_series': [
         {'series': 'probe_success{job="blackbox",service="mapserver",probe="wms_getmap",'
                    'instance="https://geo.example.org/mapserver/ows?REQUEST=GetMap"}', 'values': '1 1 0x6 1x6'},
         {'series': 'probe_success{job="blackbox",service="qgis_server",probe="wms_getmap",'
                    'instance="https://geo.example.org/qgis/ows?REQUEST=GetMap"}', 'values': '1x14'}],
     'alert_rule_test': [
         {'eval_time': '90s', 'alertname': 'GeostackEndpointDown', 'exp_alerts': []},
         {'eval_time': '2m30s', 'alertname': 'GeostackEndpointDown', 'exp_alerts': [alert(
             dict(CRIT, job='blackbox', service='mapserver', probe='wms_getmap',
                  instance='https://geo.example.org/mapserver/ows?REQUEST=GetMap'),
             'mapserver fails its wms_getmap check',
             'https://geo.example.org/mapserver/ows?REQUEST=GetMap has failed the blackbox exporter\'s wms_getmap check'
             ' through the edge for 1 minute.')]},
         {'eval_time': '5m', 'alertname': 'GeostackEndpointDown', 'exp_alerts': []}]},
    # An endpoint down for 2 minutes; another one answering.
    {'interval': '30s',
     'input_series': [{'series': 'up{job="node",instance="node2"}', 'values': '1 1 0+0x20'},
                      {'series': 'up{job="prometheus",instance="127.0.0.1:9090"}', 'values': '1x22'}],
     'alert_rule_test': [
         {'eval_time': '2m', 'alertname': 'GeostackTargetDown', 'exp_alerts': []},
         {'eval_time': '4m', 'alertname': 'GeostackTargetDown', 'exp_alerts': [alert(
             dict(CRIT, job='node', instance='node2'), 'node on node2 does not answer',
             'Prometheus could not scrape node at node2 for 2 minutes.')]}]},
    # MapServer below its replicas for 3 minutes; a finished job (0 running of 1) and another stack's service never.
    {'interval': '30s',
     'input_series': [
         {'series': tasks('desired', 'geostack_mapserver'), 'values': '2x20'},
         {'series': tasks('running', 'geostack_mapserver'), 'values': '2 2 1x18'},
         {'series': tasks('desired', 'geostack_load_places', mode='replicated-job'), 'values': '1x20'},
         {'series': tasks('running', 'geostack_load_places', mode='replicated-job'), 'values': '0+0x20'},
         {'series': tasks('desired', 'other_web', stack='other'), 'values': '3x20'},
         {'series': tasks('running', 'other_web', stack='other'), 'values': '0+0x20'}],
     'alert_rule_test': [
         {'eval_time': '3m', 'alertname': 'GeostackServiceBelowReplicas', 'exp_alerts': []},
         {'eval_time': '5m', 'alertname': 'GeostackServiceBelowReplicas', 'exp_alerts': [alert(
             dict(CRIT, **SWARM, service='geostack_mapserver', stack='geostack', mode='replicated'),
             'geostack_mapserver runs fewer tasks than declared',
             'geostack_mapserver has had 1 running tasks, fewer than declared, for 3 minutes.')]}]},
    # A node down; a drained one that is ready is no alert.
    {'interval': '30s',
     'input_series': [
         {'series': 'geostack_swarm_node_ready{job="swarm",instance="swarm_api:2375",node="node2",role="worker",'
                    'availability="active"}', 'values': '1 1 0+0x20'},
         {'series': 'geostack_swarm_node_ready{job="swarm",instance="swarm_api:2375",node="node3",role="worker",'
                    'availability="drain"}', 'values': '1x22'}],
     'alert_rule_test': [
         {'eval_time': '2m', 'alertname': 'GeostackNodeDown', 'exp_alerts': []},
         {'eval_time': '4m', 'alertname': 'GeostackNodeDown', 'exp_alerts': [alert(
             dict(CRIT, **SWARM, node='node2', role='worker', availability='active'), 'swarm node node2 is down',
             'The swarm has not seen node2 (worker) ready for 2 minutes.')]}]},
    # A disk 95% full for 5 minutes; a full tmpfs and a disk with room are no alert.
    {'interval': '1m',
     'input_series': [
         {'series': node_fs('avail_bytes', 'node1', '/', '/dev/sda1', 'ext4'), 'values': '5x10'},
         {'series': node_fs('size_bytes', 'node1', '/', '/dev/sda1', 'ext4'), 'values': '100x10'},
         {'series': node_fs('readonly', 'node1', '/', '/dev/sda1', 'ext4'), 'values': '0+0x10'},
         {'series': node_fs('avail_bytes', 'node1', '/run', 'tmpfs', 'tmpfs'), 'values': '1x10'},
         {'series': node_fs('size_bytes', 'node1', '/run', 'tmpfs', 'tmpfs'), 'values': '100x10'},
         {'series': node_fs('readonly', 'node1', '/run', 'tmpfs', 'tmpfs'), 'values': '0+0x10'},
         {'series': node_fs('avail_bytes', 'node2', '/', '/dev/sda1', 'ext4'), 'values': '50x10'},
         {'series': node_fs('size_bytes', 'node2', '/', '/dev/sda1', 'ext4'), 'values': '100x10'},
         {'series': node_fs('readonly', 'node2', '/', '/dev/sda1', 'ext4'), 'values': '0+0x10'}],
     'alert_rule_test': [
         {'eval_time': '3m', 'alertname': 'GeostackDiskAlmostFull', 'exp_alerts': []},
         {'eval_time': '6m', 'alertname': 'GeostackDiskAlmostFull', 'exp_alerts': [alert(
             dict(CRIT, job='node', instance='node1', mountpoint='/', device='/dev/sda1', fstype='ext4'),
             '/ on node1 is more than 90% full', '/ (/dev/sda1) on node1 has 5% free.')]}]},
    # A disk losing 1% every 5 minutes from 20% free: full within a day; a steady one is not.
    {'interval': '5m',
     'input_series': [
         {'series': node_fs('avail_bytes', 'node1', '/var', '/dev/sdb1', 'xfs'), 'values': '20-0.1x30'},
         {'series': node_fs('size_bytes', 'node1', '/var', '/dev/sdb1', 'xfs'), 'values': '100x30'},
         {'series': node_fs('readonly', 'node1', '/var', '/dev/sdb1', 'xfs'), 'values': '0+0x30'},
         {'series': node_fs('avail_bytes', 'node2', '/var', '/dev/sdb1', 'xfs'), 'values': '20x30'},
         {'series': node_fs('size_bytes', 'node2', '/var', '/dev/sdb1', 'xfs'), 'values': '100x30'},
         {'series': node_fs('readonly', 'node2', '/var', '/dev/sdb1', 'xfs'), 'values': '0+0x30'}],
     'alert_rule_test': [
         {'eval_time': '20m', 'alertname': 'GeostackDiskFilling', 'exp_alerts': []},
         {'eval_time': '1h', 'alertname': 'GeostackDiskFilling', 'exp_alerts': [alert(
             dict(WARN, job='node', instance='node1', mountpoint='/var', device='/dev/sdb1', fstype='xfs'),
             '/var on node1 will be full within a day',
             'At the rate of the last 6 hours, /var on node1 fills up within 24 hours.')]}]},
    # Jobs: a harvest failing twice (a failure and a timeout), a backup failing once; a check skipped twice.
    {'interval': '10m',
     'input_series': [
         {'series': 'geostack_job_runs_total{job="harvest_roads",result="failure",instance="node1"}', 'values': '0 0 1 1 1 1 1'},
         {'series': 'geostack_job_runs_total{job="harvest_roads",result="timeout",instance="node1"}', 'values': '0 0 0 0 1 1 1'},
         {'series': 'geostack_job_runs_total{job="harvest_roads",result="success",instance="node1"}', 'values': '0 1 1 2 2 2 2'},
         {'series': 'geostack_job_runs_total{job="backup_incr",result="failure",instance="node1"}', 'values': '0 0 0 1 1 1 1'},
         {'series': 'geostack_job_runs_skipped_total{job="backup_check",reason="deadline",instance="node1"}', 'values': '0 0 1 1 1 1 1'},
         {'series': 'geostack_job_runs_skipped_total{job="backup_check",reason="concurrency",instance="node1"}', 'values': '0 0 0 1 1 1 1'},
         {'series': 'geostack_job_runs_skipped_total{job="backup_incr",reason="missed",instance="node1"}', 'values': '0 0 0 0 0 1 1'}],
     'alert_rule_test': [
         {'eval_time': '30m', 'alertname': 'GeostackJobFailing', 'exp_alerts': []},
         {'eval_time': '50m', 'alertname': 'GeostackJobFailing', 'exp_alerts': [alert(
             dict(WARN, job='harvest_roads'), 'scheduled job harvest_roads failed repeatedly',
             'harvest_roads failed or timed out at least twice in 6 hours (GET /jobs on the scheduler says why).')]},
         {'eval_time': '20m', 'alertname': 'GeostackJobSkipped', 'exp_alerts': []},
         {'eval_time': '50m', 'alertname': 'GeostackJobSkipped', 'exp_alerts': [alert(
             dict(WARN, job='backup_check'), 'scheduled job backup_check was skipped repeatedly',
             'At least two runs of backup_check were not started in 6 hours (missed, past their deadline, or the last '
             'one still running).')]}]},
    # A scheduler that stopped reading the swarm at time 0, and one that goes on.
    {'interval': '30s',
     'input_series': [
         {'series': 'geostack_scheduler_last_tick_timestamp_seconds{job="scheduler",instance="node1"}', 'values': '0+0x20'},
         {'series': 'geostack_scheduler_last_tick_timestamp_seconds{job="scheduler",instance="node2"}', 'values': '0+30x20'}],
     'alert_rule_test': [
         {'eval_time': '3m', 'alertname': 'GeostackSchedulerStalled', 'exp_alerts': []},
         {'eval_time': '5m', 'alertname': 'GeostackSchedulerStalled', 'exp_alerts': [alert(
             dict(CRIT, job='scheduler', instance='node1'),
             'the scheduler has not read the swarm for more than 2 minutes',
             'No job starts while the scheduler cannot reach Docker.')]}]},
    # The last backup (incr) finished at time 0: late after 8 hours (twice the 4-hour incr schedule).
    {'interval': '1m',
     'input_series': [
         {'series': 'geostack_job_last_success_timestamp_seconds{job="backup_incr",instance="node1"}', 'values': '0+0x600'},
         {'series': 'geostack_job_last_success_timestamp_seconds{job="backup_check",instance="node1"}', 'values': '0+60x600'},
         {'series': 'up{job="scheduler",instance="node1"}', 'values': '1+0x600'}],
     'alert_rule_test': [
         {'eval_time': '7h50m', 'alertname': 'GeostackBackupTooOld', 'exp_alerts': []},
         {'eval_time': '9h', 'alertname': 'GeostackBackupTooOld', 'exp_alerts': [alert(
             dict(CRIT, job='backup_incr', instance='node1', backup='incr'), 'the last backup_incr is older than twice its schedule',
             'The last successful run of backup_incr finished 9h 0m 0s ago, more than 28800 seconds.')]},
         {'eval_time': '9h', 'alertname': 'GeostackBackupNeverSucceeded', 'exp_alerts': []}]},
    # A full backup 9 hours old is on time (its schedule is weekly); a job that is not a backup is not watched.
    {'interval': '1m',
     'input_series': [
         {'series': 'geostack_job_last_success_timestamp_seconds{job="backup_full",instance="node1"}', 'values': '0+0x600'},
         {'series': 'geostack_job_last_success_timestamp_seconds{job="backup_incr",instance="node1"}', 'values': '0+60x600'},
         {'series': 'geostack_job_last_success_timestamp_seconds{job="backup_diff",instance="node1"}', 'values': '0+0x600'},
         {'series': 'geostack_job_last_success_timestamp_seconds{job="harvest_roads",instance="node1"}', 'values': '0+0x600'}],
     'alert_rule_test': [{'eval_time': '9h', 'alertname': 'GeostackBackupTooOld', 'exp_alerts': []}]},
    # The scheduler answers but no incr has ever succeeded: after 8 hours (the full and the diff have more time).
    {'interval': '1m',
     'input_series': [{'series': 'up{job="scheduler",instance="node1"}', 'values': '1+0x600'}],
     'alert_rule_test': [
         {'eval_time': '7h', 'alertname': 'GeostackBackupNeverSucceeded', 'exp_alerts': []},
         {'eval_time': '9h', 'alertname': 'GeostackBackupNeverSucceeded', 'exp_alerts': [alert(
             dict(CRIT, job='backup_incr', backup='incr'), 'backup_incr has never succeeded',
             'The scheduler answers and has reported no successful backup_incr for 28800 seconds.')]}]},
    # Without a scheduler answering, nothing is said of backups (GeostackTargetDown says it).
    {'interval': '1m',
     'input_series': [{'series': 'up{job="scheduler",instance="node1"}', 'values': '0+0x600'}],
     'alert_rule_test': [{'eval_time': '9h', 'alertname': 'GeostackBackupNeverSucceeded', 'exp_alerts': []}]},
]


def test_the_rules_fire_when_they_should_and_not_before(promtool, rules_dir):
    doc = {'rule_files': ['alerts.yml'], 'evaluation_interval': '30s', 'tests': TESTS}
    (rules_dir / 'tests.yml').write_text(yaml.safe_dump(doc, sort_keys=False))
    result = run(promtool, 'test', 'rules', 'tests.yml', cwd=rules_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'SUCCESS' in result.stdout


def test_a_wrong_expectation_fails(promtool, rules_dir):
    """promtool really compares: an alert expected where none fires is a failure."""
    doc = {'rule_files': ['alerts.yml'], 'evaluation_interval': '30s', 'tests': [
        {'interval': '30s', 'input_series': [{'series': 'up{job="node",instance="node2"}', 'values': '1x10'}],
         'alert_rule_test': [{'eval_time': '4m', 'alertname': 'GeostackTargetDown', 'exp_alerts': [
             alert(dict(CRIT, job='node', instance='node2'), 'x', 'y')]}]}]}
    (rules_dir / 'tests.yml').write_text(yaml.safe_dump(doc, sort_keys=False))
    result = run(promtool, 'test', 'rules', 'tests.yml', cwd=rules_dir)
    assert result.returncode != 0
    assert 'GeostackTargetDown' in result.stdout + result.stderr


PROBES = [
    {'service': 'mapserver', 'module': 'wms_capabilities', 'url': 'https://edge:8443/mapserver/ows?SERVICE=WMS',
     'instance': 'https://geo.example.org/mapserver/ows?SERVICE=WMS'},
    {'service': 'pygeoapi', 'module': 'ogcapi_items', 'url': 'https://edge:8443/ogcapi/collections/places/items?f=json',
     'instance': 'https://geo.example.org/ogcapi/collections/places/items?f=json'}]


def test_the_probes_are_scraped_through_the_blackbox_exporter(promtool, tmp_path):
    (tmp_path / 'alerts.yml').write_text(render('alerts.yml.j2'))
    config = render('prometheus.yml.j2', monitoring__rules_path=str(tmp_path / 'alerts.yml'), monitoring__probes=PROBES)
    (tmp_path / 'prometheus.yml').write_text(config)
    result = run(promtool, 'check', 'config', 'prometheus.yml', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = dict((job['job_name'], job) for job in yaml.safe_load(config)['scrape_configs'])
    blackbox = jobs['blackbox']
    assert blackbox['metrics_path'] == '/probe' and blackbox['scrape_interval'] == '30s'
    assert blackbox['scrape_timeout'] == '10s'
    assert [c['targets'] for c in blackbox['static_configs']] == [[p['url']] for p in PROBES]
    assert blackbox['static_configs'][1]['labels'] == {
        'service': 'pygeoapi', 'probe': 'ogcapi_items', 'instance': PROBES[1]['instance']}
    relabel = dict((r['target_label'], r) for r in blackbox['relabel_configs'])
    assert relabel['__param_target']['source_labels'] == ['__address__']
    assert relabel['__param_module']['source_labels'] == ['probe']
    assert relabel['__address__']['replacement'] == 'blackbox:9115'
    assert jobs['blackbox_exporter']['static_configs'][0]['targets'] == ['blackbox:9115']
    assert 'postgres' not in jobs


def test_postgis_is_scraped_through_the_postgres_exporter(promtool, tmp_path):
    (tmp_path / 'alerts.yml').write_text(render('alerts.yml.j2'))
    config = render('prometheus.yml.j2', monitoring__rules_path=str(tmp_path / 'alerts.yml'), monitoring__postgres=True)
    (tmp_path / 'prometheus.yml').write_text(config)
    result = run(promtool, 'check', 'config', 'prometheus.yml', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = dict((job['job_name'], job) for job in yaml.safe_load(config)['scrape_configs'])
    assert jobs['postgres']['static_configs'] == [{'targets': ['postgres_exporter:9187'], 'labels': {'instance': 'postgis'}}]


def test_the_blackbox_modules_check_what_ogc_services_answer():
    modules = yaml.safe_load(render('blackbox.yml.j2'))['modules']
    assert sorted(modules) == ['ogcapi_items', 'wfs_getfeature', 'wms_capabilities', 'wms_getmap']
    for module in modules.values():
        http = module['http']
        assert module['prober'] == 'http' and module['timeout'] == '8s'
        assert http['tls_config'] == {'server_name': 'geo.example.org', 'ca_file': '/etc/prometheus/edge-ca.crt'}
        assert http['headers']['Host'] == 'geo.example.org' and http['valid_status_codes'] == [200]
    exception = re.compile(modules['wms_capabilities']['http']['fail_if_body_matches_regexp'][0])
    assert exception.search('<ServiceExceptionReport version="1.3.0"><ServiceException code="LayerNotDefined">')
    assert exception.search('<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">')
    assert not exception.search('<WMS_Capabilities version="1.3.0"><Capability><Exception><Format>XML</Format>')
    assert modules['wms_getmap']['http']['fail_if_header_not_matches'] == [
        {'header': 'Content-Type', 'regexp': '^image/png', 'allow_missing': False}]
    assert re.search(modules['ogcapi_items']['http']['fail_if_body_not_matches_regexp'][0],
                     '{"type": "FeatureCollection", "features": [{"type": "Feature"}]}')


def test_a_public_url_with_a_port_and_the_system_trust_store():
    modules = yaml.safe_load(render('blackbox.yml.j2', monitoring__probe_host='192.0.2.2:8443',
                                    monitoring__probe_ca=''))['modules']
    assert modules['wms_getmap']['http']['tls_config'] == {'server_name': '192.0.2.2'}
    assert modules['wms_getmap']['http']['headers']['Host'] == '192.0.2.2:8443'


RECEIVERS = [
    {'name': 'ops', 'type': 'webhook', 'url': 'https://hooks.example.org/geostack', 'token_file': '/x/token'},
    {'name': 'oncall', 'type': 'email', 'to': ['a@example.org', 'b@example.org'], 'from': 'geostack@example.org',
     'smarthost': 'smtp.example.org:587', 'username': 'geostack', 'password_file': '/x/pw',
     'matchers': ['severity="critical"', 'service=~"mapserver|qgis_server"'], 'send_resolved': False}]


def test_alertmanager_routes_every_alert_to_the_receivers_that_match():
    text = render('alertmanager.yml.j2', monitoring_receivers=RECEIVERS, monitoring__receiver_secrets={
        'ops': {'token': 'tok"en', 'password': ''}, 'oncall': {'password': 's3cr:t #1', 'token': ''}})
    config = yaml.safe_load(text)
    assert config['route']['receiver'] == 'none'
    assert config['route']['routes'] == [
        {'receiver': 'ops', 'continue': True},
        {'receiver': 'oncall', 'matchers': ['severity="critical"', 'service=~"mapserver|qgis_server"'], 'continue': True}]
    receivers = dict((r['name'], r) for r in config['receivers'])
    assert receivers['none'] == {'name': 'none'}
    assert receivers['ops']['webhook_configs'] == [{
        'url': 'https://hooks.example.org/geostack', 'send_resolved': True,
        'http_config': {'authorization': {'type': 'Bearer', 'credentials': 'tok"en'}}}]
    assert receivers['oncall']['email_configs'] == [{
        'to': 'a@example.org, b@example.org', 'from': 'geostack@example.org', 'smarthost': 'smtp.example.org:587',
        'require_tls': True, 'send_resolved': False, 'auth_username': 'geostack', 'auth_password': 's3cr:t #1'}]


def test_alertmanager_without_receivers_sends_nothing():
    config = yaml.safe_load(render('alertmanager.yml.j2'))
    assert config['route'] == {'receiver': 'none', 'group_by': ['alertname', 'service', 'job'], 'group_wait': '30s',
                               'group_interval': '5m', 'repeat_interval': '4h'}
    assert config['receivers'] == [{'name': 'none'}]
