# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.changes import ChangeTracker, change_record

pytestmark = pytest.mark.unit


class Module(object):
    params = {}
    check_mode = False

    def exit_json(self, **kwargs):
        self.exited = kwargs

    def fail_json(self, **kwargs):
        self.failed = kwargs


def test_one_record_shape():
    assert change_record('update_config.order', 'stop-first', 'start-first') == dict(
        setting='update_config.order', before='stop-first', after='start-first')


def test_changes_make_the_result_and_the_diff():
    module = Module()
    tracker = ChangeTracker(module, None)
    tracker.change('role', 'worker', 'manager')
    tracker.change('labels', {}, {'a': '1'})
    tracker.done()
    assert module.exited == dict(
        changed=True,
        changes=[change_record('role', 'worker', 'manager'), change_record('labels', {}, {'a': '1'})],
        diff=dict(before=dict(role='worker', labels={}), after=dict(role='manager', labels={'a': '1'})))


def test_nothing_changed():
    module = Module()
    ChangeTracker(module, None).done()
    assert module.exited == dict(changed=False, changes=[], diff=dict(before={}, after={}))


def test_own_result_keys_and_views():
    module = Module()
    tracker = ChangeTracker(module, None, changes='differences', network=None)
    tracker.changes.extend([change_record('internal', False, True)])
    tracker.done({'internal': False}, {})
    assert module.exited == dict(changed=False, network=None, differences=[change_record('internal', False, True)],
                                 diff=dict(before={'internal': False}, after={}))


def test_records_kept_elsewhere_and_failure_with_the_result():
    module = Module()
    tracker = ChangeTracker(module, None, changes=None, services={})
    tracker.result['services']['web'] = dict(action='created')
    tracker.fail('boom')
    assert module.failed == dict(msg='boom', changed=False, services={'web': dict(action='created')})
