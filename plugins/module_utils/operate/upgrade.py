# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The upgrade verb's decisions, free of I/O (playbooks/upgrade.yml, through the filters upgrade_problems and
upgrade_report).

- ``pg_major``: PostgreSQL's major version from an image version (``15-3.3``, the images role's version of PostGIS),
  a data directory's ``PG_VERSION`` (``15``), or an image tag (``postgis:16-3.4``).
- ``upgrade_problems``: what refuses the upgrade before anything changes: a service named that the stack does not
  declare, a PostgreSQL major version change under an existing data volume (with the documented path).
- ``kept_images``: the images of the services that are not upgraded, pinned to what they run now.
- ``upgrade_report``: each service's image before and after, and whether its update rolled back.
"""

from __future__ import annotations

import re

MAJOR_CHANGE_PATH = (
    'a PostgreSQL major version change is not an image update: the data directory of one major version does not '
    'start under another. Keep the image of the running major (its recipe, or geostack_images.postgis) and move the '
    'data: dump it with pg_dump -Fc as the owner role (or take a backup with the backup verb), deploy the new major '
    'on a new postgis_volume, and restore with pg_restore; or run pg_upgrade from a container that has both '
    'majors\' binaries on the stopped volume. See README, Upgrading.')

ROLLED_BACK_STATES = ('rollback_started', 'rollback_paused', 'rollback_completed')


def pg_major(value):
    """The major version as a string (``'15'``), or None: from ``15-3.3``, ``15``, ``9.6``, ``...:16-3.4``."""
    text = str(value or '').strip()
    if text.startswith('sha256:'):
        return None
    text = text.split('@', 1)[0]
    if ':' in text.rsplit('/', 1)[-1]:
        text = text.rsplit(':', 1)[1]
    match = re.match(r'^(9\.\d+|\d+)(?:[.-]|\Z)', text)
    if not match:
        return None
    return match.group(1)


def upgrade_problems(services, declared, data_versions, image_version, postgis_volume='postgis_data',
                     option='upgrade_services'):
    """Every problem, each naming its variable: ``services`` (the services to upgrade, empty: every declared one)
    not declared; the PostgreSQL major of ``image_version`` (the PostGIS image's version) different from a data
    volume's ``PG_VERSION`` (``data_versions``: ``{host: version}``, the hosts where the volume exists)."""
    out = []
    if not isinstance(services, (list, tuple)) or any(not isinstance(s, str) for s in services):
        out.append('%s=%s must be a list of service names of the stack (geostack_services: %s)'
                   % (option, services, ', '.join(declared)))
        services = []
    unknown = [s for s in services if s not in declared]
    if unknown:
        out.append('%s names %s, which %s not declared in geostack_services (%s)'
                   % (option, ', '.join(unknown), 'is' if len(unknown) == 1 else 'are', ', '.join(declared)))
    if len(set(services)) != len(services):
        out.append('%s lists a service twice: %s' % (option, ', '.join(services)))
    chosen = list(services) or list(declared)
    if 'postgis' in chosen or 'backup' in chosen:
        new = pg_major(image_version)
        for host in sorted(data_versions or {}):
            old = pg_major(data_versions[host])
            if old and new and old != new:
                out.append('%s: the PostGIS image is PostgreSQL %s, the data volume %s on %s is PostgreSQL %s: '
                           'refused, %s' % (option, new, postgis_volume, host, old, MAJOR_CHANGE_PATH))
            elif old and not new:
                out.append('%s: the PostgreSQL major version of the PostGIS image (%s) is unknown, the data volume '
                           '%s on %s is PostgreSQL %s: refused, as a major change could be (set the image\'s version '
                           'or upgrade_services without postgis)' % (option, image_version, postgis_volume, host, old))
    return out


def kept_images(services, declared, catalogue, running):
    """``{image name: running reference}`` for the images that only services not in ``services`` use, so that the
    upgrade leaves them as they run (``running``: ``{service key: image reference}``); ``{}`` for every service."""
    if not services:
        return {}
    upgraded = set(catalogue[s]['image'] for s in services if s in catalogue)
    out = {}
    for key in declared:
        image = (catalogue.get(key) or {}).get('image')
        if image and image not in upgraded and running.get(key):
            out[image] = running[key]
    return out


def _by_key(services):
    return dict((s.get('key'), s) for s in services or [] if s.get('key'))


def image_label(service):
    """The image a service runs, readable: its reference, an image ID shortened with its version and recipe."""
    image = service.get('image') or '?'
    if image.startswith('sha256:'):
        image = image[:19]
        if service.get('version') or service.get('recipe'):
            image += ' (%s)' % '-'.join(str(v) for v in (service.get('version'), service.get('recipe')) if v)
    return image


def upgrade_report(before, after):
    """One entry per service seen before or after (``stack_status``'s services), ``{service, before, after, changed,
    rolled_back, update, line}``: ``rolled_back`` when its update rolled back (it runs its old image again)."""
    old, new = _by_key(before), _by_key(after)
    out = []
    for key in sorted(set(old) | set(new)):
        was, now = old.get(key) or {}, new.get(key) or {}
        update, previous = now.get('update') or {}, was.get('update') or {}
        state = update.get('state')
        # An update of this run rolled back: a rollback state that was not there before, or a newer update's.
        rolled_back = state in ROLLED_BACK_STATES and (state != previous.get('state')
                                                       or update.get('started') != previous.get('started'))
        entry = dict(service=key, before=was.get('image'), after=now.get('image'),
                     changed=was.get('image') != now.get('image'), rolled_back=rolled_back, update=state)
        if rolled_back:
            entry['line'] = '%s: %s, rolled back (%s)%s' % (key, image_label(was), update.get('message') or state, (
                ': ' + '; '.join(now.get('errors') or [])) if now.get('errors') else '')
        elif not was:
            entry['line'] = '%s: new, %s' % (key, image_label(now))
        elif not now:
            entry['line'] = '%s: %s -> removed' % (key, image_label(was))
        elif entry['changed']:
            entry['line'] = '%s: %s -> %s' % (key, image_label(was), image_label(now))
        else:
            entry['line'] = '%s: %s (unchanged)' % (key, image_label(now))
        out.append(entry)
    return out
