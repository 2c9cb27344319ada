# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""python3 -m geostack_scheduler [run | health]

run (the default): read the declaration (SCHEDULER_CONFIG, default /etc/geostack/scheduler.json), serve /jobs and
/metrics on SCHEDULER_LISTEN (default 0.0.0.0:8080), tick every SCHEDULER_TICK seconds (default 5) against the Docker
socket (DOCKER_HOST, default unix:///var/run/docker.sock); after each tick that read the swarm, the heartbeat file
(SCHEDULER_HEARTBEAT, default /run/geostack-scheduler/heartbeat) gets the time.
health: exit 0 when the heartbeat is younger than SCHEDULER_HEALTH_AGE seconds (default 60), else 1 (the image's
HEALTHCHECK).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
import time

CONFIG = os.environ.get('SCHEDULER_CONFIG', '/etc/geostack/scheduler.json')
# A Docker client configuration ({"auths": {registry: {"auth": ...}}}, the role's Docker secret): the login the runs'
# services are created with, so that the node a run lands on can pull its image from the swarm's registry.
REGISTRY_AUTH = os.environ.get('SCHEDULER_REGISTRY_AUTH', '/run/secrets/registry_auth.json')
HEARTBEAT = os.environ.get('SCHEDULER_HEARTBEAT', '/run/geostack-scheduler/heartbeat')


def health():
    try:
        with open(HEARTBEAT, encoding='ascii') as handle:
            beat = float(handle.read().strip() or 0)
    except (OSError, ValueError) as exc:
        print('no heartbeat: %s' % exc)
        return 1
    age = time.time() - beat
    limit = float(os.environ.get('SCHEDULER_HEALTH_AGE', '60'))
    if age > limit:
        print('the loop last reached Docker %.0f s ago (limit %.0f s)' % (age, limit))
        return 1
    return 0


def run():
    import docker

    from geostack_scheduler.core import Scheduler
    from geostack_scheduler.jobs import load_config
    from geostack_scheduler.serve import serve
    from geostack_scheduler.swarm import Swarm, load_registry_login

    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format='%(asctime)s %(levelname)s %(message)s')
    log = logging.getLogger('geostack_scheduler')
    with open(CONFIG, encoding='utf-8') as handle:
        config = load_config(handle.read())
    api = docker.APIClient(base_url=os.environ.get('DOCKER_HOST', 'unix:///var/run/docker.sock'), version='auto',
                           timeout=60)
    if load_registry_login(api, REGISTRY_AUTH):
        log.info('the runs are created with the registry login of %s', REGISTRY_AUTH)
    scheduler = Scheduler(Swarm(api, config.owner), config, lambda: dt.datetime.now(dt.timezone.utc))
    host, _colon, port = os.environ.get('SCHEDULER_LISTEN', '0.0.0.0:8080').rpartition(':')
    server = serve(scheduler, host or '0.0.0.0', int(port))
    threading.Thread(target=server.serve_forever, name='http', daemon=True).start()
    log.info('%d job(s) of %s: %s; serving /jobs and /metrics on %s:%s', len(config.jobs), config.owner,
             ', '.join(j.name for j in config.jobs) or 'none', host, port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tick = float(os.environ.get('SCHEDULER_TICK', '5'))
    os.makedirs(os.path.dirname(HEARTBEAT), exist_ok=True)
    while not stop.is_set():
        try:
            if scheduler.tick():
                with open(HEARTBEAT + '.tmp', 'w', encoding='ascii') as handle:
                    handle.write('%f\n' % time.time())
                os.replace(HEARTBEAT + '.tmp', HEARTBEAT)
        except Exception as exc:  # Docker unreachable, a refused call: logged, tried again next tick
            log.exception('tick failed: %s', exc)
            scheduler.failed(exc)
        stop.wait(tick)
    server.shutdown()
    log.info('stopped')
    return 0


def main(argv):
    command = argv[1] if len(argv) > 1 else 'run'
    if command == 'health':
        return health()
    if command == 'run':
        return run()
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
