"""Bad input to the upgrade verb (playbooks/upgrade.yml) is refused in its first play, naming the variable, before
anything is read from the engine or changed. No Docker needed. (The PostgreSQL major version refusal needs the data
volume's PG_VERSION, read in the second play: its check, the filter upgrade_problems, is unit-tested in
tests/unit/plugins/module_utils/test_upgrade.py.)"""

from __future__ import annotations

import pytest
from playbook_output import refused_in_first_play, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

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


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_is_refused_in_the_first_play(tmp_path, case):
    extra_vars, message = CASES[case]
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    result = run_playbook('playbooks/upgrade.yml', extra_vars, inventory=tmp_path / 'hosts.yml', cwd=tmp_path)
    text = refused_in_first_play(result, 'Check the upgrade request')
    assert message in text, text
