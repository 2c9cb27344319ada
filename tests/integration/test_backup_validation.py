"""Bad input to geostack.swarm.backup's second repository (backup_s3) and its metrics port fails in the first play of
site.yml, before any change, naming the variable.

As tests/integration/test_stack_validation.py does (where the other backup cases are): each case runs the whole
playbooks/site.yml against this machine (inventories/local) with backup in geostack_services and one bad variable;
the play must stop in its first play (which only reads) with changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations

import json

import pytest
from playbook_output import refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

SERVICES = ['postgis', 'backup', 'mapserver', 'qgis_server', 'edge']
S3 = dict(endpoint='s3.example.org', bucket='geostack-backups', region='eu-west-1', key_file='@KEY@',
          secret_file='@SECRET@')

CASES = {
    'S3 without its access key': (
        dict(backup_s3={k: v for k, v in S3.items() if k != 'key_file'}),
        'backup_s3.key_file is not set: S3 settings need credentials'),
    'S3 without its secret key': (
        dict(backup_s3={k: v for k, v in S3.items() if k != 'secret_file'}),
        'backup_s3.secret_file is not set: S3 settings need credentials'),
    'S3 credentials that are not files': (
        dict(backup_s3=dict(S3, secret_file='/nonexistent/s3.secret')),
        'backup_s3.secret_file=/nonexistent/s3.secret is not a file on the controller'),
    'S3 endpoint as a URL': (
        dict(backup_s3=dict(S3, endpoint='http://s3.example.org')),
        'backup_s3.endpoint=http://s3.example.org must be the S3 endpoint\'s host name'),
    'S3 bucket not a bucket name': (
        dict(backup_s3=dict(S3, bucket='Backups_2026')),
        'backup_s3.bucket=Backups_2026 is not a bucket name'),
    'S3 retention of 0': (
        dict(backup_s3=dict(S3, retention_full=0)),
        'backup_s3.retention_full=0 must be a number from 1 to 9999999'),
    'S3 schedule with an invalid cron expression': (
        dict(backup_s3=dict(S3, schedules={'full': '45 1 * * 8'})),
        'backup_s3.schedules.full: '),
    'metrics port on the pgbackrest port': (
        dict(backup_metrics_port=8432),
        'backup_metrics_port=8432 is also backup_port'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_backup_input_fails_before_any_change(case, tmp_path):
    extra, expected = CASES[case]
    key, secret = tmp_path / 's3.key', tmp_path / 's3.secret'
    key.write_text('AKIAEXAMPLE\n')
    secret.write_text('c2VjcmV0\n')
    text = json.dumps(dict(dict(geostack_services=SERVICES), **extra))
    extra = json.loads(text.replace('@KEY@', str(key)).replace('@SECRET@', str(secret)))
    text = refused_in_first_play(run_site(tmp_path, extra))
    assert expected in text, text[-3000:]
