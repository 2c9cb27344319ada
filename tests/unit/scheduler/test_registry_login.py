# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The runs' registry login: the scheduler's client sends the swarm registry's login (X-Registry-Auth) when it creates
a run whose image is in that registry, as `docker service create --with-registry-auth` does (else a worker cannot
pull it: "No such image")."""

from __future__ import annotations

import base64
import json

import docker
import pytest
from docker import auth

from geostack_scheduler.swarm import load_registry_login

REGISTRY = '10.89.0.2:5000'
LOGIN = base64.b64encode(b'geostack:a-long-password-of-the-registry').decode()


@pytest.fixture
def api():
    # No call reaches an engine: a fixed API version, and only the client's configuration is read.
    return docker.APIClient(base_url='unix:///nonexistent/docker.sock', version='1.41')


def test_the_login_of_the_secret_is_sent_for_its_registry(api, tmp_path):
    secret = tmp_path / 'registry_auth.json'
    secret.write_text(json.dumps({'auths': {REGISTRY: {'auth': LOGIN}}}))
    assert load_registry_login(api, str(secret)) is True
    header = json.loads(base64.urlsafe_b64decode(auth.get_config_header(api, REGISTRY)))
    assert (header['username'], header['password']) == ('geostack', 'a-long-password-of-the-registry')


def test_another_registry_gets_no_login(api, tmp_path):
    secret = tmp_path / 'registry_auth.json'
    secret.write_text(json.dumps({'auths': {REGISTRY: {'auth': LOGIN}}}))
    load_registry_login(api, str(secret))
    assert auth.get_config_header(api, 'registry.example.org') is None


def test_without_the_secret_nothing_is_loaded(api, tmp_path):
    assert load_registry_login(api, str(tmp_path / 'absent.json')) is False
    assert load_registry_login(api, '') is False
