# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One tick of the scheduler: read the swarm, plan, save the ledger, act. ``Scheduler(swarm, config, clock)``."""

from __future__ import annotations

import logging
import threading

from geostack_scheduler import planner, suspensions
from geostack_scheduler.swarm import LedgerConflict

LOG = logging.getLogger('geostack_scheduler')


class Scheduler:
    def __init__(self, swarm, config, clock):
        self.swarm = swarm
        self.config = config
        self.clock = clock          # () -> aware datetime
        self.seq = None
        self.ledger = {}
        self.lock = threading.Lock()
        self.held = {}
        self.snapshot = dict(jobs=config.jobs, ledger={}, runs=[], next={}, held={}, errors=config.errors,
                             last_tick=None, last_error=None)
        for name, error in config.errors.items():
            LOG.error('job %s left out: %s', name, error)

    def tick(self):
        """Returns True when the swarm was read and the plan carried out."""
        now = self.clock()
        if self.seq is None:
            self.seq, self.ledger = self.swarm.load_ledger()
            LOG.info('ledger %d loaded: %s', self.seq, ', '.join(sorted(self.ledger)) or 'empty')
        held = self._held(now)
        runs = self.swarm.runs()
        self._read_outputs(runs)
        plan = planner.plan(self.config.jobs, runs, self.ledger, now, self.config.run_prefix, held)
        for line in plan.events:
            LOG.info('%s', line)
        if plan.ledger != self.ledger:
            try:
                self.seq = self.swarm.save_ledger(self.seq, plan.ledger)
            except LedgerConflict:
                LOG.warning('the ledger was saved by another scheduler: reloading, nothing done this time')
                self.seq = None
                return False
            self.ledger = plan.ledger
        for name, reason in plan.remove:
            LOG.info('removing %s (%s)', name, reason)
            self.swarm.remove(name)
        for job, scheduled, name in plan.create:
            try:
                created = self.swarm.create(job, scheduled, name)
            except Exception as exc:  # Docker refused the spec (image, network, secret...)
                LOG.error('%s: %s could not be started: %s', job.name, name, exc)
                self.ledger = planner.record_start_failure(self.ledger, job.name, scheduled, name, str(exc), now.timestamp())
                self.seq = self.swarm.save_ledger(self.seq, self.ledger)
                continue
            if not created:
                LOG.info('%s exists already: not started twice', name)
        with self.lock:
            self.snapshot = dict(jobs=self.config.jobs, ledger=self.ledger,
                                 runs=self.swarm.runs() if plan.changed else runs,
                                 next=planner.next_runs(self.config.jobs, self.ledger, now, held), held=held,
                                 errors=self.config.errors, last_tick=now.timestamp(), last_error=None)
        return True

    def _held(self, now):
        """{job: reason} of the suspensions made at run time (read before the runs: a run is never started after a
        suspension was seen missing); the expired and unreadable ones are removed."""
        held, stale = suspensions.held(self.swarm.suspensions(), self.config.jobs, now.timestamp())
        for suspension in stale:
            LOG.warning('removing the suspension %s: %s', suspension.name,
                        'unreadable: ' + suspension.error if suspension.error else 'expired')
            self.swarm.remove_suspension(suspension)
        for name in sorted(set(held) - set(self.held)):
            LOG.info('%s: suspended (%s)', name, held[name])
        for name in sorted(set(self.held) - set(held)):
            LOG.info('%s: resumed', name)
        self.held = held
        return held

    def _read_outputs(self, runs):
        """The output (a JSON object the run printed last) of each finished run not counted yet: read once, before it
        is counted, and kept in the ledger with the run's result."""
        for run in runs:
            if run.state == planner.ACTIVE or run.name in (self.ledger.get(run.job) or {}).get('counted', ()):
                continue
            try:
                run.output = self.swarm.output(run.name)
            except Exception as exc:  # logs unavailable (a log driver without reading): the result is kept without
                LOG.warning('%s: the output of %s could not be read: %s', run.job, run.name, exc)

    def failed(self, error):
        with self.lock:
            self.snapshot = dict(self.snapshot, last_error=str(error))

    def view(self):
        with self.lock:
            return dict(self.snapshot)
