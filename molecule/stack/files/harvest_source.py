"""A harvest source for the verifier's stage 16: harvest_source.py DIRECTORY [PORT].

Serves the files of DIRECTORY over HTTP (GET only). A file NAME.delay beside NAME holds a number of seconds to wait
before answering NAME: a slow source, to show that a run longer than its schedule's interval is not overlapped. Every
request is logged on stdout as one JSON line when it starts and when it ends, with the number of requests of that path
in flight, so the verifier reads from `docker logs` whether two runs ever fetched at once. Runs in the stack's tools
image, on the stack's front network, and is reached only by the harvests' runs.
"""

import http.server
import json
import os
import sys
import threading
import time

DIRECTORY = sys.argv[1]
IN_FLIGHT = {}
LOCK = threading.Lock()


def log(event, path, in_flight, status=None):
    print(json.dumps({'event': event, 'path': path, 'in_flight': in_flight, 'status': status, 'time': time.time()}),
          flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split('?', 1)[0]
        name = os.path.basename(path)
        with LOCK:
            IN_FLIGHT[path] = IN_FLIGHT.get(path, 0) + 1
            log('start', path, IN_FLIGHT[path])
        status = 404
        try:
            file = os.path.join(DIRECTORY, name)
            if name and not name.startswith('.') and os.path.isfile(file):
                try:
                    with open(file + '.delay', encoding='ascii') as delay:
                        time.sleep(float(delay.read().strip() or 0))
                except FileNotFoundError:
                    pass
                with open(file, 'rb') as handle:
                    body = handle.read()
                status = 200
                self.send_response(200)
                self.send_header('Content-Type', 'application/geo+json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)
        finally:
            with LOCK:
                IN_FLIGHT[path] -= 1
                log('end', path, IN_FLIGHT[path], status)

    def log_message(self, *args):  # the JSON lines above are the log
        pass


if __name__ == '__main__':
    http.server.ThreadingHTTPServer(('', int(sys.argv[2]) if len(sys.argv) > 2 else 8000), Handler).serve_forever()
