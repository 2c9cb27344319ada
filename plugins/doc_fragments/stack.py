# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # The stack a day-2 module works on (module_utils/operate: STACK_ARGUMENT_SPEC).
    DOCUMENTATION = r"""
options:
  name:
    description: Name of the stack (its namespace); its services are C(<name>_<key>).
    type: str
    required: true
"""

    # One service of that stack (module_utils/operate: SERVICE_ARGUMENT_SPEC).
    SERVICE = r"""
options:
  service:
    description:
      - The service's short name, its key in the stack (V(mapserver) for the service C(<name>_mapserver)).
      - One that is not a service of the stack is refused before anything is read or changed, the stack's services
        listed in the message.
    type: str
    required: true
"""
