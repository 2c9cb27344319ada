"""The images role builds every service's image on this machine, from the Debian archive, with no registry.

Runs playbooks/images.yml against this host (inventories/local), every recipe (images_build). The first run builds the images (or finds them, when
an earlier run built them from the same recipes); each image is then inspected (health check, labels, user, no apt
lists) and started for a smoke test; a second run must change nothing; a run with an unreachable mirror must fail
before any change, naming images_debian_mirror. Only containers this test starts are removed; images are kept, so a
later run of the suite finds them. A cold build of every image (debootstrap base included) took 6 min 19 s on 2 cores;
tests/output/images-first-run.txt records this run's first build.
Which images a run provides by default (images_build follows the declared services) is checked without building
anything: the role's plan (tasks/validate.yml) for each declaration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from playbook_output import fact, messages

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OUTPUT = REPO / 'tests' / 'output'

SERVICES = ('postgis', 'mapserver', 'qgis-server', 'mapproxy', 'pygeoapi', 'edge', 'tools', 'registry')
USERS = {'postgis': 'postgres', 'mapserver': 'www-data', 'qgis-server': 'www-data', 'mapproxy': 'mapproxy',
         'pygeoapi': 'pygeoapi', 'edge': 'www-data', 'tools': 'geostack', 'registry': 'docker-registry'}
# Commands that show the image has what it is for, run instead of the entrypoint: (argv, text in the output).
COMMANDS = {
    'postgis': [(['postgres', '--version'], 'PostgreSQL) 15.'), (['shp2pgsql'], 'RELEASE: 3.')],
    'mapserver': [(['mapserv', '-v'], 'MapServer version 8.0'), (['mapserv', '-v'], 'SUPPORTS=FASTCGI')],
    'qgis-server': [(['test', '-x', '/usr/lib/cgi-bin/qgis_mapserv.fcgi'], '')],
    'mapproxy': [(['mapproxy-util', '--version'], 'MapProxy 1.15')],
    'pygeoapi': [(['pygeoapi', '--version'], '0.21.0')],
    'edge': [(['nginx', '-t'], 'test is successful')],
    'tools': [(['ogr2ogr', '--version'], 'GDAL 3.6'), (['psql', '--version'], '(PostgreSQL) 15.')],
    'registry': [(['docker-registry', '--version'], '2.8')],
}
# Long-running services: started as Swarm would start them, until their own HEALTHCHECK passes.
SERVE_ENV = {'postgis': ['POSTGRES_PASSWORD=smoke', 'POSTGRES_DB=gis'], 'mapserver': [], 'qgis-server': [],
             'mapproxy': [], 'pygeoapi': [], 'edge': [], 'registry': []}


def run(cmd, **kwargs):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False, **kwargs)


def play(*extra):
    """Run playbooks/images.yml with the JSON callback: (returncode, parsed output or None, raw output)."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
               ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    # Every recipe, not only the images the default deployment runs (images_build's default).
    every = ['-e', json.dumps(dict(images_build=list(SERVICES)))]
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', 'inventories/local', 'playbooks/images.yml'] + every + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                            cwd=str(REPO), check=False)
    try:
        parsed = json.loads(result.stdout)
    except ValueError:
        parsed = None
    return result.returncode, parsed, result.stdout + result.stderr


def images():
    return set(run(['docker', 'images', '-q', '--no-trunc']).stdout.split())


@pytest.fixture(scope='module')
def built():
    if run(['docker', 'info']).returncode != 0:
        pytest.fail('this test needs the Docker engine on this machine (make host-deps installs one)')
    started = time.monotonic()
    returncode, parsed, output = play()
    elapsed = time.monotonic() - started
    assert returncode == 0 and parsed, output[-12000:]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    stats = parsed['stats']['localhost']
    (OUTPUT / 'images-first-run.txt').write_text('first run: %.0f s, changed=%d\n' % (elapsed, stats['changed']))
    refs = fact(parsed, 'images_refs')
    assert sorted(refs) == sorted(SERVICES)
    return refs


@pytest.mark.parametrize('service', SERVICES)
def test_image_is_labelled_checked_and_unprivileged(built, service):
    inspected = json.loads(run(['docker', 'image', 'inspect', built[service]]).stdout)[0]
    config = inspected['Config']
    assert config['Healthcheck']['Test'][0] in ('CMD', 'CMD-SHELL'), config.get('Healthcheck')
    labels = config['Labels']
    version, digest = built[service].rsplit(':', 1)[1].rsplit('-', 1)
    assert labels['org.opencontainers.image.version'] == version
    assert labels['org.geostack.recipe'] == digest and len(digest) == 12
    assert config['User'] == USERS[service]
    leftovers = run(['docker', 'run', '--rm', '--entrypoint', 'sh', built[service], '-c',
                     'id -un; ls -A /var/lib/apt/lists /var/cache/apt/archives | grep -v -e "^partial$" -e "^lock$" -e ":$" -e "^$"; true'])
    lines = leftovers.stdout.split()
    assert lines[0] == USERS[service] and lines[1:] == [], leftovers.stdout


@pytest.mark.parametrize('service', SERVICES)
def test_image_has_its_software(built, service):
    for argv, expected in COMMANDS[service]:
        result = run(['docker', 'run', '--rm', '--entrypoint', argv[0], built[service]] + argv[1:])
        assert expected in result.stdout, '%s: %s' % (' '.join(argv), result.stdout[-2000:])
        if not expected:
            assert result.returncode == 0, result.stdout


@pytest.mark.parametrize('service', sorted(SERVE_ENV))
def test_service_becomes_healthy(built, service):
    name = 'geostack-images-smoke-%s-%s' % (service, uuid.uuid4().hex[:8])
    cmd = ['docker', 'run', '-d', '--name', name, '--label', 'org.geostack.test=images']
    for variable in SERVE_ENV[service]:
        cmd += ['-e', variable]
    started = run(cmd + [built[service]])
    assert started.returncode == 0, started.stdout
    test = json.loads(run(['docker', 'image', 'inspect', '-f', '{{json .Config.Healthcheck.Test}}', built[service]]).stdout)
    check = ['sh', '-c', test[1]] if test[0] == 'CMD-SHELL' else test[1:]
    try:
        deadline = time.monotonic() + 90
        while True:
            probe = run(['docker', 'exec', name] + check)
            if probe.returncode == 0:
                break
            state = run(['docker', 'inspect', '-f', '{{.State.Status}}', name]).stdout.strip()
            if state != 'running' or time.monotonic() > deadline:
                pytest.fail('%s is %s and its health check fails: %s\nlogs:\n%s'
                            % (service, state, probe.stdout[-1000:], run(['docker', 'logs', '--tail', '40', name]).stdout))
            time.sleep(2)
        if service == 'postgis':
            query = run(['docker', 'exec', name, 'psql', '-At', '-d', 'gis', '-c', 'SELECT postgis_lib_version()'])
            assert query.stdout.startswith('3.'), query.stdout
    finally:
        run(['docker', 'rm', '-fv', name])


def test_rerun_changes_nothing(built):
    returncode, parsed, output = play()
    assert returncode == 0 and parsed, output[-12000:]
    assert parsed['stats']['localhost']['changed'] == 0, output[-12000:]
    assert fact(parsed, 'images_refs') == built


def test_unreachable_mirror_fails_before_any_change(built):
    before = images()
    returncode, parsed, output = play('-e', 'images_debian_mirror=http://127.0.0.1:9/debian')
    assert returncode != 0
    assert parsed, output[-12000:]
    text = messages(parsed)
    assert 'images_debian_mirror=http://127.0.0.1:9/debian does not answer' in text, text[-3000:]
    assert parsed['stats']['localhost']['changed'] == 0
    assert images() == before


# images_build's default for a declaration: (inventory's swarm hosts, extra vars, the images planned).
PLAN_CASES = {
    'default services, one node': (1, {}, ['postgis', 'mapserver', 'qgis-server', 'edge', 'tools']),
    'default services, three nodes: the registry': (3, {}, ['postgis', 'mapserver', 'qgis-server', 'edge', 'tools', 'registry']),
    'postgis and edge only': (1, dict(geostack_services=['postgis', 'edge']), ['postgis', 'edge', 'tools']),
    'no postgis: no jobs': (1, dict(geostack_services=['edge']), ['edge']),
    'registry asked for on one node': (1, dict(registry_enabled=True), ['postgis', 'mapserver', 'qgis-server', 'edge', 'tools', 'registry']),
    'registry refused on three nodes': (3, dict(registry_enabled=False), ['postgis', 'mapserver', 'qgis-server', 'edge', 'tools']),
    'registry image given': (3, dict(registry_image='registry.example.org/registry:2.8'), ['postgis', 'mapserver', 'qgis-server', 'edge', 'tools']),
    'own mapserver image': (1, dict(geostack_images={'mapserver': 'example.org/mapserver:1'}), ['postgis', 'qgis-server', 'edge', 'tools']),
    'no services': (3, dict(geostack_services=[], registry_enabled=False), []),
    'the operator chooses': (3, dict(images_build=['mapproxy', 'pygeoapi']), ['mapproxy', 'pygeoapi']),
}


@pytest.mark.parametrize('case', sorted(PLAN_CASES))
def test_default_builds_what_is_deployed(tmp_path, case):
    """images_build follows geostack_services (the stack's default when unset), the jobs' image with postgis, the
    registry's when the swarm gets one; mapproxy and pygeoapi (opt-in services) only when listed. Only the plan
    runs (tasks/validate.yml): nothing is built and the engine is not needed."""
    nodes, extra, expected = PLAN_CASES[case]
    workers = ''.join('        node%d: {}\n' % i for i in range(2, nodes + 1)) or '        {}\n'
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(
        'all:\n  children:\n    swarm_managers:\n      hosts:\n        localhost:\n'
        '          ansible_connection: local\n          ansible_python_interpreter: %s\n'
        '    swarm_workers:\n      hosts:\n%s' % (sys.executable, workers))
    playbook = tmp_path / 'plan.yml'
    playbook.write_text(
        '- name: Plan the images\n  hosts: localhost\n  gather_facts: false\n  tasks:\n'
        '    - name: Decide which images are made\n      ansible.builtin.include_role:\n'
        '        name: geostack.swarm.images\n        tasks_from: validate.yml\n')
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
               ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', str(inventory), str(playbook), '-e', json.dumps(extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                            cwd=str(tmp_path), check=False)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert sorted(fact(json.loads(result.stdout), 'images__plan')) == sorted(expected)
