# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Day-2 operations on a deployed stack, for the verbs of playbooks/ (status, logs, restart, scale).

- ``names``: a stack's services by their short names, and the one refusal of an unknown service.
- ``status``: what M(geostack.swarm.stack_status) reports: nodes, services, jobs, volumes (pure functions).
- ``logs``: options and lines of M(geostack.swarm.service_logs) (since, tail, grep; task and node names).
- ``service``: the change M(geostack.swarm.stack_service) makes: replicas, a forced rolling restart.
"""
