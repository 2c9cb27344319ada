# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Probing OGC web services (WMS, WFS, WCS, WMTS, OGC API Features) with the standard library only.

- ``common``: the services, limits, ``OgcError`` and the text helpers of the messages.
- ``client``: request URLs and ``Http`` (GET with ``open_url``; failures classified as worth retrying or not).
- ``capabilities``: XML helpers, exception reports, CRSs, capabilities and coverage descriptions, feature counts.
- ``image``: ``sniff``, ``png_summary`` (pure Python PNG decoder), ``tiff_summary``, ``multipart_part``.
- ``options``: the module's ``AnsibleModule`` and ``option_problems``.
- ``probe``: the base classes ``Probe`` and ``OwsProbe``; ``wms``, ``wfs``, ``wcs``, ``wmts`` and ``features``
  (OGC API Features): one probe class a service; ``probes.PROBES``: the class of each service.
"""
