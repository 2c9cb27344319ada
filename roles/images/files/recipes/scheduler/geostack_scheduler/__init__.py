# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack's swarm scheduler: starts each run of a declared job as its own replicated-job service.

cron (schedules and time zones), jobs (the declaration), planner (pure: what to do now, from the swarm's runs and
the ledger), suspensions (jobs suspended at run time by a Docker config), swarm (the thin Docker adapter), report
(/jobs and /metrics), serve (the read-only HTTP server, geostack_serve's), __main__ (the loop and the health check).
"""
