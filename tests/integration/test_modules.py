"""Each module against a real engine: check mode -> run -> rerun (changed=0) -> rerun in check mode."""

import pytest

pytestmark = pytest.mark.integration

# Order matters only for speed: each target sets up the swarm state it needs.
TARGETS = ['swarm_host_info', 'swarm_info', 'swarm_cluster', 'swarm_node', 'overlay_network', 'geo_stack']


@pytest.mark.parametrize('target', TARGETS)
def test_target(playbook, target):
    output = playbook(target)
    assert 'failed=0' in output
