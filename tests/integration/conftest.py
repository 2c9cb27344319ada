"""Integration tests of the modules against a real, disposable Docker engine.

The engine runs in a systemd "engine host" container built from the Debian archive
(molecule/resources/bare-host/build.sh engine), so these tests never touch the engine of the machine that runs
them. Each target under targets/ is a playbook that runs its module as check mode -> run -> rerun (changed=0)
-> rerun in check mode, and asserts the bad-input errors, against that engine over the docker connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUILD = REPO / 'molecule' / 'resources' / 'bare-host' / 'build.sh'

# The systemd "bare host" settings (capabilities, security options, cgroup namespace, tmpfs, volumes, command),
# defined once for this engine host and every Molecule platform.
PLATFORM = REPO / 'molecule' / 'resources' / 'platform.yml'


def engine_host_args(platform):
    """`docker run` options of the bare host described by platform.yml (as Molecule's docker driver creates it)."""
    args = ['--cgroupns', platform['cgroupns_mode']]
    for opt in platform['security_opts']:
        args += ['--security-opt', opt]
    for path in platform['tmpfs']:
        args += ['--tmpfs', path]
    for volume in platform['volumes']:
        args += ['-v', volume]
    for cap in platform['capabilities']:
        args += ['--cap-add', cap]
    return args


def run(cmd, **kwargs):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False, **kwargs)


@pytest.fixture(scope='session')
def engine_host(tmp_path_factory):
    if run(['docker', 'info']).returncode != 0:
        pytest.fail('the integration tests need a running Docker engine on this machine (make host-deps installs one)')
    built = run(['bash', str(BUILD), 'engine'])
    assert built.returncode == 0, built.stdout
    image = built.stdout.strip().splitlines()[-1]
    name = 'geostack-it-%s' % uuid.uuid4().hex[:8]
    platform = yaml.safe_load(PLATFORM.read_text())
    cmd = (['docker', 'run', '-d', '--name', name, '--hostname', 'ithost', '--label', 'org.geostack.test=integration']
           + engine_host_args(platform))
    started = run(cmd + [image, platform['command']])
    assert started.returncode == 0, started.stdout
    try:
        deadline = time.monotonic() + 120
        while run(['docker', 'exec', name, 'docker', 'info']).returncode != 0:
            if time.monotonic() > deadline:
                logs = run(['docker', 'exec', name, 'journalctl', '-u', 'docker', '--no-pager', '-n', '40']).stdout
                pytest.fail('the engine in %s did not start within 120s:\n%s' % (name, logs))
            time.sleep(1)
        inventory = tmp_path_factory.mktemp('inventory') / 'hosts.yml'
        inventory.write_text(
            'all:\n  hosts:\n    ithost:\n'
            '      ansible_connection: community.docker.docker\n'
            '      ansible_host: %s\n'
            '      ansible_python_interpreter: /usr/bin/python3\n' % name)
        yield dict(name=name, inventory=str(inventory))
    finally:
        run(['docker', 'rm', '-fv', name])


@pytest.fixture(scope='session')
def playbook(engine_host):
    """Run a target playbook against the engine host; fail with the playbook's output."""
    env = dict(os.environ,
               ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'),
               ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
               ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_NOCOLOR='1')

    def _run(target, *extra):
        path = Path(__file__).parent / 'targets' / ('%s.yml' % target)
        result = run([str(BIN / 'ansible-playbook'), '-i', engine_host['inventory'], str(path)] + list(extra),
                     env=env, cwd=str(REPO))
        if result.returncode != 0:
            pytest.fail('target %s failed (rc=%d):\n%s' % (target, result.returncode, result.stdout[-12000:]))
        return result.stdout
    return _run
