"""The Molecule scenarios, run as `molecule test`: create -> converge -> idempotence -> verify -> destroy.

The hosts' image is built first from the Debian archive (no registry): molecule/resources/bare-host/build.sh.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.molecule

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope='module')
def bare_host_image():
    built = subprocess.run(['bash', str(REPO / 'molecule' / 'resources' / 'bare-host' / 'build.sh')],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert built.returncode == 0, built.stdout
    return built.stdout.strip().splitlines()[-1]


def volumes(*flags):
    return set(subprocess.run(['docker', 'volume', 'ls', '-q'] + list(flags), stdout=subprocess.PIPE,
                              universal_newlines=True, check=False).stdout.split())


@pytest.fixture
def own_volumes():
    """Remove the anonymous volumes (the hosts' /var/lib/docker) that the scenario's destroyed hosts leave behind:
    Molecule's docker driver keeps them, and each holds the images the host pulled."""
    before = volumes()
    yield
    leftovers = [v for v in volumes('--filter', 'dangling=true') - before if len(v) == 64]
    if leftovers:
        subprocess.run(['docker', 'volume', 'rm'] + leftovers, stdout=subprocess.DEVNULL, check=False)


@pytest.mark.parametrize('scenario', ['cluster', 'stack'])
def test_scenario(bare_host_image, own_volumes, scenario):
    env = dict(os.environ, GEOSTACK_BARE_HOST_IMAGE=bare_host_image, ANSIBLE_FORCE_COLOR='0', PY_COLORS='0',
               ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'), PATH='%s:%s' % (BIN, os.environ.get('PATH', '')))
    log = REPO / 'tests' / 'output' / ('molecule-%s.log' % scenario)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, 'w') as out:
        result = subprocess.run([str(BIN / 'molecule'), 'test', '-s', scenario], cwd=str(REPO), env=env,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        text = log.read_text()
        pytest.fail('molecule test -s %s failed (rc=%d); full log in %s. Last lines:\n%s'
                    % (scenario, result.returncode, log, text[-15000:]))
