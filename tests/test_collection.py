"""The collection as users get it: built with ansible-galaxy, installed offline, every plugin documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODULES = sorted(p.stem for p in (REPO / 'plugins' / 'modules').glob('*.py') if not p.stem.startswith('_'))
FILTERS = sorted(p.stem for p in (REPO / 'plugins' / 'filter').glob('*.py') if not p.stem.startswith('_'))
ROLES = sorted(p.name for p in (REPO / 'roles').iterdir() if p.is_dir())


def run(cmd, **kwargs):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False, **kwargs)


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    dist = tmp_path_factory.mktemp('dist')
    target = tmp_path_factory.mktemp('collections')
    # Only the target path counts: no ansible.cfg, no installed copy elsewhere.
    cfg = tmp_path_factory.mktemp('cfg') / 'ansible.cfg'
    cfg.write_text('[defaults]\n')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(target), ANSIBLE_CONFIG=str(cfg))
    built = run([str(BIN / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(dist), str(REPO)], env=env)
    assert built.returncode == 0, built.stdout
    tarball = next(dist.glob('geostack-swarm-*.tar.gz'))
    done = run([str(BIN / 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(target), str(tarball)],
               env=env)
    assert done.returncode == 0, done.stdout
    root = target / 'ansible_collections' / 'geostack' / 'swarm'
    return dict(root=root, env=env, tarball=tarball)


def test_artifact_holds_the_collection_and_nothing_local(installed):
    manifest = json.loads((installed['root'] / 'MANIFEST.json').read_text())
    assert manifest['collection_info']['namespace'] == 'geostack'
    assert manifest['collection_info']['name'] == 'swarm'
    assert 'community.docker' in manifest['collection_info']['dependencies']
    files = [f['name'] for f in json.loads((installed['root'] / 'FILES.json').read_text())['files']]
    for module in MODULES:
        assert 'plugins/modules/%s.py' % module in files
    for role in ROLES:
        assert 'roles/%s/meta/argument_specs.yml' % role in files
    assert not [f for f in files if f.startswith(('.venv', '.collections', '.build', '.git/', '.ansible/'))]


@pytest.mark.parametrize('module', MODULES)
def test_module_documentation_renders(installed, module):
    doc = run([str(BIN / 'ansible-doc'), '--json', 'geostack.swarm.%s' % module], env=installed['env'])
    assert doc.returncode == 0, doc.stdout
    data = json.loads(doc.stdout)['geostack.swarm.%s' % module]
    assert data['doc']['short_description']
    assert data['examples'].strip()
    assert data['return']


@pytest.mark.parametrize('plugin', FILTERS)
def test_filter_documentation_renders(installed, plugin):
    doc = run([str(BIN / 'ansible-doc'), '-t', 'filter', '--json', 'geostack.swarm.%s' % plugin], env=installed['env'])
    assert doc.returncode == 0, doc.stdout
    assert json.loads(doc.stdout)['geostack.swarm.%s' % plugin]['doc']['short_description']


@pytest.mark.parametrize('role', ROLES)
def test_role_documentation_renders(installed, role):
    doc = run([str(BIN / 'ansible-doc'), '-t', 'role', '--json', 'geostack.swarm.%s' % role], env=installed['env'])
    assert doc.returncode == 0, doc.stdout
    assert json.loads(doc.stdout)['geostack.swarm.%s' % role]['entry_points']['main']['short_description']


PLAYBOOKS = sorted(p.stem for p in (REPO / 'playbooks').glob('*.yml'))


@pytest.fixture(scope='module')
def outside(installed, tmp_path_factory):
    """A directory outside the repository with a throwaway inventory: this host alone, a single-node swarm manager,
    connection local, this venv's Python (as inventories/local)."""
    where = tmp_path_factory.mktemp('elsewhere')
    (where / 'hosts.yml').write_text(
        'all:\n  children:\n    swarm_managers:\n      hosts:\n        localhost:\n'
        '          ansible_connection: local\n          ansible_python_interpreter: %s\n'
        '    swarm_workers:\n      hosts: {}\n' % sys.executable)
    assert not str(where).startswith(str(REPO))
    return where


@pytest.mark.parametrize('playbook', PLAYBOOKS)
def test_playbook_by_fqcn_passes_syntax_check(installed, outside, playbook):
    """Every playbook of the collection runs by its name from the installed copy alone (no file of the repo)."""
    result = run([str(BIN / 'ansible-playbook'), '--syntax-check', '-i', 'hosts.yml', 'geostack.swarm.%s' % playbook],
                 env=installed['env'], cwd=str(outside))
    assert result.returncode == 0, result.stdout
    assert 'geostack/swarm/playbooks/%s.yml' % playbook in result.stdout, result.stdout


def test_site_by_fqcn_refuses_bad_input_in_its_first_play(installed, outside):
    """geostack.swarm.site from the installed copy: a bad value stops it in its first play (the declaration's
    checks, on the controller, which change nothing), naming the variable."""
    extra = dict(mapserver_replicas=0, geostack_credentials_dir=str(outside / 'credentials'))
    env = dict(installed['env'], ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json', ANSIBLE_NOCOLOR='1')
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', 'hosts.yml', 'geostack.swarm.site', '-e', json.dumps(extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                            cwd=str(outside), check=False)
    assert result.returncode != 0, result.stdout[-4000:]
    assert result.stdout.strip(), result.stderr[-4000:]
    parsed = json.loads(result.stdout)
    assert [p['play']['name'] for p in parsed['plays']] == ["Check the stack's declaration before anything changes"]
    failed = [host for p in parsed['plays'] for t in p['tasks'] for host in t['hosts'].values() if host.get('failed')]
    assert 'mapserver_replicas must be at least 1' in ' '.join(str(h.get('msg', '')) for h in failed), \
        result.stdout[-4000:]
    assert parsed['stats']['localhost']['changed'] == 0


@pytest.mark.parametrize('verb, extra, message', [
    ('scale', dict(scale_service='mapserver', scale_replicas=0), 'scale_replicas=0 is out of range'),
    ('teardown', dict(geostack_destroy_data='yes'), 'geostack_destroy_data=yes is not the name of the stack (geostack)'),
    ('logs', dict(logs_service='mapserver', logs_grep='(unclosed'), 'logs_grep=(unclosed is not a regular expression'),
])
def test_verb_by_fqcn_refuses_bad_input_in_its_first_play(installed, outside, verb, extra, message):
    """The day-2 verbs from the installed copy (their filter included): bad input stops them in their first play,
    before the engine is read, naming the variable."""
    env = dict(installed['env'], ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json', ANSIBLE_NOCOLOR='1')
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', 'hosts.yml', 'geostack.swarm.%s' % verb,
                             '-e', json.dumps(extra)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, env=env, cwd=str(outside), check=False)
    assert result.returncode != 0, result.stdout[-4000:]
    parsed = json.loads(result.stdout)
    assert len(parsed['plays']) == 1 and parsed['plays'][0]['play']['name'] == 'Check the %s request' % verb
    failed = [host for t in parsed['plays'][0]['tasks'] for host in t['hosts'].values() if host.get('failed')]
    assert message in ' '.join(str(h.get('msg', '')) for h in failed), result.stdout[-4000:]
    assert parsed['stats']['localhost']['changed'] == 0


def test_status_template_is_in_the_collection(installed):
    """status.yml renders its table from playbooks/templates/status.txt.j2: the artifact must carry it."""
    files = [f['name'] for f in json.loads((installed['root'] / 'FILES.json').read_text())['files']]
    assert 'playbooks/templates/status.txt.j2' in files


CONDITIONAL_KEYS = ('that', 'when', 'failed_when', 'changed_when', 'until')


def _conditionals(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CONDITIONAL_KEYS:
                for item in value if isinstance(value, list) else [value]:
                    yield where, key, item
            yield from _conditionals(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from _conditionals(item, where)


def test_every_conditional_is_a_string():
    """An unquoted ``x is search('a: b')`` is a YAML mapping, which Ansible 2.19 refuses only when the task runs."""
    import yaml
    broken = []
    for folder in ('roles', 'playbooks', 'molecule'):
        for path in sorted((REPO / folder).rglob('*.yml')):
            if 'templates' in path.parts:
                continue
            for where, key, item in _conditionals(yaml.safe_load(path.read_text()), path.relative_to(REPO)):
                if not isinstance(item, (str, bool)):
                    broken.append('%s: %s: %r' % (where, key, item))
    assert not broken, '\n'.join(broken)
