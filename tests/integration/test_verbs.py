"""The day-2 verbs (playbooks status, logs, scale, restart, teardown) on a real, disposable engine (the engine host of
conftest.py, a single-node swarm): two stacks made by geo_stack, itv and other; the verbs act on itv only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope='module')
def verbs(engine_host, tmp_path_factory):
    where = tmp_path_factory.mktemp('verbs')
    inventory = where / 'hosts.yml'
    inventory.write_text(
        'all:\n  children:\n    swarm_managers:\n      hosts:\n        ithost:\n'
        '          ansible_connection: community.docker.docker\n          ansible_host: %s\n'
        '          ansible_python_interpreter: /usr/bin/python3\n    swarm_workers:\n      hosts: {}\n'
        % engine_host['name'])
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')

    def run(playbook, **extra):
        path = (Path(__file__).parent / 'targets' / playbook) if playbook.endswith('.yml') \
            else REPO / 'playbooks' / ('%s.yml' % playbook)
        result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', str(inventory), str(path), '-e', json.dumps(extra)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                                cwd=str(where), check=False)
        parsed = json.loads(result.stdout) if result.stdout.strip().startswith('{') else {}
        return result.returncode, parsed, result.stdout + result.stderr

    def engine(cmd):
        return subprocess.run(['docker', 'exec', engine_host['name'], 'sh', '-c', cmd], stdout=subprocess.PIPE,
                              universal_newlines=True, check=True).stdout.split()

    rc, _parsed, out = run('verbs_stack.yml')
    assert rc == 0, out[-6000:]
    return dict(run=run, engine=engine, where=where)


def results(parsed, task_name):
    return [h for p in parsed['plays'] for t in p['tasks'] if t['task']['name'] == task_name for h in t['hosts'].values()]


def test_status_reports_the_stack_alone(verbs):
    report = verbs['where'] / 'status.json'
    rc, parsed, out = verbs['run']('status', geostack_stack='itv', status_probe=False, status_format='json',
                                   status_file=str(report))
    assert rc == 0, out[-6000:]
    data = json.loads(report.read_text())
    services = dict((s['key'], s) for s in data['services'])
    assert sorted(services) == ['db', 'web']
    assert (services['web']['desired'], services['web']['running'], services['web']['healthy']) == (2, 2, 2)
    assert services['db']['healthy'] is None and services['web']['image'] == 'it/busybox:1'
    assert [v['name'] for v in data['volumes']] == ['itv_data']
    assert data['nodes'][0]['manager']['leader'] and data['problems'] == []
    assert data['scheduled_jobs']['running'] is False and data['endpoints'] == []
    # read-only on the swarm: the one change is the report written on the controller
    changed = [t['task']['name'] for p in parsed['plays'] for t in p['tasks']
               if any(h.get('changed') for h in t['hosts'].values())]
    assert changed == ['Write the report (status_file)'], changed


def test_logs_name_task_and_node(verbs):
    rc, parsed, out = verbs['run']('logs', geostack_stack='itv', logs_service='web', logs_tail=4, logs_grep='^tick')
    assert rc == 0, out[-6000:]
    read = results(parsed, 'Read the logs of every replica')[0]
    assert len(read['lines']) == 4
    assert all(line['message'] == 'tick from page 1' and line['node'] == 'ithost' for line in read['lines'])
    assert all(line['task'].startswith(('web.1.', 'web.2.')) for line in read['lines'])
    rc, parsed, out = verbs['run']('logs', geostack_stack='itv', logs_service='api')
    assert rc != 0 and 'service=api is not a service of the stack itv; its services: db, web' in out


def test_scale_and_restart(verbs):
    rc, parsed, out = verbs['run']('scale', geostack_stack='itv', scale_service='web', scale_replicas=3)
    assert rc == 0, out[-6000:]
    done = results(parsed, 'Set its replicas and wait until they run (and are healthy)')[0]
    assert done['changed'] and done['running'] == 3 and done['keep_with'] == 'web_replicas'
    rc, parsed, out = verbs['run']('scale', geostack_stack='itv', scale_service='web', scale_replicas=3)
    assert rc == 0 and parsed['stats']['ithost']['changed'] == 0, out[-6000:]
    rc, parsed, out = verbs['run']('scale', geostack_stack='itv', scale_service='db', scale_replicas=2)
    assert rc != 0 and 'service=db keeps its data in the volume itv_data' in out
    before = verbs['engine']("docker service ps itv_web -q --filter desired-state=running")
    rc, parsed, out = verbs['run']('restart', geostack_stack='itv', restart_service='web')
    assert rc == 0, out[-6000:]
    done = results(parsed, 'Replace its tasks one after another and wait until they run (and are healthy)')[0]
    assert done['update_order'] == 'start-first' and done['running'] == 3
    after = verbs['engine']("docker service ps itv_web -q --filter desired-state=running")
    assert len(after) == 3 and not set(before) & set(after)
    # the next deployment does not restart it again (geo_stack keeps the raised ForceUpdate), and puts back the
    # declared replicas
    rc, parsed, out = verbs['run']('verbs_stack.yml', fresh=False)
    assert rc == 0, out[-6000:]
    deployed = results(parsed, 'The stack itv')[0]
    assert deployed['services']['web']['action'] == 'updated', deployed['services']['web']
    web = deployed['services']['web']
    assert [d['setting'] for d in web['differences']] == ['replicas'], web
    rc, parsed, out = verbs['run']('verbs_stack.yml', fresh=False)
    assert rc == 0 and results(parsed, 'The stack itv')[0]['changed'] is False, out[-6000:]


def test_teardown_keeps_the_data_unless_confirmed_and_leaves_other_stacks(verbs):
    engine = verbs['engine']
    rc, parsed, out = verbs['run']('teardown', geostack_stack='itv')
    assert rc == 0, out[-6000:]
    assert engine("docker service ls --format '{{.Name}}'") == ['other_keep']
    assert not [n for n in engine("docker secret ls --format '{{.Name}}'; docker config ls --format '{{.Name}}'")
                if n.startswith('itv_')]
    assert sorted(engine("docker volume ls -q")) == ['itv_data', 'other_data']
    summary = ' '.join(str(results(parsed, 'Show what was removed and what was kept')[0]['msg']).split())
    assert 'removed services: db, web' in summary and 'kept volumes: itv_data on ithost' in summary
    # again: nothing left to remove
    rc, parsed, out = verbs['run']('teardown', geostack_stack='itv')
    assert rc == 0 and parsed['stats']['ithost']['changed'] == 0, out[-6000:]
    # deployed again on its data, then removed with it
    rc, _parsed, out = verbs['run']('verbs_stack.yml', fresh=False)
    assert rc == 0, out[-6000:]
    rc, parsed, out = verbs['run']('teardown', geostack_stack='itv', geostack_destroy_data='itv')
    assert rc == 0, out[-6000:]
    assert engine("docker volume ls -q") == ['other_data']
    assert engine("docker service ls --format '{{.Name}}'") == ['other_keep']
    summary = ' '.join(str(results(parsed, 'Show what was removed and what was kept')[0]['msg']).split())
    assert 'removed volumes: itv_data on ithost' in summary
