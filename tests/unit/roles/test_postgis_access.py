# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PostgreSQL closed, read from the files the roles make (no Docker): the map servers' connections verify PostGIS's
certificate (MapServer's mapfile, vector and raster; QGIS Server's project), the setup job's SQL sets the passwords
from verifiers in statements that are never logged, and the pg_hba filter as the role calls it (through Ansible).

The templates are rendered by ansible-playbook (connection local) with the roles' defaults and vars files, as the
roles render them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
CA_PATH = '/etc/geostack/postgis-ca.crt'

LAYER = {'title': 'T', 'abstract': '', 'schema': 'public', 'geometry_column': 'geom', 'srid': 4326, 'label': '',
         'style': {'fill': '#e6550d', 'stroke': '#ffffff', 'stroke_width': 1, 'size': 6, 'opacity': 100}}
VARS = {
    'geostack_stack': 'geostack',
    'geostack_credentials_dir': '/nonexistent',
    'geostack__public_url': 'https://geostack.example.org',
    'geostack_postgis': {'host': 'postgis', 'port': 5432, 'database': 'gis', 'reader': 'geostack_reader',
                         'owner': 'geostack', 'superuser': 'postgres', 'sslmode': 'verify-full', 'ca_path': CA_PATH},
    'geostack__layers_plan': {'layers': [
        dict(LAYER, name='places', type='point', table='places'),
        dict(LAYER, name='dem', type='raster', table='dem', geometry_column='rast')]},
}
TEMPLATES = {
    'geostack.map': ('mapserver', 'geostack.map.j2'),
    'geostack.qgs': ('qgis_server', 'geostack.qgs.j2'),
    'setup.sql': ('postgis', 'setup.sql.j2'),
}


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp('render')
    (tmp_path / 'vars.json').write_text(json.dumps(VARS))
    tasks = [{'name': 'Render ' + name, 'ansible.builtin.template': {
        'src': str(REPO / 'roles' / role / 'templates' / src), 'dest': str(tmp_path / name), 'mode': '0644'}}
        for name, (role, src) in TEMPLATES.items()]
    # With monitoring declared: the PostgreSQL exporter's role too.
    tasks.append({'name': 'Render setup.sql with monitoring', 'vars': {'geostack_services': ['postgis', 'monitoring']},
                  'ansible.builtin.template': {'src': str(REPO / 'roles/postgis/templates/setup.sql.j2'),
                                               'dest': str(tmp_path / 'setup-monitoring.sql'), 'mode': '0644'}})
    # The pg_hba filter as access.yml and validate.yml call it.
    access = {'superuser': 'postgres', 'owner': 'geostack', 'reader': 'geostack_reader', 'databases': ['gis']}
    tasks += [
        {'name': 'Rules', 'ansible.builtin.copy': {
            'content': '{{ %s | geostack.swarm.pg_hba | to_json }}' % json.dumps(dict(access, back_subnets=['10.0.2.0/24'])),
            'dest': str(tmp_path / 'hba.json'), 'mode': '0644'}},
        {'name': 'Checks', 'ansible.builtin.copy': {
            'content': '{{ %s | geostack.swarm.pg_hba | to_json }}' % json.dumps(
                dict(access, back_subnets=None, publish_clients=['0.0.0.0/0', 'everywhere'])).replace('null', 'none'),
            'dest': str(tmp_path / 'checks.json'), 'mode': '0644'}},
    ]
    play = [{'name': 'Render', 'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
             'vars_files': [str(REPO / 'roles' / role / sub / 'main.yml')
                            for role in ('mapserver', 'qgis_server', 'postgis') for sub in ('defaults', 'vars')],
             'tasks': tasks}]
    (tmp_path / 'play.yml').write_text(json.dumps(play))
    run = subprocess.run(
        [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-e', '@' + str(tmp_path / 'vars.json'),
         '-e', 'ansible_python_interpreter=' + sys.executable, str(tmp_path / 'play.yml')],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, cwd=str(REPO), check=False)
    assert run.returncode == 0, run.stdout
    out = {name: (tmp_path / name).read_text() for name in list(TEMPLATES) + ['setup-monitoring.sql']}
    out.update({name: json.loads((tmp_path / (name + '.json')).read_text()) for name in ('hba', 'checks')})
    return out


def test_mapserver_connections_verify_the_certificate(rendered):
    mapfile = rendered['geostack.map']
    vector = re.findall(r'CONNECTION "([^"]*)"', mapfile)
    raster = re.findall(r'DATA "PG:([^"]*)"', mapfile)
    assert vector and raster
    for conninfo in vector + raster:
        assert 'sslmode=verify-full' in conninfo and 'sslrootcert=' + CA_PATH in conninfo, conninfo
        assert 'host=postgis ' in conninfo and 'password' not in conninfo


def test_qgis_server_sources_verify_the_certificate(rendered):
    sources = re.findall(r'source="([^"]*)"', rendered['geostack.qgs'])
    assert len(sources) >= 2
    for source in sources:
        assert 'sslmode=verify-full' in source and 'password' not in source, source
    assert 'sslmode=disable' not in rendered['geostack.qgs']


def test_setup_sends_verifiers_in_statements_that_are_not_logged(rendered):
    sql = rendered['setup.sql']
    assert '_password' not in sql.replace('postgis_owner_password', '')   # no password secret is read
    statements = [s.strip() for s in sql.split(';')]
    alters = [i for i, s in enumerate(statements) if re.search(r'\bPASSWORD\b', s)]
    assert len(alters) == 2
    begin = max(i for i, s in enumerate(statements[:alters[0]]) if s.endswith('BEGIN'))
    commit = min(i for i, s in enumerate(statements) if i > alters[-1] and s == 'COMMIT')
    settings = ' '.join(statements[begin:alters[0]])
    for setting in ("log_statement = 'none'", 'log_min_duration_statement = -1', "log_min_error_statement = 'panic'"):
        assert 'SET LOCAL ' + setting in settings
    assert all(i < commit for i in alters)
    for i in alters:
        assert re.search(r"PASSWORD :'(owner|reader)_verifier'$", statements[i]), statements[i]
    assert '`cat /run/secrets/postgis_owner_verifier`' in sql and '`cat /run/secrets/postgis_reader_verifier`' in sql


def test_the_filter_gives_the_rules_and_the_checks(rendered):
    assert rendered['hba']['problems'] == []
    assert 'hostssl' in rendered['hba']['hba'] and 'superuser postgres postgres' in rendered['hba']['ident']
    checks = rendered['checks']
    assert checks['hba'] == '' and len(checks['problems']) == 1
    assert checks['problems'][0].startswith('postgis_publish_clients[1]: everywhere')


def test_without_monitoring_there_is_no_monitoring_role(rendered):
    assert 'geostack_monitor' not in rendered['setup.sql'] and 'pg_monitor' not in rendered['setup.sql']


def test_with_monitoring_its_role_is_read_only_and_in_pg_monitor(rendered):
    sql = rendered['setup-monitoring.sql']
    statements = [s.strip() for s in sql.split(';')]
    alters = [s for s in statements if re.search(r'\bPASSWORD\b', s)]
    assert len(alters) == 3
    assert re.search(r'ALTER ROLE "geostack_monitor" LOGIN NOSUPERUSER .* PASSWORD :\'monitor_verifier\'$', alters[2])
    commit = statements.index('COMMIT')
    assert statements.index(alters[2]) < commit   # set in the transaction whose statements are not logged
    assert any(s.endswith('GRANT pg_monitor TO "geostack_monitor"') for s in statements)
    assert 'ALTER ROLE "geostack_monitor" SET default_transaction_read_only = on' in statements
    assert any(s.endswith('GRANT CONNECT ON DATABASE "gis" TO "geostack_monitor"') for s in statements)
    assert not re.search(r'GRANT (SELECT|ALL|USAGE)[^;]*geostack_monitor', sql)
    assert '`cat /run/secrets/postgis_monitor_verifier`' in sql


def test_mapserver_keeps_its_connections(rendered):
    # One connection per FastCGI worker kept across requests (bench: GetMap throughput), in every PostGIS layer.
    layers = rendered['geostack.map'].split('\n  LAYER\n')[1:]
    vector = [layer for layer in layers if 'CONNECTIONTYPE POSTGIS' in layer]
    assert vector
    for layer in vector:
        assert 'PROCESSING "CLOSE_CONNECTION=DEFER"' in layer, layer[:200]
