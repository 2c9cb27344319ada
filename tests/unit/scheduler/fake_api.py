# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake of the ``docker.APIClient`` calls the scheduler makes, holding services, tasks, configs and secrets in
memory, on a clock the test moves. ``finish(name, exit_code)`` ends a run's task as the engine would."""

from __future__ import annotations

import base64
import datetime as dt
import itertools

UTC = dt.timezone.utc


class APIError(Exception):
    def __init__(self, status_code, message):
        super().__init__(message)
        self.status_code = status_code


def stamp(epoch):
    return dt.datetime.fromtimestamp(epoch, UTC).strftime('%Y-%m-%dT%H:%M:%S.%f') + '123Z'


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def set(self, text):
        self.now = dt.datetime.fromisoformat(text).replace(tzinfo=UTC)
        return self.now

    def advance(self, seconds):
        self.now += dt.timedelta(seconds=seconds)
        return self.now


class FakeAPI:
    def __init__(self, clock):
        self.clock = clock
        self.ids = itertools.count(1)
        self.services_ = {}     # name -> service dict
        self.tasks_ = {}        # service id -> [task]
        self.configs_ = {}      # id -> config
        self.secrets_ = {}
        self.calls = []
        self.logs_ = {}         # service name -> its output (bytes)

    def _id(self):
        return 'id%05d' % next(self.ids)

    # Services -------------------------------------------------------------------------------------------------------
    def services(self, filters=None):
        self.calls.append('services')
        out = list(self.services_.values())
        label = (filters or {}).get('label')
        if label:
            key, _sep, value = label.partition('=')
            out = [s for s in out if s['Spec']['Labels'].get(key) == value]
        return [dict(s) for s in out]

    def tasks(self, filters=None):
        return list(self.tasks_.get(filters['service'], []))

    def create_service(self, task_template, name, labels=None, mode=None, endpoint_spec=None):
        self.calls.append('create ' + name)
        if name in self.services_:
            raise APIError(409, 'name conflicts with an existing object')
        service_id = self._id()
        created = stamp(self.clock().timestamp())
        self.services_[name] = dict(ID=service_id, CreatedAt=created, Spec=dict(
            Name=name, Labels=dict(labels or {}), TaskTemplate=task_template, Mode=mode, EndpointSpec=endpoint_spec))
        self.tasks_[service_id] = [dict(ID=self._id(), CreatedAt=created, Version={'Index': 1},
                                        Status=dict(State='running', Timestamp=created), DesiredState='complete')]
        return {'ID': service_id}

    def remove_service(self, name):
        self.calls.append('remove ' + name)
        if name not in self.services_:
            raise APIError(404, 'service %s not found' % name)
        service = self.services_.pop(name)
        self.tasks_.pop(service['ID'], None)

    def service_logs(self, name, stdout=False, stderr=False, tail='all', timestamps=False):
        self.calls.append('logs ' + name)
        if name not in self.services_:
            raise APIError(404, 'service %s not found' % name)
        lines = self.logs_.get(name, b'').splitlines(True)
        return iter(lines[-tail:] if tail != 'all' else lines)     # the SDK gives a generator of frames

    def finish(self, name, exit_code=0, state=None, output=None):
        """The run's task ends now, having printed ``output`` (text)."""
        if output is not None:
            self.logs_[name] = output.encode('utf-8')
        task = self.tasks_[self.services_[name]['ID']][-1]
        task['Status'] = dict(State=state or ('complete' if exit_code == 0 else 'failed'),
                              Timestamp=stamp(self.clock().timestamp()),
                              ContainerStatus={'ExitCode': exit_code},
                              Err='' if exit_code == 0 else 'task: non-zero exit (%d)' % exit_code)

    def run_names(self, job=None):
        return sorted(n for n, s in self.services_.items()
                      if job is None or s['Spec']['Labels'].get('org.geostack.scheduler.job') == job)

    # Configs and secrets ----------------------------------------------------------------------------------------------
    def configs(self, filters=None):
        out = list(self.configs_.values())
        label = (filters or {}).get('label')
        if label:
            key, _sep, value = label.partition('=')
            out = [c for c in out if c['Spec']['Labels'].get(key) == value]
        return [dict(c) for c in out]

    def create_config(self, name, data, labels=None):
        self.calls.append('config ' + name)
        if any(c['Spec']['Name'] == name for c in self.configs_.values()):
            raise APIError(409, 'config %s exists' % name)
        config_id = self._id()
        self.configs_[config_id] = dict(ID=config_id, Spec=dict(Name=name, Labels=dict(labels or {}),
                                                                Data=base64.b64encode(data).decode('ascii')))
        return {'ID': config_id}

    def inspect_config(self, config_id):
        return self.configs_[config_id]

    def remove_config(self, config_id):
        if config_id not in self.configs_:
            raise APIError(404, 'no config')
        del self.configs_[config_id]

    def secrets(self, filters=None):
        return [dict(s) for s in self.secrets_.values()]

    def add_secret(self, name):
        secret_id = self._id()
        self.secrets_[secret_id] = dict(ID=secret_id, Spec=dict(Name=name, Labels={}))
        return secret_id


def at_iso(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()
