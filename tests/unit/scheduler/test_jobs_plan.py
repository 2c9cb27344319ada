# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller's check of the scheduler's jobs (filter geostack.swarm.scheduler_jobs_plan), and its agreement with
the program: what the controller accepts, the scheduler runs, with the spec the controller made."""

from __future__ import annotations

import json

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import cron_problem, jobs_plan
from fake_api import Clock, FakeAPI
from geostack_scheduler.core import Scheduler
from geostack_scheduler.cron import Schedule, ScheduleError
from geostack_scheduler.jobs import load_config
from geostack_scheduler.swarm import Swarm

pytestmark = pytest.mark.unit
DEFAULTS = dict(time_zone='UTC', concurrency='forbid', starting_deadline=300, suspend=False, successful_history=3,
                failed_history=1, timeout=3600)
EXPRESSIONS = [
    '* * * * *', '*/5 * * * *', '0 3 * * *', '0 0 1 jan *', '0 0 * * mon-fri', '15,45 8-18/2 * * 1-5', '@daily',
    '@HOURLY', '0 0 * * 7', '0 0 29 feb *', '1-59/7 * * * *',
    '', '* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '0 0 0 * *', '0 0 32 * *', '0 0 * 0 *', '0 0 * 13 *',
    '0 0 * * 8', '0 0 L * *', '0 0 * * 1#2', 'H * * * *', '@every 5m', 'a b c d e', '*/0 * * * *', '5-1 * * * *',
    '0 0 * foo *', '0 0 * * sunday', '* * * * mon,', '- * * * *',
]


@pytest.mark.parametrize('expression', EXPRESSIONS)
def test_the_controller_and_the_scheduler_agree_on_cron_expressions(expression):
    try:
        Schedule(expression)
        program = True
    except ScheduleError:
        program = False
    assert (cron_problem(expression) is None) == program


def plan(*jobs, images=None, var_jobs=None):
    return jobs_plan([('scheduler_jobs', list(jobs)), ('geostack_scheduled_jobs', var_jobs or [])], 'geostack',
                     DEFAULTS, images)


def hello(**extra):
    return dict(dict(name='hello', schedule='* * * * *',
                     service=dict(image='tools', command=['sh', '-c', 'echo hi'], networks=['geostack_back'])), **extra)


def test_a_sound_job_gets_its_runs_spec():
    out = plan(hello(secrets={'hello_token': {'data': 's3cret'}},
                     service=dict(image='tools', command='sh -c "cat /run/secrets/token"',
                                  secrets=[{'source': 'hello_token', 'target': 'token', 'mode': 0o400}],
                                  env={'A': 1}, resources={'limits': {'memory': '64M'}},
                                  placement={'constraints': ['node.role == manager']}, labels={'x': 'y'})),
               images={'tools': 'geostack/tools:3.6-abc'})
    assert out['problems'] == []
    job = out['jobs'][0]
    assert (job['starting_deadline'], job['timeout'], job['concurrency']) == (300, 3600, 'forbid')
    spec = job['spec']
    container = spec['TaskTemplate']['ContainerSpec']
    assert container['Image'] == 'geostack/tools:3.6-abc'
    assert container['Args'] == ['sh', '-c', 'cat /run/secrets/token']
    assert container['Env'] == ['A=1']
    assert container['Secrets'][0]['SecretName'].startswith('geostack_hello_token_')
    assert container['Secrets'][0]['File']['Mode'] == 0o400
    assert spec['Mode'] == {'ReplicatedJob': {'MaxConcurrent': 1, 'TotalCompletions': 1}}
    assert spec['TaskTemplate']['RestartPolicy']['Condition'] == 'none'
    # The image's health check is off: a run is judged by its exit code, never killed as unhealthy nor left "starting".
    assert container['Healthcheck']['Test'] == ['NONE']
    assert spec['TaskTemplate']['Resources']['Limits']['MemoryBytes'] == 64 * 1024 * 1024
    assert spec['TaskTemplate']['Placement']['Constraints'] == ['node.role == manager']
    assert spec['Labels'] == {'x': 'y'}                 # no stack namespace: pruning the stack leaves runs alone
    assert 'Name' not in spec
    assert out['secrets'] == {'hello_token': {'data': 's3cret'}}
    assert 's3cret' not in json.dumps(out['jobs'])      # the scheduler's declaration holds no secret


def test_the_controllers_spec_runs_in_the_scheduler():
    out = plan(hello(secrets={'hello_token': {'data': 's3cret'}},
                     service=dict(image='tools', command=['true'], secrets=['hello_token'])),
               images={'tools': 'geostack/tools:1'})
    clock = Clock(None)
    clock.set('2024-01-01T12:00:30')
    api = FakeAPI(clock)
    api.add_secret(out['jobs'][0]['spec']['TaskTemplate']['ContainerSpec']['Secrets'][0]['SecretName'])
    config = load_config(json.dumps(dict(owner='geostack', run_prefix='geostack_run_', jobs=out['jobs'])))
    assert config.errors == {}
    scheduler = Scheduler(Swarm(api, 'geostack'), config, clock)
    scheduler.tick()
    clock.set('2024-01-01T12:01:01')
    scheduler.tick()
    assert api.run_names() == ['geostack_run_hello_202401011201']


@pytest.mark.parametrize('job, message', [
    (dict(schedule='61 * * * *'), 'scheduler_jobs[0] (hello).schedule: '),
    (dict(schedule='* * * *'), 'five fields'),
    (dict(time_zone='Europe/Atlantis'), 'scheduler_jobs[0] (hello).time_zone: '),
    (dict(concurrency='sometimes'), 'scheduler_jobs[0] (hello).concurrency: '),
    (dict(starting_deadline=0), 'scheduler_jobs[0] (hello).starting_deadline: '),
    (dict(timeout=-5), 'scheduler_jobs[0] (hello).timeout: '),
    (dict(timeout='1h'), 'scheduler_jobs[0] (hello).timeout: '),
    (dict(successful_history=-1), 'scheduler_jobs[0] (hello).successful_history: '),
    (dict(failed_history=True), 'scheduler_jobs[0] (hello).failed_history: '),
    (dict(suspend='yes'), 'scheduler_jobs[0] (hello).suspend: '),
    (dict(name='Hello World'), 'scheduler_jobs[0] (Hello World).name: '),
    (dict(name='a' * 60), 'longer than the 63 characters'),
    (dict(schedules='* * * * *'), 'unknown key schedules'),
    (dict(service=None), '.service: must be a mapping'),
    (dict(service=dict(image='tools', ports=[{'target': 80}])), '.service: ports not for a run'),
    (dict(service=dict(image='tools', secrets=['nope'])), "secret 'nope' is not declared"),
    (dict(service=dict(image='tools', mounts=[{'type': 'bind', 'source': 'rel', 'target': '/x'}])),
     'scheduler_jobs[0] (hello).service.mounts[0].source'),
    (dict(service=dict(command=['true'])), 'image'),
])
def test_bad_jobs_are_refused_naming_the_variable(job, message):
    problems = plan(hello(**job))['problems']
    assert problems and message in '; '.join(problems)


def test_a_run_image_named_but_not_made_is_refused():
    problems = plan(hello(service=dict(image='postgis')), images={'tools': 'geostack/tools:1'})['problems']
    assert problems == ['scheduler_jobs[0] (hello).service.image: postgis is not an image of the stack (tools): give '
                        'a full reference (docker.io/library/postgis:<tag>) or an image of geostack.swarm.images']
    assert plan(hello(service=dict(image='docker.io/library/alpine:3')), images={})['problems'] == []


def test_duplicate_names_across_the_users_and_the_roles_jobs():
    problems = plan(hello(), var_jobs=[hello()])['problems']
    assert problems == ['geostack_scheduled_jobs[0] (hello).name: hello is also scheduler_jobs[0] (hello): job names '
                        'must be unique']


def test_one_secret_key_with_two_contents_is_refused():
    problems = plan(hello(secrets={'token': {'data': 'a'}}),
                    hello(name='other', secrets={'token': {'data': 'b'}}))['problems']
    assert problems and 'scheduler_jobs[1] (other).secrets.token' in problems[0]


def test_a_job_that_is_not_a_mapping_and_a_list_that_is_not_a_list():
    out = jobs_plan([('scheduler_jobs', ['hello']), ('geostack_scheduled_jobs', 'x')], 'geostack', DEFAULTS)
    assert out['problems'] == ['scheduler_jobs[0]: must be a mapping (name, schedule, service, ...)',
                               'geostack_scheduled_jobs must be a list of jobs']


def test_the_plan_leaves_the_declared_service_as_it_was():
    """The run's service is copied before it is completed (plain_copy, not copy.deepcopy: see its docstring)."""
    service = dict(image='docker.io/library/busybox:1', command=['true'], env=dict(A='1'), networks=['back'])
    declared = json.loads(json.dumps(service))
    plan = jobs_plan([('scheduler_jobs', [dict(name='tick', schedule='* * * * *', service=service)])], 'geostack',
                     DEFAULTS)
    assert plan['problems'] == []
    assert service == declared
    assert plan['jobs'][0]['spec']['TaskTemplate']['ContainerSpec']['Image'] == 'docker.io/library/busybox:1'
