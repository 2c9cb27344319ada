# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Guards against losing data that lives on one node: what a change of the declaration or the removal of a node would
do to the services of the collection that already run (as swarm_info lists them), as messages naming the variable."""

from __future__ import annotations

import re

ROLE_LABEL = 'org.geostack.role'
STACK_LABEL = 'com.docker.stack.namespace'
# Services whose data or function is bound to one node: moving them loses it (the database, its backup repository,
# every node's images).
PINNED_ROLES = ('postgis', 'registry', 'backup')
LABEL_CONSTRAINT = re.compile(r'^node\.labels\.(\S+?)\s*==\s*(\S+)\Z')
HOST_CONSTRAINT = re.compile(r'^node\.(hostname|id)\s*==\s*(\S+)\Z')


def _role(service):
    return (service.get('labels') or {}).get(ROLE_LABEL)


def postgis_volume_problems(services, stack, volume, node_label, other_volumes=()):
    """What is wrong with deploying PostGIS of ``stack`` on ``volume``, placed by ``node_label``, where ``services``
    already run: another volume or label under the running PostGIS of this stack (an empty database would start), or
    this volume under the PostGIS of another stack (two servers on one data directory). ``other_volumes`` are the
    volumes PostGIS mounts besides its data (its socket's), which are not data."""
    problems = []
    for service in services or []:
        if _role(service) != 'postgis':
            continue
        name, running_stack = service.get('name'), (service.get('labels') or {}).get(STACK_LABEL, '')
        volumes = service.get('volumes') or []
        if running_stack == stack:
            for old in volumes:
                if old != volume and old not in (other_volumes or ()):
                    problems.append(
                        'postgis_volume=%s: the running PostGIS (%s) keeps its data in the volume %s, and another name '
                        'would start it on an empty one. Keep postgis_volume=%s, or move the data first (pg_dump and '
                        'restore, see the README)' % (volume, name, old, old))
            for constraint in service.get('constraints') or []:
                match = LABEL_CONSTRAINT.match(constraint)
                if match and match.group(1) != node_label:
                    problems.append(
                        'postgis_node_label=%s: the running PostGIS (%s) is placed by the label %s on the node of its '
                        'data volume, and another label could start it on an empty volume elsewhere. Keep '
                        'postgis_node_label=%s' % (node_label, name, match.group(1), match.group(1)))
        elif volume in volumes:
            problems.append(
                'geostack_stack=%s: the swarm already runs %s, the PostGIS of the stack %s, on the volume %s '
                '(postgis_volume); a second PostgreSQL on one data directory would corrupt it. Keep geostack_stack=%s, '
                'or give this stack its own postgis_volume' % (stack, name, running_stack, volume, running_stack))
    return problems


def _placed_on(service, node):
    """Whether ``service`` runs on, or is placed only on, ``node`` ({id, hostname, labels})."""
    if node.get('id') in (service.get('nodes') or []):
        return True
    for constraint in service.get('constraints') or []:
        match = HOST_CONSTRAINT.match(constraint)
        if match and match.group(2) == node.get(match.group(1)):
            return True
        match = LABEL_CONSTRAINT.match(constraint)
        if match and (node.get('labels') or {}).get(match.group(1)) == match.group(2):
            return True
    return False


def node_removal_problems(services, node, force=False, force_var='swarm_remove_node_force'):
    """What removing ``node`` would take with it: the services of PINNED_ROLES that run on it or are placed only there
    (their data volume or the images every node pulls live there). Empty when ``force`` is true."""
    if force:
        return []
    pinned = [s for s in services or [] if _role(s) in PINNED_ROLES and _placed_on(s, node)]
    return ['%s runs %s, whose data lives on that node (%s): removing the node would stop it for good or start it '
            'empty elsewhere. Move it first (see the README), or set %s=true to remove the node anyway'
            % (node.get('hostname') or node.get('id'), s.get('name'), _role(s), force_var) for s in pinned]
