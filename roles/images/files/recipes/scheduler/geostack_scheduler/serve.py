# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The read-only HTTP server: GET /jobs (JSON), GET /metrics (Prometheus text). Nothing else: no control endpoint.
The server itself is geostack_serve's, shared with the backup repository host (copied into the image at build time)."""

from __future__ import annotations

import json

import geostack_serve

from geostack_scheduler import report


def routes(scheduler):
    return {
        '/jobs': lambda: (200, json.dumps(report.status(scheduler.view()), indent=2, sort_keys=True) + '\n',
                          geostack_serve.JSON),
        '/metrics': lambda: (200, report.metrics(scheduler.view()), geostack_serve.PROMETHEUS),
    }


def serve(scheduler, host, port):
    return geostack_serve.serve(routes(scheduler), 'geostack-scheduler', host, port)
