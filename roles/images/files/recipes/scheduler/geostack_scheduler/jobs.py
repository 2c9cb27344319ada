# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The declaration the role renders into a Docker config (JSON):

    {"owner": "geostack", "run_prefix": "geostack_run_",
     "jobs": [{"name", "schedule", "time_zone", "concurrency", "starting_deadline", "suspend",
               "successful_history", "failed_history", "timeout", "spec": <Docker service Spec, without Name>}]}

The role checked every job already (geostack.swarm.scheduler_jobs_plan); a job that is still unusable here is left
out and reported (``Config.errors``), the others run.
"""

from __future__ import annotations

import dataclasses
import json
import re

from geostack_scheduler.cron import Schedule, ScheduleError

POLICIES = ('forbid', 'replace', 'allow')
NAME_RE = re.compile(r'^[a-z][a-z0-9]*([_-][a-z0-9]+)*\Z')


@dataclasses.dataclass
class Job:
    name: str
    schedule: Schedule
    concurrency: str = 'forbid'
    starting_deadline: int | None = None
    suspend: bool = False
    successful_history: int = 3
    failed_history: int = 1
    timeout: int | None = None
    spec: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Config:
    owner: str
    run_prefix: str
    jobs: list
    errors: dict


def _positive(raw, key, allow_none=True):
    value = raw.get(key)
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError('%s must be a positive number of seconds, not %r' % (key, value))
    return value


def _count(raw, key, default):
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError('%s must be a count of 0 or more, not %r' % (key, value))
    return value


def parse_job(raw):
    if not isinstance(raw, dict):
        raise ValueError('a job must be a mapping')
    name = raw.get('name')
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ValueError('name %r: lower-case letters, digits, _ and -' % (name,))
    concurrency = raw.get('concurrency') or 'forbid'
    if concurrency not in POLICIES:
        raise ValueError('concurrency %r is not one of %s' % (concurrency, ', '.join(POLICIES)))
    spec = raw.get('spec')
    if not isinstance(spec, dict) or not isinstance(spec.get('TaskTemplate'), dict):
        raise ValueError('spec must be a Docker service spec with a TaskTemplate')
    try:
        schedule = Schedule(raw.get('schedule'), raw.get('time_zone') or 'UTC')
    except ScheduleError as exc:
        raise ValueError(str(exc)) from None
    return Job(name=name, schedule=schedule, concurrency=concurrency,
               starting_deadline=_positive(raw, 'starting_deadline'), suspend=bool(raw.get('suspend', False)),
               successful_history=_count(raw, 'successful_history', 3),
               failed_history=_count(raw, 'failed_history', 1),
               timeout=_positive(raw, 'timeout'), spec=spec)


def load_config(text):
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get('owner'), str) or not data['owner']:
        raise ValueError('the declaration must be a mapping with an owner')
    jobs = []
    errors = {}
    for index, raw in enumerate(data.get('jobs') or []):
        label = raw.get('name') if isinstance(raw, dict) and isinstance(raw.get('name'), str) else 'jobs[%d]' % index
        try:
            job = parse_job(raw)
        except ValueError as exc:
            errors[label] = str(exc)
            continue
        if any(j.name == job.name for j in jobs):
            errors[label] = 'declared twice: the first is used'
            continue
        jobs.append(job)
    return Config(owner=data['owner'], run_prefix=data.get('run_prefix') or data['owner'] + '_run_', jobs=jobs,
                  errors=errors)
