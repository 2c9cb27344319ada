# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m bench`: run the benchmark (see bench/run.py)."""

from __future__ import annotations

import sys

from bench.run import main

sys.exit(main())
