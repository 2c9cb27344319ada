# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""On one node: every container of the stack's tasks, compared with its service's declaration, as the kernel sees it.

    container_security.py DECLARED_JSON [WRITABLE_JSON]

DECLARED_JSON: ``{service name: {cap_add, cap_drop, read_only}}`` from ``docker service inspect`` on a manager
(workers cannot read services). WRITABLE_JSON: the services allowed a writable root filesystem (documented
exceptions; default none). For each running container of a declared service (``docker exec``): NoNewPrivs is 1 in
every process, the bounding set (CapBnd) is the declared one (cap_drop ALL: just cap_add), the effective set is the
bounding set for root and empty otherwise, and / is mounted ro (creating /.geostack-ro-probe fails with "Read-only
file system") exactly when the root filesystem is declared read-only. Every service must drop ALL and be read-only
unless it is a writable exception. For a job (its containers have exited), the newest container's configuration says
the same. Prints one JSON document:
``{containers: [...], problems: [...]}``; exits 1 when there is a problem.
"""

from __future__ import annotations

import json
import subprocess
import sys

# capability.h, by number
CAPABILITIES = (
    'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
    'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
    'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
    'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
    'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
    'CHECKPOINT_RESTORE')
# The engine's default set (moby oci/caps/defaults.go)
DEFAULT = ('CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP',
           'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE')
# First line: the root mount's options (ro or rw); second: what creating a file at the root says (a non-root user
# cannot write there anyway: only "Read-only file system" is evidence); then every process's status.
PROBE = ('awk \'$2 == "/" {split($4, o, ","); print o[1]; exit}\' /proc/self/mounts; '
         'p=/.geostack-ro-probe; if out=$(touch "$p" 2>&1); then rm -f "$p"; echo created; else echo "$out"; fi; '
         'cat /proc/[0-9]*/status 2>/dev/null')


def name(cap):
    cap = str(cap).strip().upper()
    return cap[4:] if cap.startswith('CAP_') else cap


def mask(names, last_cap):
    return sum(1 << CAPABILITIES.index(n) for n in names if n in CAPABILITIES and CAPABILITIES.index(n) <= last_cap)


def bounding(cap_add, cap_drop, last_cap):
    """The set the engine gives (moby TweakCapabilities): ALL added, ALL dropped, or the default set changed."""
    add, drop = set(name(c) for c in cap_add or []), set(name(c) for c in cap_drop or [])
    if 'ALL' in add:
        caps = set(CAPABILITIES) - drop
    elif 'ALL' in drop:
        caps = add
    else:
        caps = (set(DEFAULT) - drop) | add
    return mask(caps, last_cap)


def decode(value):
    return sorted(CAPABILITIES[bit] for bit in range(len(CAPABILITIES)) if value >> bit & 1) or ['none']


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def statuses(text):
    """The /proc/<pid>/status documents of the output, as dicts (each starts with Name:)."""
    out, current = [], None
    for line in text.splitlines():
        key, _sep, value = line.partition(':')
        if key == 'Name':
            current = {}
            out.append(current)
        if current is not None and _sep:
            current[key] = value.strip()
    return out


def main():
    declared = json.loads(sys.argv[1])
    writable = set(json.loads(sys.argv[2])) if len(sys.argv) > 2 else set()
    with open('/proc/sys/kernel/cap_last_cap') as handle:
        last_cap = int(handle.read())
    problems, seen = [], []
    for service, spec in sorted(declared.items()):
        if 'ALL' not in [name(c) for c in spec.get('cap_drop') or []]:
            problems.append('%s: does not drop ALL capabilities (cap_drop %s)' % (service, spec.get('cap_drop')))
        if not spec.get('read_only') and service not in writable:
            problems.append('%s: its root filesystem is not read-only, and it is not a documented exception'
                            % service)
    ids = run('docker', 'ps', '-aq', '--no-trunc', '--filter', 'label=com.docker.swarm.service.name').stdout.split()
    containers = json.loads(run('docker', 'inspect', *ids).stdout or '[]') if ids else []
    newest_exited = {}
    for container in containers:
        service = (container['Config'].get('Labels') or {}).get('com.docker.swarm.service.name')
        if service not in declared:
            continue
        if not container['State'].get('Running'):
            if container['Created'] > newest_exited.get(service, {}).get('Created', ''):
                newest_exited[service] = container
            continue
        spec = declared[service]
        want = bounding(spec.get('cap_add'), spec.get('cap_drop'), last_cap)
        result = run('docker', 'exec', container['Id'], 'sh', '-c', PROBE)
        lines = result.stdout.splitlines()
        procs = statuses(result.stdout)
        mount = lines[0] if lines else result.stderr.strip()
        touch = lines[1] if len(lines) > 1 else ''
        entry = dict(service=service, container=container['Id'][:12], root_mount=mount, touch=touch,
                     processes=len(procs), uid=None, no_new_privs=None, bounding=None, effective=None)
        seen.append(entry)
        if not procs:
            problems.append('%s %s: no process status read (%s)' % (service, entry['container'], result.stderr.strip()))
            continue
        first = procs[0]
        entry.update(uid=first.get('Uid', '').split()[:1], no_new_privs=sorted(set(p.get('NoNewPrivs') for p in procs)),
                     bounding=decode(int(first.get('CapBnd', '0'), 16)), effective=decode(int(first.get('CapEff', '0'), 16)))
        where = '%s %s' % (service, entry['container'])
        if entry['no_new_privs'] != ['1']:
            problems.append('%s: NoNewPrivs %s (expected 1 in every process)' % (where, entry['no_new_privs']))
        for proc in procs:
            bnd, eff = int(proc.get('CapBnd', '0'), 16), int(proc.get('CapEff', '0'), 16)
            uid = (proc.get('Uid') or '0').split()[1]
            if bnd != want:
                problems.append('%s: process %s has the bounding set %s, declared %s'
                                % (where, proc.get('Name'), decode(bnd), decode(want)))
            if eff != (bnd if uid == '0' else 0):
                problems.append('%s: process %s (uid %s) has the effective set %s'
                                % (where, proc.get('Name'), uid, decode(eff)))
        if spec.get('read_only'):
            if mount != 'ro' or 'Read-only file system' not in touch:
                problems.append('%s: declared read-only, but / is mounted %s and touch /.geostack-ro-probe said: %s'
                                % (where, mount, touch))
        elif mount != 'rw':
            problems.append('%s: declared writable, but / is mounted %s' % (where, mount))
    for service, container in sorted(newest_exited.items()):
        if any(e['service'] == service for e in seen):
            continue
        spec, host = declared[service], container['HostConfig']
        entry = dict(service=service, container=container['Id'][:12], exited=True,
                     read_only=bool(host.get('ReadonlyRootfs')), cap_add=host.get('CapAdd'), cap_drop=host.get('CapDrop'))
        seen.append(entry)
        if entry['read_only'] != bool(spec.get('read_only')):
            problems.append('%s %s: ReadonlyRootfs %s, declared %s'
                            % (service, entry['container'], entry['read_only'], bool(spec.get('read_only'))))
        for key in ('cap_add', 'cap_drop'):
            if sorted(name(c) for c in entry[key] or []) != sorted(name(c) for c in spec.get(key) or []):
                problems.append('%s %s: %s %s, declared %s' % (service, entry['container'], key, entry[key],
                                                               spec.get(key)))
    print(json.dumps(dict(containers=seen, problems=problems), indent=1, sort_keys=True))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
