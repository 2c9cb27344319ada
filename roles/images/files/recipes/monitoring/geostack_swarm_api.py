# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack_swarm_api.py: a read-only view of the Docker engine's API, so that Prometheus discovers the swarm
(dockerswarm_sd_configs) without the engine's socket ever reaching a network-facing service.

Only GET of /nodes, /services, /tasks, /networks, /version and /_ping (with or without an API version prefix such as
/v1.41, any query string) is passed to the socket; every other path answers 403 and every other method 405 (a client's
HEAD /_ping falls back to GET). It also serves GET /metrics, the swarm's state in Prometheus' text format:
geostack_swarm_service_tasks_desired / _running{service,stack,mode} (Docker's ServiceStatus) and
geostack_swarm_node_ready{node,role,availability}, from which the rules tell a service below its declared replicas and a
node down.

    python3 /usr/local/lib/geostack/geostack_swarm_api.py [--listen ADDR:PORT] [--socket PATH]
"""

import argparse
import http.client
import http.server
import json
import re
import socket
import sys

ALLOWED = re.compile(r'^(/v1\.[0-9]{1,3})?/(nodes|services|tasks|networks|version|_ping)/?(\?[^#\s]*)?\Z')
PASSED_HEADERS = ('Content-Type', 'Api-Version', 'Docker-Experimental', 'Ostype', 'Server', 'Swarm')
MODES = (('Replicated', 'replicated'), ('Global', 'global'), ('ReplicatedJob', 'replicated-job'),
         ('GlobalJob', 'global-job'))


class UnixConnection(http.client.HTTPConnection):
    """HTTP over the engine's Unix socket."""

    def __init__(self, path, timeout=20):
        super().__init__('docker', timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def engine_get(socket_path, path):
    conn = UnixConnection(socket_path)
    try:
        conn.request('GET', path)
        resp = conn.getresponse()
        return resp.status, dict((h, resp.getheader(h)) for h in PASSED_HEADERS if resp.getheader(h)), resp.read()
    finally:
        conn.close()


def _label(value):
    return str(value).replace('\\', '\\\\').replace('\n', '\\n').replace('"', '\\"')


def swarm_metrics(services, nodes):
    """Prometheus' text format from GET /services?status=true and GET /nodes."""
    lines = ['# HELP geostack_swarm_service_tasks_desired Tasks the service should run (Docker ServiceStatus).',
             '# TYPE geostack_swarm_service_tasks_desired gauge']
    running = ['# HELP geostack_swarm_service_tasks_running Tasks of the service that are running.',
               '# TYPE geostack_swarm_service_tasks_running gauge']
    for svc in sorted(services, key=lambda s: s['Spec']['Name']):
        spec, status = svc['Spec'], svc.get('ServiceStatus') or {}
        mode = next((name for key, name in MODES if key in (spec.get('Mode') or {})), 'unknown')
        labels = 'service="%s",stack="%s",mode="%s"' % (
            _label(spec['Name']), _label((spec.get('Labels') or {}).get('com.docker.stack.namespace', '')), mode)
        lines.append('geostack_swarm_service_tasks_desired{%s} %d' % (labels, status.get('DesiredTasks', 0)))
        running.append('geostack_swarm_service_tasks_running{%s} %d' % (labels, status.get('RunningTasks', 0)))
    lines += running
    lines += ['# HELP geostack_swarm_node_ready 1 when the node is ready (Status.State), 0 when it is down or unknown.',
              '# TYPE geostack_swarm_node_ready gauge']
    for node in sorted(nodes, key=lambda n: n['Description'].get('Hostname', n['ID'])):
        spec = node.get('Spec') or {}
        lines.append('geostack_swarm_node_ready{node="%s",role="%s",availability="%s"} %d' % (
            _label(node['Description'].get('Hostname', node['ID'])), _label(spec.get('Role', '')),
            _label(spec.get('Availability', '')), 1 if (node.get('Status') or {}).get('State') == 'ready' else 0))
    return '\n'.join(lines) + '\n'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'geostack-swarm-api'
    socket_path = '/var/run/docker.sock'

    def log_message(self, fmt, *args):  # only refusals and errors are logged
        pass

    def reply(self, status, body, headers=None):
        self.send_response(status)
        headers = dict(headers or {})
        headers.setdefault('Content-Type', 'text/plain; charset=utf-8')
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def refuse(self, status, text):
        sys.stderr.write('refused %s %s: %s\n' % (self.command, self.path[:200], text))
        self.reply(status, (text + '\n').encode())

    def do_GET(self):  # noqa: N802 (http.server's name)
        try:
            if self.path == '/metrics':
                _s, _h, services = engine_get(self.socket_path, '/services?status=true')
                _s2, _h2, nodes = engine_get(self.socket_path, '/nodes')
                if _s != 200 or _s2 != 200:
                    return self.reply(502, b'the engine did not list the services and nodes (not a swarm manager?)\n')
                body = swarm_metrics(json.loads(services), json.loads(nodes)).encode()
                return self.reply(200, body, {'Content-Type': 'text/plain; version=0.0.4; charset=utf-8'})
            if not ALLOWED.match(self.path):
                return self.refuse(403, 'read-only: only GET of /nodes, /services, /tasks, /networks, /version, /_ping')
            status, headers, body = engine_get(self.socket_path, self.path)
            return self.reply(status, body, headers)
        except (OSError, ValueError, KeyError, http.client.HTTPException) as exc:
            return self.reply(502, ('the engine did not answer: %s\n' % exc).encode())

    def refuse_method(self):
        self.refuse(405, 'read-only: %s is not allowed' % self.command)

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_CONNECT = do_TRACE = refuse_method  # noqa: N815


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--listen', default='0.0.0.0:2375')
    parser.add_argument('--socket', default='/var/run/docker.sock')
    args = parser.parse_args(argv)
    host, port = args.listen.rsplit(':', 1)
    Handler.socket_path = args.socket
    Server((host, int(port)), Handler).serve_forever()


if __name__ == '__main__':
    main()
