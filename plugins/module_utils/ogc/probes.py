# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The probe of each service: ``PROBES[service](http, params, defaults)``."""

from __future__ import annotations

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.features import OgcApiFeaturesProbe
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.wcs import WcsProbe
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.tms import TmsProbe
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.wfs import WfsProbe
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.wms import WmsProbe
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.wmts import WmtsProbe

PROBES = dict((cls.service, cls) for cls in (WmsProbe, WfsProbe, WcsProbe, WmtsProbe, TmsProbe, OgcApiFeaturesProbe))
