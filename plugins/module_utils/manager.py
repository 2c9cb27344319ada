# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every state-changing module of the collection keeps during a run: the changes it made (or, in check mode,
would make) as ``{setting, before, after}``, and the result it returns with a diff built from them."""

from __future__ import annotations


class ChangeTracker(object):
    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.changes = []
        self.result = dict(changed=False, changes=self.changes)

    def change(self, setting, before, after):
        self.changes.append(dict(setting=setting, before=before, after=after))
        self.result['changed'] = True

    def fail(self, msg):
        self.module.fail_json(msg=msg, changes=self.changes, changed=self.result['changed'])

    def done(self):
        self.result['diff'] = dict(before=dict((c['setting'], c['before']) for c in self.changes),
                                   after=dict((c['setting'], c['after']) for c in self.changes))
        self.module.exit_json(**self.result)
