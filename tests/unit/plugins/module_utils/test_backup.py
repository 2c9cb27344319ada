# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.backup import conf, cron_interval, max_age, problems, status
from ansible_collections.geostack.swarm.plugins.module_utils.guards import node_removal_problems

pytestmark = pytest.mark.unit

GOOD = {
    'backup_stanza': 'geostack', 'backup_archive_timeout': 30, 'backup_retention_full': 2,
    'backup_retention_full_type': 'count', 'backup_retention_diff': 6,
    'backup_schedules': {'full': '15 1 * * 0', 'diff': '15 1 * * 1-6', 'incr': '15 */4 * * *', 'check': '45 * * * *',
                         'verify': ''},
    'backup_time_zone': 'UTC', 'backup_cipher_passphrase': 'a' * 32, 'backup_volume': 'geostack_backup_repo',
    'backup_node_label': 'geostack.backup', 'backup_port': 8432, 'backup_node': '', 'backup_allow_same_node': False,
    'hosts': ['node1', 'node2', 'node3'], 'postgis_node': 'node3',
}


def with_(**changes):
    out = dict(GOOD)
    out.update(changes)
    return out


def test_defaults_are_fine():
    assert problems(GOOD) == []


@pytest.mark.parametrize('changes, variable', [
    ({'backup_schedules': dict(GOOD['backup_schedules'], incr='61 * * * *')}, 'backup_schedules.incr: '),
    ({'backup_schedules': {'full': 'every day'}}, 'backup_schedules.full: '),
    ({'backup_schedules': {'hourly': '@hourly', 'full': '@daily'}}, 'backup_schedules.hourly: not a schedule'),
    ({'backup_schedules': {'check': '@hourly'}}, 'backup_schedules: no backup is scheduled'),
    ({'backup_retention_full': 0}, 'backup_retention_full=0 '),
    ({'backup_retention_diff': 0}, 'backup_retention_diff=0 '),
    ({'backup_retention_full_type': 'forever'}, 'backup_retention_full_type=forever '),
    ({'backup_archive_timeout': 61}, 'backup_archive_timeout=61 '),
    ({'backup_archive_timeout': 0}, 'backup_archive_timeout=0 '),
    ({'backup_cipher_passphrase': 'x' * 19}, 'backup_cipher_passphrase is shorter than 20'),
    ({'backup_cipher_passphrase': 'x' * 20 + '\n'}, 'backup_cipher_passphrase must be one line'),
    ({'backup_node': 'node3'}, 'backup_node=node3 is also postgis_node'),
    ({'backup_node': 'node9'}, 'backup_node=node9 is not a host'),
    ({'backup_stanza': 'a b'}, 'backup_stanza=a b '),
    ({'backup_time_zone': 'Mars/Olympus'}, 'backup_time_zone: '),
    ({'backup_port': 80}, 'backup_port=80 '),
    ({'backup_metrics_port': 70000}, 'backup_metrics_port=70000 '),
    ({'backup_metrics_port': 8432}, 'backup_metrics_port=8432 is also backup_port'),
])
def test_bad_input_names_its_variable(changes, variable):
    found = problems(with_(**changes))
    assert len(found) == 1, found
    assert found[0].startswith(variable), found


def test_same_node_allowed_explicitly_or_alone():
    assert problems(with_(backup_node='node3', backup_allow_same_node=True)) == []
    assert problems(with_(backup_node='node1', hosts=['node1'], postgis_node='node1')) == []


def test_every_problem_at_once():
    assert len(problems(with_(backup_retention_full=0, backup_archive_timeout=120, backup_cipher_passphrase=''))) == 3


def test_conf_writes_sections_and_refuses_injection():
    text = conf({'global': {'repo1-path': '/var/lib/pgbackrest', 'start-fast': True, 'archive-async': False,
                            'skipped': None, 'tls-server-auth': ['a=s1', 'b=s2']},
                 'geostack': {'pg1-port': 5432}})
    assert text == ('[global]\nrepo1-path=/var/lib/pgbackrest\nstart-fast=y\narchive-async=n\ntls-server-auth=a=s1\n'
                    'tls-server-auth=b=s2\n\n[geostack]\npg1-port=5432\n')
    with pytest.raises(ValueError):
        conf({'global': {'repo1-cipher-pass': 'secret\nrepo1-path=/tmp'}})
    with pytest.raises(ValueError):
        conf({'global]\n[x': {}})
    with pytest.raises(ValueError):
        conf({'global': {'Repo Path': 'x'}})


@pytest.mark.parametrize('expression, seconds', [
    ('15 */4 * * *', 4 * 3600),
    ('15 1 * * 0', 7 * 86400),
    ('15 1 * * 1-6', 2 * 86400),      # Saturday to Monday
    ('*/5 * * * *', 300),
    ('@hourly', 3600),
    ('0 0 1 * *', 31 * 86400),
    ('0 3 * 1,7 *', 154 * 86400),     # 31 July to 1 January, the longer of the two gaps
])
def test_cron_interval(expression, seconds):
    assert cron_interval(expression) == seconds


def info(*backups):
    return [{'name': 'geostack', 'backup': list(backups)}]


def backup(label, kind, stop, error=False, size=1048576, delta=4096):
    return {'label': label, 'type': kind, 'error': error, 'timestamp': {'start': stop - 10, 'stop': stop},
            'info': {'size': size, 'repository': {'delta': delta}}}


def test_status_gives_the_last_good_backup():
    now = 1_800_000_000
    got = status(info(backup('F', 'full', now - 7200), backup('I', 'incr', now - 600),
                      backup('X', 'incr', now - 60, error=True)), 'geostack', now, {'incr': '15 */4 * * *'})
    assert (got['found'], got['label'], got['type'], got['age'], got['late']) == (True, 'I', 'incr', 600, False)
    assert got['max_age'] == 8 * 3600
    assert 'last backup I (incr)' in got['message'] and '1.0 MiB of database' in got['message']


def test_status_late_and_missing():
    now = 1_800_000_000
    late = status(info(backup('F', 'full', now - 9 * 3600)), 'geostack', now, {'incr': '15 */4 * * *', 'check': '* * * * *'})
    assert late['late'] and 'LATE' in late['message']
    missing = status([{'name': 'other', 'backup': [backup('F', 'full', now)]}], 'geostack', now, {})
    assert not missing['found'] and missing['late']
    unscheduled = status(info(backup('F', 'full', now - 10 ** 7)), 'geostack', now, {})
    assert unscheduled['max_age'] is None and not unscheduled['late']


def test_max_age_is_twice_the_longest_backup_interval():
    # check and verify do not count; without a backup schedule nothing is late
    assert max_age({'full': '15 1 * * 0', 'incr': '15 */4 * * *', 'check': '* * * * *'}) == 2 * 7 * 86400
    assert max_age({'incr': '*/3 * * * *', 'verify': '30 3 * * 6'}) == 360
    assert max_age({'check': '45 * * * *'}) is None and max_age({}) is None


def test_removing_the_node_of_the_repository_is_refused_unless_forced():
    repo = dict(name='geostack_backup', labels={'org.geostack.role': 'backup'}, volumes=['geostack_backup_repo'],
                constraints=['node.labels.geostack.backup == true'], nodes=['n1'])
    node1 = dict(id='n1', hostname='node1', labels={'geostack.backup': 'true'})
    found = node_removal_problems([repo], node1)
    assert len(found) == 1 and 'geostack_backup' in found[0] and 'swarm_remove_node_force=true' in found[0]
    assert node_removal_problems([repo], node1, force=True) == []
    assert node_removal_problems([repo], dict(id='n2', hostname='node2', labels={})) == []


@pytest.fixture
def s3(tmp_path):
    key, secret = tmp_path / 's3.key', tmp_path / 's3.secret'
    key.write_text('AKIAEXAMPLE\n')
    secret.write_text('c2VjcmV0c2VjcmV0\n')
    return {'endpoint': 's3.example.org', 'bucket': 'geostack-backups', 'region': 'eu-west-1',
            'key_file': str(key), 'secret_file': str(secret)}


def test_s3_settings_fine_or_absent(s3):
    assert problems(with_(backup_s3=s3)) == []
    assert problems(with_(backup_s3={})) == [] and problems(with_(backup_s3=None)) == []
    full = dict(s3, port=9000, path='/pg/geostack', uri_style='host', retention_full=3, retention_full_type='time',
                retention_diff=2, schedules={'full': '@weekly', 'incr': '0 * * * *'}, ca_file=s3['key_file'])
    assert problems(with_(backup_s3=full)) == []


@pytest.mark.parametrize('change, remove, expected', [
    ({}, 'key_file', 'backup_s3.key_file is not set: S3 settings need credentials'),
    ({}, 'secret_file', 'backup_s3.secret_file is not set: S3 settings need credentials'),
    ({'key_file': '/nonexistent/key'}, None, 'backup_s3.key_file=/nonexistent/key is not a file on the controller'),
    ({'endpoint': 'https://s3.example.org'}, None, 'backup_s3.endpoint=https://s3.example.org must be'),
    ({'endpoint': 's3.example.org:9000'}, None, 'backup_s3.endpoint=s3.example.org:9000 must be'),
    ({}, 'endpoint', 'backup_s3.endpoint=None must be'),
    ({'bucket': 'Geo_Stack'}, None, 'backup_s3.bucket=Geo_Stack is not a bucket name'),
    ({'port': 0}, None, 'backup_s3.port=0 '),
    ({'region': 'eu west'}, None, 'backup_s3.region=eu west '),
    ({'path': 'pgbackrest'}, None, 'backup_s3.path=pgbackrest '),
    ({'uri_style': 'virtual'}, None, 'backup_s3.uri_style=virtual '),
    ({'retention_full': 0}, None, 'backup_s3.retention_full=0 '),
    ({'retention_full_type': 'forever'}, None, 'backup_s3.retention_full_type=forever '),
    ({'schedules': {'full': '61 * * * *'}}, None, 'backup_s3.schedules.full: '),
    ({'schedules': {'check': '@hourly'}}, None, 'backup_s3.schedules.check: not a backup type'),
    ({'ca_file': '/nonexistent/ca.crt'}, None, 'backup_s3.ca_file=/nonexistent/ca.crt is not a file'),
    ({'secret': 'inline'}, None, 'backup_s3.secret: not a setting'),
])
def test_bad_s3_settings_name_their_key(s3, change, remove, expected):
    settings = dict(s3, **change)
    if remove:
        del settings[remove]
    found = problems(with_(backup_s3=settings))
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_s3_credentials_must_be_one_line(s3, tmp_path):
    two = tmp_path / 'two'
    two.write_text('a\nb\n')
    found = problems(with_(backup_s3=dict(s3, secret_file=str(two))))
    assert found == ['backup_s3.secret_file=%s must hold the secret access key on one line' % two]
    assert problems(with_(backup_s3='s3://bucket')) == [
        'backup_s3 must be a mapping (endpoint, bucket, region, key_file, secret_file, ...) or empty']
