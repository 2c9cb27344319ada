# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One waiter for every module that waits (options ``wait``, ``wait_timeout``, ``wait_sleep``).

``WAIT_ARGUMENT_SPEC`` is the argument spec of those options, documented by the doc fragment
``geostack.swarm.wait``; a module takes it with ``Waiter.argument_spec()``, overriding at most a default (and
documenting that default in its own DOCUMENTATION).

A readiness predicate is a callable returning ``(ready, seen)``: whether the condition holds and a short
description of what was observed. A wait that times out raises ``WaitTimeout`` naming what it waited for and
the last thing it saw, so the module can fail with both.
"""

from __future__ import annotations

import copy
import time

WAIT_ARGUMENT_SPEC = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
    wait_sleep=dict(type='int', default=2),
)


class WaitTimeout(Exception):
    def __init__(self, what, seen, elapsed):
        self.what = what
        self.seen = seen
        self.elapsed = elapsed
        super(WaitTimeout, self).__init__(
            'timed out after %ds waiting for %s; last seen: %s' % (int(elapsed), what, seen))


class Waiter(object):
    def __init__(self, timeout=300, sleep=2, clock=time.monotonic, sleeper=time.sleep):
        self.timeout = max(0, int(timeout))
        self.sleep = max(0, int(sleep)) or 1
        self.clock = clock
        self.sleeper = sleeper

    @staticmethod
    def argument_spec(**defaults):
        """The wait options' argument spec, with a module's own ``{option: default}``."""
        spec = copy.deepcopy(WAIT_ARGUMENT_SPEC)
        for option, default in defaults.items():
            spec[option]['default'] = default
        return spec

    @classmethod
    def from_params(cls, params, **kwargs):
        return cls(timeout=params.get('wait_timeout', 300), sleep=params.get('wait_sleep', 2), **kwargs)

    def wait(self, what, predicate):
        """Poll ``predicate`` until it reports ready; return what it saw last."""
        start = self.clock()
        while True:
            ready, seen = predicate()
            if ready:
                return seen
            elapsed = self.clock() - start
            if elapsed >= self.timeout:
                raise WaitTimeout(what, seen, elapsed)
            self.sleeper(min(self.sleep, max(0.1, self.timeout - elapsed)))
