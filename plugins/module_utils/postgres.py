# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PostgreSQL's access rules and password verifiers, worked out on the controller.

``hba(...)`` gives PostGIS's ``pg_hba.conf`` and ``pg_ident.conf``: the superuser over the local Unix socket only (peer,
from the container's postgres user), the owner and reader roles over TLS only from the back network's subnets (and, when
the port is published, from the front network's, where PostGIS then is too, and from the declared client addresses),
everything else rejected.

``scram_sha256(...)`` gives the SCRAM-SHA-256 verifier PostgreSQL stores for a password, so that the setup job sends
``ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'`` and never the password itself (RFC 5802, RFC 7677; PostgreSQL's
``pg_saslprep`` and ``scram_build_secret``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import stringprep
import unicodedata

SCRAM_ITERATIONS = 4096
# The OS user of the PostGIS image (uid 999) that may log in as the superuser over the socket (pg_ident map).
OS_USER = 'postgres'
IDENT_MAP = 'superuser'


def _cidr_problem(value, option):
    if not isinstance(value, str):
        return '%s: %r is not an address in CIDR form (such as 192.0.2.0/24)' % (option, value)
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        return '%s: %s is not a network address in CIDR form (%s)' % (option, value, exc)
    if '\n' in value or value != value.strip():
        return '%s: %r is not a network address in CIDR form' % (option, value)
    return None


def hba_problems(publish_clients, back_subnets=None, front_subnets=None):
    """Messages naming the variable: the published port's client addresses must be networks in CIDR form; the back
    network must have a subnet (when known: ``None`` means the network is not read yet)."""
    problems = []
    if not isinstance(publish_clients, (list, tuple)):
        return ['postgis_publish_clients must be a list of networks in CIDR form (such as 192.0.2.0/24)']
    for index, value in enumerate(publish_clients):
        problem = _cidr_problem(value, 'postgis_publish_clients[%d]' % index)
        if problem:
            problems.append(problem)
    if back_subnets is not None and not back_subnets:
        problems.append('geostack_back_network: the overlay network has no subnet in Docker: PostGIS could not admit '
                        'its clients by address')
    for name, subnets in (('geostack_back_network', back_subnets), ('geostack_front_network', front_subnets)):
        for index, value in enumerate(subnets or []):
            problem = _cidr_problem(value, '%s subnet %d' % (name, index))
            if problem:
                problems.append(problem)
    return problems


def _quoted(names):
    # Quoted, a name is never one of pg_hba's keywords (all, sameuser, samerole, replication).
    return ','.join('"%s"' % name for name in names)


def _line(kind, database, user, address, method):
    return '%-10s %-28s %-28s %-20s %s' % (kind, database, user, address, method)


def hba(superuser, owner, reader, databases, back_subnets, front_subnets=(), publish_clients=(), published=False,
        monitor=None):
    """``{'hba': text, 'ident': text}`` for PostGIS. The first line that matches a connection decides it. ``monitor``:
    the monitoring role (the PostgreSQL exporter's), from the back network only."""
    problems = hba_problems(list(publish_clients), list(back_subnets), list(front_subnets))
    if problems:
        raise ValueError('; '.join(problems))
    dbs, roles = _quoted(databases), _quoted([owner, reader])
    lines = [
        '# Made by the role geostack.swarm.postgis (pg_hba filter): changes here are overwritten.',
        '# The first line that matches a connection decides it; what matches none is refused.',
        _line('# TYPE', 'DATABASE', 'USER', 'ADDRESS', 'METHOD'),
        '# The superuser: over the local socket only, from the container\'s postgres user (docker exec, the setup job).',
        _line('local', 'all', _quoted([superuser]), '', 'peer map=%s' % IDENT_MAP),
        _line('local', 'all', 'all', '', 'reject'),
        '# Over the network: TLS only, and never the superuser.',
        _line('hostnossl', 'all', 'all', 'all', 'reject'),
        _line('host', 'all', _quoted([superuser]), 'all', 'reject'),
        '# The owner (loading jobs) and the reader (map servers), from the back network.',
    ]
    lines += [_line('hostssl', dbs, roles, subnet, 'scram-sha-256') for subnet in back_subnets]
    if published:
        # A published port puts PostGIS on the front network too, where Docker's DNS answers its names as well: the map
        # servers, on both networks, may reach it through either.
        lines.append('# Published: PostGIS is on the front network too (the map servers may come from there), and the')
        lines.append('# declared clients of the published port.')
        lines += [_line('hostssl', dbs, roles, subnet, 'scram-sha-256') for subnet in front_subnets]
        lines += [_line('hostssl', dbs, roles, client, 'scram-sha-256') for client in publish_clients]
    if monitor:
        lines.append('# The monitoring role (pg_monitor, read-only: the PostgreSQL exporter), from the back network.')
        lines += [_line('hostssl', dbs, _quoted([monitor]), subnet, 'scram-sha-256') for subnet in back_subnets]
    lines += ['# Everything else.', _line('host', 'all', 'all', 'all', 'reject')]
    ident = [
        '# Made by the role geostack.swarm.postgis (pg_hba filter): changes here are overwritten.',
        '# MAPNAME  SYSTEM-USERNAME  PG-USERNAME',
        '%s %s %s' % (IDENT_MAP, OS_USER, superuser),
    ]
    return {'hba': '\n'.join(lines) + '\n', 'ident': '\n'.join(ident) + '\n'}


def saslprep(password):
    """The password as PostgreSQL's pg_saslprep prepares it (RFC 4013), as bytes. Like PostgreSQL, a password that is
    not valid UTF-8, or that SASLprep prohibits, is used as it is."""
    raw = password.encode('utf-8') if isinstance(password, str) else bytes(password)
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        return raw
    if all(ord(c) < 0x80 for c in text):
        return raw
    mapped = ''.join(' ' if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c))
    prepared = unicodedata.normalize('NFKC', mapped)
    if not prepared:
        return raw
    prohibited = (stringprep.in_table_c12, stringprep.in_table_c21, stringprep.in_table_c22, stringprep.in_table_c3,
                  stringprep.in_table_c4, stringprep.in_table_c5, stringprep.in_table_c6, stringprep.in_table_c7,
                  stringprep.in_table_c8, stringprep.in_table_c9, stringprep.in_table_a1)
    if any(check(c) for c in prepared for check in prohibited):
        return raw
    if any(stringprep.in_table_d1(c) for c in prepared):
        if any(stringprep.in_table_d2(c) for c in prepared):
            return raw
        if not (stringprep.in_table_d1(prepared[0]) and stringprep.in_table_d1(prepared[-1])):
            return raw
    return prepared.encode('utf-8')


def scram_sha256(password, salt, iterations=SCRAM_ITERATIONS):
    """The verifier ``SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`` (base64) of ``password``."""
    if not isinstance(password, (str, bytes)) or not password:
        raise ValueError('the password must be a non-empty string')
    if not isinstance(salt, (str, bytes)) or len(salt) < 8:
        raise ValueError('the salt must be a string of at least 8 characters')
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 4096:
        raise ValueError('iterations must be an integer of at least 4096')
    salt = salt.encode('utf-8') if isinstance(salt, str) else salt
    salted = hashlib.pbkdf2_hmac('sha256', saslprep(password), salt, iterations)
    client_key = hmac.new(salted, b'Client Key', hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b'Server Key', hashlib.sha256).digest()

    def b64(data):
        return base64.b64encode(data).decode('ascii')
    return 'SCRAM-SHA-256$%d:%s$%s:%s' % (iterations, b64(salt), b64(stored_key), b64(server_key))
