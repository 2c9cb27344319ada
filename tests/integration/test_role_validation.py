"""Bad input to the swarm, registry and docker_engine roles fails before any change, naming the variable.

Each case runs playbooks/site.yml's swarm play against hosts that all resolve to this machine
(connection local): the role must stop in its validation or preflight, so the local engine is only read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

PLAY = """
- name: One role
  hosts: "{{ geostack_swarm_hosts | default('swarm_managers:swarm_workers') }}"
  any_errors_fatal: true
  roles:
    - role: geostack.swarm.%s
"""


def swarm_state():
    out = subprocess.run(['docker', 'info', '--format', '{{json .Swarm}}'], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    swarm = json.loads(out)
    return swarm.get('LocalNodeState'), swarm.get('NodeID'), swarm.get('Nodes')


def inventory(managers, workers=(), extra_groups=None, host_vars=None):
    lines = ['all:', '  vars:', '    ansible_connection: local',
             '    ansible_python_interpreter: "{{ ansible_playbook_python }}"', '  children:']
    groups = dict(swarm_managers=list(managers), swarm_workers=list(workers))
    groups.update(extra_groups or {})
    for group, hosts in groups.items():
        lines.append('    %s:' % group)
        lines.append('      hosts:' + ('' if hosts else ' {}'))
        for host in hosts:
            lines.append('        %s: %s' % (host, json.dumps((host_vars or {}).get(host, {}))))
    return '\n'.join(lines) + '\n'


CASES = {
    'even managers': (dict(managers=['m1', 'm2']), {}, '2 managers in group swarm_managers'),
    'unknown manager group': (dict(managers=['m1']), dict(swarm_managers_group='managers'),
                              'swarm_managers_group=managers: no such inventory group'),
    'unknown worker group': (dict(managers=['m1']), dict(swarm_workers_group='nodes'),
                             'swarm_workers_group=nodes: no such inventory group'),
    'host in both groups': (dict(managers=['m1'], workers=['m1']), {}, 'each host must be in exactly one of the groups'),
    'overlapping subnets': (dict(managers=['m1']),
                            dict(swarm_networks=[dict(name='a', subnet='10.99.0.0/16'), dict(name='b', subnet='10.99.4.0/24')]),
                            'swarm_networks[1] (b): subnet 10.99.4.0/24 overlaps subnet 10.99.0.0/16 of network a'),
    'duplicate network': (dict(managers=['m1']), dict(swarm_networks=[dict(name='a'), dict(name='a')]),
                          'swarm_networks[1] (a): the name is also used by swarm_networks[0]'),
    'advertise address not on the host': (dict(managers=['m1']), dict(swarm_advertise_addr='203.0.113.77'),
                                          'swarm_advertise_addr=203.0.113.77 is not an address or interface'),
    'election tick': (dict(managers=['m1']), dict(swarm_raft_election_tick=1, swarm_raft_heartbeat_tick=3),
                      'swarm_raft_election_tick (1) must be greater than swarm_raft_heartbeat_tick (3)'),
    'bad availability': (dict(managers=['m1']), dict(swarm_node_availability='sleeping'), 'swarm_node_availability'),
    'network name with a space': (dict(managers=['m1']), dict(swarm_networks=[dict(name='geo front')]),
                                  'swarm_networks[0] (geo front): the name must be letters, digits'),
    'network name with a trailing newline': (dict(managers=['m1']), dict(swarm_networks=[dict(name='geostack_back\n')]),
                                             'swarm_networks[0] (geostack_back ): the name must be letters'),
    'network named ingress': (dict(managers=['m1']), dict(swarm_networks=[dict(name='ingress')]),
                              'swarm_networks[0] (ingress): ingress is the name of a network Docker makes itself'),
    'network subnet not a network': (dict(managers=['m1']), dict(swarm_networks=[dict(name='a', subnet='10.1.2.3/16')]),
                                     "swarm_networks[0] (a): subnet '10.1.2.3/16' is not a network address"),
}


@pytest.fixture(scope='module')
def env():
    return dict(os.environ, ANSIBLE_CONFIG=str(REPO / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(REPO / '.collections'),
                ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1')


def run_play(tmp_path, env, inventory_text, extra_vars, role='swarm'):
    (tmp_path / 'hosts.yml').write_text(inventory_text)
    (tmp_path / 'play.yml').write_text(PLAY % role)
    (tmp_path / 'vars.json').write_text(json.dumps(extra_vars))
    return subprocess.run([str(BIN / 'ansible-playbook'), '-i', str(tmp_path / 'hosts.yml'), str(tmp_path / 'play.yml'),
                           '-e', '@%s' % (tmp_path / 'vars.json')], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=env, cwd=str(REPO), check=False)


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_fails_before_any_change(tmp_path, env, case):
    groups, extra_vars, message = CASES[case]
    before = swarm_state()
    result = run_play(tmp_path, env, inventory(**groups), extra_vars)
    assert result.returncode != 0, result.stdout[-3000:]
    assert message in ' '.join(result.stdout.split()), result.stdout[-5000:]
    assert 'changed=0' in result.stdout and 'changed=1' not in result.stdout, result.stdout[-3000:]
    assert swarm_state() == before


def test_encrypted_network_where_the_kernel_has_no_esp(tmp_path, env):
    facts = subprocess.run([str(BIN / 'ansible'), 'localhost', '-m', 'geostack.swarm.swarm_host_info', '-e',
                            'ansible_python_interpreter=%s' % sys.executable, '-o'], stdout=subprocess.PIPE,
                           universal_newlines=True, env=env, cwd=str(REPO), check=True).stdout
    if '"esp": false' not in facts:
        pytest.skip('this kernel has IPsec ESP: an encrypted network is allowed here')
    before = swarm_state()
    result = run_play(tmp_path, env, inventory(managers=['m1']),
                      dict(swarm_networks=[dict(name='secret', encrypted=True)]))
    assert result.returncode != 0
    text = ' '.join(result.stdout.split())
    assert 'swarm_networks item secret has encrypted=true, but this kernel cannot carry encrypted overlay traffic' in text
    assert 'CONFIG_INET_ESP not set' in text
    assert swarm_state() == before


# The registry role after the swarm and images roles: their facts, as host variables of a manager.
SWARM_FACTS = dict(swarm_intended_role='manager', swarm_host_advertise_addr='192.0.2.10',
                   images_refs={'registry': 'geostack/registry:2.8-0123456789ab'})
REGISTRY_CASES = {
    'address with a port': (dict(registry_address='192.0.2.10:5000'), 'must be a host name or an IP address, without a port'),
    'port out of range': (dict(registry_port=70000), 'registry_port must be between 1 and 65535'),
    'supplied certificate missing': (dict(registry_tls='supplied', registry_tls_cert='/nonexistent/registry.crt'),
                                     'registry_tls_cert=/nonexistent/registry.crt is not a file on the controller'),
    'auth without user name': (dict(registry_username=''), 'registry_auth=true needs registry_username'),
    'credentials directory relative': (dict(registry_credentials_dir='credentials'),
                                       'registry_credentials_dir=credentials must be an absolute path on the controller'),
    'host not a manager': (dict(registry_host='w1'), 'registry_host=w1 is not a swarm manager'),
    'no registry image': (dict(registry_host='m2'), 'the images role provided no registry image on m2'),
    'password of one character': (dict(registry_auth=True, registry_password='x'),
                                  'registry_password must be a string of at least 12 characters'),
    'password on two lines': (dict(registry_auth=True, registry_password='correct horse\nbattery'),
                              'registry_password must be one line'),
    'user name with a colon': (dict(registry_auth=True, registry_username='geo:stack', registry_password='x' * 16),
                               'registry_username=geo:stack must be letters, digits'),
    'port of the swarm': (dict(registry_port=2377), 'registry_port=2377 is reserved'),
    'address with a space': (dict(registry_address='my registry'), 'registry_address=my registry must be a host name'),
    'address with a trailing newline': (dict(registry_address='registry.example.org\n'),
                                        'registry_address=registry.example.org must be a host name'),
    'volume name': (dict(registry_volume='geo stack'), 'registry_volume=geo stack must be letters, digits'),
}


@pytest.mark.parametrize('case', sorted(REGISTRY_CASES))
def test_registry_bad_input_fails_before_any_change(tmp_path, env, case):
    extra_vars, message = REGISTRY_CASES[case]
    extra_vars = dict(extra_vars, swarm_bootstrap_manager='m1', registry_pki_dir=str(tmp_path / 'pki'))
    host_vars = dict(m1=SWARM_FACTS, m2=dict(SWARM_FACTS, images_refs={}),
                     w1=dict(SWARM_FACTS, swarm_intended_role='worker'))
    result = run_play(tmp_path, env, inventory(managers=['m1', 'm2'], workers=['w1'], host_vars=host_vars),
                      extra_vars, role='registry')
    assert result.returncode != 0, result.stdout[-3000:]
    assert message in ' '.join(result.stdout.split()), result.stdout[-5000:]
    assert 'changed=0' in result.stdout and 'changed=1' not in result.stdout, result.stdout[-3000:]
    assert not (tmp_path / 'pki').exists()
    assert not (tmp_path / '.geostack').exists()      # no password generated before the variables passed


# The engine's own variables, checked before the preflight reads the host (the play gathers facts, which only reads).
ENGINE_CASES = {
    'docker API on tcp': (dict(docker_engine_daemon_options={'hosts': ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375']}),
                          'docker_engine_daemon_options.hosts: tcp://0.0.0.0:2375 would open the Docker API on TCP'),
    'docker API on tcp, as a string': (dict(docker_engine_daemon_options={'hosts': 'tcp://127.0.0.1:2376'}),
                                       'docker_engine_daemon_options.hosts: tcp://127.0.0.1:2376 would open the Docker API'),
    'docker API on tcp without tls': (dict(docker_engine_daemon_options={'hosts': ['tcp://0.0.0.0:2375'], 'tls': False}),
                                      'docker_engine_daemon_options.tls=false with a tcp:// host'),
    'live restore': (dict(docker_engine_daemon_options={'live-restore': True}),
                     'docker_engine_daemon_options sets live-restore: true, which is incompatible with Swarm mode'),
    'no-new-privileges in the daemon options': (dict(docker_engine_daemon_options={'no-new-privileges': False}),
                                                'docker_engine_daemon_options sets no-new-privileges: set'
                                                ' docker_engine_no_new_privileges instead'),
    'mirror not a URL': (dict(docker_engine_registry_mirrors=['mirror.example.org']),
                         'docker_engine_registry_mirrors: mirror.example.org must be an http(s):// URL'),
    'mirror with a trailing newline': (dict(docker_engine_registry_mirrors=['https://mirror.example.org\n']),
                                       'docker_engine_registry_mirrors: https://mirror.example.org must be an http(s):// URL'),
    'proxy not a URL': (dict(docker_engine_http_proxy='proxy:3128'),
                        'docker_engine_http_proxy=proxy:3128 must be empty or a proxy URL'),
    'mirrors a string': (dict(docker_engine_registry_mirrors='https://mirror.example.org'),
                         'docker_engine_registry_mirrors must be a list'),
    'log size': (dict(docker_engine_log_max_size='big'), 'docker_engine_log_max_size=big must be a size such as 10m'),
    'address pool': (dict(docker_engine_default_address_pools=[{'base': '10.0.0.0/33', 'size': 24}]),
                     'docker_engine_default_address_pools[0] must be {base: <IPv4 CIDR>'),
}


@pytest.mark.parametrize('case', sorted(ENGINE_CASES))
def test_engine_bad_input_fails_before_any_change(tmp_path, env, case):
    extra_vars, message = ENGINE_CASES[case]
    result = run_play(tmp_path, env, inventory(managers=['m1']), extra_vars, role='docker_engine')
    assert result.returncode != 0, result.stdout[-3000:]
    assert message in ' '.join(result.stdout.split()), result.stdout[-5000:]
    assert 'changed=0' in result.stdout and 'changed=1' not in result.stdout, result.stdout[-3000:]
    # Stopped in the role's first task, before the preflight read the host.
    assert 'Read the host' not in result.stdout, result.stdout[-3000:]


# The images' own variables, checked before anything is read from the mirrors or built.
IMAGES_CASES = {
    'mirror over https': (dict(images_debian_mirror='https://deb.debian.org/debian'),
                          'images_debian_mirror=https://deb.debian.org/debian must be an http:// URL'),
    'mirror with a trailing newline': (dict(images_debian_security_mirror='http://deb.debian.org/debian-security\n'),
                                       'images_debian_security_mirror=http://deb.debian.org/debian-security must be'),
    'mirror without a host': (dict(images_debian_mirror='http:///debian'), 'images_debian_mirror=http:///debian must be'),
    'proxy without a scheme': (dict(images_apt_proxy='apt-cache:3142'),
                               'images_apt_proxy=apt-cache:3142 must be empty or a proxy URL'),
    # the proxy's password is never shown, even when the proxy is refused
    'proxy with credentials and a bad host': (dict(images_apt_proxy='http://bob:Hunter2Secret@apt cache:3142'),
                                              'images_apt_proxy=http://apt cache:3142 must be empty or a proxy URL'),
    'npm registry not a URL': (dict(images_npm_registry_url='registry.npmjs.org'),
                               'images_npm_registry_url=registry.npmjs.org must be an npm registry URL'),
    'namespace with a space': (dict(images_namespace='geo stack'), 'images_namespace=geo stack is not a valid image'),
    'unknown service to build': (dict(images_build=['nosuch']), 'images_build lists an unknown service nosuch'),
}


@pytest.mark.parametrize('case', sorted(IMAGES_CASES))
def test_images_bad_input_fails_before_any_change(tmp_path, env, case):
    extra_vars, message = IMAGES_CASES[case]
    result = run_play(tmp_path, env, inventory(managers=['m1']), dict(extra_vars, images_build_dir=str(tmp_path / 'build')),
                      role='images')
    assert result.returncode != 0, result.stdout[-3000:]
    assert message in ' '.join(result.stdout.split()), result.stdout[-5000:]
    assert 'changed=0' in result.stdout and 'changed=1' not in result.stdout, result.stdout[-3000:]
    assert not (tmp_path / 'build').exists()
    assert 'Hunter2Secret' not in result.stdout + (result.stderr or '')


# The firewall's variables, refused by its validate step before nftables is installed or any rule loaded; the same
# step runs in site.yml's first play.
FIREWALL_CASES = {
    'ssh port out of range': (dict(firewall_ssh_port=70000), 'firewall_ssh_port=70000 must be a port number from 1 to 65535'),
    'ssh source not a CIDR': (dict(firewall_ssh_sources=['192.0.2.0/33']),
                              "firewall_ssh_sources[0]: '192.0.2.0/33' is not an address or a network in CIDR form"),
    'member source with host bits': (dict(firewall_member_sources=['10.89.0.1/24']),
                                     'firewall_member_sources[0]: 10.89.0.1/24 has host bits set (the network is 10.89.0.0/24)'),
    'allowed port of the swarm': (dict(firewall_allowed=[dict(port='7000-8000')]),
                                  "firewall_allowed[0].port=7000-8000 includes the swarm nodes' gossip port (7946/tcp+udp)"),
    'allowed port with an unknown key': (dict(firewall_allowed=[dict(port=8443, source=['192.0.2.0/24'])]),
                                         'firewall_allowed[0] has unknown keys: source'),
    'allowed protocol': (dict(firewall_allowed=[dict(port=53, proto='sctp')]), 'firewall_allowed[0].proto=sctp must be tcp or udp'),
    'registry source not an address': (dict(firewall_registry_sources=['build-host']),
                                       "firewall_registry_sources[0]: 'build-host' is not an address or a network"),
    'policy': (dict(firewall_policy='reject'), 'firewall_policy'),
    'registry host not in the inventory': (dict(firewall_registry_host='nosuch'),
                                           'firewall_registry_host=nosuch is not a host of the inventory'),
}


def nft_table():
    try:
        return subprocess.run(['nft', 'list', 'table', 'inet', 'geostack'], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, check=False).stdout
    except OSError:
        return 'no nft'


@pytest.mark.parametrize('case', sorted(FIREWALL_CASES))
def test_firewall_bad_input_fails_before_any_change(tmp_path, env, case):
    extra_vars, message = FIREWALL_CASES[case]
    before = nft_table()
    result = run_play(tmp_path, env, inventory(managers=['m1']), extra_vars, role='firewall')
    assert result.returncode != 0, result.stdout[-3000:]
    assert message in ' '.join(result.stdout.split()), result.stdout[-5000:]
    assert 'changed=0' in result.stdout and 'changed=1' not in result.stdout, result.stdout[-3000:]
    assert 'Install nftables' not in result.stdout and 'Load the rules' not in result.stdout, result.stdout[-3000:]
    assert nft_table() == before


def test_firewall_bad_input_fails_in_the_first_play_of_site(tmp_path, env):
    result = subprocess.run([str(BIN / 'ansible-playbook'), '-i', 'inventories/local', 'playbooks/site.yml', '-e',
                             json.dumps(dict(firewall_allowed=[dict(port=2377)], firewall_ssh_sources=['any'],
                                             geostack_credentials_dir=str(tmp_path / 'credentials')))],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=env,
                            cwd=str(REPO), check=False)
    text = ' '.join(result.stdout.split())
    assert result.returncode != 0, result.stdout[-3000:]
    assert "firewall_ssh_sources[0]: 'any' is not an address" in text, result.stdout[-3000:]
    assert "firewall_allowed[0].port=2377 includes the swarm managers' port" in text, result.stdout[-3000:]
    assert 'PLAY [Docker engine on every host]' not in result.stdout
    assert 'changed=0' in result.stdout and 'changed=1' not in result.stdout, result.stdout[-3000:]


def test_network_encrypted_must_be_true_false_or_auto(tmp_path, env):
    before = swarm_state()
    result = run_play(tmp_path, env, inventory(managers=['m1']), dict(swarm_networks=[dict(name='a', encrypted='yes')]))
    assert result.returncode != 0, result.stdout[-3000:]
    assert 'swarm_networks[0] (a): encrypted must be true, false or auto' in ' '.join(result.stdout.split())
    assert swarm_state() == before
