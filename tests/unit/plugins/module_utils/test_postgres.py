# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PostGIS's access rules (pg_hba.conf, pg_ident.conf) and the SCRAM-SHA-256 verifiers sent instead of passwords."""

from __future__ import annotations

import base64
import ipaddress

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.postgres import hba, hba_problems, saslprep, scram_sha256

pytestmark = pytest.mark.unit

ROLES = dict(superuser='postgres', owner='geostack', reader='geostack_reader', databases=['gis'])


def rules(text):
    """pg_hba.conf's lines without comments, as lists of fields."""
    return [line.split() for line in text.splitlines() if line.strip() and not line.startswith('#')]


def first_match(text, kind, user, address=None, ssl=True, database='gis'):
    """The METHOD of the first line PostgreSQL would choose for a connection (its own matching, simplified to what the
    role writes: quoted names, CIDR or 'all')."""
    for fields in rules(text):
        ftype, fdb, fuser = fields[0], fields[1], fields[2]
        if kind == 'local':
            if ftype != 'local':
                continue
            rest = fields[3:]
        else:
            if ftype == 'local' or (ftype == 'hostssl' and not ssl) or (ftype == 'hostnossl' and ssl):
                continue
            where = fields[3]
            if where != 'all' and ipaddress.ip_address(address) not in ipaddress.ip_network(where):
                continue
            rest = fields[4:]
        if fdb != 'all' and database not in [d.strip('"') for d in fdb.split(',')]:
            continue
        if fuser != 'all' and user not in [u.strip('"') for u in fuser.split(',')]:
            continue
        return ' '.join(rest)
    return 'no line (rejected)'


@pytest.fixture
def back_only():
    return hba(back_subnets=['10.0.2.0/24'], **ROLES)['hba']


def test_the_superuser_comes_in_over_the_socket_only(back_only):
    assert first_match(back_only, 'local', 'postgres') == 'peer map=superuser'
    for address in ('10.0.2.7', '127.0.0.1', '192.0.2.2'):
        for ssl in (True, False):
            assert first_match(back_only, 'host', 'postgres', address, ssl) == 'reject', (address, ssl)
    # No line that can admit it over the network at all.
    assert not [f for f in rules(back_only) if f[0] != 'local' and f[-1] != 'reject' and 'postgres' in f[2]]


def test_owner_and_reader_over_tls_from_the_back_network_only(back_only):
    for user in ('geostack', 'geostack_reader'):
        assert first_match(back_only, 'host', user, '10.0.2.9') == 'scram-sha-256'
        assert first_match(back_only, 'host', user, '10.0.2.9', ssl=False) == 'reject'
        assert first_match(back_only, 'host', user, '10.0.3.9') == 'reject'
        assert first_match(back_only, 'host', user, '192.0.2.2') == 'reject'
        assert first_match(back_only, 'local', user) == 'reject'
        # Only the declared databases.
        assert first_match(back_only, 'host', user, '10.0.2.9', database='postgres') == 'reject'
    assert first_match(back_only, 'host', 'someone', '10.0.2.9') == 'reject'


def test_everything_ends_in_a_reject(back_only):
    assert rules(back_only)[-1] == ['host', 'all', 'all', 'all', 'reject']


def test_a_published_port_admits_the_declared_clients_and_the_front_network_over_tls_only():
    # Published, PostGIS is on the front network too, and Docker's DNS gives the map servers its address there as well.
    text = hba(back_subnets=['10.0.2.0/24'], front_subnets=['10.0.1.0/24'], publish_clients=['192.0.2.0/24'],
               published=True, **ROLES)['hba']
    assert first_match(text, 'host', 'geostack_reader', '192.0.2.50') == 'scram-sha-256'
    assert first_match(text, 'host', 'geostack_reader', '192.0.2.50', ssl=False) == 'reject'
    assert first_match(text, 'host', 'postgres', '192.0.2.50') == 'reject'
    assert first_match(text, 'host', 'geostack', '198.51.100.1') == 'reject'
    assert first_match(text, 'host', 'geostack_reader', '10.0.1.5') == 'scram-sha-256'
    assert first_match(text, 'host', 'geostack_reader', '10.0.1.5', ssl=False) == 'reject'
    assert first_match(text, 'host', 'postgres', '10.0.1.5') == 'reject'


def test_the_default_clients_of_a_published_port_are_every_address_over_tls():
    text = hba(back_subnets=['10.0.2.0/24'], front_subnets=['10.0.1.0/24'], publish_clients=['0.0.0.0/0', '::/0'],
               published=True, **ROLES)['hba']
    assert first_match(text, 'host', 'geostack', '203.0.113.9') == 'scram-sha-256'
    assert first_match(text, 'host', 'geostack', '2001:db8::1') == 'scram-sha-256'
    assert first_match(text, 'host', 'geostack', '203.0.113.9', ssl=False) == 'reject'


def test_clients_are_ignored_when_the_port_is_not_published():
    text = hba(back_subnets=['10.0.2.0/24'], front_subnets=['10.0.1.0/24'], publish_clients=['0.0.0.0/0'], **ROLES)['hba']
    assert first_match(text, 'host', 'geostack', '203.0.113.9') == 'reject'
    assert '10.0.1.0/24' not in text


def test_names_are_quoted_so_that_none_is_read_as_a_keyword():
    text = hba(superuser='admin', owner='all', reader='samerole', databases=['replication'],
               back_subnets=['10.0.2.0/24'])['hba']
    assert '"all","samerole"' in text and '"replication"' in text and '"admin"' in text


def test_pg_ident_maps_the_containers_postgres_user_to_the_superuser():
    files = hba(superuser='admin', owner='o', reader='r', databases=['gis'], back_subnets=['10.0.2.0/24'])
    assert [line for line in files['ident'].splitlines() if not line.startswith('#')] == ['superuser postgres admin']
    assert first_match(files['hba'], 'local', 'admin') == 'peer map=superuser'


@pytest.mark.parametrize('clients, back, expected', [
    (['10.0.0.0/8', '::/0'], ['10.0.2.0/24'], []),
    (['10.0.0.1/8'], [], ['postgis_publish_clients[0]: 10.0.0.1/8 is not a network address',
                          'geostack_back_network: the overlay network has no subnet']),
    (['0.0.0.0/0', 'anywhere'], None, ['postgis_publish_clients[1]: anywhere is not a network address']),
    (['10.0.0.0/8\n'], None, ['postgis_publish_clients[0]:']),
    ([42], None, ['postgis_publish_clients[0]: 42 is not an address']),
    ('10.0.0.0/8', None, ['postgis_publish_clients must be a list']),
])
def test_problems_name_the_variable(clients, back, expected):
    problems = hba_problems(clients, back)
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected):
        assert problem.startswith(start), problem


def test_rules_are_not_made_from_bad_input():
    with pytest.raises(ValueError, match='no subnet'):
        hba(back_subnets=[], **ROLES)


# Verifiers PostgreSQL 15 itself stored (CREATE ROLE ... PASSWORD '...' under password_encryption = scram-sha-256):
# ASCII, non-ASCII mapped by NFKC (the fi ligature), and a soft hyphen (mapped to nothing) with a no-break space.
POSTGRES_VERIFIERS = {
    'correct horse battery staple':
        'SCRAM-SHA-256$4096:9DHfO9BHMvzW6hnLVbNROw==$hytM5/Lq+A340yMI6sRTs6Ed/zzEj3fMEmvKq+SBWtI='
        ':g/glhUUQSTQ6FOdA1PbNCgO1NrXoXoPOnpjb9dP5uJ8=',
    u'p\u00e4ssw\u00f6rd \ufb01x':
        'SCRAM-SHA-256$4096:yZeUu87rgZDx2kZLmm4+5Q==$lJOCH7R606E49pg75pRI2SFA/T9035MRHUBwojgWcGM='
        ':L4+pMfgmu/FPlJpSObcxR4zaP231eLm7B6vm+0bUkKI=',
    u'IX\u00ada\u00a0b':
        'SCRAM-SHA-256$4096:pJVNrFnLavb3xYI7Cjr+mw==$Y0+Xn9rJVDQwXb8nRsynpm2Soo5/S20O75Tx3kzN6A8='
        ':nyZvY6LRTY3vjfKVlbfirhtD63vSpzkEwgs9aXm35yQ=',
}


@pytest.mark.parametrize('password', sorted(POSTGRES_VERIFIERS))
def test_verifiers_are_the_ones_postgresql_stores(password):
    expected = POSTGRES_VERIFIERS[password]
    salt = base64.b64decode(expected.split('$')[1].split(':')[1])
    assert scram_sha256(password, salt) == expected


def test_a_verifier_is_the_same_every_run_and_never_holds_the_password():
    one = scram_sha256('Secret0123456789', 'a-salt-kept-on-the-controller')
    assert one == scram_sha256('Secret0123456789', 'a-salt-kept-on-the-controller')
    assert one != scram_sha256('Secret0123456789', 'another-salt-of-a-role')
    assert 'Secret0123456789' not in one and one.startswith('SCRAM-SHA-256$4096:')


def test_saslprep_keeps_what_it_may_not_prepare():
    assert saslprep('plain ascii') == b'plain ascii'
    # A prohibited character (a control character outside ASCII): PostgreSQL uses the password as it is.
    assert saslprep(u'a\u0080b') == u'a\u0080b'.encode('utf-8')


@pytest.mark.parametrize('password, salt, iterations, message', [
    ('', 'saltsalt', 4096, 'password'),
    ('pw', 'short', 4096, 'salt'),
    ('pw', 'saltsalt', 1000, 'iterations'),
])
def test_bad_verifier_input_is_refused(password, salt, iterations, message):
    with pytest.raises(ValueError, match=message):
        scram_sha256(password, salt, iterations)


def test_the_monitoring_role_comes_from_the_back_network_over_tls_only():
    text = hba(back_subnets=['10.0.2.0/24'], front_subnets=['10.0.1.0/24'], publish_clients=['192.0.2.0/24'],
               published=True, monitor='geostack_monitor', **ROLES)['hba']
    lines = [line.split() for line in text.splitlines() if 'geostack_monitor' in line and not line.startswith('#')]
    assert lines == [['hostssl', '"gis"', '"geostack_monitor"', '10.0.2.0/24', 'scram-sha-256']]
    assert 'geostack_monitor' not in hba(back_subnets=['10.0.2.0/24'], **ROLES)['hba']
