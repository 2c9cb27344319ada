# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's measurements on the local deployment: load from wrk in a container on the stack's front network,
MapServer run as CGI in its own container, timed Ansible runs, and the last `make up`'s timings."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import statistics
import subprocess
import time

from bench import wrk as wrk_report

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, '.venv', 'bin')


def ansible_env(**extra):
    """The environment the Makefile gives Ansible: the repository's ansible.cfg and the collection in .collections."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, '.collections'), ANSIBLE_FORCE_COLOR='0')
    env.update(extra)
    return env


def docker(*args, check=True, text=True):
    return subprocess.run(('docker',) + args, check=check, capture_output=True, text=text)


def service_image(stack, service):
    return docker('service', 'inspect', '%s_%s' % (stack, service), '--format',
                  '{{.Spec.TaskTemplate.ContainerSpec.Image}}').stdout.strip()


def base_image(stack):
    """The project's Debian base image, as recorded by roles/images in the label of the deployed MapServer image."""
    base = docker('image', 'inspect', service_image(stack, 'mapserver'), '--format',
                  '{{index .Config.Labels "org.geostack.base"}}').stdout.strip()
    if not base or base == '<no value>':
        raise RuntimeError('the deployed mapserver image has no org.geostack.base label: run `make up` first')
    return base


def bench_image(stack):
    """The load generator's image (bench/image), built on the base image like roles/images builds the services'
    images, tagged by a digest of its recipe and the base image's ID: built once, reused after."""
    base = base_image(stack)
    base_id = docker('image', 'inspect', base, '--format', '{{.Id}}').stdout.strip()
    context = os.path.join(REPO, 'bench', 'image')
    digest = hashlib.sha256()
    for name in sorted(os.listdir(context)):
        with open(os.path.join(context, name), 'rb') as handle:
            digest.update(name.encode() + b'\0' + handle.read() + b'\0')
    digest.update(base_id.encode())
    tag = 'geostack/bench:wrk-' + digest.hexdigest()[:12]
    if docker('image', 'inspect', tag, check=False).returncode != 0:
        subprocess.run(['docker', 'build', '--quiet', '--network', 'host', '--build-arg', 'BASE_IMAGE=' + base,
                        '--label', 'org.opencontainers.image.title=geostack/bench', '--label', 'org.geostack.base=' + base,
                        '-t', tag, context], check=True, stdout=subprocess.DEVNULL)
    return tag


def fetch(image, network, url):
    """One request with curl from the bench image on the network: (HTTP status, content type, body)."""
    marker = b'\n--geostack-bench--'
    out = subprocess.run(['docker', 'run', '--rm', '--network', network, '--entrypoint', 'curl', image, '-sk',
                          '--max-time', '30', '-w', marker.decode() + '%{http_code} %{content_type}', url],
                         check=True, capture_output=True).stdout
    body, _sep, tail = out.rpartition(marker)
    status, _sp, content_type = tail.decode().partition(' ')
    return int(status), content_type, body


def check_answer(image, network, url, kind):
    """Refuse to load a URL whose answer is not what is measured: a PNG for GetMap, features for GetFeature."""
    status, content_type, body = fetch(image, network, url)
    if kind == 'getmap':
        good = status == 200 and content_type.startswith('image/png') and body.startswith(b'\x89PNG')
    else:
        good = status == 200 and 'xml' in content_type and body.count(b'featureMember') + body.count(b'member>') >= 1
    if not good:
        raise RuntimeError('%s answers %s %s (%d bytes: %r...), not a %s answer: nothing measured'
                           % (url, status, content_type, len(body), body[:200], kind))
    return {'status': status, 'content_type': content_type, 'bytes': len(body)}


def wrk(image, network, url, connections, seconds):
    """wrk against url for `seconds` with `connections` connections and at most 2 threads (this machine's cores),
    spread over every task of the service (bench/image/bench-wrk). A run that fails is recorded with its error."""
    threads = min(connections, 2)
    command = ['docker', 'run', '--rm', '--network', network, image, url, '-t%d' % threads, '-c%d' % connections,
               '-d%ds' % seconds, '--timeout', '10s', '--latency']
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    try:
        result = wrk_report.parse(done.stdout)
    except ValueError:
        return {'url': url, 'tool': 'wrk', 'connections': connections, 'failed': 1,
                'error': (done.stderr or done.stdout).strip()[-500:]}
    addresses = re.search(r'^addresses: (.*)$', done.stdout, re.M)
    result.update(url=url, tool='wrk', addresses=addresses.group(1).split() if addresses else [])
    return result


# One process per request, as a CGI server runs it: MapServer's own binary in a running MapServer task, with its
# environment (mapfile, database password file), each process timed inside the container (no HTTP, so the CGI side is
# if anything favoured). `connections` loops in parallel, each until `seconds` pass or `limit` requests are made.
_CGI_SCRIPT = r'''
set -u
q=$1; seconds=$2; loops=$3; limit=$4
first=$(REQUEST_METHOD=GET QUERY_STRING="$q" mapserv | head -c 64 | tr -d '\0' | head -1)
case "$first" in "Content-Type: image/png"*) ;; *) echo "not a PNG: $first" >&2; exit 3 ;; esac
dir=$(mktemp -d)
start=$(date +%s%N)
end=$(( $(date +%s) + seconds ))
i=0
while [ "$i" -lt "$loops" ]; do
  ( n=0; failed=0
    while [ "$(date +%s)" -lt "$end" ] && [ "$n" -lt "$limit" ]; do
      REQUEST_METHOD=GET QUERY_STRING="$q" mapserv > "$dir/out.$i" 2>/dev/null || failed=$((failed + 1))
      head -c 23 "$dir/out.$i" | grep -q 'Content-Type: image/png' || failed=$((failed + 1))
      n=$((n + 1))
    done
    echo "$n $failed" > "$dir/count.$i" ) &
  i=$((i + 1))
done
wait
stop=$(date +%s%N)
cat "$dir"/count.* | awk -v ns=$((stop - start)) '{n += $1; f += $2} END {print n, f, ns}'
rm -rf "$dir"
'''


def cgi(stack, query, connections, seconds, limit=2000):
    """MapServer as CGI: requests per second and mean latency of `connections` loops of one process per request."""
    container = docker('ps', '-q', '--filter', 'label=com.docker.swarm.service.name=%s_mapserver' % stack,
                       '--filter', 'health=healthy').stdout.split()
    if not container:
        raise RuntimeError('no healthy MapServer task on this host to run mapserv as CGI in')
    out = docker('exec', container[0], 'sh', '-c', _CGI_SCRIPT, 'cgi', query, str(seconds), str(connections),
                 str(limit)).stdout.split()
    count, failed, nanoseconds = int(out[0]), int(out[1]), int(out[2])
    elapsed = nanoseconds / 1e9
    return {'tool': 'mapserv as CGI (docker exec)', 'connections': connections, 'requests': count, 'failed': failed,
            'seconds': elapsed, 'requests_per_second': count / elapsed,
            'latency_ms': {'avg': 1000.0 * elapsed * connections / count if count else None}}


_RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)', re.M)


def recap(output):
    """PLAY RECAP's counts, summed over the hosts."""
    totals = {'ok': 0, 'changed': 0, 'unreachable': 0, 'failed': 0, 'skipped': 0, 'hosts': 0}
    for match in _RECAP.finditer(output):
        totals['hosts'] += 1
        for name, number in zip(('ok', 'changed', 'unreachable', 'failed', 'skipped'), match.groups()[1:]):
            totals[name] += int(number)
    return totals


def timed(command, log, env):
    start = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    with open(log, 'w', encoding='utf-8') as handle:
        handle.write(done.stdout + done.stderr)
    return seconds, done


def site_rerun(inventory, log):
    """site.yml run again on a deployment that is up: seconds and the recap (a no-op has changed=0)."""
    seconds, done = timed([os.path.join(BIN, 'ansible-playbook'), 'playbooks/site.yml', '-i', inventory], log,
                          ansible_env())
    counts = recap(done.stdout)
    return {'seconds': seconds, 'returncode': done.returncode, 'recap': counts, 'log': log,
            'failed': counts['failed'] + counts['unreachable'] + (1 if done.returncode else 0),
            'tasks': done.stdout.count('\nTASK [')}


def setup(inventory, log, runs=3):
    """`ansible -m setup` on the same hosts: the median of `runs` runs."""
    times = []
    failed = 0
    for _run in range(runs):
        seconds, done = timed([os.path.join(BIN, 'ansible'), 'all', '-i', inventory, '-m', 'ansible.builtin.setup'],
                              log, ansible_env())
        times.append(seconds)
        failed += 1 if done.returncode else 0
    return {'seconds': statistics.median(times), 'runs': times, 'failed': failed}


def _iso(stamp):
    return datetime.datetime.fromisoformat(stamp.replace('Z', '+00:00')).timestamp()


def task_durations(callback_json):
    """{task name: (start, end) in epoch seconds} from the ansible.posix.json callback's output."""
    data = json.loads(callback_json[callback_json.index('{'):])
    out = {}
    for play in data.get('plays', []):
        for task in play.get('tasks', []):
            duration = task['task'].get('duration', {})
            if duration.get('start') and duration.get('end'):
                out[task['task']['name']] = (_iso(duration['start']), _iso(duration['end']))
    return out


def healthy_times(events_text):
    """The times (epoch seconds) of `health_status: healthy` events, from `docker events --format '{{json .}}'`."""
    times = []
    for line in events_text.splitlines():
        line = line.strip()
        if line:
            event = json.loads(line)
            if event.get('status', event.get('Action', '')) == 'health_status: healthy':
                times.append(event['timeNano'] / 1e9)
    return times


def stack_noop(image, inventory, log, runs=3):
    """geo_stack and docker_stack: a no-op redeploy of the same 2-service stack (mean of `runs`), and the
    convergence of geo_stack's first deploy (its return after the last task became healthy)."""
    events = subprocess.Popen(['docker', 'events', '--format', '{{json .}}', '--filter', 'type=container',
                               '--filter', 'event=health_status',
                               '--filter', 'label=com.docker.stack.namespace=geostack_bench_gs'],
                              stdout=subprocess.PIPE, text=True)
    try:
        seconds, done = timed([os.path.join(BIN, 'ansible-playbook'), 'bench/playbooks/stack_noop.yml', '-i', inventory,
                               '-e', 'bench_image=' + image, '-e', 'bench_runs=%d' % runs], log,
                              ansible_env(ANSIBLE_STDOUT_CALLBACK='ansible.posix.json'))
    finally:
        time.sleep(1)
        events.terminate()
        events_text = events.communicate()[0]
    if done.returncode:
        raise RuntimeError('bench/playbooks/stack_noop.yml failed (see %s)' % log)
    tasks = task_durations(done.stdout)

    def span(name):
        start, end = tasks[name]
        return end - start

    healthy = healthy_times(events_text)
    result = {
        'geo_stack_noop': {'seconds': span('Bench no-op geo_stack') / runs, 'runs': runs, 'failed': 0},
        'docker_stack_noop': {'seconds': span('Bench no-op docker_stack') / runs, 'runs': runs, 'failed': 0},
        'geo_stack_first': {'seconds': span('Bench first deploy geo_stack'), 'failed': 0},
        'docker_stack_first': {'seconds': span('Bench first deploy docker_stack'), 'failed': 0},
        'stack_playbook': {'seconds': seconds, 'failed': 0},
    }
    deployed = tasks['Bench first deploy geo_stack']
    in_deploy = [t for t in healthy if deployed[0] <= t <= deployed[1]]
    if len(in_deploy) >= 2:
        result['convergence'] = {'seconds': deployed[1] - max(in_deploy), 'healthy_events': len(in_deploy),
                                 'failed': 0}
    return result


# `make up` writes .build/up-timings.txt (`venv SECONDS`: make's start to the playbook's, venv and collection; `playbook
# SECONDS`; `venv_created yes|no`) and .build/up.log, the playbook's output with ansible.posix.profile_roles' recap.
_PHASES = {
    'cold_engine': ('docker_engine', 'firewall'),
    'cold_images': ('images', 'registry'),
}
_ROLE_LINE = re.compile(r'^(\S+) -+ ([0-9.]+)s$', re.M)


def role_seconds(log_text):
    """{role: seconds} from the ROLES RECAP of ansible.posix.profile_roles (the collection's prefix dropped)."""
    recap_text = log_text.rpartition('ROLES RECAP')[2]
    out = {}
    for name, seconds in _ROLE_LINE.findall(recap_text):
        if name != 'total':
            short = name.rpartition('.')[2]
            out[short] = out.get(short, 0.0) + float(seconds)
    return out


def cold_start(timings_path, log_path):
    """The last `make up`'s split: venv and collection, engine (docker_engine, firewall), images (images, registry)
    and the stack (the rest of the playbook); {} when `make up` has not recorded one."""
    if not (os.path.exists(timings_path) and os.path.exists(log_path)):
        return {}
    seconds = {}
    created = None
    with open(timings_path, encoding='utf-8') as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 2 and parts[0] == 'venv_created':
                created = parts[1] == 'yes'
            elif len(parts) == 2:
                seconds[parts[0]] = float(parts[1])
    with open(log_path, encoding='utf-8') as handle:
        roles = role_seconds(handle.read())
    if 'venv' not in seconds or 'playbook' not in seconds or not roles:
        return {}
    recorded = datetime.datetime.fromtimestamp(os.path.getmtime(timings_path), datetime.timezone.utc).isoformat()
    out = {'cold_venv': {'seconds': seconds['venv']}}
    for phase, names in _PHASES.items():
        out[phase] = {'seconds': sum(roles.get(name, 0.0) for name in names)}
    out['cold_stack'] = {'seconds': max(seconds['playbook'] - out['cold_engine']['seconds']
                                        - out['cold_images']['seconds'], 0.0)}
    for entry in out.values():
        entry.update(recorded=recorded, venv_created=created, failed=0)
    return out


# -- A cached tile through the tile cache's nginx against the same file as a plain static file ------------------------

CACHE_DIR = '/srv/mapproxy/cache_data'   # where the mapproxy image's nginx reads the cache volume
STATIC_NAME = 'geostack-bench-static'
# The static side: the mapproxy image's own nginx and nginx.conf (same binary, workers, sendfile, access log), its
# server replaced by one plain static location on the same cache volume, read-only.
STATIC_SERVER = 'server {\n  listen 8080 default_server;\n  root %s;\n}\n' % CACHE_DIR


def headers(image, network, url):
    """One request with curl from the bench image: (HTTP status, the answer's headers as a lower-case dict, body)."""
    marker = b'\n--geostack-bench-headers--\n'
    out = subprocess.run(['docker', 'run', '--rm', '--network', network, '--entrypoint', 'sh', image, '-c',
                          'curl -sk --max-time 30 -D /tmp/h -o /tmp/b "$1" && cat /tmp/h && printf "%s" "$2" '
                          '&& cat /tmp/b', 'fetch', url, marker.decode()], check=True, capture_output=True).stdout
    head, _sep, body = out.partition(marker)
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1])
    fields = dict((k.strip().lower(), v.strip()) for k, _c, v in (line.partition(':') for line in lines[1:] if ':' in line))
    return status, fields, body


def cache_volume(stack):
    """The tile cache's volume, as the deployed mapproxy service mounts it."""
    mounts = json.loads(docker('service', 'inspect', '%s_mapproxy' % stack, '--format',
                               '{{json .Spec.TaskTemplate.ContainerSpec.Mounts}}').stdout or 'null') or []
    for mount in mounts:
        if mount.get('Target') == CACHE_DIR:
            return mount['Source']
    raise RuntimeError('%s_mapproxy mounts no volume at %s: is the tile cache deployed (make up)?' % (stack, CACHE_DIR))


def start_static(stack, image, network, conf_dir):
    """A container of the deployed mapproxy image on the front network serving the cache volume with STATIC_SERVER
    (started here, removed by stop_static); waits until it answers."""
    conf = os.path.join(conf_dir, 'static.conf')
    with open(conf, 'w', encoding='utf-8') as handle:
        handle.write(STATIC_SERVER)
    os.chmod(conf_dir, 0o755)
    os.chmod(conf, 0o644)
    docker('rm', '-f', STATIC_NAME, check=False)
    docker('run', '-d', '--name', STATIC_NAME, '--network', network, '--read-only', '--tmpfs', '/tmp',
           '--cap-drop', 'ALL', '--label', 'org.geostack.role=bench',
           '--mount', 'type=volume,source=%s,target=%s,readonly' % (cache_volume(stack), CACHE_DIR),
           '--mount', 'type=bind,source=%s,target=/etc/nginx/conf.d/tiles.conf,readonly' % conf,
           '--entrypoint', 'nginx', service_image(stack, 'mapproxy'), '-g', 'daemon off;')
    for _attempt in range(30):
        done = subprocess.run(['docker', 'run', '--rm', '--network', network, '--entrypoint', 'curl', image, '-s',
                               '-o', '/dev/null', '-w', '%{http_code}', 'http://%s:8080/' % STATIC_NAME],
                              check=False, capture_output=True, text=True)
        if done.stdout.strip() in ('200', '403', '404'):
            return 'http://%s:8080' % STATIC_NAME
        time.sleep(1)
    logs = docker('logs', STATIC_NAME, check=False)
    raise RuntimeError('the static nginx does not answer: %s' % (logs.stdout + logs.stderr)[-500:])


def stop_static():
    docker('rm', '-f', STATIC_NAME, check=False)


def check_tiles(image, network, cached_url, static_url):
    """Refuse to compare unless the cached URL is answered by nginx from the cache file (X-Tile-Cache: hit, a PNG) and
    the static URL answers the same bytes. A first request draws and stores the tile if it is not cached yet."""
    headers(image, network, cached_url)
    status, fields, body = headers(image, network, cached_url)
    if status != 200 or fields.get('x-tile-cache') != 'hit' or not body.startswith(b'\x89PNG'):
        raise RuntimeError('%s answers %s, X-Tile-Cache %s (%d bytes): not a cached tile, nothing measured'
                           % (cached_url, status, fields.get('x-tile-cache'), len(body)))
    s_status, _fields, s_body = headers(image, network, static_url)
    if s_status != 200 or s_body != body:
        raise RuntimeError('%s answers %s with %d bytes, not the %d bytes of the cached tile: nothing measured'
                           % (static_url, s_status, len(s_body), len(body)))
    return {'status': status, 'content_type': fields.get('content-type'), 'bytes': len(body),
            'sha256': hashlib.sha256(body).hexdigest()}
