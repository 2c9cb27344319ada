# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scheduler's program lives in its image's recipe (roles/images/files/recipes/scheduler): importable from there,
without writing bytecode into the recipe; geostack_serve, which the images role copies into its build context, from
roles/images/files/shared."""

from __future__ import annotations

import os
import sys

sys.dont_write_bytecode = True
RECIPE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                      'roles', 'images', 'files', 'recipes', 'scheduler')
SHARED = os.path.join(os.path.dirname(os.path.dirname(RECIPE)), 'shared')
for path in (RECIPE, SHARED):
    if path not in sys.path:
        sys.path.insert(0, path)
