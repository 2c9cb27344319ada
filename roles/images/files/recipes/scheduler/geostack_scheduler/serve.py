# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The read-only HTTP server: GET /jobs (JSON), GET /metrics (Prometheus text). Nothing else: no control endpoint."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from geostack_scheduler import report


def handler(scheduler):
    class Handler(BaseHTTPRequestHandler):
        server_version = 'geostack-scheduler'
        sys_version = ''

        def _send(self, code, body, kind):
            data = body.encode('utf-8')
            self.send_response(code)
            self.send_header('Content-Type', kind)
            self.send_header('Content-Length', str(len(data)))
            self.send_header('Cache-Control', 'no-store')
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (the standard library's name)
            path = self.path.split('?', 1)[0]
            if path == '/jobs':
                self._send(200, json.dumps(report.status(scheduler.view()), indent=2, sort_keys=True) + '\n',
                           'application/json')
            elif path == '/metrics':
                self._send(200, report.metrics(scheduler.view()), 'text/plain; version=0.0.4; charset=utf-8')
            else:
                self._send(404, 'not found: GET /jobs or /metrics\n', 'text/plain; charset=utf-8')

        do_HEAD = do_GET

        def _refuse(self):
            self.send_response(405)
            self.send_header('Allow', 'GET, HEAD')
            self.send_header('Content-Length', '0')
            self.end_headers()

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

        def log_message(self, fmt, *args):  # the access log would drown the scheduler's own
            return

    return Handler


def serve(scheduler, host, port):
    return ThreadingHTTPServer((host, port), handler(scheduler))
