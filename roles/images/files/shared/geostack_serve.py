# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The read-only HTTP server of geostack's own small services, and Prometheus' text format.

One copy, carried by the images that serve so (the scheduler's /jobs and /metrics, the backup repository host's
/metrics and /status): the images role copies this file into their recipes' build contexts (roles/images/vars,
images__context_files). Standard library only.

    server = serve({'/metrics': lambda: (200, text, PROMETHEUS)}, 'geostack-backup', '0.0.0.0', 9854)

GET and HEAD of a route give what its function returns, ``(status, body text, content type)``; another path is 404
(naming the routes), another method 405. Nothing is logged per request.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON = 'application/json'
PROMETHEUS = 'text/plain; version=0.0.4; charset=utf-8'
TEXT = 'text/plain; charset=utf-8'


def handler(routes, name):
    class Handler(BaseHTTPRequestHandler):
        server_version = name
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
            route = routes.get(self.path.split('?', 1)[0])
            if route is None:
                self._send(404, 'not found: GET %s\n' % ' or '.join(sorted(routes)), TEXT)
            else:
                self._send(*route())

        do_HEAD = do_GET

        def _refuse(self):
            self.send_response(405)
            self.send_header('Allow', 'GET, HEAD')
            self.send_header('Content-Length', '0')
            self.end_headers()

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

        def log_message(self, fmt, *args):  # an access log would drown the service's own
            return

    return Handler


def serve(routes, name, host, port):
    """A threading server of ``routes`` ({path: () -> (status, body, content type)}); serve_forever() to run it."""
    server = ThreadingHTTPServer((host, port), handler(routes, name))
    server.daemon_threads = True
    return server


# Prometheus' text format 0.0.4 -------------------------------------------------------------------------------------
def escape(value):
    """A label value, escaped."""
    return str(value).replace('\\', '\\\\').replace('\n', '\\n').replace('"', '\\"')


def number(value):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def exposition(families, samples):
    """The text of ``families`` ([(name, type, help)]), each with its ``samples`` ({name: [(labels, value)]}; labels
    the text between the braces, empty for none)."""
    lines = []
    for name, kind, text in families:
        lines.append('# HELP %s %s' % (name, text))
        lines.append('# TYPE %s %s' % (name, kind))
        for labels, value in samples.get(name, ()):
            lines.append('%s%s %s' % (name, '{%s}' % labels if labels else '', number(value)))
    return '\n'.join(lines) + '\n'
