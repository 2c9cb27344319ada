# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scheduler's jobs, checked and completed on the controller (filter geostack.swarm.scheduler_jobs_plan).

``cron_problem`` is the controller's own check of a cron expression, as strict as the scheduler's (five fields of
numbers, names, ``*``, ranges, lists and steps, or a macro; the program, in the scheduler image, walks them with
croniter; a unit test compares the two). ``jobs_plan`` checks every job, naming the variable, the item and the key,
and makes each run's Docker service spec with geo_stack's own parser and spec builder, so a job's ``service`` has
geo_stack's shape.
"""

from __future__ import annotations

import json
import re

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9: no time zone can be checked; the caller reports it
    ZoneInfo = None

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import NAMESPACE_LABEL, StackError, plain_copy
from ansible_collections.geostack.swarm.plugins.module_utils.stack.parse import (
    SERVICE_KEYS,
    parse_objects,
    parse_service,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.spec import service_spec

POLICIES = ('forbid', 'replace', 'allow')
JOB_KEYS = ('name', 'schedule', 'time_zone', 'concurrency', 'starting_deadline', 'suspend', 'successful_history',
            'failed_history', 'timeout', 'service', 'secrets', 'configs')
# What a run's service may hold: geo_stack's keys less those a one-off run has no use for (the scheduler sets the mode
# and the restart policy; runs publish no port and are not updated).
RUN_SERVICE_KEYS = tuple(k for k in SERVICE_KEYS if k not in (
    'mode', 'replicas', 'max_concurrent', 'ports', 'endpoint_mode', 'update_config', 'rollback_config',
    'restart_policy', 'healthcheck', 'force_update'))
NAME_RE = re.compile(r'^[a-z][a-z0-9]*([_-][a-z0-9]+)*\Z')
MACROS = {
    '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
    '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
}
_MONTHS = dict((n, i + 1) for i, n in enumerate(
    ('jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec')))
_DAYS = dict((n, i) for i, n in enumerate(('sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat')))
# (field, lowest, highest, names)
_FIELDS = (('minute', 0, 59, {}), ('hour', 0, 23, {}), ('day of month', 1, 31, {}), ('month', 1, 12, _MONTHS),
           ('day of week', 0, 7, _DAYS))
_ITEM = re.compile(r'^(\*|([0-9]+|[a-z]{3})(-([0-9]+|[a-z]{3}))?)(/([0-9]+))?\Z')
# The run service's name: <stack>_run_<job>_<yyyymmddhhmm>, at most 63 characters.
RUN_NAME_MAX = 63


def cron_problem(expression):
    """None when ``expression`` is a cron expression the scheduler runs, else what is wrong."""
    if not isinstance(expression, str):
        return 'must be a cron expression (a string), not %s' % type(expression).__name__
    text = expression.strip().lower()
    fields = MACROS.get(text, text).split()
    if len(fields) != 5:
        return ('%r is not a cron expression of five fields (minute hour day-of-month month day-of-week) nor a '
                'macro (%s)' % (expression, ', '.join(sorted(MACROS))))
    for field, (what, low, high, names) in zip(fields, _FIELDS):
        for item in field.split(','):
            match = _ITEM.match(item)
            if not match:
                return '%r: %r is not a %s (a number, a name, *, a range a-b, a list, a step /n)' % (
                    expression, item, what)
            values = []
            for part in (match.group(2), match.group(4)):
                if part is None:
                    continue
                value = int(part) if part.isdigit() else names.get(part)
                if value is None or not low <= value <= high:
                    return '%r: %s is not a %s (%d to %d%s)' % (
                        expression, part, what, low, high, ', or a name' if names else '')
                values.append(value)
            if len(values) == 2 and values[0] > values[1]:
                return '%r: the range %s of the %s goes backwards' % (expression, item, what)
            if match.group(6) is not None and int(match.group(6)) == 0:
                return '%r: a step of 0 in %s' % (expression, item)
    return None


def time_zone_problem(name):
    if not isinstance(name, str) or not name:
        return 'must be a time zone name such as UTC or Europe/Paris'
    if ZoneInfo is None:
        return 'cannot be checked: the controller needs Python 3.9 or later (zoneinfo)'
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for a path-like name
        return '%r is not a time zone of the IANA database (such as UTC, Europe/Paris, America/New_York)' % name
    return None


def _seconds(value, allow_none=True):
    if value is None:
        return allow_none
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_job(job, where, stack):
    """Problems of the scalar keys of one job (defaults merged)."""
    out = []
    unknown = sorted(str(k) for k in job if k not in JOB_KEYS)
    if unknown:
        out.append('%s: unknown key %s (known: %s)' % (where, ', '.join(unknown), ', '.join(JOB_KEYS)))
    name = job.get('name')
    if not isinstance(name, str) or not NAME_RE.match(name):
        out.append('%s.name: %r must be lower-case letters and digits, words joined by _ or -, starting with a '
                   'letter' % (where, name))
    elif len('%s_run_%s_202401010000' % (stack, name)) > RUN_NAME_MAX:
        out.append('%s.name: the run services %s_run_%s_<yyyymmddhhmm> would be longer than the %d characters of a '
                   'Docker service name: shorten the name (or geostack_stack)' % (where, stack, name, RUN_NAME_MAX))
    problem = cron_problem(job.get('schedule'))
    if problem:
        out.append('%s.schedule: %s' % (where, problem))
    problem = time_zone_problem(job.get('time_zone'))
    if problem:
        out.append('%s.time_zone: %s' % (where, problem))
    if job.get('concurrency') not in POLICIES:
        out.append('%s.concurrency: %r is not one of %s' % (where, job.get('concurrency'), ', '.join(POLICIES)))
    for key in ('starting_deadline', 'timeout'):
        if not _seconds(job.get(key)):
            out.append('%s.%s: %r must be a positive number of seconds (or null: none)' % (where, key, job.get(key)))
    for key in ('successful_history', 'failed_history'):
        if not _count(job.get(key)):
            out.append('%s.%s: %r must be a number of runs kept, 0 or more' % (where, key, job.get(key)))
    if not isinstance(job.get('suspend'), bool):
        out.append('%s.suspend: %r must be true or false' % (where, job.get('suspend')))
    return out


def _run_spec(job, where, stack, images, objects):
    """The Docker service spec of the job's runs (geo_stack's parser and builder), or raise StackError."""
    service = job.get('service')
    if not isinstance(service, dict):
        raise StackError('%s.service: must be a mapping in geo_stack\'s service shape (image, command, env, networks, '
                         'secrets, mounts, ...)' % where)
    unknown = sorted(str(k) for k in service if k not in RUN_SERVICE_KEYS)
    if unknown:
        raise StackError('%s.service: %s not for a run (allowed: %s)'
                         % (where, ', '.join(unknown), ', '.join(RUN_SERVICE_KEYS)))
    raw = plain_copy(service)
    image = raw.get('image')
    if isinstance(image, str) and images is not None and image in images:
        # A name of the images the stack uses (tools, ...): the reference geostack.swarm.images or the registry gave.
        raw['image'] = images[image]
    elif isinstance(image, str) and images is not None and re.match(r'^[a-z0-9-]+\Z', image):
        raise StackError('%s.service.image: %s is not an image of the stack (%s): give a full reference '
                         '(docker.io/library/%s:<tag>) or an image of geostack.swarm.images'
                         % (where, image, ', '.join(sorted(images)) or 'none', image))
    # A run is judged by its exit code. The image's health check (a server's, or the toolbox's every 5 minutes) would
    # keep the run "starting" for its whole life, or have Swarm kill it as unhealthy in the middle of a backup.
    raw.update(mode='replicated-job', restart_policy={'condition': 'none'}, healthcheck={'disable': True})
    parsed_stack = dict(name=stack, endpoint_mode='dnsrr', secrets=objects['secrets'], configs=objects['configs'])
    try:
        svc = parse_service(job['name'], raw, parsed_stack)
    except StackError as exc:
        raise StackError('%s.%s' % (where, str(exc).replace('services.%s' % job['name'], 'service', 1))) from None
    spec = service_spec(parsed_stack, svc, {})
    spec.pop('Name', None)
    spec['Labels'].pop(NAMESPACE_LABEL, None)
    spec['TaskTemplate']['ContainerSpec'].get('Labels', {}).pop(NAMESPACE_LABEL, None)
    if not spec['TaskTemplate']['ContainerSpec'].get('Labels'):
        spec['TaskTemplate']['ContainerSpec'].pop('Labels', None)
    return spec


def jobs_plan(sources, stack, defaults, images=None):
    """``sources``: [(variable name, list of jobs)]; ``defaults`` merged into each job; ``images``: {name: image
    reference} to resolve a run's image given by name (None: not resolved, as in the first play).

    Returns {jobs: [what the scheduler reads], secrets: {key: {data}}, configs: {key: {data}}, problems: [...]}."""
    problems = []
    jobs = []
    secrets = {}
    configs = {}
    seen = {}
    for var, declared in sources:
        if declared is None:
            continue
        if not isinstance(declared, list):
            problems.append('%s must be a list of jobs' % var)
            continue
        for index, raw in enumerate(declared):
            label = raw.get('name') if isinstance(raw, dict) else None
            where = '%s[%d]%s' % (var, index, ' (%s)' % label if isinstance(label, str) else '')
            if not isinstance(raw, dict):
                problems.append('%s: must be a mapping (name, schedule, service, ...)' % where)
                continue
            job = dict(defaults or {})
            job.update(raw)
            found = _check_job(job, where, stack)
            if isinstance(job.get('name'), str):
                if job['name'] in seen:
                    found.append('%s.name: %s is also %s: job names must be unique'
                                 % (where, job['name'], seen[job['name']]))
                seen.setdefault(job['name'], where)
            objects = {}
            for kind, merged in (('secrets', secrets), ('configs', configs)):
                try:
                    objects[kind] = parse_objects(stack, job.get(kind), kind)
                except StackError as exc:
                    found.append('%s.%s' % (where, exc))
                    objects[kind] = {}
                    continue
                for key, obj in objects[kind].items():
                    if key in merged and merged[key]['data'] != obj['data']:
                        found.append('%s.%s.%s: another job declares %s %s with other data: give it another key'
                                     % (where, kind, key, kind[:-1], key))
            if not found:
                try:
                    spec = _run_spec(job, where, stack, images, objects)
                except StackError as exc:
                    found.append(str(exc))
            problems.extend(found)
            if found:
                continue
            for kind, merged in (('secrets', secrets), ('configs', configs)):
                for key, obj in objects[kind].items():
                    merged[key] = dict(data=obj['data'])
            jobs.append(dict(
                name=job['name'], schedule=job['schedule'].strip(), time_zone=job['time_zone'],
                concurrency=job['concurrency'], starting_deadline=job.get('starting_deadline'),
                suspend=job['suspend'], successful_history=job['successful_history'],
                failed_history=job['failed_history'], timeout=job.get('timeout'), spec=spec))
    return dict(jobs=jobs, secrets=secrets, configs=configs, problems=problems)


def registry_login(content, endpoint, path):
    """The login to the swarm's registry for the scheduler's runs, from the Docker client configuration at ``path``
    (``content``: its text, None when the file could not be read): ``{'auths': {endpoint: {'auth': ...}},
    'problem': ''}``, or no auths and a problem naming scheduler_docker_config. ``endpoint`` empty (no registry, or one
    without authentication): nothing is needed, nothing is read."""
    if not endpoint:
        return dict(auths={}, problem='')
    where = 'scheduler_docker_config=%s' % path
    if content is None:
        return dict(auths={}, problem='%s: no such file on the manager; it must hold the login to the swarm\'s registry '
                                      '%s (geostack.swarm.registry logs every node in with docker login, into the '
                                      'Ansible user\'s ~/.docker/config.json)' % (where, endpoint))
    try:
        data = json.loads(content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return dict(auths={}, problem='%s is not a Docker client configuration (a JSON object with auths)' % where)
    auths = data.get('auths') if isinstance(data.get('auths'), dict) else {}
    entry = auths.get(endpoint)
    if not isinstance(entry, dict) or not isinstance(entry.get('auth'), str) or not entry['auth']:
        helper = (' (its logins are kept by a credential helper, credsStore: the scheduler needs the login in the file)'
                  if data.get('credsStore') or data.get('credHelpers') else '')
        return dict(auths={}, problem='%s has no login for the swarm\'s registry %s%s: the runs on other nodes could '
                                      'not pull their images' % (where, endpoint, helper))
    return dict(auths={endpoint: {'auth': entry['auth']}}, problem='')
