"""Bad input to the upgrade verb (playbooks/upgrade.yml) is refused in its first play, naming the variable, before
anything is read from the engine or changed. No Docker needed. (The PostgreSQL major version refusal needs the data
volume's PG_VERSION, read in the second play: its check, the filter upgrade_problems, is unit-tested in
tests/unit/plugins/module_utils/test_upgrade.py.)"""

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

INVENTORY = """all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  children:
    swarm_managers:
      hosts:
        m1: {}
    swarm_workers:
      hosts: {}
"""

CASES = {
    'unknown service': (dict(upgrade_services=['mapserver', 'tiles']),
                        'upgrade_services names tiles, which is not declared in geostack_services'),
    'the stack-prefixed name': (dict(upgrade_services=['geostack_mapserver']),
                                'upgrade_services names geostack_mapserver, which is not declared'),
    'a string, not a list': (dict(upgrade_services='mapserver'),
                             'upgrade_services=mapserver must be a list of service names of the stack'),
    'a service twice': (dict(upgrade_services=['edge', 'edge']), 'upgrade_services lists a service twice: edge, edge'),
    'backup not a boolean': (dict(upgrade_backup='maybe'), 'upgrade_backup=maybe must be true or false'),
    'backup type': (dict(upgrade_backup_type='differential'), 'upgrade_backup_type=differential must be full, diff or incr'),
}


@pytest.fixture(scope='module')
def env():
    return dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
                ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json', ANSIBLE_NOCOLOR='1')


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_is_refused_in_the_first_play(tmp_path, env, case):
    extra_vars, message = CASES[case]
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    (tmp_path / 'vars.json').write_text(json.dumps(extra_vars))
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', str(tmp_path / 'hosts.yml'),
                             str(REPO / 'playbooks' / 'upgrade.yml'), '-e', '@%s' % (tmp_path / 'vars.json')],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                            cwd=str(tmp_path), check=False)
    assert result.returncode != 0, result.stdout[-3000:]
    parsed = json.loads(result.stdout)
    assert len(parsed['plays']) == 1, [p['play']['name'] for p in parsed['plays']]
    assert parsed['plays'][0]['play']['name'].startswith('Check the upgrade request')
    failed = [h for t in parsed['plays'][0]['tasks'] for h in t['hosts'].values() if h.get('failed')]
    text = ' '.join(' '.join(str(h.get('msg', '')) for h in failed).split())
    assert message in text, text
    assert parsed['stats']['m1']['changed'] == 0
