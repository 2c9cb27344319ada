# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scheduler's semantics, tick by tick, on a fake clock and a fake Docker API: runs on time, concurrency
policies, missed runs and deadlines, suspend, timeouts, history limits, restarts with runs in flight."""

from __future__ import annotations

import json

import pytest

from fake_api import Clock, FakeAPI, at_iso
from geostack_scheduler.core import Scheduler
from geostack_scheduler.jobs import load_config
from geostack_scheduler.swarm import Swarm

pytestmark = pytest.mark.unit
PREFIX = 'geostack_run_'


def job(name='hello', schedule='* * * * *', **options):
    task = {'ContainerSpec': {'Image': 'geostack/tools:1', 'Args': ['sh', '-c', 'echo hi']},
            'RestartPolicy': {'Condition': 'none'}}
    spec = {'Labels': {}, 'TaskTemplate': task, 'Mode': {'ReplicatedJob': {'MaxConcurrent': 1, 'TotalCompletions': 1}},
            'EndpointSpec': {'Mode': 'dnsrr'}}
    return dict(dict(name=name, schedule=schedule, time_zone='UTC', concurrency='forbid', starting_deadline=None,
                     suspend=False, successful_history=3, failed_history=1, timeout=None, spec=spec), **options)


class World:
    """A swarm (the fake API) and the scheduler that runs on it; ``restart`` replaces the scheduler by a new one
    with nothing in memory, as a moved or restarted service would be."""

    def __init__(self, *jobs, start='2024-01-01T12:00:30'):
        self.clock = Clock(None)
        self.clock.set(start)
        self.api = FakeAPI(self.clock)
        self.jobs = list(jobs) or [job()]
        self.restart()

    def restart(self, *jobs):
        if jobs:
            self.jobs = list(jobs)
        config = load_config(json.dumps(dict(owner='geostack', run_prefix=PREFIX, jobs=self.jobs)))
        self.scheduler = Scheduler(Swarm(self.api, 'geostack'), config, self.clock)
        return self

    def at(self, text):
        """Move the clock to ``text`` (a time of 2024-01-01 if only HH:MM:SS) and tick."""
        self.clock.set(text if 'T' in text else '2024-01-01T' + text)
        assert self.scheduler.tick()
        return self

    def entry(self, name='hello'):
        return self.scheduler.ledger[name]

    def creates(self):
        return [c for c in self.api.calls if c.startswith('create ')]


def test_a_run_starts_on_time_as_its_own_job_service_with_its_labels():
    world = World().at('12:00:30')
    assert world.api.run_names() == []                 # first seen at 12:00:30: nothing was due before
    world.at('12:00:59')
    assert world.api.run_names() == []
    world.at('12:01:02')
    assert world.api.run_names() == ['geostack_run_hello_202401011201']
    spec = world.api.services_['geostack_run_hello_202401011201']['Spec']
    assert spec['Mode'] == {'ReplicatedJob': {'MaxConcurrent': 1, 'TotalCompletions': 1}}
    assert spec['TaskTemplate']['RestartPolicy'] == {'Condition': 'none'}
    assert spec['Labels'] == {'org.geostack.scheduler.owner': 'geostack', 'org.geostack.scheduler.job': 'hello',
                              'org.geostack.scheduler.scheduled': str(int(at_iso('2024-01-01T12:01:00'))),
                              'org.geostack.scheduler.run': 'geostack_run_hello_202401011201'}
    assert 'com.docker.stack.namespace' not in spec['Labels']   # geo_stack's pruning leaves runs alone
    world.at('12:01:07')
    assert len(world.creates()) == 1                    # a later tick in the same minute starts nothing


def test_a_finished_run_is_counted_once_with_its_duration():
    world = World().at('12:00:30').at('12:01:01')
    world.clock.set('2024-01-01T12:01:31')
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:01:35').at('12:01:40')
    entry = world.entry()
    assert (entry['succeeded'], entry['failed']) == (1, 0)
    assert entry['last_success']['run'] == 'geostack_run_hello_202401011201'
    assert entry['last_duration'] == pytest.approx(30, abs=0.01)


def test_a_failed_run_keeps_its_exit_code_and_reason():
    world = World().at('12:00:30').at('12:01:01')
    world.api.finish('geostack_run_hello_202401011201', 3)
    world.at('12:01:20')
    failure = world.entry()['last_failure']
    assert world.entry()['failed'] == 1
    assert failure['exit_code'] == 3 and 'exit (3)' in failure['reason']


def test_forbid_skips_the_next_run_while_one_is_active():
    world = World(job(concurrency='forbid')).at('12:00:30').at('12:01:01').at('12:02:01').at('12:03:01')
    assert world.api.run_names() == ['geostack_run_hello_202401011201']
    assert world.entry()['skipped']['concurrency'] == 2
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:03:30').at('12:04:01')
    assert world.api.run_names() == ['geostack_run_hello_202401011201', 'geostack_run_hello_202401011204']
    assert world.entry()['skipped']['concurrency'] == 2


def test_replace_stops_the_active_run_and_starts_the_new_one():
    world = World(job(concurrency='replace')).at('12:00:30').at('12:01:01').at('12:02:01')
    assert world.api.run_names() == ['geostack_run_hello_202401011202']
    assert world.api.calls.index('remove geostack_run_hello_202401011201') < \
        world.api.calls.index('create geostack_run_hello_202401011202')    # never side by side
    entry = world.entry()
    assert (entry['replaced'], entry['failed'], entry['succeeded']) == (1, 0, 0)


def test_allow_runs_side_by_side():
    world = World(job(concurrency='allow')).at('12:00:30').at('12:01:01').at('12:02:01').at('12:03:01')
    assert len(world.api.run_names()) == 3
    assert sum(world.entry()['skipped'].values()) == 0


def test_missed_runs_give_one_catch_up_run_never_a_storm():
    world = World().at('12:00:30').at('12:01:01')
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:01:10')
    world.at('12:10:30')                                # the scheduler was away from 12:01:10 to 12:10:30
    assert world.creates() == ['create geostack_run_hello_202401011201', 'create geostack_run_hello_202401011210']
    assert world.entry()['skipped']['missed'] == 8      # 12:02 to 12:09


def test_a_run_later_than_its_starting_deadline_is_skipped_and_counted():
    world = World(job(starting_deadline=20)).at('12:00:30').at('12:01:10')
    assert world.creates() == ['create geostack_run_hello_202401011201']
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:02:25')                                # 25 s late
    assert len(world.creates()) == 1
    assert world.entry()['skipped']['deadline'] == 1
    world.at('12:03:05')                                # 5 s late: runs
    assert world.api.run_names()[-1] == 'geostack_run_hello_202401011203'


def test_after_a_long_absence_the_deadline_skips_the_catch_up_too():
    world = World(job(starting_deadline=60)).at('12:00:30')
    world.at('2024-01-02T12:00:30')                     # a day later, 30 s after a scheduled time
    assert world.api.run_names() == ['geostack_run_hello_202401021200']
    assert world.entry()['skipped']['missed'] == 24 * 60 - 1
    world.restart(job(starting_deadline=10)).at('2024-01-02T12:05:30')
    assert world.api.run_names() == ['geostack_run_hello_202401021200']
    assert world.entry()['skipped'] == {'missed': 24 * 60 - 1 + 4, 'deadline': 1, 'concurrency': 0}


def test_suspend_starts_nothing_and_resuming_does_not_catch_up():
    world = World(job(suspend=True)).at('12:00:30').at('12:01:01').at('12:05:01')
    assert world.api.run_names() == []
    assert sum(world.entry()['skipped'].values()) == 0
    world.restart(job(suspend=False)).at('12:05:30')
    assert world.api.run_names() == []
    world.at('12:06:01')
    assert world.api.run_names() == ['geostack_run_hello_202401011206']


def test_a_run_longer_than_its_timeout_is_stopped_and_counted_failed():
    world = World(job(timeout=90, schedule='0 * * * *')).at('12:00:30').at('13:00:01').at('13:01:00')
    assert world.api.run_names() == ['geostack_run_hello_202401011300']
    world.at('13:01:35')                                # 94 s after it started
    assert world.api.run_names() == []
    entry = world.entry()
    assert (entry['failed'], entry['timed_out']) == (1, 1)
    assert entry['last_failure']['reason'] == 'timed out after 90s'
    world.at('13:02:00')
    assert entry['failed'] == 1


def test_a_timeout_whose_removal_failed_is_not_counted_twice():
    world = World(job(timeout=30, schedule='0 * * * *')).at('12:00:30').at('13:00:01')
    real_remove = world.api.remove_service

    def busy(name):
        raise RuntimeError('engine busy: %s not removed' % name)

    world.api.remove_service = busy
    world.clock.set('2024-01-01T13:00:40')
    with pytest.raises(RuntimeError):
        world.scheduler.tick()
    world.api.remove_service = real_remove
    world.at('13:00:45')
    assert world.api.run_names() == []
    assert world.entry()['timed_out'] == 1


def test_history_keeps_the_newest_runs_of_each_result():
    world = World(job(concurrency='allow', successful_history=2, failed_history=1)).at('12:00:30')
    for minute in range(1, 7):
        world.at('12:%02d:01' % minute)
        world.api.finish('geostack_run_hello_2024010112%02d' % minute, 0 if minute % 3 else 1)
    world.at('12:06:30')
    assert world.api.run_names() == ['geostack_run_hello_202401011204', 'geostack_run_hello_202401011205',
                                     'geostack_run_hello_202401011206']
    entry = world.entry()
    assert (entry['succeeded'], entry['failed']) == (4, 2)     # pruned runs were counted first
    assert entry['last_failure']['run'] == 'geostack_run_hello_202401011206'


def test_history_zero_removes_finished_runs_and_does_not_run_them_again():
    world = World(job(successful_history=0)).at('12:00:30').at('12:01:01')
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:01:30')
    assert world.api.run_names() == []
    world.at('12:01:50')
    assert world.creates() == ['create geostack_run_hello_202401011201']
    assert world.entry()['succeeded'] == 1


def test_restart_with_a_run_in_flight_starts_no_duplicate_and_keeps_its_result():
    world = World().at('12:00:30').at('12:01:01')
    world.restart().at('12:01:20')                      # a new scheduler, nothing in memory, same minute
    assert world.creates() == ['create geostack_run_hello_202401011201']
    assert world.scheduler.ledger['hello']['skipped'] == {'missed': 0, 'deadline': 0, 'concurrency': 0}
    world.clock.set('2024-01-01T12:01:40')
    world.api.finish('geostack_run_hello_202401011201', 0)      # finishes while no scheduler runs
    world.restart().at('12:01:55')
    assert world.entry()['succeeded'] == 1
    assert world.entry()['last_success']['run'] == 'geostack_run_hello_202401011201'
    world.restart().at('12:01:58')
    assert world.entry()['succeeded'] == 1              # counted once, across restarts


def test_restart_after_the_run_was_created_but_before_the_ledger_knew_it():
    world = World().at('12:00:30')
    ledger_before = json.loads(json.dumps(world.scheduler.ledger))
    world.at('12:01:01')
    # The ledger saved before the creation is all a crashed scheduler left: the run's name prevents a second one.
    for config in list(world.api.configs_.values()):
        world.api.remove_config(config['ID'])
    world.api.create_config('geostack_scheduler_ledger_1', json.dumps(ledger_before).encode(),
                            labels={'org.geostack.scheduler.ledger': 'geostack', 'org.geostack.scheduler.seq': '1'})
    world.restart().at('12:01:30')
    assert world.creates() == ['create geostack_run_hello_202401011201']


def test_two_schedulers_never_create_one_run_twice():
    world = World().at('12:00:30')
    other = Scheduler(Swarm(world.api, 'geostack'), world.scheduler.config, world.clock)
    world.at('12:01:01')
    world.clock.set('2024-01-01T12:01:02')
    other.tick()                                        # stale ledger: it tries, the name exists
    assert world.api.run_names() == ['geostack_run_hello_202401011201']


def test_a_ledger_saved_by_another_scheduler_is_reloaded():
    world = World().at('12:00:30').at('12:01:01')
    other = Scheduler(Swarm(world.api, 'geostack'), world.scheduler.config, world.clock)
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.clock.set('2024-01-01T12:01:10')
    assert other.tick()                                 # saves seq 3
    assert world.scheduler.tick() is False              # its seq 3 exists: conflict, reload
    assert world.scheduler.tick()
    assert world.entry()['succeeded'] == 1


def test_the_ledger_is_one_docker_config_kept_across_restarts():
    world = World().at('12:00:30').at('12:01:01')
    world.api.finish('geostack_run_hello_202401011201', 0)
    world.at('12:01:30')
    ledgers = world.api.configs(filters={'label': 'org.geostack.scheduler.ledger=geostack'})
    assert len(ledgers) == 1
    assert world.restart().scheduler.tick() and world.entry()['succeeded'] == 1


def test_a_run_docker_refuses_is_counted_failed_and_not_retried_every_tick():
    bad = job()
    bad['spec']['TaskTemplate']['ContainerSpec']['Secrets'] = [
        {'SecretName': 'geostack_missing_0123456789ab', 'SecretID': '', 'File': {'Name': 'x'}}]
    world = World(bad).at('12:00:30').at('12:01:01').at('12:01:10')
    assert world.creates() == []
    entry = world.entry()
    assert entry['failed'] == 1 and 'geostack_missing_0123456789ab' in entry['last_failure']['reason']
    world.api.add_secret('geostack_missing_0123456789ab')
    world.at('12:02:01')
    spec = world.api.services_['geostack_run_hello_202401011202']['Spec']
    assert spec['TaskTemplate']['ContainerSpec']['Secrets'][0]['SecretID'].startswith('id')


def test_jobs_are_independent_and_runs_of_other_owners_ignored():
    world = World(job('a', '*/2 * * * *'), job('b', '* * * * *')).at('12:00:30')
    world.api.create_service({'ContainerSpec': {'Image': 'x'}}, 'other_run_a_202401011201',
                             labels={'org.geostack.scheduler.owner': 'other', 'org.geostack.scheduler.job': 'a',
                                     'org.geostack.scheduler.scheduled': '0'})
    world.at('12:01:01').at('12:02:01')
    assert world.api.run_names('a') == ['geostack_run_a_202401011202', 'other_run_a_202401011201']
    assert world.api.run_names('b') == ['geostack_run_b_202401011201']
    assert world.scheduler.ledger['b']['skipped']['concurrency'] == 1


def test_a_bad_job_is_left_out_and_reported_the_others_run():
    world = World(job('good'), job('bad', '61 * * * *'), job('bad2', concurrency='sometimes'))
    assert sorted(world.scheduler.config.errors) == ['bad', 'bad2']
    world.at('12:00:30').at('12:01:01')
    assert world.api.run_names() == ['geostack_run_good_202401011201']
