# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: harvests_plan
short_description: Check the harvests and make their scheduled jobs
version_added: 0.4.0
description:
  - Checks C(geostack_harvests) (role geostack.swarm.harvest) before anything changes, each problem naming the
    variable, the harvest and the key; a credentials file must be on the controller and hold one line user:password.
  - "A harvest has a C(name), a C(source) (C(kind): V(ogcapi_features) with C(collection), V(wfs) with C(typename),
    V(geojson), V(csv) with C(x) and C(y) or C(wkt) and C(source_srid), V(gpkg) or V(shapefile_zip) with an optional
    C(layer); C(url); optional C(credentials) C({file}), C(bbox) in WGS 84, C(filter) (an OGR SQL WHERE clause),
    C(page_size) for the services), a C(table), a cron C(schedule) in a C(time_zone), a C(mode) (V(replace),
    V(append), V(upsert) with C(keys)), C(delete_missing) (upsert only), C(allow_empty), C(timeout), C(retries),
    C(retry_delay), C(starting_deadline), C(suspend), C(srid) and C(geometry_type)."
  - "With O(postgis) and O(runner), returns each harvest's scheduler job, in the shape of the fact
    C(geostack_scheduled_jobs): a run of the tools image that loads the source into C(geostack_harvest.<table>) with
    ogr2ogr and merges it into the table in one transaction."
options:
  _input:
    description: The harvests (C(geostack_harvests)).
    type: list
    elements: dict
    required: true
  stack:
    description: The stack's name (C(geostack_stack)), for the lengths of the runs' service names.
    type: str
    default: geostack
  dataset_tables:
    description: The qualified tables of C(geostack_datasets); a harvest may not write one of them.
    type: list
    elements: str
    default: []
  runner:
    description: The runner's source (C(roles/harvest/files/geostack_harvest.py)); with O(postgis), jobs are made.
    type: str
  postgis:
    description: The fact C(geostack_postgis).
    type: dict
  networks:
    description: The networks of the runs (the back network first, for PostGIS).
    type: list
    elements: str
    default: []
  readers:
    description: The roles granted SELECT on each harvested table.
    type: list
    elements: str
    default: []
  resources:
    description: The runs' limits and reservations (geostack.swarm.geo_stack's C(resources)).
    type: dict
  uid:
    description: The tools image's user, that reads the secrets.
    type: str
    default: "1000"
  successful_history:
    description: Finished successful runs kept as services.
    type: int
    default: 3
  failed_history:
    description: Finished failed runs kept as services.
    type: int
    default: 3
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse unsound harvests before any change
  ansible.builtin.assert:
    that: plan.problems | length == 0
    fail_msg: "{{ plan.problems | join('; ') }}"
  vars:
    plan: "{{ geostack_harvests | geostack.swarm.harvests_plan(stack=geostack_stack) }}"
"""

RETURN = r"""
_value:
  description: The completed harvests, their scheduler jobs and the problems found.
  type: dict
  contains:
    harvests:
      description: The sound harvests, defaults merged, with C(job), C(schema), C(table), C(qualified), C(staging).
      type: list
      elements: dict
    jobs:
      description: The scheduler jobs (empty without O(postgis) and O(runner), or when there are problems).
      type: list
      elements: dict
    problems:
      description: One message per problem, naming the variable, the harvest and the key. Empty when all is sound.
      type: list
      elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.harvest import harvests_plan, scheduler_jobs


def _harvests_plan(harvests, stack='geostack', dataset_tables=None, runner=None, postgis=None, networks=None,
                   readers=None, resources=None, uid='1000', successful_history=3,
                   failed_history=3):
    planned, problems = harvests_plan(harvests, stack=stack, dataset_tables=dataset_tables or ())
    jobs = []
    if not problems and postgis and runner:
        jobs = scheduler_jobs(planned, runner, postgis, networks or [], uid=str(uid), readers=readers or (),
                              resources=resources, history=(int(successful_history), int(failed_history)))
    return dict(harvests=planned, jobs=jobs, problems=problems)


class FilterModule(object):
    def filters(self):
        return dict(harvests_plan=_harvests_plan)
