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
import json
import signal
import subprocess
import sys
import threading
import time

# Copied into the build context by the images role (roles/images/vars, images__context_files): the collection's
# plugins/module_utils/backup_info.py (pgbackrest info read as the controller reads it) and the HTTP server and
# Prometheus text shared with the scheduler (roles/images/files/shared/geostack_serve.py).
import geostack_serve
from geostack_backup_info import summary
from geostack_serve import escape, exposition

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
    stanza = 'stanza="%s"' % escape(doc['stanza'])
    samples = dict((name, []) for name, _kind, _text in FAMILIES)
    samples['geostack_backup_info_ok'].append((stanza, 1 if ok else 0))
    if doc['status'].get('code') is not None:
        samples['geostack_backup_stanza_status'].append((stanza, doc['status']['code']))
    for repo, state in sorted(doc['repos'].items()):
        if state.get('code') is not None:
            samples['geostack_backup_repository_status'].append(('%s,repo="%s"' % (stanza, escape(repo)), state['code']))
    for repo, by_type in sorted(doc['newest'].items()):
        for kind, backup in sorted(by_type.items()):
            labels = '%s,repo="%s",type="%s"' % (stanza, escape(repo), escape(kind))
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
    return exposition(FAMILIES, samples)


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


def routes(reader):
    def metrics_route():
        doc, ok, _error = reader.view()
        return 200, metrics(doc, ok), geostack_serve.PROMETHEUS

    def status_route():
        doc, ok, error = reader.view()
        return 200 if ok else 503, json.dumps(dict(doc, ok=ok, error=error), indent=2, sort_keys=True) + '\n', \
            geostack_serve.JSON

    return {'/metrics': metrics_route, '/status': status_route}


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
    server = geostack_serve.serve(routes(reader), 'geostack-backup', host or '0.0.0.0', int(port))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    code = child.wait()
    server.shutdown()
    return code


if __name__ == '__main__':
    sys.exit(main())
