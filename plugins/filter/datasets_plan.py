# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: datasets_plan
short_description: Check and complete the stack's dataset declarations
version_added: 0.2.0
description:
  - Checks a list of dataset declarations (the variable C(geostack_datasets) of the roles geostack.swarm.stack and
    geostack.swarm.data) before anything is deployed, and completes them with what the loader needs.
  - A dataset has a C(name), exactly one source (C(sample), one of the sample datasets of the geostack tools image;
    C(file), an absolute path on the controller; or C(url)), a C(table) (C(schema.table) or C(table), schema
    C(public)) and a C(srid) the data is reprojected to. Optional keys are C(format) (known from the file name,
    C(.gpkg), C(.shp), C(.geojson), C(.json), C(.csv), C(.zip), C(.tif), C(.tiff)), C(layer) (the source's layer),
    C(source_srid), C(geometry_type), C(x) and C(y) or C(wkt) (CSV), C(checksum) (URL), C(tile_size) (rasters).
  - Files must exist on the controller, with the C(.shx) and C(.dbf) of a Shapefile beside it; SRIDs must be known to
    PostGIS (its C(spatial_ref_sys)); names and tables must be unique.
positional: var_name
options:
  _input:
    description: The dataset declarations.
    type: list
    elements: dict
    required: true
  var_name:
    description: The variable's name, used in the messages.
    type: str
    default: geostack_datasets
author:
  - geostack.swarm developers (@geostack)
"""

EXAMPLES = r"""
- name: Refuse unsound datasets before any change
  ansible.builtin.assert:
    that: plan.problems | length == 0
    fail_msg: "{{ plan.problems | join('; ') }}"
  vars:
    plan: "{{ geostack_datasets | geostack.swarm.datasets_plan }}"
"""

RETURN = r"""
_value:
  description: The completed datasets and the problems found.
  type: dict
  contains:
    datasets:
      description:
        - The sound datasets, with C(kind) (vector or raster), C(format), C(source_type), C(source), C(files) (the
          controller files to copy), C(container_path) (the path the loader reads), C(schema), C(table), C(qualified).
      type: list
      elements: dict
    problems:
      description: One message per problem, naming the variable, the item and the key. Empty when all is sound.
      type: list
      elements: str
"""

from ansible_collections.geostack.swarm.plugins.module_utils.geodata import datasets_plan


def _datasets_plan(datasets, var_name='geostack_datasets'):
    planned, problems = datasets_plan(datasets, var=var_name)
    return dict(datasets=planned, problems=problems)


class FilterModule(object):
    def filters(self):
        return dict(datasets_plan=_datasets_plan)
