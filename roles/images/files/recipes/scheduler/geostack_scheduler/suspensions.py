# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Suspensions made at run time, without a redeploy: ``held(suspensions, jobs, now)``.

An operation that the runs of some jobs would disturb (a live restore stops PostGIS: a backup or check started then
fails) suspends them for its length by creating a Docker config ``<owner>_scheduler_suspend_<id>``, labelled
``org.geostack.scheduler.suspend=<owner>``, whose data is a JSON object:

    {"jobs": ["backup_*"], "until": <epoch seconds>, "reason": "restore 20261128012345"}

``jobs`` are names or shell patterns (fnmatch); ``until`` bounds it (an operation whose controller died does not keep
the jobs suspended for ever); ``reason`` is shown in /jobs. While a suspension holds a job, nothing of it starts (its
times pass uncounted, as with the job's own ``suspend``) and its runs in flight are stopped (counted ``replaced``,
the reason given). The operation removes the config when it ends; the scheduler removes an expired or unreadable
one (logged). Read every
tick (one listing of configs), so a suspension takes hold within one tick and ends within one tick of its removal.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json

LABEL = 'org.geostack.scheduler.suspend'


@dataclasses.dataclass
class Suspension:
    config_id: str
    name: str
    jobs: list
    until: float | None
    reason: str
    error: str = ''


def parse(config_id, name, data):
    """A Suspension from a config's data (bytes or text); one that cannot be read holds nothing and says why (it is
    never mistaken for a suspension of every job)."""
    try:
        value = json.loads(data.decode('utf-8') if isinstance(data, bytes) else data)
        if not isinstance(value, dict):
            raise ValueError('not a JSON object')
        jobs = value.get('jobs')
        if not isinstance(jobs, list) or not jobs or not all(isinstance(j, str) and j for j in jobs):
            raise ValueError('jobs must be a list of job names or patterns')
        until = value.get('until')
        if isinstance(until, bool) or not isinstance(until, (int, float)):
            raise ValueError('until must be a time (epoch seconds)')
        reason = value.get('reason') or name
        return Suspension(config_id, name, list(jobs), float(until), str(reason))
    except (ValueError, UnicodeDecodeError) as exc:
        return Suspension(config_id, name, [], None, name, error=str(exc))


def held(suspensions, jobs, now):
    """({job name: reason of the first suspension holding it}, [suspensions to remove: expired or unreadable]) at
    ``now`` (epoch seconds)."""
    out = {}
    expired = []
    for suspension in sorted(suspensions, key=lambda s: s.name):
        if suspension.error or suspension.until <= now:
            expired.append(suspension)
            continue
        for job in jobs:
            if job.name not in out and any(fnmatch.fnmatchcase(job.name, p) for p in suspension.jobs):
                out[job.name] = suspension.reason
    return out, expired
