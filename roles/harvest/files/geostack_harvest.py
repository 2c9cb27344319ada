# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One run of a harvest (geostack.swarm.harvest), in the tools image: python3 geostack_harvest.py RUN.json

RUN.json (a Docker config made by geostack.swarm.harvests_plan, no secret in it) says what to fetch, the ogr2ogr
arguments that load it into the staging table, and the SQL that merges the staging table into the target in one
transaction. The connection is libpq's environment (PGHOST, PGUSER, PGPASSFILE: a Docker secret, PGSSLMODE...).
Credentials of the source, when declared, are the Docker secret file HARVEST_CREDENTIALS (user:password): they reach
curl through a config file (-K) and GDAL through a configuration file (GDAL_CONFIG_FILE), both made in a private
scratch directory and removed at the end; never on a command line or in the environment.

The fetch and the load are tried 1 + retries times (retry_delay seconds apart); the merge once (it is one
transaction: a failure, or a run stopped at its timeout, leaves the table as it was). The last line printed is one
JSON object: {"harvest", "result": "success"|"failure", "table", "mode", "rows_read", "rows_inserted",
"rows_updated", "rows_deleted", "columns_added", "duration_seconds"} or, on failure, "stage" and "error"; the
scheduler keeps it with the run's result. The exit code is 0 on success only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

CREDENTIALS = os.environ.get('HARVEST_CREDENTIALS', '/run/secrets/harvest_credentials')


class Failed(Exception):
    def __init__(self, stage, message):
        super().__init__(message)
        self.stage = stage


def _tail(text, limit=600):
    text = ' '.join((text or '').split())
    return text if len(text) <= limit else '...' + text[-limit:]


def _run(argv, stage, env=None, stdin=None):
    done = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env, check=False)
    if done.returncode != 0:
        raise Failed(stage, '%s exited with %d: %s' % (argv[0], done.returncode, _tail(done.stderr or done.stdout)))
    return done.stdout


def private_files(secret_path, directory):
    """(curl config, GDAL config file) made from the user:password secret, mode 0600 in ``directory``; or
    (None, None) without credentials."""
    if not os.path.exists(secret_path):
        return None, None
    with open(secret_path, encoding='utf-8') as handle:
        userpwd = handle.read().strip('\n')
    curl = os.path.join(directory, 'curl.conf')
    gdal = os.path.join(directory, 'gdalrc')
    quoted = userpwd.replace('\\', '\\\\').replace('"', '\\"')
    for path, text in ((curl, 'user = "%s"\n' % quoted),
                       (gdal, '[configoptions]\nGDAL_HTTP_AUTH=BASIC\nGDAL_HTTP_USERPWD=%s\n' % userpwd)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            handle.write(text)
    return curl, gdal


def fetch_argv(config, curl_conf):
    argv = ['curl', '--fail', '--silent', '--show-error', '--location', '--max-redirs', '5',
            '--connect-timeout', '20', '--proto', '=http,https', '--output', config['download']]
    if curl_conf:
        argv += ['--config', curl_conf]
    return argv + ['--', config['url']]


def ogr2ogr_argv(config):
    return ['ogr2ogr', '-f', 'PostgreSQL', 'PG:dbname=%s' % os.environ.get('PGDATABASE', '')] + config['ogr2ogr']


def attempt(config, curl_conf, env):
    if config.get('download'):
        os.makedirs(os.path.dirname(config['download']), exist_ok=True)
        _run(fetch_argv(config, curl_conf), 'fetch', env)
    _run(ogr2ogr_argv(config), 'load', env)


def run(config, sleep=time.sleep, clock=time.monotonic):
    start = clock()
    report = dict(harvest=config['name'], table=config['table'], mode=config['mode'])
    psql = ['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1']
    scratch = tempfile.mkdtemp(prefix='harvest-', dir=os.environ.get('TMPDIR', '/tmp'))
    try:
        curl_conf, gdalrc = private_files(CREDENTIALS, scratch)
        env = dict(os.environ, PGOPTIONS=(os.environ.get('PGOPTIONS', '') + ' -c client_min_messages=warning').strip())
        if gdalrc:
            env['GDAL_CONFIG_FILE'] = gdalrc       # a path; the file holds the credentials
        _run(psql + ['-c', 'SELECT 1'], 'connect', env)
        _run(psql, 'prepare', env, 'CREATE SCHEMA IF NOT EXISTS %s;\nDROP TABLE IF EXISTS %s;\n'
             % (config['staging_schema'], config['staging']))
        tries = 1 + int(config.get('retries', 0))
        for number in range(1, tries + 1):
            try:
                attempt(config, curl_conf, env)
                break
            except Failed as exc:
                if number == tries:
                    raise
                print('harvest %s: attempt %d of %d failed (%s: %s); again in %ss'
                      % (config['name'], number, tries, exc.stage, exc, config.get('retry_delay', 30)), flush=True)
                sleep(config.get('retry_delay', 30))
        out = _run(psql + ['-1'], 'merge', env, config['sql'])
        counts = json.loads([line for line in out.splitlines() if line.startswith('{')][-1])
        report.update(result='success', **counts)
        code = 0
    except Failed as exc:
        report.update(result='failure', stage=exc.stage, error=str(exc))
        code = 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if config.get('download') and os.path.exists(config['download']):
            os.remove(config['download'])
    if code:
        # What a failed run staged is not left behind (best effort: the next run drops it anyway).
        subprocess.run(psql + ['-c', 'DROP TABLE IF EXISTS %s' % config['staging']], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    report['duration_seconds'] = round(clock() - start, 3)
    print(json.dumps(report, sort_keys=True), flush=True)
    return code


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as handle:
        config = json.load(handle)
    return run(config)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
