#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: service_logs
short_description: The logs of one service of a stack, across its replicas, with task and node names
version_added: 0.3.0
description:
  - Read-only. Through a swarm manager, reads the logs (stdout and stderr) of the service C(<name>_<service>) from
    every task of it, as C(docker service logs) does, and returns them oldest first, each line with its time, its
    task (C(<service>.<slot>.<task id>), or the node instead of the slot for a global service) and its node.
  - Fails before reading anything, naming the option, when O(service) is not a service of the stack (the message lists
    the stack's services), O(since) is neither a duration nor a time, or O(grep) is not a regular expression.
  - The logging driver must be one the engine can read back (C(json-file), C(local), C(journald)); lines of tasks on a
    node that is down are missing.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.docker
  - geostack.swarm.stack
  - geostack.swarm.stack.service
  - geostack.swarm.attributes
  - geostack.swarm.attributes.info
options:
  since:
    description:
      - Only lines written since then. A duration before now (V(10m), V(1h30m), V(2d)), an RFC 3339 time
        (V(2026-11-27T18:00:00Z); without a zone, UTC) or Unix seconds.
    type: str
  tail:
    description:
      - How many lines to return at most (the last ones, across every task). V(0) returns none.
      - Without O(grep), the engine is asked for this many lines of each task; with O(grep), for every line since
        O(since), and the last O(tail) matching ones are kept.
    type: int
    default: 100
  grep:
    description: A Python regular expression; only the lines whose message it matches (C(re.search)) are returned.
    type: str
  read_idle:
    description:
      - Stop reading when the engine sent nothing for this many seconds. Docker 20.10 keeps a service's log stream
        open without sending more when a task has fewer lines than asked for (C(docker service logs --tail 100) then
        hangs); the lines it sent are returned, and RV(complete) is false.
    type: int
    default: 3
  read_timeout:
    description: Stop reading after this many seconds in any case.
    type: int
    default: 60
seealso:
  - module: geostack.swarm.stack_status
"""

EXAMPLES = r"""
- name: The last 50 error lines of MapServer of the last hour
  geostack.swarm.service_logs:
    name: geostack
    service: mapserver
    since: 1h
    tail: 50
    grep: "(?i)error"
  register: logs

- name: Show them
  ansible.builtin.debug:
    msg: "{{ logs.text }}"
"""

RETURN = r"""
service:
  description: The service's Docker name.
  returned: always
  type: str
  sample: geostack_mapserver
lines:
  description: The lines, oldest first, as C({time, task, node, message}).
  returned: always
  type: list
  elements: dict
  sample:
    - {time: "2026-11-27T18:15:21.852538012Z", task: mapserver.1.onbnpwnjqhei, node: node2, message: "GET /ows ..."}
text:
  description: The same lines as text, C(<time> <task>@<node> <message>).
  returned: always
  type: list
  elements: str
complete:
  description:
    - Whether the engine ended its stream; false when reading stopped after O(read_idle) or O(read_timeout) seconds
      (see O(read_idle)).
  returned: always
  type: bool
since:
  description: The O(since) as Unix seconds, or null.
  returned: always
  type: int
"""

import queue
import threading
import time

from ansible_collections.geostack.swarm.plugins.module_utils.docker_client import SwarmClient, new_module
from ansible_collections.geostack.swarm.plugins.module_utils.operate import stack_argument_spec
from ansible_collections.geostack.swarm.plugins.module_utils.operate.logs import (
    LogOptionError,
    compile_grep,
    select_lines,
    since_epoch,
)
from ansible_collections.geostack.swarm.plugins.module_utils.operate.names import UnknownService, find_service


def read_logs(client, service_id, since, tail, idle, deadline):
    """``(lines, complete)``: the engine's lines, read until its stream ends, or nothing came for ``idle`` seconds, or
    ``deadline`` seconds passed (Docker 20.10 keeps a service's log stream open, sending nothing more, when a task has
    fewer lines than asked for, as ``docker service logs --tail 100`` then hangs; what it sent is kept)."""
    kwargs = dict(details=True, stdout=True, stderr=True, timestamps=True, tail=tail, is_tty=False)
    if since is not None:
        kwargs['since'] = since
    stream = client.call('Reading the logs of service %s' % service_id, client.api.service_logs, service_id,
                         **kwargs)
    chunks = queue.Queue()
    end = object()

    def pump():
        try:
            for chunk in stream or []:
                chunks.put(chunk)
        except Exception as exc:  # pylint: disable=broad-except
            chunks.put(exc)
        chunks.put(end)

    reader = threading.Thread(target=pump, name='service-logs')
    reader.daemon = True    # a stream the engine keeps open dies with the module
    reader.start()
    received = []
    complete = False
    stop = time.monotonic() + deadline
    while True:
        try:
            chunk = chunks.get(timeout=max(0.1, min(idle, stop - time.monotonic())))
        except queue.Empty:
            break
        if chunk is end:
            complete = True
            break
        if isinstance(chunk, Exception):
            client.fail('Reading the logs of service %s failed: %s' % (service_id, chunk))
        received.append(chunk)
        if time.monotonic() >= stop:
            break
    text = ''.join(c.decode('utf-8', 'replace') if isinstance(c, bytes) else str(c) for c in received)
    return text.splitlines(), complete


def main():
    module = new_module(
        argument_spec=stack_argument_spec(
            service=True,
            since=dict(type='str'),
            tail=dict(type='int', default=100),
            grep=dict(type='str'),
            read_idle=dict(type='int', default=3),
            read_timeout=dict(type='int', default=60),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if p['tail'] < 0:
        module.fail_json(msg='tail=%d must be 0 or more' % p['tail'])
    try:
        since = since_epoch(p['since'], time.time())
        grep = compile_grep(p['grep'])
    except LogOptionError as exc:
        module.fail_json(msg=str(exc))
    client = SwarmClient(module)
    client.require_manager('Reading the logs of a service')
    try:
        service = find_service(client.services(), p['name'], p['service'])
    except UnknownService as exc:
        module.fail_json(msg=str(exc))
    tasks = dict((t.get('ID'), t) for t in client.tasks(filters={'service': service['ID']}))
    node_names = dict((n.get('ID'), (n.get('Description') or {}).get('Hostname')) for n in client.nodes())
    raw, complete = read_logs(client, service['ID'], since, 'all' if grep is not None else p['tail'],
                              max(1, p['read_idle']), max(1, p['read_timeout']))
    lines = select_lines(raw, p['service'], tasks, node_names, grep=grep, tail=p['tail'])
    module.exit_json(changed=False, service=service['Spec']['Name'], lines=lines, since=since, complete=complete,
                     text=['%s %s@%s %s' % (line['time'], line['task'], line['node'], line['message'])
                           for line in lines])


if __name__ == '__main__':
    main()
