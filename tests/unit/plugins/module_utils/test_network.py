# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.network import (
    NetworkSpecError,
    attached_services,
    create_kwargs,
    current_view,
    desired_options,
    differences,
    network_subnets,
    overlaps,
    validate,
)

pytestmark = pytest.mark.unit


def params(**values):
    out = dict(name='geo_front', driver='overlay', attachable=False, internal=False, subnet=None, gateway=None,
               ip_range=None, mtu=None, encrypted=False, labels=None, driver_options=None)
    out.update(values)
    return out


# -- validate -------------------------------------------------------------------------------------------------

def test_validate_normalizes():
    assert validate(params()) == dict(subnet=None, gateway=None, ip_range=None)
    assert validate(params(subnet='10.20.1.0/24', gateway='10.20.1.1', ip_range='10.20.1.128/25', mtu=1400)) == dict(
        subnet='10.20.1.0/24', gateway='10.20.1.1', ip_range='10.20.1.128/25')
    assert validate(params(subnet='fd00:0:0:1::/64', gateway='fd00:0:0:1::1'))['subnet'] == 'fd00:0:0:1::/64'


@pytest.mark.parametrize('values, message', [
    (dict(subnet='10.20.1.0/33'), "subnet '10.20.1.0/33' is not a network address in CIDR form"),
    (dict(subnet='front'), "subnet 'front' is not a network address in CIDR form"),
    (dict(subnet='10.20.1.1/24'), "subnet '10.20.1.1/24' is not a network address in CIDR form: 10.20.1.1/24 has host bits set"),
    (dict(subnet='10.20.1.0/24', gateway='10.20.2.1'), 'gateway 10.20.2.1 is not in subnet 10.20.1.0/24'),
    (dict(subnet='10.20.1.0/24', gateway='fd00::1'), 'gateway fd00::1 is not in subnet 10.20.1.0/24'),
    (dict(subnet='10.20.1.0/24', gateway='gw'), "gateway 'gw' is not an IP address"),
    (dict(subnet='10.20.1.0/24', ip_range='10.20.0.0/23'), 'ip_range 10.20.0.0/23 is not inside subnet 10.20.1.0/24'),
    (dict(subnet='10.20.1.0/24', ip_range='10.30.1.0/25'), 'ip_range 10.30.1.0/25 is not inside subnet 10.20.1.0/24'),
    (dict(subnet='10.20.1.0/24', ip_range='fd00::/64'), 'ip_range fd00::/64 is not inside subnet 10.20.1.0/24'),
    (dict(subnet='10.20.1.0/24', ip_range='10.20.1.1/25'), "ip_range '10.20.1.1/25' is not a network in CIDR form"),
    (dict(gateway='10.20.1.1'), 'gateway needs subnet'),
    (dict(ip_range='10.20.1.0/25'), 'ip_range needs subnet'),
    (dict(mtu=575), 'mtu must be between 576 and 9216, got 575'),
    (dict(mtu=9217), 'mtu must be between 576 and 9216, got 9217'),
    (dict(mtu=0), 'mtu must be between 576 and 9216, got 0'),
])
def test_validate_rejects(values, message):
    with pytest.raises(NetworkSpecError) as exc:
        validate(params(**values))
    assert message in str(exc.value)


@pytest.mark.parametrize('mtu', [576, 1450, 9216])
def test_validate_mtu_bounds_accepted(mtu):
    validate(params(mtu=mtu))


# -- differences ----------------------------------------------------------------------------------------------

INSPECTED = {
    'Name': 'geo_front', 'Id': 'abc123', 'Scope': 'swarm', 'Driver': 'overlay', 'Attachable': True,
    'Internal': False, 'Ingress': False,
    'IPAM': {'Driver': 'default', 'Options': None,
             'Config': [{'Subnet': '10.20.1.0/24', 'Gateway': '10.20.1.1', 'IPRange': '10.20.1.128/25'}]},
    'Options': {'com.docker.network.driver.overlay.vxlanid_list': '4097', 'com.docker.network.driver.mtu': '1400',
                'encrypted': ''},
    'Labels': {'tier': 'front'},
}
MATCHING = dict(subnet='10.20.1.0/24', gateway='10.20.1.1', ip_range='10.20.1.128/25', attachable=True, mtu=1400,
                encrypted=True, labels={'tier': 'front'})


def diff(**changes):
    p = params(**dict(MATCHING, **changes))
    return differences(INSPECTED, p, validate(p))


def test_idempotent_when_inspect_matches():
    assert diff() == []


def test_docker_own_vxlanid_option_is_ignored():
    assert 'com.docker.network.driver.overlay.vxlanid_list' not in current_view(INSPECTED)['options']
    assert diff(driver_options={'com.docker.network.driver.overlay.foo': None})[0]['setting'] == \
        'driver_options.com.docker.network.driver.overlay.foo'


def test_unset_options_are_not_compared():
    p = params(attachable=True, encrypted=True)
    assert differences(INSPECTED, p, validate(p)) == []


@pytest.mark.parametrize('changes, expected', [
    (dict(attachable=False), dict(setting='attachable', before=True, after=False)),
    (dict(internal=True), dict(setting='internal', before=False, after=True)),
    (dict(subnet='10.20.0.0/16', gateway=None, ip_range=None),
     dict(setting='subnet', before='10.20.1.0/24', after='10.20.0.0/16')),
    (dict(gateway='10.20.1.254'), dict(setting='gateway', before='10.20.1.1', after='10.20.1.254')),
    (dict(ip_range='10.20.1.0/25'), dict(setting='ip_range', before='10.20.1.128/25', after='10.20.1.0/25')),
    (dict(labels={'tier': 'back'}), dict(setting='labels', before={'tier': 'front'}, after={'tier': 'back'})),
    (dict(labels={}), dict(setting='labels', before={'tier': 'front'}, after={})),
    (dict(encrypted=False), dict(setting='encrypted', before=True, after=False)),
    (dict(mtu=1450), dict(setting='mtu', before='1400', after='1450')),
    (dict(driver_options={'com.docker.network.driver.overlay.foo': 'bar'}),
     dict(setting='driver_options.com.docker.network.driver.overlay.foo', before=None, after='bar')),
])
def test_each_property_change_is_detected(changes, expected):
    assert diff(**changes) == [expected]


def test_driver_change_is_detected():
    p = params(**MATCHING)
    p['driver'] = 'macvlan'
    assert differences(INSPECTED, p, validate(p)) == [dict(setting='driver', before='overlay', after='macvlan')]


def test_labels_none_are_not_compared_and_values_are_strings():
    assert diff(labels=None) == []
    inspected = dict(INSPECTED, Labels={'n': '1'})
    p = params(**MATCHING)
    p['labels'] = {'n': 1}
    assert differences(inspected, p, validate(p)) == []


def test_network_without_ipam_or_options():
    bare = {'Name': 'n', 'Driver': 'overlay', 'IPAM': None, 'Options': None, 'Labels': None}
    view = current_view(bare)
    assert view == dict(driver='overlay', attachable=False, internal=False, subnet=None, gateway=None, ip_range=None,
                        labels={}, options={}, encrypted=False)
    p = params(subnet='10.1.0.0/24')
    assert differences(bare, p, validate(p)) == [dict(setting='subnet', before=None, after='10.1.0.0/24')]


# -- overlaps -------------------------------------------------------------------------------------------------

def net(name, *subnets):
    return dict(Name=name, IPAM=dict(Config=[dict(Subnet=s) for s in subnets]))


NETWORKS = [net('ingress', '10.0.0.0/24'), net('geo_back', '10.20.2.0/24'), net('geo_front', '10.20.1.0/24'),
            net('v6', 'fd00:1::/64'), net('bridge', '172.17.0.0/16'), dict(Name='host', IPAM=None),
            net('broken', 'not-a-subnet')]


def test_ipv4_overlap():
    assert overlaps('10.20.0.0/16', NETWORKS, 'geo_new') == [('geo_back', '10.20.2.0/24'), ('geo_front', '10.20.1.0/24')]
    assert overlaps('10.20.2.128/25', NETWORKS, 'geo_new') == [('geo_back', '10.20.2.0/24')]


def test_no_overlap():
    assert overlaps('10.20.3.0/24', NETWORKS, 'geo_new') == []
    assert overlaps(None, NETWORKS, 'geo_new') == []


def test_same_name_is_skipped():
    assert overlaps('10.20.1.0/24', NETWORKS, 'geo_front') == []


def test_ipv4_and_ipv6_never_overlap():
    assert overlaps('fd00:1::/48', NETWORKS, 'geo_new') == [('v6', 'fd00:1::/64')]
    assert overlaps('0.0.0.0/0', [net('v6', 'fd00:1::/64')], 'x') == []


def test_network_subnets_skips_bad_entries():
    assert [str(s) for s in network_subnets(net('x', '10.1.0.0/24', 'junk', '10.2.0.1/24'))] == [
        '10.1.0.0/24', '10.2.0.0/24']


# -- attached services ----------------------------------------------------------------------------------------

def service(name, targets, in_template=True):
    nets = [dict(Target=t) for t in targets]
    spec = dict(Name=name, TaskTemplate=dict(Networks=nets) if in_template else {})
    if not in_template:
        spec['Networks'] = nets
    return dict(ID='id-' + name, Spec=spec)


def test_attached_services():
    services = [service('by-id', ['abc123']), service('by-name', ['geo_front']),
                service('old-style', ['abc123'], in_template=False), service('other', ['zzz']),
                service('none', []), dict(ID='bare', Spec=dict(Name='bare'))]
    assert attached_services(services, INSPECTED) == ['by-id', 'by-name', 'old-style']
    assert attached_services(services, dict(ID='zzz', Name='elsewhere')) == ['other']
    assert attached_services([], INSPECTED) == []


# -- create_kwargs --------------------------------------------------------------------------------------------

def test_create_kwargs_full():
    p = params(subnet='10.20.1.0/24', gateway='10.20.1.1', ip_range='10.20.1.128/25', attachable=True, internal=True,
               mtu=1400, encrypted=True, labels={'n': 1}, driver_options={'x': 2})
    assert create_kwargs(p, validate(p)) == dict(
        name='geo_front', driver='overlay',
        options={'x': '2', 'com.docker.network.driver.mtu': '1400', 'encrypted': ''},
        ipam=dict(Driver='default', Config=[dict(Subnet='10.20.1.0/24', Gateway='10.20.1.1',
                                                 IPRange='10.20.1.128/25')]),
        internal=True, labels={'n': '1'}, attachable=True, scope='swarm', check_duplicate=True)


def test_create_kwargs_minimal():
    p = params()
    assert create_kwargs(p, validate(p)) == dict(name='geo_front', driver='overlay', options=None, ipam=None,
                                                 internal=False, labels=None, attachable=False, scope='swarm',
                                                 check_duplicate=True)


def test_created_network_matches_its_params():
    """What create_kwargs asks for, inspected back, shows no differences."""
    p = params(**MATCHING)
    addressing = validate(p)
    kwargs = create_kwargs(p, addressing)
    inspected = copy.deepcopy(INSPECTED)
    inspected['Options'] = dict(kwargs['options'], **{'com.docker.network.driver.overlay.vxlanid_list': '4100'})
    inspected['IPAM']['Config'] = kwargs['ipam']['Config']
    inspected['Labels'] = kwargs['labels']
    assert differences(inspected, p, addressing) == []
    assert desired_options(p) == kwargs['options']
