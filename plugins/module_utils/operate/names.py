# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stack's services by their short names: ``<stack>_<key>``, labelled ``com.docker.stack.namespace=<stack>``."""

from __future__ import annotations

NAMESPACE_LABEL = 'com.docker.stack.namespace'


class UnknownService(ValueError):
    """The service named is not one of the stack's; the message names the option and lists the known ones."""


def labels_of(obj):
    return ((obj or {}).get('Spec') or {}).get('Labels') or {}


def stack_services(services, stack):
    """``{key: service}`` of the services labelled with the stack, key = the name without ``<stack>_``."""
    out = {}
    prefix = stack + '_'
    for service in services:
        if labels_of(service).get(NAMESPACE_LABEL) != stack:
            continue
        name = (service.get('Spec') or {}).get('Name') or ''
        key = name[len(prefix):] if name.startswith(prefix) else name
        out[key] = service
    return out


def find_service(services, stack, key, option='service'):
    """The service ``<stack>_<key>`` of the stack; ``UnknownService`` naming ``option`` when there is none."""
    ours = stack_services(services, stack)
    if key in ours:
        return ours[key]
    if not ours:
        raise UnknownService('%s=%s: the stack %s has no services on this swarm (is geostack_stack right?)'
                             % (option, key, stack))
    hint = ''
    if key.startswith(stack + '_') and key[len(stack) + 1:] in ours:
        hint = ' (give the short name, %s)' % key[len(stack) + 1:]
    raise UnknownService('%s=%s is not a service of the stack %s%s; its services: %s'
                         % (option, key, stack, hint, ', '.join(sorted(ours))))
