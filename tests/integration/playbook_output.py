"""Running playbooks in the tests, and reading the output of their JSON callback (ANSIBLE_STDOUT_CALLBACK=ansible.builtin.json)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def fact(parsed, name):
    """The value of the fact `name` the play set (the first task that set it)."""
    for one_play in parsed['plays']:
        for task in one_play['tasks']:
            for host in task['hosts'].values():
                if name in host.get('ansible_facts', {}):
                    return host['ansible_facts'][name]
    raise AssertionError('no task set %s' % name)


def messages(parsed):
    """Every task's and loop item's message, as one line of text."""
    out = []
    for one_play in parsed['plays']:
        for task in one_play['tasks']:
            for host in task['hosts'].values():
                out.append(str(host.get('msg', '')))
                out.extend(str(r.get('msg', '')) for r in host.get('results', []))
    return ' '.join(' '.join(out).split())


# -- Running a playbook whose first play must refuse bad input (the first-play cases, marker `firstplay`) ----------

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# This host, with the roles' defaults (inventories/local without its group_vars; see the file).
INVENTORY = Path(__file__).resolve().parent / 'firstplay_inventory' / 'hosts.yml'
SITE_FIRST_PLAY = "Check the stack's declaration before anything changes"


def ansible_env():
    """The environment of a playbook run from the repository: its ansible.cfg, its installed collection, JSON out."""
    return dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
                ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')


def run_playbook(playbook, extra, inventory=INVENTORY, cwd=REPO):
    """ansible-playbook `playbook` (a path from the repository) with the extra variables `extra` (a mapping)."""
    return subprocess.run([str(BIN / 'ansible-playbook'), '-i', str(inventory), str(REPO / playbook),
                           '-e', json.dumps(extra)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=ansible_env(),
                          cwd=str(cwd), check=False)


def run_site(tmp_path, extra):
    """playbooks/site.yml against this machine (INVENTORY), its generated credentials kept under tmp_path."""
    return run_playbook('playbooks/site.yml', dict(extra, geostack_credentials_dir=str(tmp_path / 'credentials')))


def refused_in_first_play(result, first_play=SITE_FIRST_PLAY):
    """Assert the run failed in its first play (named `first_play`, or starting so) and only there, with no change on
    any host; return its messages as one line of text."""
    assert result.returncode != 0, result.stdout[-4000:] + result.stderr[-2000:]
    parsed = json.loads(result.stdout)
    names = [p['play']['name'] for p in parsed['plays']]
    assert len(names) == 1 and names[0].startswith(first_play), names
    assert all(stats['changed'] == 0 for stats in parsed['stats'].values()), parsed['stats']
    return messages(parsed)
