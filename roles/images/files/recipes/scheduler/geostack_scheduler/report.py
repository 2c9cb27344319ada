# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the scheduler reports, from a snapshot (jobs, ledger, runs, next times): ``status`` (GET /jobs, JSON) and
``metrics`` (GET /metrics, Prometheus' text format 0.0.4)."""

from __future__ import annotations

import datetime as dt

from geostack_serve import escape, exposition

from geostack_scheduler.planner import ACTIVE, SKIP_REASONS

UTC = dt.timezone.utc


def _iso(epoch):
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, UTC).isoformat().replace('+00:00', 'Z')


def _rate(entry):
    total = entry['succeeded'] + entry['failed']
    return None if total == 0 else entry['succeeded'] / total


def _last_output(entry):
    """The output (a JSON object the run printed last) of the job's latest finished run, or None."""
    records = [r for r in (entry.get('last_success'), entry.get('last_failure')) if r]
    if not records:
        return None
    return max(records, key=lambda r: r.get('finished') or 0).get('output')


def status(snapshot):
    jobs = {}
    for job in snapshot['jobs']:
        entry = snapshot['ledger'].get(job.name)
        if entry is None:
            continue
        running = sorted(r.name for r in snapshot['runs'] if r.job == job.name and r.state == ACTIVE
                         and r.name not in entry['counted'])
        success, failure = entry['last_success'], entry['last_failure']
        nxt = snapshot['next'].get(job.name)
        held = (snapshot.get('held') or {}).get(job.name)
        jobs[job.name] = dict(
            schedule=job.schedule.expression, time_zone=job.schedule.time_zone, concurrency=job.concurrency,
            suspend=job.suspend or held is not None, suspended_by=held, starting_deadline=job.starting_deadline, timeout=job.timeout,
            next_run=nxt.isoformat().replace('+00:00', 'Z') if nxt else None,
            last_scheduled=_iso(entry['last_scheduled']),
            last_success=dict(success, scheduled=_iso(success['scheduled']), started=_iso(success['started']),
                              finished=_iso(success['finished'])) if success else None,
            last_failure=dict(failure, scheduled=_iso(failure['scheduled']), started=_iso(failure['started']),
                              finished=_iso(failure['finished'])) if failure else None,
            last_duration_seconds=entry['last_duration'],
            runs_succeeded=entry['succeeded'], runs_failed=entry['failed'], runs_timed_out=entry['timed_out'],
            runs_replaced=entry['replaced'], runs_skipped=sum(entry['skipped'].values()),
            runs_skipped_by_reason=dict(entry['skipped']), success_rate=_rate(entry), running=running,
            last_output=_last_output(entry))
    return dict(jobs=jobs, errors=snapshot.get('errors') or {}, last_tick=_iso(snapshot.get('last_tick')),
                last_error=snapshot.get('last_error'))


def metrics(snapshot):
    doc = status(snapshot)
    families = [
        ('geostack_job_next_run_timestamp_seconds', 'gauge', 'When the job is next due (Unix time).'),
        ('geostack_job_last_success_timestamp_seconds', 'gauge', 'When the last successful run finished (Unix time).'),
        ('geostack_job_last_failure_timestamp_seconds', 'gauge', 'When the last failed run ended (Unix time).'),
        ('geostack_job_last_duration_seconds', 'gauge', 'How long the last finished run took.'),
        ('geostack_job_runs_total', 'counter', 'Runs that ended, by result (success, failure, timeout, replaced).'),
        ('geostack_job_runs_skipped_total', 'counter',
         'Runs not started, by reason (missed, deadline, concurrency).'),
        ('geostack_job_success_ratio', 'gauge', 'Successful runs over finished runs (successes and failures).'),
        ('geostack_job_running', 'gauge', 'Runs in flight.'),
        ('geostack_job_suspended', 'gauge', '1 when the job is suspended (its own suspend, or a suspension).'),
        ('geostack_job_last_output', 'gauge',
         'The numbers of the JSON object the latest finished run printed last (a harvest: rows_read, ...), by key.'),
        ('geostack_scheduler_last_tick_timestamp_seconds', 'gauge', 'When the scheduler last read the swarm.'),
        ('geostack_scheduler_job_errors', 'gauge', 'Jobs of the declaration that cannot run.'),
    ]
    samples = dict((name, []) for name, _kind, _text in families)
    for name, job in sorted(doc['jobs'].items()):
        entry = snapshot['ledger'][name]
        label = 'job="%s"' % escape(name)
        nxt = snapshot['next'].get(name)
        if nxt is not None:
            samples['geostack_job_next_run_timestamp_seconds'].append((label, nxt.timestamp()))
        if entry['last_success']:
            samples['geostack_job_last_success_timestamp_seconds'].append((label, entry['last_success']['finished']))
        if entry['last_failure']:
            samples['geostack_job_last_failure_timestamp_seconds'].append((label, entry['last_failure']['finished']))
        if entry['last_duration'] is not None:
            samples['geostack_job_last_duration_seconds'].append((label, entry['last_duration']))
        failures = entry['failed'] - entry['timed_out']
        for result, value in (('success', entry['succeeded']), ('failure', failures),
                              ('timeout', entry['timed_out']), ('replaced', entry['replaced'])):
            samples['geostack_job_runs_total'].append(('%s,result="%s"' % (label, result), value))
        for reason in SKIP_REASONS:
            samples['geostack_job_runs_skipped_total'].append(
                ('%s,reason="%s"' % (label, reason), entry['skipped'].get(reason, 0)))
        if job['success_rate'] is not None:
            samples['geostack_job_success_ratio'].append((label, job['success_rate']))
        samples['geostack_job_running'].append((label, len(job['running'])))
        samples['geostack_job_suspended'].append((label, 1 if job['suspend'] else 0))
        for key, value in sorted((job['last_output'] or {}).items()):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                samples['geostack_job_last_output'].append(('%s,key="%s"' % (label, escape(key)), value))
    samples['geostack_scheduler_last_tick_timestamp_seconds'] = [('', snapshot.get('last_tick') or 0)]
    samples['geostack_scheduler_job_errors'] = [('', len(snapshot.get('errors') or {}))]
    return exposition(families, samples)
