# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # Options of the modules that wait (module_utils/waiter.py: WAIT_ARGUMENT_SPEC). A module may re-declare
    # wait_timeout with its own default.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to wait until what the module does has taken effect, or what it checks is ready, before returning;
        the module's description says what that is and what is retried.
      - A wait that times out fails with what was waited for and what was last seen.
      - With V(false), the module returns without waiting; a module that checks something checks once.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait (keep trying) when O(wait=true).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two checks (attempts) when O(wait=true).
    type: int
    default: 2
"""
