# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Day-2 operations on a deployed stack, for the verbs of playbooks/ (status, logs, restart, scale, upgrade).

- ``names``: a stack's services by their short names, and the one refusal of an unknown service.
- ``status``: what M(geostack.swarm.stack_status) reports: nodes, services, jobs, volumes (pure functions).
- ``logs``: options and lines of M(geostack.swarm.service_logs) (since, tail, grep; task and node names).
- ``service``: the change M(geostack.swarm.stack_service) makes: replicas, a forced rolling restart.
- ``upgrade``: the plan and report of the upgrade verb (images before and after, PostgreSQL major versions).

``stack_argument_spec`` is the one argument spec of the options every day-2 module shares (``name``, and
``service`` for those that work on one service), documented by the doc fragment ``geostack.swarm.stack``
(``geostack.swarm.stack.service``).
"""

from __future__ import annotations

import copy

STACK_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
)

SERVICE_ARGUMENT_SPEC = dict(
    service=dict(type='str', required=True),
)


def stack_argument_spec(service=False, **extra):
    """The shared options (``name``; ``service`` too when ``service``), then the module's own ``extra`` options."""
    spec = copy.deepcopy(STACK_ARGUMENT_SPEC)
    if service:
        spec.update(copy.deepcopy(SERVICE_ARGUMENT_SPEC))
    spec.update(extra)
    return spec
