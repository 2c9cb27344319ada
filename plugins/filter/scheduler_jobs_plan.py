# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: scheduler_jobs_plan
short_description: Check the scheduler's jobs and make the runs' service specs
version_added: 0.3.0
description:
  - Checks the jobs of geostack.swarm.scheduler (C(scheduler_jobs), and C(geostack_scheduled_jobs), the jobs other
    roles add) before anything changes, each problem naming the variable, the item and the key.
  - "A job has a C(name), a cron C(schedule) (five fields or a macro such as V(@daily)) in a C(time_zone), a
    C(concurrency) policy (V(forbid), V(replace), V(allow)), a C(starting_deadline) and a C(timeout) (seconds, or
    null for none), C(suspend), C(successful_history) and C(failed_history) (finished runs kept), and the C(service)
    each run is, in geostack.swarm.geo_stack's service shape; C(secrets) and C(configs) (C({key: {data}})) are Docker
    objects its service refers to by key."
  - Returns what the scheduler reads (each run's Docker service spec, without the stack's namespace label so that
    pruning the stack leaves runs alone) and the secrets and configs to create.
positional: sources
options:
  _input:
    description: The user's jobs (C(scheduler_jobs)).
    type: list
    elements: dict
    required: true
  sources:
    description: The jobs other roles add (C(geostack_scheduled_jobs)).
    type: list
    elements: dict
    default: []
  stack:
    description: The stack's name (C(geostack_stack)).
    type: str
    required: true
  defaults:
    description: Merged into each job (C(scheduler_job_defaults)).
    type: dict
    default: {}
  images:
    description: Image references by name (C(geostack__images)); a run's C(image) that is such a name is replaced.
    type: dict
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse unsound jobs before any change
  ansible.builtin.assert:
    that: plan.problems | length == 0
    fail_msg: "{{ plan.problems | join('; ') }}"
  vars:
    plan: "{{ scheduler_jobs | geostack.swarm.scheduler_jobs_plan(geostack_scheduled_jobs, stack=geostack_stack) }}"
"""

RETURN = r"""
_value:
  description: The jobs as the scheduler reads them, the Docker objects of their runs, and the problems found.
  type: dict
  contains:
    jobs:
      description: The sound jobs, defaults merged, each with C(spec), its runs' Docker service spec.
      type: list
      elements: dict
    secrets:
      description: "The secrets of the jobs, C({key: {data}})."
      type: dict
    configs:
      description: "The configs of the jobs, C({key: {data}})."
      type: dict
    problems:
      description: One message per problem, naming the variable, the item and the key. Empty when all is sound.
      type: list
      elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import jobs_plan


def _scheduler_jobs_plan(jobs, sources=None, stack='geostack', defaults=None, images=None):
    return jobs_plan([('scheduler_jobs', jobs), ('geostack_scheduled_jobs', sources or [])], stack, defaults or {},
                     images)


class FilterModule(object):
    def filters(self):
        return dict(scheduler_jobs_plan=_scheduler_jobs_plan)
