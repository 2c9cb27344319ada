# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What to do now, from what the swarm shows and the ledger: ``plan(jobs, runs, ledger, now, run_prefix)``.

Pure: no clock, no Docker. The swarm holds the state — each run is a service named by its job and its scheduled time
(``run_name``), labelled with both — so a restarted or moved scheduler sees the runs in flight and never starts a run
twice (the name is the run id; Docker refuses a second service of that name). What runs alone cannot tell — the
counters, the last success and failure, the last scheduled time once its run was pruned — is kept in the *ledger*,
a small JSON document the adapter persists as a Docker config (in the swarm's Raft store, so it follows the
scheduler to any manager), written before any run service is removed: a run's result is counted before its
service goes.

Semantics (Kubernetes CronJob's, crazy-max/swarm-cronjob's one-service-per-run):
- the times due are those in (last scheduled, now]; only the latest may start (one catch-up run, never a storm), the
  earlier ones are skipped (reason ``missed``);
- a run more than ``starting_deadline`` seconds late is skipped (``deadline``);
- ``forbid``: a run still active when the next is due makes the next one skipped (``concurrency``); ``replace``: the
  active runs are stopped (counted ``replaced``) and the new one starts; ``allow``: they run side by side;
- ``suspend``: nothing starts (times pass without being counted), runs in flight go on;
- held by a suspension made at run time (``held``: {job: reason}, see suspensions.py): nothing starts either, and
  the runs in flight are stopped (counted ``replaced``, with the reason);
- a run active longer than ``timeout`` seconds is stopped and counted failed (``timeout``);
- finished runs are counted once (their service's task state and exit code), then pruned beyond
  ``successful_history`` / ``failed_history``;
- the first time a job is seen, nothing is due before that moment.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

UTC = dt.timezone.utc
ACTIVE, SUCCEEDED, FAILED = 'active', 'succeeded', 'failed'
SKIP_REASONS = ('missed', 'deadline', 'concurrency')
RESULTS = ('success', 'failure', 'timeout', 'replaced')


@dataclasses.dataclass
class Run:
    """A run as the swarm shows it (see swarm.py): ``scheduled``/``started``/``finished`` are epoch seconds."""
    name: str
    job: str
    scheduled: float
    started: float
    state: str = ACTIVE
    finished: float | None = None
    exit_code: int | None = None
    message: str = ''
    output: dict | None = None      # the run's last line of output when it is a JSON object (swarm.output)


@dataclasses.dataclass
class Plan:
    ledger: dict
    create: list = dataclasses.field(default_factory=list)      # [(job, scheduled epoch, run name)]
    remove: list = dataclasses.field(default_factory=list)      # [(run name, reason)]
    events: list = dataclasses.field(default_factory=list)      # log lines

    @property
    def changed(self):
        return bool(self.create or self.remove)


def run_name(prefix, job, scheduled):
    """The run id: ``<prefix><job>_<UTC yyyymmddhhmm>`` (a service name; cron times are whole minutes)."""
    stamp = dt.datetime.fromtimestamp(scheduled, UTC).strftime('%Y%m%d%H%M')
    return '%s%s_%s' % (prefix, job, stamp)


def new_entry(now):
    return dict(last_scheduled=now, succeeded=0, failed=0, replaced=0, timed_out=0,
                skipped=dict.fromkeys(SKIP_REASONS, 0), last_success=None, last_failure=None, last_duration=None,
                last_finished=None, counted=[])


def _record(entry, run, result, finished, reason=''):
    """Count a finished (or stopped) run once."""
    entry['counted'].append(run.name)
    entry['last_scheduled'] = max(entry['last_scheduled'], run.scheduled)
    duration = max(0.0, (finished or run.started) - run.started)
    record = dict(run=run.name, scheduled=run.scheduled, started=run.started, finished=finished, duration=duration,
                  exit_code=run.exit_code, reason=reason, output=run.output)
    if result == 'success':
        entry['succeeded'] += 1
        entry['last_success'] = record
    elif result == 'replaced':
        entry['replaced'] += 1
        return
    else:
        entry['failed'] += 1
        if result == 'timeout':
            entry['timed_out'] += 1
        entry['last_failure'] = record
    if entry['last_finished'] is None or finished >= entry['last_finished']:
        entry['last_finished'] = finished
        entry['last_duration'] = duration


def record_start_failure(ledger, job, scheduled, name, message, now):
    """A run Docker refused to create: counted failed, its time passed (so that it is not tried every tick)."""
    ledger = copy.deepcopy(ledger)
    entry = ledger.setdefault(job, new_entry(now))
    run = Run(name=name, job=job, scheduled=scheduled, started=now, state=FAILED, finished=now, message=message)
    _record(entry, run, 'failure', now, reason='not started: ' + message)
    return ledger


def _ts(instant):
    return instant.timestamp()


def plan(jobs, runs, ledger, now, run_prefix, held=None):
    """``jobs``: jobs.Job list; ``runs``: Run list (every run of this scheduler); ``ledger``: {job: entry};
    ``now``: aware datetime; ``held``: {job name: reason} of the suspensions made at run time. Returns a Plan with
    the new ledger (the adapter saves it before acting)."""
    held = held or {}
    now_ts = _ts(now)
    out = Plan(ledger={})
    by_job = {}
    for run in runs:
        by_job.setdefault(run.job, []).append(run)
    for job in jobs:
        entry = copy.deepcopy(ledger.get(job.name)) or new_entry(now_ts)
        entry.setdefault('skipped', dict.fromkeys(SKIP_REASONS, 0))
        out.ledger[job.name] = entry
        mine = sorted(by_job.get(job.name, []), key=lambda r: (r.scheduled, r.name))
        names = set(r.name for r in mine)
        # A run counted while still active was stopped (timeout, replace) and its removal did not happen yet.
        counted = set(entry['counted'])
        stopping = set()
        for run in mine:
            if run.state == ACTIVE and run.name in counted:
                out.remove.append((run.name, 'stopped'))
                stopping.add(run.name)
        # Finished runs, counted once, in the order they finished.
        finished = [r for r in mine if r.state != ACTIVE and r.name not in counted]
        for run in sorted(finished, key=lambda r: (r.finished or r.started, r.name)):
            result = 'success' if run.state == SUCCEEDED else 'failure'
            _record(entry, run, result, run.finished or now_ts, reason=run.message)
            out.events.append('%s: run %s %s%s' % (job.name, run.name, 'succeeded' if result == 'success' else
                                                   'failed', ': ' + run.message if run.message else ''))
        # Timeouts.
        for run in mine:
            if (run.state == ACTIVE and run.name not in counted and job.timeout is not None
                    and now_ts - run.started > job.timeout):
                _record(entry, run, 'timeout', now_ts, reason='timed out after %ds' % job.timeout)
                out.remove.append((run.name, 'timeout'))
                stopping.add(run.name)
                out.events.append('%s: run %s stopped: longer than its timeout (%ds)'
                                  % (job.name, run.name, job.timeout))
        if mine:
            entry['last_scheduled'] = max(entry['last_scheduled'], max(r.scheduled for r in mine))
        active = [r for r in mine if r.state == ACTIVE and r.name not in stopping]
        if job.name in held:
            for run in active:
                _record(entry, run, 'replaced', now_ts, reason='stopped: suspended (%s)' % held[job.name])
                out.remove.append((run.name, 'suspended'))
                stopping.add(run.name)
                out.events.append('%s: run %s stopped: suspended (%s)' % (job.name, run.name, held[job.name]))
            active = []
        _plan_start(job, entry, active, names, now, out, run_prefix, job.name in held)
        _plan_history(job, entry, mine, stopping, out)
        # The ledger remembers the counted runs whose services still exist (those being removed too: if their
        # removal fails, they are not counted twice).
        entry['counted'] = [n for n in entry['counted'] if n in names]
    return out


def _plan_start(job, entry, active, names, now, out, run_prefix, held=False):
    last = dt.datetime.fromtimestamp(entry['last_scheduled'], UTC)
    due = job.schedule.between(last, now)
    if not due:
        return
    latest = due[-1]
    latest_ts = _ts(latest)
    if job.suspend or held:
        entry['last_scheduled'] = latest_ts
        return
    if len(due) > 1:
        entry['skipped']['missed'] += len(due) - 1
        out.events.append('%s: %d run(s) missed before %s, skipped (one catch-up at most)' % (
            job.name, len(due) - 1, latest.isoformat()))
    name = run_name(run_prefix, job.name, latest_ts)
    if name in names:
        entry['last_scheduled'] = latest_ts
        return
    late = _ts(now) - latest_ts
    if job.starting_deadline is not None and late > job.starting_deadline:
        entry['skipped']['deadline'] += 1
        entry['last_scheduled'] = latest_ts
        out.events.append('%s: run of %s skipped: %ds late, past its starting deadline (%ds)' % (
            job.name, latest.isoformat(), late, job.starting_deadline))
        return
    if active and job.concurrency == 'forbid':
        entry['skipped']['concurrency'] += 1
        entry['last_scheduled'] = latest_ts
        out.events.append('%s: run of %s skipped: %s still running (concurrency forbid)' % (
            job.name, latest.isoformat(), ', '.join(r.name for r in active)))
        return
    if active and job.concurrency == 'replace':
        for run in active:
            _record(entry, run, 'replaced', _ts(now), reason='replaced by ' + name)
            out.remove.append((run.name, 'replaced'))
            out.events.append('%s: run %s stopped, replaced by %s' % (job.name, run.name, name))
    # The time passes when the run's service exists (next plan), not before: a crash between this plan and the
    # creation leaves the time due, and the name keeps a second creation from making a duplicate.
    out.create.append((job, latest_ts, name))
    out.events.append('%s: starting %s' % (job.name, name))


def _plan_history(job, entry, mine, stopping, out):
    counted = set(entry['counted'])
    done = [r for r in mine if r.state != ACTIVE and r.name in counted and r.name not in stopping]
    done.sort(key=lambda r: (r.scheduled, r.name), reverse=True)
    for state, keep in ((SUCCEEDED, job.successful_history), (FAILED, job.failed_history)):
        for run in [r for r in done if r.state == state][keep:]:
            out.remove.append((run.name, 'history'))


def next_runs(jobs, ledger, now, held=None):
    """{job: the next instant it is due (aware), or None when suspended or held}."""
    out = {}
    for job in jobs:
        if job.suspend or job.name in (held or {}):
            out[job.name] = None
            continue
        out[job.name] = job.schedule.next_after(now)
    return out
