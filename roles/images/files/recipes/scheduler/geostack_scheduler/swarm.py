# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The thin Docker adapter: reads the runs (services labelled by this scheduler) and the ledger (a Docker config),
creates and removes run services, saves the ledger. Only ``docker.APIClient`` calls (a fake in the unit tests).

Labels of a run service: ``org.geostack.scheduler.owner`` (the scheduler: the stack's name), ``.job``, ``.scheduled``
(epoch seconds), ``.run`` (its name, the run id). Runs do not carry the stack's namespace label, so that
geo_stack's pruning of the stack leaves them alone.

The ledger is the config ``<owner>_scheduler_ledger_<seq>`` (labels ``org.geostack.scheduler.ledger=<owner>``,
``.seq``): configs are immutable, so each save creates the next sequence number and removes the older ones; two
schedulers saving at once cannot both create one number (Docker refuses a name twice), and the loser reloads.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import os
import re

from geostack_scheduler import suspensions
from geostack_scheduler.planner import ACTIVE, FAILED, SUCCEEDED, Run

LABEL = 'org.geostack.scheduler.'
OWNER, JOB, SCHEDULED, RUN = LABEL + 'owner', LABEL + 'job', LABEL + 'scheduled', LABEL + 'run'
LEDGER, SEQ = LABEL + 'ledger', LABEL + 'seq'
ACTIVE_STATES = ('new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running')
# A run's output: the last line of its last OUTPUT_TAIL lines, kept when it is a JSON object of at most OUTPUT_MAX
# characters (the ledger, a Docker config, stays small).
OUTPUT_TAIL = 20
OUTPUT_MAX = 2048
_TIME = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$')


def load_registry_login(api, path):
    """Give the client the registry logins of the Docker client configuration at path, when it exists: the runs'
    services are then created with the login of their image's registry (the X-Registry-Auth header, as
    ``docker service create --with-registry-auth`` sends it). True when loaded."""
    if not path or not os.path.isfile(path):
        return False
    api.reload_config(path)
    return True


class LedgerConflict(Exception):
    """Another scheduler saved the ledger first."""


def parse_time(text):
    """Docker's RFC 3339 times (nanoseconds) as epoch seconds; None for a zero or missing time."""
    match = _TIME.match(text or '')
    if not match or text.startswith('0001-'):
        return None
    fraction = (match.group(2) or '.0')[:7]
    zone = '+00:00' if match.group(3) == 'Z' else match.group(3)
    return dt.datetime.fromisoformat(match.group(1) + fraction + zone).timestamp()


def _status(error):
    response = getattr(error, 'response', None)
    return getattr(error, 'status_code', None) or getattr(response, 'status_code', None)


def run_state(tasks):
    """(state, finished, exit code, message) of a run from its service's tasks (the newest one decides)."""
    if not tasks:
        return ACTIVE, None, None, ''
    task = max(tasks, key=lambda t: (t.get('CreatedAt') or '', (t.get('Version') or {}).get('Index', 0)))
    status = task.get('Status') or {}
    state = status.get('State') or 'new'
    code = ((status.get('ContainerStatus') or {}).get('ExitCode'))
    message = status.get('Err') or ''
    if state in ACTIVE_STATES:
        return ACTIVE, None, None, ''
    finished = parse_time(status.get('Timestamp'))
    if state == 'complete' and not code:
        return SUCCEEDED, finished, code or 0, ''
    if not message:
        message = 'exit code %s' % code if code else 'task %s' % state
    return FAILED, finished, code, message


class Swarm:
    def __init__(self, api, owner):
        self.api = api
        self.owner = owner

    # Runs -------------------------------------------------------------------------------------------------------
    def runs(self):
        out = []
        for service in self.api.services(filters={'label': '%s=%s' % (OWNER, self.owner)}):
            spec = service.get('Spec') or {}
            labels = spec.get('Labels') or {}
            try:
                scheduled = float(labels[SCHEDULED])
            except (KeyError, ValueError):
                continue
            tasks = self.api.tasks(filters={'service': service['ID']})
            state, finished, code, message = run_state(tasks)
            out.append(Run(name=spec.get('Name'), job=labels.get(JOB, ''), scheduled=scheduled,
                           started=parse_time(service.get('CreatedAt')) or scheduled, state=state,
                           finished=finished, exit_code=code, message=message))
        return out

    def output(self, name):
        """The last line of the run's output (stdout and stderr) when it is a JSON object, at most OUTPUT_MAX
        characters once encoded; else None. A job reports its figures so (a harvest: rows read, inserted...)."""
        raw = self.api.service_logs(name, stdout=True, stderr=True, tail=OUTPUT_TAIL, timestamps=False)
        if not isinstance(raw, (bytes, str)):
            raw = b''.join(raw)
        text = raw.decode('utf-8', 'replace') if isinstance(raw, bytes) else raw
        for line in reversed(text.splitlines()):
            line = line.strip()
            if not line:
                continue
            if not line.startswith('{'):
                return None
            try:
                value = json.loads(line)
            except ValueError:
                return None
            if not isinstance(value, dict) or len(json.dumps(value)) > OUTPUT_MAX:
                return None
            return value
        return None

    def _ids(self, kind, names):
        if not names:
            return {}
        listing = self.api.secrets() if kind == 'secret' else self.api.configs()
        return dict(((o.get('Spec') or {}).get('Name'), o['ID']) for o in listing)

    def create(self, job, scheduled, name):
        """Create the run service; False when it exists already (another creation won)."""
        spec = copy.deepcopy(job.spec)
        task = spec['TaskTemplate']
        container = task.setdefault('ContainerSpec', {})
        run_labels = {OWNER: self.owner, JOB: job.name, SCHEDULED: '%d' % scheduled, RUN: name}
        labels = dict(spec.get('Labels') or {}, **run_labels)
        container['Labels'] = dict(container.get('Labels') or {}, **run_labels)
        for kind, key in (('secret', 'Secrets'), ('config', 'Configs')):
            refs = container.get(key) or []
            ids = self._ids(kind, refs)
            for ref in refs:
                ref_name = ref.get('%sName' % kind.capitalize())
                if ref_name not in ids:
                    raise RuntimeError('the %s %s of job %s does not exist' % (kind, ref_name, job.name))
                ref['%sID' % kind.capitalize()] = ids[ref_name]
        try:
            self.api.create_service(task_template=task, name=name, labels=labels,
                                    mode=spec.get('Mode') or {'ReplicatedJob': {'MaxConcurrent': 1,
                                                                                'TotalCompletions': 1}},
                                    endpoint_spec=spec.get('EndpointSpec'))
        except Exception as exc:  # docker.errors.APIError; kept generic for the fake client
            if _status(exc) == 409:
                return False
            raise
        return True

    def remove(self, name):
        try:
            self.api.remove_service(name)
        except Exception as exc:  # docker.errors.NotFound
            if _status(exc) != 404:
                raise

    # Suspensions (see suspensions.py) -------------------------------------------------------------------------------
    def suspensions(self):
        out = []
        for config in self.api.configs(filters={'label': '%s=%s' % (suspensions.LABEL, self.owner)}):
            spec = config.get('Spec') or {}
            if 'Data' not in spec:      # a listing may leave the data out
                spec = self.api.inspect_config(config['ID']).get('Spec') or {}
            try:
                data = base64.b64decode(spec.get('Data') or '')
            except ValueError:
                data = b''
            out.append(suspensions.parse(config['ID'], spec.get('Name') or config['ID'], data))
        return out

    def remove_suspension(self, suspension):
        try:
            self.api.remove_config(suspension.config_id)
        except Exception as exc:
            if _status(exc) != 404:
                raise

    # Ledger -----------------------------------------------------------------------------------------------------
    def _ledgers(self):
        found = []
        for config in self.api.configs(filters={'label': '%s=%s' % (LEDGER, self.owner)}):
            labels = (config.get('Spec') or {}).get('Labels') or {}
            try:
                found.append((int(labels.get(SEQ, '')), config))
            except ValueError:
                continue
        return sorted(found, key=lambda item: item[0])

    def load_ledger(self):
        """(sequence number, ledger); (0, {}) when there is none yet."""
        found = self._ledgers()
        if not found:
            return 0, {}
        seq, config = found[-1]
        data = self.api.inspect_config(config['ID'])['Spec'].get('Data') or ''
        return seq, json.loads(base64.b64decode(data).decode('utf-8') or '{}')

    def save_ledger(self, seq, ledger):
        """Save as seq + 1, remove the older ones; returns the new sequence number."""
        new = seq + 1
        name = '%s_scheduler_ledger_%d' % (self.owner, new)
        try:
            self.api.create_config(name, json.dumps(ledger, sort_keys=True).encode('utf-8'),
                                   labels={LEDGER: self.owner, SEQ: str(new)})
        except Exception as exc:
            if _status(exc) == 409:
                raise LedgerConflict(name) from None
            raise
        for old_seq, config in self._ledgers():
            if old_seq < new:
                try:
                    self.api.remove_config(config['ID'])
                except Exception as exc:
                    if _status(exc) != 404:
                        raise
        return new
