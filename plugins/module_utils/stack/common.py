# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Constants and errors of geo_stack's module_utils (labels, modes, task states, Docker's naming rules, the
engine's defaults).
"""

from __future__ import annotations

import re

from ansible_collections.geostack.swarm.plugins.module_utils.durations import NS_PER_S

NAMESPACE_LABEL = 'com.docker.stack.namespace'
KEY_LABEL = 'org.geostack.stack.key'

MODES = ('replicated', 'global', 'replicated-job', 'global-job')
JOB_MODES = ('replicated-job', 'global-job')
ENDPOINT_MODES = ('vip', 'dnsrr')
FAILED_UPDATE_STATES = ('paused', 'rollback_started', 'rollback_paused', 'rollback_completed')
FAILED_TASK_STATES = ('failed', 'rejected')
# A service whose up-to-date tasks failed this many times per expected task, with fewer running than expected, is
# in a crash loop: waiting longer cannot help.
CRASH_LOOP_FAILURES = 3

# Docker's own naming rules (swarmkit controlapi): services are DNS labels, secrets and configs a little wider.
SERVICE_NAME_RE = re.compile(r'^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*\Z')
OBJECT_NAME_RE = re.compile(r'^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?\Z')
SERVICE_NAME_MAX = 63
OBJECT_NAME_MAX = 64

UPDATE_DEFAULTS = dict(parallelism=1, delay=0, failure_action='pause', monitor=5 * NS_PER_S, max_failure_ratio=0.0,
                       order='stop-first')
RESTART_DEFAULTS = dict(condition='any', delay=5 * NS_PER_S, max_attempts=0, window=0)
SECRET_FILE_DEFAULTS = dict(uid='0', gid='0', mode=0o444)

# Linux capabilities (capability.h, 0 to 40) by the names the engine takes (ContainerSpec.CapabilityAdd / Drop,
# API 1.41); ALL stands for every one. The engine refuses, when the task starts, one its kernel lacks.
CAPABILITY_ALL = 'ALL'
CAPABILITIES = tuple('CAP_' + name for name in (
    'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
    'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
    'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
    'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
    'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
    'CHECKPOINT_RESTORE'))
# The first engine API with capabilities in a service's ContainerSpec (an older engine ignores them silently).
CAPABILITIES_API = (1, 41)


def int_value(value):
    """An int from an int or a string of digits (Ansible may hand either); None otherwise (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.match(r'^[0-9]+\Z', value):
        return int(value)
    return None


def plain_copy(value):
    """A copy of nested mappings and lists as plain dicts and lists, sharing the (immutable) leaves.

    ``copy.deepcopy`` of a value a filter receives from Ansible 2.19 copies its lazy container's templating context
    too: about 0.7 s for one small job's service. This reads each value once and copies only the structure."""
    if isinstance(value, dict):
        return dict((k, plain_copy(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain_copy(v) for v in value]
    return value


def capability_name(name):
    """The engine's spelling of a capability: upper case, with the CAP_ prefix (ALL stays ALL), as the engine
    itself reads ``net_bind_service``, ``NET_BIND_SERVICE`` and ``CAP_NET_BIND_SERVICE`` alike."""
    name = str(name).strip().upper()
    if name == CAPABILITY_ALL or name.startswith('CAP_'):
        return name
    return 'CAP_' + name


def capability_list(names):
    """A list of capabilities as a set: the engine's spelling, each once, sorted (absent equals empty)."""
    return sorted(set(capability_name(n) for n in names or []))


class StackError(ValueError):
    """Bad input; the message names the path of the bad value."""


class ServiceFailed(Exception):
    """Waiting for a service cannot succeed: its update paused or rolled back, or a job task failed."""
