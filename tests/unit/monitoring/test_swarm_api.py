# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack_swarm_api.py (roles/images/files/recipes/monitoring): only GET of the discovery endpoints reaches the Docker
socket, and the swarm's state is told as metrics. The proxy is run here against a fake engine on a Unix socket."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import socketserver
import threading
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader

import pytest

pytestmark = pytest.mark.unit

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCRIPT = os.path.join(REPO, 'roles', 'images', 'files', 'recipes', 'monitoring', 'geostack_swarm_api.py')


def load():
    loader = SourceFileLoader('geostack_swarm_api', SCRIPT)
    module = module_from_spec(spec_from_loader('geostack_swarm_api', loader))
    loader.exec_module(module)
    return module


API = load()

SERVICES = [
    {'Spec': {'Name': 'geostack_mapserver', 'Mode': {'Replicated': {'Replicas': 2}},
              'Labels': {'com.docker.stack.namespace': 'geostack'}},
     'ServiceStatus': {'RunningTasks': 1, 'DesiredTasks': 2}},
    {'Spec': {'Name': 'geostack_edge', 'Mode': {'Global': {}}, 'Labels': {'com.docker.stack.namespace': 'geostack'}},
     'ServiceStatus': {'RunningTasks': 3, 'DesiredTasks': 3}},
    {'Spec': {'Name': 'geostack_load_places', 'Mode': {'ReplicatedJob': {}},
              'Labels': {'com.docker.stack.namespace': 'geostack'}},
     'ServiceStatus': {'RunningTasks': 0, 'DesiredTasks': 0, 'CompletedTasks': 1}},
    {'Spec': {'Name': 'other', 'Mode': {'Replicated': {'Replicas': 1}}}},
]
NODES = [
    {'ID': 'a', 'Description': {'Hostname': 'node1'}, 'Spec': {'Role': 'manager', 'Availability': 'active'},
     'Status': {'State': 'ready'}},
    {'ID': 'b', 'Description': {'Hostname': 'node2'}, 'Spec': {'Role': 'worker', 'Availability': 'drain'},
     'Status': {'State': 'down'}},
]


@pytest.mark.parametrize('path', ['/_ping', '/version', '/v1.41/nodes', '/v1.41/services?status=true', '/tasks',
                                  '/v1.41/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D',
                                  '/networks/', '/v1.24/version'])
def test_the_discovery_endpoints_pass(path):
    assert API.ALLOWED.match(path)


@pytest.mark.parametrize('path', ['/containers/json', '/v1.41/secrets', '/configs', '/services/abc', '/tasks/abc',
                                  '/services/abc/logs', '/nodes/abc', '/v1.41/nodes/../containers/json',
                                  '/exec/abc/start', '/info', '/v1.41/version/../../secrets', '//services',
                                  '/servicesX', '/v2/services', '/services\n', '/_ping#x'])
def test_anything_else_is_refused(path):
    assert not API.ALLOWED.match(path)


def test_the_swarm_as_metrics():
    text = API.swarm_metrics(SERVICES, NODES)
    lines = text.splitlines()
    assert ('geostack_swarm_service_tasks_desired{service="geostack_mapserver",stack="geostack",mode="replicated"} 2'
            in lines)
    assert ('geostack_swarm_service_tasks_running{service="geostack_mapserver",stack="geostack",mode="replicated"} 1'
            in lines)
    assert 'geostack_swarm_service_tasks_running{service="geostack_edge",stack="geostack",mode="global"} 3' in lines
    assert ('geostack_swarm_service_tasks_desired{service="geostack_load_places",stack="geostack",mode="replicated-job"} 0'
            in lines)
    assert 'geostack_swarm_service_tasks_desired{service="other",stack="",mode="replicated"} 0' in lines
    assert 'geostack_swarm_node_ready{node="node1",role="manager",availability="active"} 1' in lines
    assert 'geostack_swarm_node_ready{node="node2",role="worker",availability="drain"} 0' in lines
    assert '# TYPE geostack_swarm_node_ready gauge' in lines


class FakeEngine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    requests = []


class FakeHandler(http.server.BaseHTTPRequestHandler):
    def address_string(self):
        return 'unix'

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        FakeEngine.requests.append(('GET', self.path))
        path = self.path.split('?')[0]
        body = {'/services': SERVICES, '/nodes': NODES, '/_ping': 'OK'}.get(path, {'path': self.path})
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain' if isinstance(body, str) else 'application/json')
        self.send_header('Api-Version', '1.41')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        FakeEngine.requests.append(('POST', self.path))
        self.send_response(201)
        self.send_header('Content-Length', '0')
        self.end_headers()


@pytest.fixture()
def proxy(tmp_path):
    sock = str(tmp_path / 'docker.sock')
    engine = FakeEngine(sock, FakeHandler)
    FakeEngine.requests = []
    threading.Thread(target=engine.serve_forever, daemon=True).start()
    handler = type('Handler', (API.Handler,), {'socket_path': sock})
    server = API.Server(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    engine.shutdown()


def ask(port, method, path):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    conn.request(method, path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


def test_a_get_of_the_discovery_endpoints_reaches_the_engine(proxy):
    status, headers, body = ask(proxy, 'GET', '/v1.41/tasks?filters=%7B%7D')
    assert status == 200 and json.loads(body) == {'path': '/v1.41/tasks?filters=%7B%7D'}
    status, headers, body = ask(proxy, 'GET', '/_ping')
    assert (status, body, headers['Api-Version']) == (200, b'OK', '1.41')
    assert FakeEngine.requests == [('GET', '/v1.41/tasks?filters=%7B%7D'), ('GET', '/_ping')]


def test_nothing_else_reaches_the_engine(proxy):
    assert ask(proxy, 'GET', '/containers/json')[0] == 403
    assert ask(proxy, 'GET', '/v1.41/secrets')[0] == 403
    assert ask(proxy, 'POST', '/v1.41/services/create')[0] == 405
    assert ask(proxy, 'DELETE', '/v1.41/services/geostack_edge')[0] == 405
    assert ask(proxy, 'HEAD', '/_ping')[0] == 405
    assert ask(proxy, 'PUT', '/v1.41/tasks')[0] == 405
    assert FakeEngine.requests == []


def test_the_metrics_endpoint(proxy):
    status, headers, body = ask(proxy, 'GET', '/metrics')
    assert status == 200 and headers['Content-Type'].startswith('text/plain; version=0.0.4')
    assert b'geostack_swarm_node_ready{node="node2",role="worker",availability="drain"} 0' in body
    assert FakeEngine.requests == [('GET', '/services?status=true'), ('GET', '/nodes')]
