# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark harness of geostack.swarm (`make bench`, `python -m bench`): ratios measured side by side in one run
on the local deployment. Not part of the collection (galaxy.yml's build_ignore) nor of `make test`."""
