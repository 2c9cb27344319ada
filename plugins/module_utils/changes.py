# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The changes of the state-changing modules (swarm_cluster, swarm_node, overlay_network, geo_stack).

Every change, or difference between what is and what is asked, is one record of the same shape,
``{setting, before, after}`` (``setting`` a name or a dotted path such as ``update_config.order``), made by
``change_record``. ``ChangeTracker`` keeps a module's records, its result and its diff, and ends the run.
"""

from __future__ import annotations


def change_record(setting, before, after):
    """The one shape of a change record."""
    return dict(setting=setting, before=before, after=after)


class ChangeTracker(object):
    """What a state-changing module keeps during a run.

    ``changes`` names the result key of the module's list of change records (``changes``, or ``differences``
    for overlay_network; None for geo_stack, whose records are per service); further keyword arguments are the
    result's initial keys. ``before`` and ``after`` are the
    diff (by setting, by ``change``, unless the module fills them with its own views).
    """

    def __init__(self, module, client, changes='changes', **result):
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.changes = []
        self.result = dict(changed=False, **result)
        if changes:
            self.result[changes] = self.changes
        self.before = {}
        self.after = {}

    def change(self, setting, before, after):
        """Record a change made (or, in check mode, to be made)."""
        self.changes.append(change_record(setting, before, after))
        self.before[setting] = before
        self.after[setting] = after
        self.result['changed'] = True

    def fail(self, msg):
        """Fail with what was done so far."""
        self.module.fail_json(msg=msg, **self.result)

    def done(self, before=None, after=None):
        """Exit with the result and the diff (``before``/``after`` given, or the one kept)."""
        self.result['diff'] = dict(before=self.before if before is None else before,
                                   after=self.after if after is None else after)
        self.module.exit_json(**self.result)
