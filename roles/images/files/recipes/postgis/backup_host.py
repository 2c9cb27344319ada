# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The repository host of geostack.swarm.backup (the service ``backup``).

Runs the command after ``--`` (``pgbackrest server``: the repository over TLS) as its child, and serves beside it,
read-only, what the repository holds, from ``pgbackrest --stanza=STANZA --output=json info`` (read at most every
``--cache`` seconds): ``GET /metrics`` (Prometheus' text format 0.0.4) and ``GET /status`` (JSON). Neither says
anything secret: times, types, labels, sizes and the repositories' status codes. pgBackRest reads its own
configuration (PGBACKREST_CONFIG, a Docker secret); nothing here sees it.

It exits with the child's status when the child ends (Swarm starts the task again), and passes SIGTERM and SIGINT on
to it.

    python3 backup_host.py --stanza geostack --listen 0.0.0.0:9854 --max-age 28800 -- pgbackrest server
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TYPES = ('full', 'diff', 'incr')


def _iso(epoch):
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _backup(entry):
    info = entry.get('info') or {}
    repository = info.get('repository') or {}
    stop = int((entry.get('timestamp') or {}).get('stop') or 0)
    return dict(label=entry.get('label'), type=entry.get('type'), repo=str((entry.get('database') or {}).get('repo-key', 1)),
                stop=stop, time=_iso(stop), size=info.get('size'), repository_delta=repository.get('delta'),
                repository_size=repository.get('size'))


def summary(info, stanza, now, max_age=None):
    """What ``stanza`` holds, from the parsed ``pgbackrest info --output=json`` (``info``), at ``now`` (epoch
    seconds): the newest backup that finished without error (``last``), the newest per repository and type
    (``newest``: {repo: {type: backup}}), the counts (``counts``: {repo: {type: n}}), each repository's status
    (``repos``: {repo: {code, message}}), the stanza's status, and whether the newest backup is late: older than
    ``max_age`` seconds (twice the longest interval of the backup schedules; None: never late), or missing."""
    entry = next((s for s in info or [] if isinstance(s, dict) and s.get('name') == stanza), None) or {}
    status = entry.get('status') or {}
    repos = dict((str(r.get('key')), dict(code=(r.get('status') or {}).get('code'),
                                          message=(r.get('status') or {}).get('message')))
                 for r in entry.get('repo') or [] if isinstance(r, dict))
    good = [_backup(b) for b in entry.get('backup') or [] if isinstance(b, dict) and not b.get('error')
            and (b.get('timestamp') or {}).get('stop')]
    newest, counts = {}, {}
    for backup in sorted(good, key=lambda b: b['stop']):
        newest.setdefault(backup['repo'], {})[backup['type']] = backup
        per_repo = counts.setdefault(backup['repo'], {})
        per_repo[backup['type']] = per_repo.get(backup['type'], 0) + 1
    last = max(good, key=lambda b: b['stop']) if good else None
    age = max(0, int(now) - last['stop']) if last else None
    late = last is None or (max_age is not None and age > max_age)
    if last is None:
        message = 'no backup of the stanza %s in the repository yet' % stanza
    else:
        message = 'last backup %s (%s) at %s in repo%s, %s of database, %s in the repository, %s ago' % (
            last['label'], last['type'], last['time'], last['repo'], human_bytes(last['size']),
            human_bytes(last['repository_delta']), human_duration(age))
        if late:
            message += ': LATE, older than twice its schedule (%s)' % human_duration(max_age)
    return dict(stanza=stanza, found=bool(entry), status=dict(code=status.get('code'), message=status.get('message')),
                repos=repos, last=last, newest=newest, counts=counts, age=age, max_age=max_age, late=late,
                message=message, time=_iso(int(now)))


def _escape(value):
    return str(value).replace('\\', '\\\\').replace('\n', '\\n').replace('"', '\\"')


def _number(value):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


FAMILIES = (
    ('geostack_backup_info_ok', 'gauge', '1 when pgbackrest info answered for the stanza.'),
    ('geostack_backup_stanza_status', 'gauge', "The stanza's status code in pgbackrest info (0: ok)."),
    ('geostack_backup_repository_status', 'gauge', "Each repository's status code in pgbackrest info (0: ok)."),
    ('geostack_backup_last_success_timestamp_seconds', 'gauge',
     'When the newest backup that finished without error stopped (Unix time), per repository and type.'),
    ('geostack_backup_last_size_bytes', 'gauge', 'The size of the database in that backup, per repository and type.'),
    ('geostack_backup_last_repository_bytes', 'gauge',
     'What that backup added to the repository (compressed), per repository and type.'),
    ('geostack_backup_count', 'gauge', 'Backups in the repository, per repository and type.'),
    ('geostack_backup_age_seconds', 'gauge', 'Age of the newest backup of any type in any repository.'),
    ('geostack_backup_max_age_seconds', 'gauge', 'Twice the longest interval of the backup schedules.'),
    ('geostack_backup_late', 'gauge', '1 when the newest backup is older than the max age, or there is none.'),
)


def metrics(doc, ok=True):
    """Prometheus' text format of a ``summary`` (``ok``: whether pgbackrest info answered)."""
    stanza = 'stanza="%s"' % _escape(doc['stanza'])
    samples = dict((name, []) for name, _kind, _text in FAMILIES)
    samples['geostack_backup_info_ok'].append((stanza, 1 if ok else 0))
    if doc['status'].get('code') is not None:
        samples['geostack_backup_stanza_status'].append((stanza, doc['status']['code']))
    for repo, state in sorted(doc['repos'].items()):
        if state.get('code') is not None:
            samples['geostack_backup_repository_status'].append(('%s,repo="%s"' % (stanza, _escape(repo)), state['code']))
    for repo, by_type in sorted(doc['newest'].items()):
        for kind, backup in sorted(by_type.items()):
            labels = '%s,repo="%s",type="%s"' % (stanza, _escape(repo), _escape(kind))
            samples['geostack_backup_last_success_timestamp_seconds'].append((labels, backup['stop']))
            if backup['size'] is not None:
                samples['geostack_backup_last_size_bytes'].append((labels, backup['size']))
            if backup['repository_delta'] is not None:
                samples['geostack_backup_last_repository_bytes'].append((labels, backup['repository_delta']))
            samples['geostack_backup_count'].append((labels, doc['counts'][repo][kind]))
    if doc['age'] is not None:
        samples['geostack_backup_age_seconds'].append((stanza, doc['age']))
    if doc['max_age'] is not None:
        samples['geostack_backup_max_age_seconds'].append((stanza, doc['max_age']))
    samples['geostack_backup_late'].append((stanza, 1 if doc['late'] else 0))
    lines = []
    for name, kind, text in FAMILIES:
        lines.append('# HELP %s %s' % (name, text))
        lines.append('# TYPE %s %s' % (name, kind))
        for labels, value in samples[name]:
            lines.append('%s{%s} %s' % (name, labels, _number(value)))
    return '\n'.join(lines) + '\n'


def human_bytes(value):
    if value is None:
        return '?'
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if value < 1024 or unit == 'GiB':
            return ('%d %s' % (value, unit)) if unit == 'B' else ('%.1f %s' % (value, unit))
        value /= 1024.0
    return '?'


def human_duration(seconds):
    if seconds is None:
        return '?'
    seconds = int(seconds)
    if seconds < 120:
        return '%d s' % seconds
    if seconds < 7200:
        return '%d min' % (seconds // 60)
    if seconds < 172800:
        return '%.1f h' % (seconds / 3600.0)
    return '%.1f days' % (seconds / 86400.0)


class Reader:
    """``pgbackrest info``, read at most every ``cache`` seconds (``run``: a function of the argv giving stdout)."""

    def __init__(self, stanza, max_age, cache, run, clock=time.time):
        self.stanza, self.max_age, self.cache, self.run, self.clock = stanza, max_age, cache, run, clock
        self.lock = threading.Lock()
        self.read_at, self.info, self.ok, self.error = None, [], False, 'not read yet'

    def view(self):
        """(summary, ok, error)."""
        with self.lock:
            now = self.clock()
            if self.read_at is None or now - self.read_at >= self.cache:
                try:
                    self.info = json.loads(self.run(['pgbackrest', '--stanza=' + self.stanza, '--output=json',
                                                     '--log-level-console=off', '--log-level-stderr=error', 'info']))
                    self.ok, self.error = True, ''
                except Exception as exc:  # noqa: BLE001 (any failure is reported, not raised)
                    self.ok, self.error = False, str(exc)[-500:]
                self.read_at = now
            doc = summary(self.info if self.ok else [], self.stanza, now, self.max_age)
            return doc, self.ok, self.error


def _pgbackrest(argv):
    done = subprocess.run(argv, capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError('%s: exit %d: %s' % (' '.join(argv[:1] + argv[-1:]), done.returncode,
                                                done.stderr.decode('utf-8', 'replace').strip()))
    return done.stdout.decode('utf-8')


def handler(reader):
    class Handler(BaseHTTPRequestHandler):
        server_version = 'geostack-backup'
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
            if path == '/metrics':
                doc, ok, _error = reader.view()
                self._send(200, metrics(doc, ok), 'text/plain; version=0.0.4; charset=utf-8')
            elif path == '/status':
                doc, ok, error = reader.view()
                self._send(200 if ok else 503, json.dumps(dict(doc, ok=ok, error=error), indent=2, sort_keys=True)
                           + '\n', 'application/json')
            else:
                self._send(404, 'not found: GET /metrics or /status\n', 'text/plain; charset=utf-8')

        do_HEAD = do_GET

        def log_message(self, fmt, *args):
            return

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(prog='backup_host.py')
    parser.add_argument('--stanza', required=True)
    parser.add_argument('--listen', default='0.0.0.0:9854')
    parser.add_argument('--max-age', type=int, default=0, help='seconds; 0: never late')
    parser.add_argument('--cache', type=int, default=30)
    parser.add_argument('command', nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ['--'] else args.command
    if not command:
        parser.error('give the command to run after --')
    host, _sep, port = args.listen.rpartition(':')
    child = subprocess.Popen(command)  # pylint: disable=consider-using-with

    def forward(signum, _frame):
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    reader = Reader(args.stanza, args.max_age or None, args.cache, _pgbackrest)
    server = ThreadingHTTPServer((host or '0.0.0.0', int(port)), handler(reader))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    code = child.wait()
    server.shutdown()
    return code


if __name__ == '__main__':
    sys.exit(main())
