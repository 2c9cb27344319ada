# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pgBackRest for the stack's PostGIS (role geostack.swarm.backup, filter geostack.swarm.backup_plan).

``problems`` checks the role's variables, each problem naming its variable; ``conf`` writes a pgbackrest.conf from
sections of options (refusing what would break the file); ``cron_interval`` is the longest time between two runs of a
cron expression, which ``status`` uses to say whether the last backup is late (older than twice its schedule);
``status`` reads ``pgbackrest info --output=json`` (with backup_info.summary, the repository host's own reading).
"""

from __future__ import annotations

import datetime
import os
import re

from ansible_collections.geostack.swarm.plugins.module_utils.backup_info import summary
from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import MACROS, cron_problem, time_zone_problem
from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import int_value as _int

BACKUP_TYPES = ('full', 'diff', 'incr')
SCHEDULES = ('full', 'diff', 'incr', 'check', 'verify')
RETENTION_TYPES = ('count', 'time')
PASSPHRASE_MIN = 20
ARCHIVE_TIMEOUT_MAX = 60
NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]*\Z')
LABEL_RE = re.compile(r'^[a-z0-9]+([._-][a-z0-9]+)*\Z')
_OPTION_RE = re.compile(r'^[a-z0-9][a-z0-9-]*\Z')
# backup_s3: a second repository (repo2) on S3-compatible storage over TLS.
S3_KEYS = ('endpoint', 'port', 'bucket', 'region', 'path', 'key_file', 'secret_file', 'ca_file', 'uri_style',
           'retention_full', 'retention_full_type', 'retention_diff', 'schedules')
_HOST_RE = re.compile(r'^(?=.{1,253}\Z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z')
_BUCKET_RE = re.compile(r'^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z')
_REGION_RE = re.compile(r'^[a-z0-9][a-z0-9-]{0,62}\Z')
_S3_PATH_RE = re.compile(r'^/[A-Za-z0-9_./-]*\Z')


def problems(v):
    """Problems of the backup role's variables (``v``: the variables by name, plus ``hosts``: the swarm's hosts in the
    inventory and ``postgis_node``: the inventory host PostGIS is pinned to, '' when not pinned)."""
    out = []
    stanza = v.get('backup_stanza')
    if not isinstance(stanza, str) or not NAME_RE.match(stanza) or len(stanza) > 64:
        out.append('backup_stanza=%s must be letters, digits, _ . and -, starting with a letter or a digit '
                   '(at most 64)' % (stanza,))
    timeout = _int(v.get('backup_archive_timeout'))
    if timeout is None or not 1 <= timeout <= ARCHIVE_TIMEOUT_MAX:
        out.append('backup_archive_timeout=%s must be a number of seconds from 1 to %d: it bounds the data a lost '
                   'node takes with it (the RPO)' % (v.get('backup_archive_timeout'), ARCHIVE_TIMEOUT_MAX))
    kind = v.get('backup_retention_full_type')
    if kind not in RETENTION_TYPES:
        out.append('backup_retention_full_type=%s must be one of %s' % (kind, ', '.join(RETENTION_TYPES)))
    for var in ('backup_retention_full', 'backup_retention_diff'):
        number = _int(v.get(var))
        if number is None or number < 1 or number > 9999999:
            out.append('%s=%s must be a number from 1 to 9999999 (%s): 0 would keep no backup' % (
                var, v.get(var), 'days' if var == 'backup_retention_full' and kind == 'time' else 'backups'))
    schedules = v.get('backup_schedules')
    if not isinstance(schedules, dict):
        out.append('backup_schedules must be a mapping of %s to cron expressions (empty: not scheduled)'
                   % ', '.join(SCHEDULES))
    else:
        for key, expr in schedules.items():
            if key not in SCHEDULES:
                out.append('backup_schedules.%s: not a schedule (known: %s)' % (key, ', '.join(SCHEDULES)))
            elif expr not in (None, ''):
                problem = cron_problem(expr)
                if problem:
                    out.append('backup_schedules.%s: %s' % (key, problem))
        if not any(schedules.get(t) for t in BACKUP_TYPES):
            out.append('backup_schedules: no backup is scheduled (give full, diff or incr a cron expression)')
    problem = time_zone_problem(v.get('backup_time_zone'))
    if problem:
        out.append('backup_time_zone: %s' % problem)
    passphrase = v.get('backup_cipher_passphrase')
    if not isinstance(passphrase, str) or len(passphrase) < PASSPHRASE_MIN:
        out.append('backup_cipher_passphrase is shorter than %d characters: the repository is encrypted with it '
                   '(aes-256-cbc); leave it unset to have one generated' % PASSPHRASE_MIN)
    elif any(c in passphrase for c in '\r\n') or passphrase != passphrase.strip():
        out.append('backup_cipher_passphrase must be one line without leading or trailing spaces')
    for var in ('backup_volume', 'backup_node_label'):
        value = v.get(var)
        if not isinstance(value, str) or not (LABEL_RE.match(value) if var == 'backup_node_label' else NAME_RE.match(value)):
            out.append('%s=%s is not a valid name' % (var, value))
    port = _int(v.get('backup_port'))
    if port is None or not 1024 <= port <= 65535:
        out.append('backup_port=%s must be a port from 1024 to 65535' % (v.get('backup_port'),))
    metrics_port = _int(v.get('backup_metrics_port', 9854))
    if metrics_port is None or not 1024 <= metrics_port <= 65535:
        out.append('backup_metrics_port=%s must be a port from 1024 to 65535' % (v.get('backup_metrics_port'),))
    elif metrics_port == port:
        out.append('backup_metrics_port=%s is also backup_port: the metrics need a port of their own' % metrics_port)
    out.extend(s3_problems(v.get('backup_s3')))
    hosts = v.get('hosts') or []
    node = v.get('backup_node') or ''
    if node and node not in hosts:
        out.append('backup_node=%s is not a host of the swarm in the inventory (%s)' % (node, ', '.join(hosts)))
    elif node and node == v.get('postgis_node') and len(hosts) > 1 and not v.get('backup_allow_same_node'):
        out.append('backup_node=%s is also postgis_node: the repository would be lost with PostGIS\'s node while the '
                   'swarm has other nodes (%s). Choose another node, or set backup_allow_same_node=true'
                   % (node, ', '.join(h for h in hosts if h != node)))
    return out


def s3_problems(s3):
    """Problems of ``backup_s3`` (empty or None: no second repository), each naming ``backup_s3.<key>``. The
    credential files and the CA file are read on the controller: they must be files there."""
    if s3 in (None, {}):
        return []
    if not isinstance(s3, dict):
        return ['backup_s3 must be a mapping (endpoint, bucket, region, key_file, secret_file, ...) or empty']
    out = ['backup_s3.%s: not a setting (known: %s)' % (k, ', '.join(S3_KEYS)) for k in s3 if k not in S3_KEYS]
    endpoint = s3.get('endpoint')
    if not isinstance(endpoint, str) or not _HOST_RE.match(endpoint):
        out.append('backup_s3.endpoint=%s must be the S3 endpoint\'s host name, without scheme or port (the port is '
                   'backup_s3.port; TLS is always used)' % (endpoint,))
    port = _int(s3.get('port', 443))
    if port is None or not 1 <= port <= 65535:
        out.append('backup_s3.port=%s must be a port from 1 to 65535' % (s3.get('port'),))
    bucket = s3.get('bucket')
    if not isinstance(bucket, str) or not _BUCKET_RE.match(bucket) or '..' in bucket:
        out.append('backup_s3.bucket=%s is not a bucket name (3 to 63 lower-case letters, digits, . and -)' % (bucket,))
    region = s3.get('region', 'us-east-1')
    if not isinstance(region, str) or not _REGION_RE.match(region):
        out.append('backup_s3.region=%s is not a region name (such as us-east-1)' % (region,))
    path = s3.get('path', '/pgbackrest')
    if not isinstance(path, str) or not _S3_PATH_RE.match(path) or '//' in path or '/../' in path + '/':
        out.append('backup_s3.path=%s must be an absolute path in the bucket, such as /pgbackrest' % (path,))
    for key, what in (('key_file', 'the access key ID'), ('secret_file', 'the secret access key')):
        value = s3.get(key)
        if not value:
            out.append('backup_s3.%s is not set: S3 settings need credentials, a file on the controller holding %s '
                       '(it reaches the repository host in pgbackrest.conf, a Docker secret)' % (key, what))
        elif not isinstance(value, str) or not os.path.isfile(value):
            out.append('backup_s3.%s=%s is not a file on the controller' % (key, value))
        else:
            with open(value, 'r') as handle:
                text = handle.read().strip()
            if not text or any(c in text for c in '\r\n') or text != text.strip():
                out.append('backup_s3.%s=%s must hold %s on one line' % (key, value, what))
    ca_file = s3.get('ca_file')
    if ca_file and (not isinstance(ca_file, str) or not os.path.isfile(ca_file)):
        out.append('backup_s3.ca_file=%s is not a file on the controller' % (ca_file,))
    if s3.get('uri_style', 'path') not in ('path', 'host'):
        out.append('backup_s3.uri_style=%s must be path or host' % (s3.get('uri_style'),))
    kind = s3.get('retention_full_type', 'count')
    if kind not in RETENTION_TYPES:
        out.append('backup_s3.retention_full_type=%s must be one of %s' % (kind, ', '.join(RETENTION_TYPES)))
    for key in ('retention_full', 'retention_diff'):
        number = _int(s3.get(key, 2 if key == 'retention_full' else 6))
        if number is None or number < 1 or number > 9999999:
            out.append('backup_s3.%s=%s must be a number from 1 to 9999999: 0 would keep no backup' % (key, s3.get(key)))
    schedules = s3.get('schedules', {})
    if not isinstance(schedules, dict):
        out.append('backup_s3.schedules must be a mapping of full, diff and incr to cron expressions')
    else:
        for key, expr in schedules.items():
            if key not in BACKUP_TYPES:
                out.append('backup_s3.schedules.%s: not a backup type (full, diff, incr)' % key)
            elif expr not in (None, ''):
                problem = cron_problem(expr)
                if problem:
                    out.append('backup_s3.schedules.%s: %s' % (key, problem))
    return out


def conf(sections):
    """A pgbackrest.conf from ``sections`` ({section: {option: value}}; lists give an option once per item; None
    leaves it out; booleans are y/n)."""
    lines = []
    for section, options in sections.items():
        if not isinstance(section, str) or not re.match(r'^[A-Za-z0-9][A-Za-z0-9_.:-]*\Z', section):
            raise ValueError('%r is not a section of pgbackrest.conf' % (section,))
        lines.append('[%s]' % section)
        for option, value in (options or {}).items():
            if not isinstance(option, str) or not _OPTION_RE.match(option):
                raise ValueError('%r is not a pgBackRest option' % (option,))
            for item in value if isinstance(value, list) else [value]:
                if item is None:
                    continue
                if isinstance(item, bool):
                    item = 'y' if item else 'n'
                item = str(item)
                if '\n' in item or '\r' in item or item != item.strip():
                    raise ValueError('the value of %s in [%s] must be one line without surrounding spaces'
                                     % (option, section))
                lines.append('%s=%s' % (option, item))
        lines.append('')
    return '\n'.join(lines)


def _expand(field, low, high, names):
    values = set()
    for item in field.split(','):
        step = 1
        if '/' in item:
            item, step = item.split('/')
            step = int(step)
        if item == '*':
            first, last = low, high
        else:
            parts = [int(p) if p.isdigit() else names[p] for p in item.split('-')]
            first = parts[0]
            last = parts[-1] if len(parts) > 1 else (high if step > 1 else first)
        values.update(range(first, last + 1, step))
    return values


def cron_interval(expression, weeks=8):
    """The longest time in seconds between two consecutive runs of a (valid) cron expression, over ``weeks`` weeks of
    a non-leap February-to-April span (time zones aside)."""
    from ansible_collections.geostack.swarm.plugins.module_utils.scheduler import _DAYS, _MONTHS
    fields = MACROS.get(expression.strip().lower(), expression.strip().lower()).split()
    minutes = _expand(fields[0], 0, 59, {})
    hours = _expand(fields[1], 0, 23, {})
    doms = _expand(fields[2], 1, 31, {})
    months = _expand(fields[3], 1, 12, _MONTHS)
    dows = set(d % 7 for d in _expand(fields[4], 0, 7, _DAYS))
    dom_any, dow_any = fields[2] == '*', fields[4] == '*'
    start = datetime.datetime(2025, 1, 1)
    last, longest = None, 0
    day = start
    end = start + (datetime.timedelta(days=731) if len(months) < 12 else datetime.timedelta(weeks=max(weeks, 1)))
    while day < end:
        dow = (day.weekday() + 1) % 7
        if dom_any or dow_any:
            day_ok = day.day in doms and dow in dows
        else:  # cron: either field matches when both are restricted
            day_ok = day.day in doms or dow in dows
        if day.month in months and day_ok:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    when = day.replace(hour=hour, minute=minute)
                    if last is not None:
                        longest = max(longest, int((when - last).total_seconds()))
                    last = when
        day += datetime.timedelta(days=1)
    return longest or None


def max_age(schedules):
    """Twice the longest interval of the backup schedules (``schedules``: by type; check and verify do not count),
    in seconds: the age after which the last backup is late; None when no backup is scheduled."""
    intervals = [cron_interval(e) for t, e in (schedules or {}).items() if t in BACKUP_TYPES and e]
    intervals = [i for i in intervals if i]
    return 2 * max(intervals) if intervals else None


def status(info, stanza, now, schedules=None):
    """The last successful backup of ``stanza`` from ``pgbackrest info --output=json`` (``info``: its parsed list),
    at ``now`` (epoch seconds): {found, label, type, time, size, repo_size, age, max_age, late, message}. A backup is
    late when it is older than twice the longest interval of the backup schedules (``schedules``, by type). Read by
    backup_info.summary, as the repository host reads it."""
    doc = summary(info, stanza, now, max_age(schedules))
    last = doc['last'] or {}
    return {'found': doc['last'] is not None, 'label': last.get('label'), 'type': last.get('type'),
            'time': last.get('time'), 'size': last.get('size'), 'repo_size': last.get('repository_delta'),
            'age': doc['age'], 'max_age': doc['max_age'], 'late': doc['late'], 'message': doc['message']}
