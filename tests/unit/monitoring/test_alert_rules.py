# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The alert rules and Prometheus' configuration that geostack.swarm.monitoring renders, checked and tested with
promtool (Debian's prometheus package; `make host-deps` puts it in .venv/bin). Without promtool these tests fail."""

from __future__ import annotations

import os
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
    base = dict(ansible_managed='test', geostack_stack='geostack', geostack_back_network='geostack_back',
                monitoring_scrape_interval='30s', monitoring_evaluation_interval='30s', monitoring__scrape_seconds=30,
                monitoring__prometheus_port=9090, monitoring__node_exporter_port=9100, monitoring__swarm_api_port=2375,
                monitoring__scheduler_port=8080, monitoring__rules_path='/etc/prometheus/alerts.yml',
                monitoring__backup_max_ages={})
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
    assert 'SUCCESS: 14 rules found' in result.stdout


def test_without_backups_there_is_no_backup_rule(promtool, tmp_path):
    text = render('alerts.yml.j2')
    (tmp_path / 'alerts.yml').write_text(text)
    result = run(promtool, 'check', 'rules', 'alerts.yml', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'SUCCESS: 8 rules found' in result.stdout
    assert 'GeostackBackup' not in text


def test_the_configuration_passes_promtool_check(promtool, tmp_path):
    (tmp_path / 'alerts.yml').write_text(render('alerts.yml.j2'))
    config = render('prometheus.yml.j2', monitoring__rules_path=str(tmp_path / 'alerts.yml'))
    (tmp_path / 'prometheus.yml').write_text(config)
    result = run(promtool, 'check', 'config', 'prometheus.yml', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    parsed = yaml.safe_load(config)
    jobs = dict((job['job_name'], job) for job in parsed['scrape_configs'])
    assert sorted(jobs) == ['node', 'prometheus', 'scheduler', 'swarm']
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
