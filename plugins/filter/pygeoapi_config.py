# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: pygeoapi_config
short_description: pygeoapi's configuration, one OGC API Features collection per vector layer
version_added: 0.4.0
description:
  - Makes the configuration of pygeoapi (as a mapping, to be written as YAML) from the planned layers (the C(layers) of
    M(geostack.swarm.layers_plan#filter)), one collection per vector layer, named after it, served by pygeoapi's
    PostgreSQL provider from the layer's table (schema, table, geometry column), its storage CRS the layer's SRID
    (4326 is CRS84, longitude first, as PostGIS stores it), offering CRS84, the extra C(crs) and its own.
  - The bbox of each collection is its extent in longitude/latitude (C(data_layer_extents_crs84) of geostack.swarm.data),
    the world when there is none. pygeoapi builds every link (self, alternate, items, next) from C(url).
  - The connection names no password; libpq reads it from the file C(PGPASSFILE) names, and the server's certificate is
    verified (C(sslmode), C(sslrootcert)).
positional: extents, settings
options:
  _input:
    description: The planned layers.
    type: list
    elements: dict
    required: true
  extents:
    description: The layers' extents in longitude and latitude, a mapping of layer names to [minx, miny, maxx, maxy].
    type: dict
    required: true
  settings:
    description:
      - C(url), C(title), C(description), C(connection) (C(host), C(port), C(database), C(user), C(sslmode),
        C(ca_path)), C(id_field), C(id_fields), C(crs), C(default_items), C(max_items), C(map), C(home), C(log_level).
    type: dict
    required: true
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Write pygeoapi's configuration
  ansible.builtin.copy:
    content: "{{ geostack__layers_plan.layers | geostack.swarm.pygeoapi_config(data_layer_extents_crs84, settings) | to_nice_yaml }}"
    dest: /tmp/pygeoapi.yml
    mode: "0644"
  vars:
    settings:
      url: https://maps.example.org/ogcapi
      connection: {host: postgis, port: 5432, database: gis, user: reader, sslmode: verify-full, ca_path: /etc/ca.crt}
"""

RETURN = r"""
_value:
  description: pygeoapi's configuration (server, logging, metadata, resources).
  type: dict
"""

from ansible_collections.geostack.swarm.plugins.module_utils.pygeoapi import pygeoapi_config


class FilterModule(object):
    def filters(self):
        return dict(pygeoapi_config=pygeoapi_config)
