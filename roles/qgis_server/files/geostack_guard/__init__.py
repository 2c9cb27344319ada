# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack_guard: a QGIS Server filter (installed by the role geostack.swarm.qgis_server) that refuses, with an
OGC exception and status 400, every request whose parameters would make the server fetch remote content or read a
file other than its project. QGIS Server 3.22 has no setting to turn these off:

- SLD (a style document fetched from any URL), SLD_BODY and HIGHLIGHT_SYMBOL (style documents whose ExternalGraphic
  images are fetched from any URL or read from any path);
- MAP (another project than QGIS_PROJECT_FILE);
- external layers: EXTERNAL_WMS:<name> in a layer list with <name>:URL=... (a WMS fetched from any URL).

The filter runs after the request's parameters are parsed (query string and POST bodies alike), before the project
is read and before any service sees them."""

import re

from qgis.core import Qgis, QgsMessageLog
from qgis.server import QgsServerException, QgsServerFilter

REFUSED = ("SLD", "SLD_BODY", "HIGHLIGHT_SYMBOL", "MAP")
EXTERNAL = re.compile(r"EXTERNAL_W[A-Z]*:", re.IGNORECASE)


def refused(parameters):
    """The names of the refused parameters among parameters (a mapping of names to values), sorted."""
    found = set()
    for key, value in parameters.items():
        name = str(key).upper()
        if name in REFUSED:
            found.add(name)
        elif name.endswith(":URL") or EXTERNAL.search(str(value)):
            found.add(name)
    return sorted(found)


class GeostackGuard(QgsServerFilter):
    """Refuses a request that holds a parameter of refused()."""

    def requestReady(self):  # QGIS' name
        handler = self.serverInterface().requestHandler()
        names = refused(handler.parameterMap())
        if not names:
            return
        for name in names:
            handler.removeParameter(name)
        message = "Parameters refused by this server: " + ", ".join(names)
        QgsMessageLog.logMessage(message, "geostack_guard", Qgis.Warning)
        handler.setServiceException(QgsServerException(message, 400))


class GeostackGuardPlugin:
    """The plugin: registers the filter ahead of other plugins' (whose default priority is 0), and keeps it alive."""

    def __init__(self, server_iface):
        self.guard = GeostackGuard(server_iface)
        server_iface.registerFilter(self.guard, -100)


def serverClassFactory(server_iface):  # the name QGIS Server looks for
    """Called by QGIS Server when it loads the plugin."""
    return GeostackGuardPlugin(server_iface)
