# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a pgBackRest repository holds, read from ``pgbackrest --output=json info``: ``summary`` (the newest backup
that finished without error, the newest per repository and type, the counts, the statuses, whether the newest is
late), and ``human_bytes`` / ``human_duration`` for its message.

The one copy of this reading: the controller uses it (``backup.status``: the end of site.yml, the status verb) and
the postgis image carries it (the images role copies this file into the recipe's build context as
``geostack_backup_info.py``; the repository host's ``backup_host.py`` imports it). Standard library only.
"""

from __future__ import annotations

import datetime


def iso(epoch):
    """Epoch seconds as ``YYYY-MM-DDTHH:MM:SSZ``; None stays None."""
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _backup(entry):
    info = entry.get('info') or {}
    repository = info.get('repository') or {}
    stop = int((entry.get('timestamp') or {}).get('stop') or 0)
    return dict(label=entry.get('label'), type=entry.get('type'), repo=str((entry.get('database') or {}).get('repo-key', 1)),
                stop=stop, time=iso(stop), size=info.get('size'), repository_delta=repository.get('delta'),
                repository_size=repository.get('size'))


def summary(info, stanza, now, max_age=None):
    """What ``stanza`` holds, from the parsed ``pgbackrest info --output=json`` (``info``), at ``now`` (epoch
    seconds): the newest backup that finished without error (``last``), the newest per repository and type
    (``newest``: {repo: {type: backup}}), the counts (``counts``: {repo: {type: n}}), each repository's status
    (``repos``: {repo: {code, message}}), the stanza's status, and whether the newest backup is late: older than
    ``max_age`` seconds (twice the longest interval of the backup schedules; None: never late), or missing."""
    entry = next((s for s in info or [] if isinstance(s, dict) and s.get('name') == stanza), None) or {}
    status = entry.get('status') or {}
    repos = dict((str(r.get('key')), dict(code=(r.get('status') or {}).get('code'),
                                          message=(r.get('status') or {}).get('message')))
                 for r in entry.get('repo') or [] if isinstance(r, dict))
    good = [_backup(b) for b in entry.get('backup') or [] if isinstance(b, dict) and not b.get('error')
            and (b.get('timestamp') or {}).get('stop')]
    newest, counts = {}, {}
    for backup in sorted(good, key=lambda b: b['stop']):
        newest.setdefault(backup['repo'], {})[backup['type']] = backup
        per_repo = counts.setdefault(backup['repo'], {})
        per_repo[backup['type']] = per_repo.get(backup['type'], 0) + 1
    last = max(good, key=lambda b: b['stop']) if good else None
    age = max(0, int(now) - last['stop']) if last else None
    late = last is None or (max_age is not None and age > max_age)
    if last is None:
        message = 'no backup of the stanza %s in the repository yet' % stanza
    else:
        message = 'last backup %s (%s) at %s in repo%s, %s of database, %s in the repository, %s ago' % (
            last['label'], last['type'], last['time'], last['repo'], human_bytes(last['size']),
            human_bytes(last['repository_delta']), human_duration(age))
        if late:
            message += ': LATE, older than twice its schedule (%s)' % human_duration(max_age)
    return dict(stanza=stanza, found=bool(entry), status=dict(code=status.get('code'), message=status.get('message')),
                repos=repos, last=last, newest=newest, counts=counts, age=age, max_age=max_age, late=late,
                message=message, time=iso(int(now)))


def human_bytes(value):
    if value is None:
        return '?'
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if value < 1024 or unit == 'GiB':
            return ('%d %s' % (value, unit)) if unit == 'B' else ('%.1f %s' % (value, unit))
        value /= 1024.0
    return '?'


def human_duration(seconds):
    if seconds is None:
        return '?'
    seconds = int(seconds)
    if seconds < 120:
        return '%d s' % seconds
    if seconds < 7200:
        return '%d min' % (seconds // 60)
    if seconds < 172800:
        return '%.1f h' % (seconds / 3600.0)
    return '%.1f days' % (seconds / 86400.0)
