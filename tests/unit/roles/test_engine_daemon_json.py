# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine's daemon.json as geostack.swarm.docker_engine writes it (its template rendered by ansible-playbook with
the role's defaults, connection local, no Docker): no-new-privileges on by default, off on request, and the role's
other keys beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def daemon_json(tmp_path, **extra):
    (tmp_path / 'vars.json').write_text(json.dumps(extra))
    play = [{'name': 'Render', 'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
             'vars_files': [str(REPO / 'roles' / 'docker_engine' / 'defaults' / 'main.yml')],
             'tasks': [{'name': 'Render daemon.json', 'ansible.builtin.template': {
                 'src': str(REPO / 'roles' / 'docker_engine' / 'templates' / 'daemon.json.j2'),
                 'dest': str(tmp_path / 'daemon.json'), 'mode': '0644'}}]}]
    (tmp_path / 'play.yml').write_text(json.dumps(play))
    run = subprocess.run(
        [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-e', '@' + str(tmp_path / 'vars.json'),
         '-e', 'ansible_python_interpreter=' + sys.executable, str(tmp_path / 'play.yml')],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, cwd=str(REPO), check=False)
    assert run.returncode == 0, run.stdout
    return json.loads((tmp_path / 'daemon.json').read_text())


def test_no_new_privileges_is_on_by_default(tmp_path):
    assert daemon_json(tmp_path) == {'log-driver': 'json-file', 'log-opts': {'max-file': '3', 'max-size': '10m'},
                                     'no-new-privileges': True}


def test_no_new_privileges_can_be_turned_off(tmp_path):
    config = daemon_json(tmp_path, docker_engine_no_new_privileges=False, docker_engine_metrics_addr='127.0.0.1:9323')
    assert 'no-new-privileges' not in config
    assert config['metrics-addr'] == '127.0.0.1:9323'
