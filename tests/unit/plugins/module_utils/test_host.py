# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import errno
import gzip
import json
import os
import socket
import subprocess

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils import host
from ansible_collections.geostack.swarm.plugins.module_utils.host import (
    KERNEL_FEATURES,
    address_problem,
    feature_state,
    host_addresses,
    kernel_config,
    kernel_facts,
    module_files,
    parse_kernel_config,
    port_free,
    service_manager,
)

pytestmark = pytest.mark.unit

RELEASE = '6.1.0-99-test'

CONFIG = """\
#
# Automatically generated file; DO NOT EDIT.
#
CONFIG_LOCALVERSION=""
CONFIG_DEFAULT_HOSTNAME="(none)"
CONFIG_IP_VS=m
CONFIG_VXLAN=m
CONFIG_INET_ESP=m
# CONFIG_XFRM_USER is not set
CONFIG_BRIDGE=y
CONFIG_VETH=m
CONFIG_OVERLAY_FS=m
  CONFIG_INDENTED=y
"""


# -- kernel configuration -------------------------------------------------------------------------------------

def test_parse_kernel_config():
    symbols = parse_kernel_config(CONFIG)
    assert symbols['CONFIG_IP_VS'] == 'm'
    assert symbols['CONFIG_BRIDGE'] == 'y'
    assert symbols['CONFIG_XFRM_USER'] == 'n'
    assert symbols['CONFIG_LOCALVERSION'] == ''
    assert symbols['CONFIG_DEFAULT_HOSTNAME'] == '(none)'
    assert symbols['CONFIG_INDENTED'] == 'y'
    assert all(k.startswith('CONFIG_') for k in symbols)
    assert len(symbols) == 10


ESP = KERNEL_FEATURES['esp']


@pytest.mark.parametrize('symbols, loaded, available, expected', [
    ({}, {'esp4'}, set(), (True, 'loaded')),
    ({'CONFIG_INET_ESP': 'n'}, {'esp4'}, set(), (True, 'loaded')),
    ({'CONFIG_INET_ESP': 'y', 'CONFIG_XFRM_USER': 'y'}, set(), set(), (True, 'built in')),
    ({'CONFIG_INET_ESP': 'm', 'CONFIG_XFRM_USER': 'y'}, set(), {'esp4', 'vxlan'}, (True, 'loadable module')),
    ({'CONFIG_INET_ESP': 'm', 'CONFIG_XFRM_USER': 'm'}, set(), set(), (True, 'loadable module')),
    ({'CONFIG_INET_ESP': 'm', 'CONFIG_XFRM_USER': 'y'}, set(), {'vxlan'},
     (False, 'configured as a module but not installed under /lib/modules')),
    ({'CONFIG_INET_ESP': 'y', 'CONFIG_XFRM_USER': 'n'}, set(), set(),
     (False, 'CONFIG_XFRM_USER not set in the kernel configuration')),
    ({'CONFIG_BRIDGE': 'y'}, set(), {'esp4'},
     (False, 'CONFIG_INET_ESP, CONFIG_XFRM_USER not set in the kernel configuration')),
    ({}, set(), {'esp4'}, (True, 'loadable module')),
    ({}, set(), {'vxlan'}, (False, 'no esp4 module under /lib/modules')),
    ({}, set(), set(), (None, 'unknown: no kernel configuration or module list is readable')),
])
def test_feature_state(symbols, loaded, available, expected):
    assert feature_state(symbols, loaded, available, *ESP) == expected


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """A host root with /proc/config.gz, /sys/module and /lib/modules/<release>; os.uname gives <release>."""
    monkeypatch.setattr(host.os, 'uname', lambda: ('Linux', 'node1', RELEASE, '#1 SMP', 'x86_64'))
    (tmp_path / 'proc').mkdir()
    with gzip.open(str(tmp_path / 'proc' / 'config.gz'), 'wt') as handle:
        handle.write(CONFIG)
    for name in ('vxlan', 'bridge'):
        (tmp_path / 'sys' / 'module' / name).mkdir(parents=True)
    modules = tmp_path / 'lib' / 'modules' / RELEASE
    modules.mkdir(parents=True)
    (modules / 'modules.dep').write_text(
        'kernel/net/netfilter/ipvs/ip_vs.ko.zst: kernel/net/netfilter/nf_conntrack.ko.zst\n'
        'kernel/drivers/net/vxlan/vxlan.ko.xz:\n'
        'kernel/net/ipv4/esp4.ko:\n'
        'kernel/fs/overlayfs/overlay.ko.gz:\n'
        'kernel/drivers/net/some-driver.ko:\n')
    (modules / 'modules.builtin').write_text('kernel/drivers/net/veth.ko\n')
    return tmp_path


def test_kernel_facts_from_fake_root(fake_root):
    facts = kernel_facts(root=str(fake_root))
    assert facts['release'] == RELEASE
    assert facts['config_source'] == os.path.join(str(fake_root), 'proc/config.gz')
    assert facts['ipvs'] is True and facts['details']['ipvs']['evidence'] == 'loadable module'
    assert facts['vxlan'] is True and facts['details']['vxlan']['evidence'] == 'loaded'
    assert facts['bridge'] is True and facts['details']['bridge']['evidence'] == 'loaded'
    assert facts['veth'] is True and facts['details']['veth']['evidence'] == 'loadable module'
    assert facts['overlay_fs'] is True
    assert facts['esp'] is False
    assert facts['details']['esp'] == dict(present=False,
                                           evidence='CONFIG_XFRM_USER not set in the kernel configuration',
                                           used_for='encrypted overlay networks (IPsec ESP)')
    assert set(facts['details']) == set(KERNEL_FEATURES)


def test_kernel_facts_proc_ip_vs_means_loaded(fake_root):
    (fake_root / 'proc' / 'net').mkdir()
    (fake_root / 'proc' / 'net' / 'ip_vs').write_text('')
    facts = kernel_facts(root=str(fake_root))
    assert facts['details']['ipvs']['evidence'] == 'loaded'


def test_kernel_facts_falls_back_to_boot_config(fake_root):
    (fake_root / 'proc' / 'config.gz').unlink()
    (fake_root / 'boot').mkdir()
    (fake_root / 'boot' / ('config-%s' % RELEASE)).write_text('CONFIG_INET_ESP=y\nCONFIG_XFRM_USER=y\n')
    facts = kernel_facts(root=str(fake_root))
    assert facts['config_source'].endswith('boot/config-%s' % RELEASE)
    assert facts['esp'] is True and facts['details']['esp']['evidence'] == 'built in'
    # CONFIG_IP_VS is not in this configuration: it says ipvs is missing even though the module file exists
    assert facts['ipvs'] is False


def test_kernel_facts_with_nothing_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(host.os, 'uname', lambda: ('Linux', 'node1', RELEASE, '#1', 'x86_64'))
    facts = kernel_facts(root=str(tmp_path))
    assert facts['config_source'] is None
    assert all(facts[name] is None for name in KERNEL_FEATURES)


def test_kernel_config_candidates_in_order(tmp_path):
    assert kernel_config(RELEASE, str(tmp_path)) == ({}, None)
    lib = tmp_path / 'lib' / 'modules' / RELEASE
    lib.mkdir(parents=True)
    (lib / 'config').write_text('CONFIG_VXLAN=m\n')
    assert kernel_config(RELEASE, str(tmp_path)) == ({'CONFIG_VXLAN': 'm'}, str(lib / 'config'))


def test_module_files(fake_root):
    assert module_files(RELEASE, str(fake_root)) == {'ip_vs', 'vxlan', 'esp4', 'overlay', 'some_driver', 'veth'}
    assert module_files('other-release', str(fake_root)) == set()


# -- addresses ------------------------------------------------------------------------------------------------

ADDRESSES = {'lo': ['127.0.0.1', '::1'], 'eth0': ['192.0.2.10', '2001:db8::10'], 'eth1': ['198.51.100.7'],
             'docker0': [], 'v6only': ['2001:db8::20']}


@pytest.mark.parametrize('value, option', [
    ('192.0.2.10', 'advertise_addr'),
    ('192.0.2.10:2377', 'advertise_addr'),
    ('[2001:db8::10]:2377', 'advertise_addr'),
    ('2001:db8::10', 'data_path_addr'),
    ('eth1', 'advertise_addr'),
    ('eth1:2377', 'advertise_addr'),
    ('0.0.0.0:2377', 'listen_addr'),
    ('0.0.0.0', 'listen_addr'),
    ('[::]:2377', 'listen_addr'),
    (None, 'advertise_addr'),
    ('', 'advertise_addr'),
])
def test_address_on_host(value, option):
    assert address_problem(value, ADDRESSES, option) is None


def test_interface_without_address():
    assert address_problem('docker0', ADDRESSES, 'advertise_addr') == \
        'advertise_addr=docker0 names an interface with no address'


@pytest.mark.parametrize('value', ['0.0.0.0', '0.0.0.0:2377', '[::]:2377'])
def test_wildcard_is_refused_for_advertise_addr(value):
    assert address_problem(value, ADDRESSES, 'advertise_addr') == \
        'advertise_addr=%s is a wildcard; give an address or interface of this host' % value


def test_unknown_address_lists_known_addresses_and_interfaces():
    problem = address_problem('203.0.113.5:2377', ADDRESSES, 'advertise_addr')
    assert problem == ('advertise_addr=203.0.113.5:2377 is not an address or interface of this host (its addresses: '
                       '127.0.0.1, 192.0.2.10, 198.51.100.7, 2001:db8::10, 2001:db8::20, ::1; '
                       'interfaces: docker0, eth0, eth1, lo, v6only)')
    assert 'eth7' in address_problem('eth7', ADDRESSES, 'data_path_addr')


def test_no_address_list_means_no_check():
    assert address_problem('203.0.113.5', None, 'advertise_addr') is None
    assert address_problem('0.0.0.0', None, 'advertise_addr') is None


def test_host_addresses_parses_ip_json():
    out = json.dumps([
        {'ifname': 'lo', 'addr_info': [{'family': 'inet', 'local': '127.0.0.1'}, {'family': 'inet6', 'local': '::1'}]},
        {'ifname': 'eth0', 'addr_info': [{'family': 'inet', 'local': '192.0.2.10'}, {'family': 'inet'}]},
        {'ifname': 'docker0'},
    ])
    seen = []

    def run(cmd, **kwargs):
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout=out, stderr='')
    assert host_addresses(run=run) == {'lo': ['127.0.0.1', '::1'], 'eth0': ['192.0.2.10'], 'docker0': []}
    assert seen == [['ip', '-j', 'addr', 'show']]


@pytest.mark.parametrize('error', [
    OSError(errno.ENOENT, 'No such file or directory: ip'),
    subprocess.CalledProcessError(1, ['ip']),
])
def test_host_addresses_without_iproute2(error):
    def run(cmd, **kwargs):
        raise error
    assert host_addresses(run=run) is None


def test_host_addresses_with_bad_json():
    assert host_addresses(run=lambda cmd, **kw: subprocess.CompletedProcess(cmd, 0, stdout='not json')) is None


# -- ports and service manager --------------------------------------------------------------------------------

def test_port_free_tcp_with_a_real_listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(('0.0.0.0', 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        assert port_free(port, 'tcp') is False
    finally:
        sock.close()
    assert port_free(port, 'tcp') is True


def test_port_free_udp_with_a_real_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(('0.0.0.0', 0))
        port = sock.getsockname()[1]
        assert port_free(str(port), 'udp') is False
    finally:
        sock.close()
    assert port_free(str(port), 'udp') is True


class FakeSocket(object):
    def __init__(self, error):
        self.error = error
        self.closed = False

    def setsockopt(self, *args):
        pass

    def bind(self, address):
        raise self.error

    def close(self):
        self.closed = True


def test_port_free_permission_denied_counts_as_taken():
    sockets = []

    def bind(family, kind):
        sockets.append(FakeSocket(OSError(errno.EACCES, 'Permission denied')))
        return sockets[-1]
    assert port_free(80, 'tcp', bind=bind) is False
    assert sockets[0].closed


def test_port_free_other_errors_propagate_and_close():
    sockets = []

    def bind(family, kind):
        sockets.append(FakeSocket(OSError(errno.EADDRNOTAVAIL, 'Cannot assign requested address')))
        return sockets[-1]
    with pytest.raises(OSError):
        port_free(2377, 'udp', bind=bind)
    assert sockets[0].closed


def test_port_facts_cover_swarm_ports(monkeypatch):
    monkeypatch.setattr(host, 'port_free', lambda port, proto: port != '7946')
    facts = host.port_facts()
    assert sorted(facts) == ['2377/tcp', '4789/udp', '7946/tcp', '7946/udp']
    assert facts['7946/udp'] == dict(free=False, used_for='node communication')
    assert facts['2377/tcp']['free'] is True


def test_service_manager(tmp_path):
    assert service_manager(str(tmp_path)) == 'none'
    (tmp_path / 'etc' / 'init.d').mkdir(parents=True)
    assert service_manager(str(tmp_path)) == 'sysvinit'
    (tmp_path / 'run' / 'systemd' / 'system').mkdir(parents=True)
    assert service_manager(str(tmp_path)) == 'systemd'
