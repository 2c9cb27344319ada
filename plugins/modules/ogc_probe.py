#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ogc_probe
short_description: Prove that an OGC web service (WMS, WFS, WCS, WMTS, OGC API Features) answers with content
version_added: 0.1.0
description:
  - Reads the capabilities of a WMS, WFS, WCS or WMTS endpoint (or the landing page, conformance and collections of
    an OGC API Features endpoint) and checks the served version, the title and the listed layers, feature types,
    coverages or collections.
  - Optionally performs one operation and checks its answer. WMS C(GetMap) (O(get_map)) - the image is decoded
    and must not be blank. WFS C(GetFeature) (O(get_feature)) - features are counted. WCS C(DescribeCoverage) /
    C(GetCoverage) (O(describe_coverage), O(get_coverage)) - the coverage is described and fetched. WMTS
    C(GetTile) (O(get_tile)) - a tile is fetched and decoded. OGC API Features items (O(items)) - features are
    counted.
  - Parses XML by local names, so WMS 1.1.1 / 1.3.0, WFS 1.0.0 / 1.1.0 / 2.0.0, WCS 1.0.0 / 1.1 / 2.0 and WMTS
    1.0.0 documents are read alike, with or without namespaces (as MapServer and QGIS Server write them).
  - Needs nothing beyond the Python standard library on the host it runs on (HTTP through Ansible's C(open_url);
    PNG images are decoded in pure Python), so it can run anywhere, typically delegated to the controller and probing
    the public URL of the edge.
  - With O(wait=true), retries until the service is ready - connection refused, timeouts, HTTP 5xx, answers that are
    not XML / JSON, and exception reports other than those that say the request itself is wrong (such as
    C(LayerNotDefined), C(InvalidParameterValue), C(InvalidFormat)). Other failures (TLS verification, HTTP 4xx other
    than 408, 425 and 429, a wrong version, title or listing, a blank image, a wrong feature count) fail at once,
    naming what failed.
  - Never changes anything.
author:
  - geostack.swarm developers (@geostack)
extends_documentation_fragment:
  - geostack.swarm.attributes
  - geostack.swarm.attributes.info
  - geostack.swarm.wait
options:
  url:
    description:
      - The service endpoint, for example V(https://gis.example.org/mapserver/ows). Query parameters in it (such as
        C(map=/etc/mapserver/countries.map)) are kept in every request; the probe's own parameters replace ones of the
        same name.
      - For O(service=ogcapi-features), the API's landing page, for example V(https://gis.example.org/ogcapi).
    type: str
    required: true
  service:
    description:
      - The kind of service at O(url).
    type: str
    required: true
    choices: [wms, wfs, wcs, wmts, tms, ogcapi-features]
  version:
    description:
      - Request this version, and fail unless the capabilities document is of this version.
      - By default the server chooses (the highest it speaks); RV(version) reports what it served, and the
        operations are made in that version.
      - For O(service=ogcapi-features), the version of the C(ogcapi-features-1) core conformance class, V(1.0).
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate (against O(ca_path) when given, else the system's CAs).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server's certificate with, for example the edge's self-signed CA.
    type: path
  client_cert:
    description:
      - PEM certificate for TLS client authentication. May hold the key too; otherwise set O(client_key).
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert).
    type: path
  url_username:
    description:
      - User name for HTTP basic authentication.
    type: str
  url_password:
    description:
      - Password for HTTP basic authentication.
    type: str
  force_basic_auth:
    description:
      - Send the basic authentication header with the first request instead of waiting for a 401 challenge.
    type: bool
    default: false
  headers:
    description:
      - Extra HTTP headers sent with every request.
    type: dict
    default: {}
  use_proxy:
    description:
      - Use the proxy from the environment (C(https_proxy), C(http_proxy), C(no_proxy)) when set.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for one answer.
    type: int
    default: 30
  wait_timeout:
    type: int
    default: 120
  wait_sleep:
    type: int
    default: 3
  expect_layers:
    description:
      - Names that must be listed - WMS and WMTS layers, WFS feature types, WCS coverages, OGC API collections.
      - WFS feature types match with or without their namespace prefix (V(countries) matches C(ms:countries)).
    type: list
    elements: str
    default: []
  expect_title:
    description:
      - A substring of the service title (case-insensitive) that must be there.
    type: str
  get_map:
    description:
      - WMS only. Make a C(GetMap) request, check the content type, decode the image (PNG) and fail if it is blank
        (one colour, or fully transparent).
      - An empty dict V({}) makes the request with the defaults.
      - Images in other formats (JPEG, TIFF) are checked by content type and magic bytes only.
    type: dict
    suboptions:
      layers:
        description:
          - Layers to draw. Default - O(expect_layers), else the first named layer.
        type: list
        elements: str
      styles:
        description:
          - Styles, one per layer. Default - the layers' default styles.
        type: list
        elements: str
      bbox:
        description:
          - V([minx, miny, maxx, maxy]) in O(get_map.crs), always easting / longitude first; for WMS 1.3.0 and a CRS
            whose axis order is latitude / northing first (EPSG:4326), the request's C(BBOX) is sent in that order
            for you.
          - Default - the extent of the layers from the capabilities (the geographic bounding box for
            V(EPSG:4326) and V(CRS:84)), else the whole world for V(EPSG:4326).
        type: list
        elements: float
      crs:
        description:
          - The CRS of the map (C(CRS) in WMS 1.3.0, C(SRS) in 1.1.1).
        type: str
        default: EPSG:4326
      axis_order:
        description:
          - Axis order of C(BBOX) in WMS 1.3.0. V(auto) sends latitude / northing first for EPSG geographic CRSs
            (EPSG:4000 to EPSG:4999) and a few northing-first projected CRSs (EPSG:3035, EPSG:3034, EPSG:2180,
            EPSG:3006, EPSG:3844, EPSG:31466 to EPSG:31469), easting first otherwise. WMS 1.1.1 is always easting first.
        type: str
        choices: [auto, xy, yx]
        default: auto
      width:
        description:
          - Image width in pixels (decoding is pure Python - keep images small).
        type: int
        default: 512
      height:
        description:
          - Image height in pixels.
        type: int
        default: 256
      format:
        description:
          - The C(FORMAT) to request; must be listed in the capabilities when they list formats.
        type: str
        default: image/png
      transparent:
        description:
          - Send C(TRANSPARENT=TRUE).
        type: bool
        default: false
      min_colors:
        description:
          - Distinct pixel values the image must have (fully transparent pixels count as one). V(0) disables the
            blank check.
        type: int
        default: 2
  get_feature:
    description:
      - WFS only. Count the features of a feature type.
      - Uses C(resultType=hits) (C(numberMatched) / C(numberOfFeatures)) when the server speaks WFS 1.1 or later and
        answers it, else counts the members of a C(GetFeature) answer (GML or GeoJSON).
      - When neither O(get_feature.count) nor O(get_feature.min_count) is set, at least one feature is required.
    type: dict
    suboptions:
      type_name:
        description:
          - The feature type, with or without its prefix. Default - the first of O(expect_layers), else the first
            listed.
        type: str
      count:
        description:
          - The exact number of features expected. Mutually exclusive with O(get_feature.min_count).
        type: int
      min_count:
        description:
          - The least number of features expected.
        type: int
      method:
        description:
          - V(hits) uses only C(resultType=hits), V(members) only counts members, V(auto) tries hits first.
        type: str
        choices: [auto, hits, members]
        default: auto
      output_format:
        description:
          - C(OUTPUTFORMAT) of the request, for example V(application/json). Default - the server's (GML).
        type: str
      max_features:
        description:
          - When counting members, at most this many features are asked for (C(COUNT) / C(MAXFEATURES)), unless
            O(get_feature.count) is set (then V(count + 1)).
        type: int
        default: 10000
  describe_coverage:
    description:
      - WCS only. Describe a coverage and report its CRS, extent, grid size and bands where the document gives them.
    type: dict
    suboptions:
      coverage:
        description:
          - The coverage. Default - O(get_coverage.coverage), else the first of O(expect_layers), else the first
            listed.
        type: str
  get_coverage:
    description:
      - WCS only. Fetch a coverage and check the answer is of the format asked for (a TIFF by its magic bytes; the
        first image's size and bands are reported).
      - The coverage is described first. For WCS 1.0, whatever of O(get_coverage.crs), O(get_coverage.bbox),
        O(get_coverage.width) and O(get_coverage.height) is not given is taken from C(DescribeCoverage), the grid
        scaled down to at most 512 pixels a side. For WCS 2.0, C(GetCoverage) is made with C(COVERAGEID), C(SUBSET) on
        the described axes when a bbox is given, and C(SCALESIZE) when a size is given or the coverage is larger than
        512 pixels a side. WCS 1.1 (best effort) asks for the C(BOUNDINGBOX) at the coverage's own resolution and
        takes the coverage from the multipart answer.
    type: dict
    suboptions:
      coverage:
        description:
          - The coverage. Default - O(describe_coverage.coverage), else the first of O(expect_layers), else the first
            listed.
        type: str
      format:
        description:
          - The format to ask for. Matched against the formats the server lists; a TIFF media type matches the
            server's TIFF format name (such as C(GTiff) in WCS 1.0).
        type: str
        default: image/tiff
      bbox:
        description:
          - V([minx, miny, maxx, maxy]) in O(get_coverage.crs) (or the coverage's CRS).
        type: list
        elements: float
      crs:
        description:
          - The CRS of O(get_coverage.bbox) and of the answer.
        type: str
      width:
        description:
          - Width of the answer in pixels.
        type: int
      height:
        description:
          - Height of the answer in pixels.
        type: int
  get_tile:
    description:
      - WMTS and TMS. Fetch one tile, check the content type and that the image is not blank. WMTS - a KVP C(GetTile)
        request. TMS - O(url) is a TileMap resource (C(.../tms/1.0.0/<layer>/<srs>)); the tile is
        C(<tile set href>/<col>/<row>.<extension>), O(get_tile.tile_matrix) the tile set's C(order) (default the first
        listed), O(get_tile.row) counted from the bottom as TMS does.
    type: dict
    suboptions:
      layer:
        description:
          - The layer. Default - the first of O(expect_layers), else the first listed.
        type: str
      style:
        description:
          - The style. Default - the layer's default style.
        type: str
      tile_matrix_set:
        description:
          - The tile matrix set, for example V(EPSG:3857). Default - the first linked to the layer.
        type: str
      tile_matrix:
        description:
          - The tile matrix (zoom level) identifier. Default - the first of the set.
        type: str
      row:
        description:
          - C(TILEROW).
        type: int
        default: 0
      col:
        description:
          - C(TILECOL).
        type: int
        default: 0
      format:
        description:
          - The tile format. Default - V(image/png) when the layer lists it, else its first format.
        type: str
      min_colors:
        description:
          - Distinct pixel values the tile must have. V(0) disables the blank check.
        type: int
        default: 2
  items:
    description:
      - OGC API Features only. Count the features of a collection from C(/collections/{id}/items?f=json).
      - Uses C(numberMatched) when the answer gives it, else counts the features, following C(next) links (at most
        O(items.max_pages) pages).
      - When neither O(items.count) nor O(items.min_count) is set, at least one feature is required.
    type: dict
    suboptions:
      collection:
        description:
          - The collection id. Default - the first of O(expect_layers), else the first listed.
        type: str
      count:
        description:
          - The exact number of features expected. Mutually exclusive with O(items.min_count).
        type: int
      min_count:
        description:
          - The least number of features expected.
        type: int
      limit:
        description:
          - C(limit) of each items request (features per page).
        type: int
        default: 100
      max_pages:
        description:
          - Pages read at most when counting features.
        type: int
        default: 20
notes:
  - WMTS is probed with KVP requests only (as QGIS Server and MapProxy serve it), not RESTful templates.
  - PNG images are decoded in pure Python; a 512x256 image takes a fraction of a second, images above 4096x4096 pixels
    are refused.
  - OGC API C(next) links are followed as the server writes them; a server configured with an internal URL sends
    the probe there.
seealso:
  - name: OGC standards
    description: WMS, WFS, WCS, WMTS and OGC API Features specifications.
    link: https://www.ogc.org/standards/
"""

EXAMPLES = r"""
- name: The public WMS draws the countries layer (WMS 1.3.0, EPSG:4326 in latitude/longitude order for you)
  geostack.swarm.ogc_probe:
    url: https://gis.example.org/mapserver/ows
    service: wms
    version: 1.3.0
    ca_path: /etc/geostack/edge-ca.crt
    expect_layers: [countries]
    get_map:
      bbox: [-180, -90, 180, 90]
  delegate_to: localhost
  register: wms

- name: Every country is served by WFS (resultType=hits where the server supports it)
  geostack.swarm.ogc_probe:
    url: https://gis.example.org/mapserver/ows
    service: wfs
    ca_path: /etc/geostack/edge-ca.crt
    get_feature:
      type_name: countries
      count: 177
  delegate_to: localhost

- name: QGIS Server's WMTS serves a tile that is not blank
  geostack.swarm.ogc_probe:
    url: https://gis.example.org/qgis/ows?MAP=/srv/qgis/world.qgs
    service: wmts
    expect_layers: [countries]
    get_tile:
      tile_matrix_set: EPSG:3857
      tile_matrix: "0"
  delegate_to: localhost

- name: The elevation coverage is described and served as GeoTIFF (WCS 1.0 parameters from DescribeCoverage)
  geostack.swarm.ogc_probe:
    url: https://gis.example.org/mapserver/ows
    service: wcs
    version: 1.0.0
    get_coverage:
      coverage: elev
      format: image/tiff
  delegate_to: localhost

- name: The OGC API collection has its features
  geostack.swarm.ogc_probe:
    url: https://gis.example.org/ogcapi
    service: ogcapi-features
    items:
      collection: countries
      count: 177
      limit: 1
  delegate_to: localhost

- name: Show what the WMS serves
  ansible.builtin.debug:
    msg: "WMS {{ wms.version }} '{{ wms.title }}': {{ wms.layers | join(', ') }}; map {{ wms.get_map.colors }} colours"
"""

RETURN = r"""
url:
  description: The endpoint probed (O(url)).
  returned: always
  type: str
  sample: https://gis.example.org/mapserver/ows
service:
  description: The service probed (O(service)).
  returned: always
  type: str
  sample: wms
version:
  description:
    - The version the server served (the C(version) attribute of the capabilities document; for OGC API Features
      the version of the core conformance class).
  returned: success
  type: str
  sample: 1.3.0
title:
  description: The service title.
  returned: success
  type: str
  sample: World countries
layers:
  description:
    - Names listed - WMS layers (named ones), WFS feature types, WCS coverages, WMTS layers, OGC API collections.
  returned: success
  type: list
  elements: str
  sample: [world, countries]
formats:
  description:
    - Formats listed - WMS C(GetMap) formats, WFS C(GetFeature) output formats, WCS formats, WMTS tile formats, OGC
      API items media types.
  returned: success
  type: list
  elements: str
  sample: [image/png, image/jpeg]
crs:
  description: CRSs listed (at most 50).
  returned: success
  type: list
  elements: str
  sample: [EPSG:4326, EPSG:3857]
conformance:
  description: OGC API Features conformance classes.
  returned: success and O(service=ogcapi-features)
  type: list
  elements: str
get_map:
  description: The C(GetMap) request and the image.
  returned: when O(get_map) is set and the request was made
  type: dict
  contains:
    url:
      description: The request URL.
      type: str
    layers:
      description: The layers drawn, as listed.
      type: list
      elements: str
    crs:
      description: The CRS sent.
      type: str
    bbox:
      description: The C(BBOX) as sent (in the CRS's axis order for WMS 1.3.0).
      type: list
      elements: float
    axis_order:
      description: V(xy) or V(yx), the order C(BBOX) was sent in.
      type: str
    content_type:
      description: The answer's C(Content-Type).
      type: str
    bytes:
      description: Size of the answer.
      type: int
    width:
      description: Width of the decoded image (PNG only).
      type: int
    height:
      description: Height of the decoded image (PNG only).
      type: int
    colors:
      description: Distinct pixel values (fully transparent pixels count as one), at most 256 (PNG only).
      type: int
    blank:
      description: Whether the image is one colour or fully transparent (PNG only; V(null) otherwise).
      type: bool
  sample:
    url: https://gis.example.org/mapserver/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=countries&...
    layers: [countries]
    crs: EPSG:4326
    bbox: [-90.0, -180.0, 90.0, 180.0]
    axis_order: yx
    content_type: image/png
    bytes: 23412
    width: 512
    height: 256
    colors: 94
    blank: false
get_feature:
  description: The feature count.
  returned: when O(get_feature) is set and the count was made
  type: dict
  contains:
    url:
      description: The request URL that gave the count.
      type: str
    type_name:
      description: The feature type, as listed.
      type: str
    count:
      description: The number of features (C(numberMatched) when known, else the members counted).
      type: int
    number_matched:
      description: C(numberMatched) / C(numberOfFeatures) as the server gave it, V(null) when it did not.
      type: int
    method:
      description: V(hits) (C(resultType=hits)) or V(members) (members of a C(GetFeature) answer counted).
      type: str
    complete:
      description: Whether the count is exact (false when counting stopped at the request's limit).
      type: bool
  sample:
    type_name: ms:countries
    count: 177
    number_matched: 177
    method: hits
    complete: true
describe_coverage:
  description: What C(DescribeCoverage) says of the coverage (V(null) where it says nothing).
  returned: when O(describe_coverage) or O(get_coverage) is set and the request was made
  type: dict
  contains:
    url:
      description: The request URL.
      type: str
    coverage:
      description: The coverage name / id.
      type: str
    crs:
      description: The CRS of the extent.
      type: str
    bbox:
      description:
        - The extent, V([min0, min1, max0, max1]) in the axis order of the document (see
          RV(describe_coverage.axis_labels)).
      type: list
      elements: float
    axis_labels:
      description: Axis labels of the extent (WCS 2.0).
      type: list
      elements: str
    size:
      description: Grid size V([width, height]) in pixels.
      type: list
      elements: int
    bands:
      description: Number of bands.
      type: int
    band_names:
      description: Band names or keys.
      type: list
      elements: str
    native_format:
      description: The native format.
      type: str
    formats:
      description: Formats offered for the coverage (WCS 1.0 / 1.1).
      type: list
      elements: str
    crs_list:
      description: CRSs offered for the coverage (WCS 1.0 / 1.1).
      type: list
      elements: str
    derived:
      description: The C(GetCoverage) parameters derived from the description (WCS 1.0 / 1.1), as C({crs, bbox, size}).
      type: dict
  sample:
    coverage: elev
    crs: EPSG:4326
    bbox: [5.0, 45.0, 11.0, 48.0]
    size: [600, 300]
    bands: 1
    band_names: ['1']
    native_format: GTiff
get_coverage:
  description: The C(GetCoverage) answer.
  returned: when O(get_coverage) is set and the request was made
  type: dict
  contains:
    url:
      description: The request URL.
      type: str
    requested_format:
      description: The format asked for (as the server names it).
      type: str
    content_type:
      description: The answer's C(Content-Type) (of the coverage part of a multipart answer).
      type: str
    bytes:
      description: Size of the coverage.
      type: int
    format:
      description: The format found by the magic bytes - V(tiff), V(png), V(jpeg), V(gif), V(netcdf), V(hdf5), or
        V(null).
      type: str
    width:
      description: Width of the first TIFF image.
      type: int
    height:
      description: Height of the first TIFF image.
      type: int
    bands:
      description: Samples per pixel of the first TIFF image.
      type: int
  sample:
    content_type: image/tiff
    bytes: 360412
    format: tiff
    width: 512
    height: 256
    bands: 1
get_tile:
  description: The C(GetTile) request and the tile, as RV(get_map) plus the tile's coordinates.
  returned: when O(get_tile) is set and the request was made
  type: dict
  contains:
    url:
      description: The request URL.
      type: str
    layer:
      description: The layer.
      type: str
    style:
      description: The style.
      type: str
    tile_matrix_set:
      description: The tile matrix set.
      type: str
    tile_matrix:
      description: The tile matrix.
      type: str
    row:
      description: C(TILEROW).
      type: int
    col:
      description: C(TILECOL).
      type: int
    content_type:
      description: The answer's C(Content-Type).
      type: str
    bytes:
      description: Size of the answer.
      type: int
    width:
      description: Tile width (PNG only).
      type: int
    height:
      description: Tile height (PNG only).
      type: int
    colors:
      description: Distinct pixel values, at most 256 (PNG only).
      type: int
    blank:
      description: Whether the tile is one colour or fully transparent (PNG only).
      type: bool
items:
  description: The OGC API Features count.
  returned: when O(items) is set and the count was made
  type: dict
  contains:
    url:
      description: The first items request.
      type: str
    collection:
      description: The collection id.
      type: str
    count:
      description: The number of features (C(numberMatched) when given, else the features counted).
      type: int
    number_matched:
      description: C(numberMatched) as the server gave it, V(null) when it did not.
      type: int
    method:
      description: V(number_matched) or V(members).
      type: str
    pages:
      description: Pages read.
      type: int
    complete:
      description: Whether the count is exact (false when counting stopped before the last page).
      type: bool
  sample:
    collection: countries
    count: 177
    number_matched: 177
    method: number_matched
    pages: 1
    complete: true
attempts:
  description: Attempts made (more than one when the service was not ready at first).
  returned: always
  type: int
  sample: 1
elapsed:
  description: Seconds spent.
  returned: always
  type: float
  sample: 0.42
"""

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.client import Http
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import OgcError
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.options import new_module, option_problems
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.probes import PROBES
from ansible_collections.geostack.swarm.plugins.module_utils.waiter import Waiter, WaitTimeout

ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True),
    service=dict(type='str', required=True, choices=['wms', 'wfs', 'wcs', 'wmts', 'tms', 'ogcapi-features']),
    version=dict(type='str'),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    client_cert=dict(type='path'),
    client_key=dict(type='path', no_log=False),
    url_username=dict(type='str'),
    url_password=dict(type='str', no_log=True),
    force_basic_auth=dict(type='bool', default=False),
    headers=dict(type='dict', default={}),
    use_proxy=dict(type='bool', default=True),
    timeout=dict(type='int', default=30),
    **Waiter.argument_spec(wait_timeout=120, wait_sleep=3),
    expect_layers=dict(type='list', elements='str', default=[]),
    expect_title=dict(type='str'),
    get_map=dict(type='dict', options=dict(
        layers=dict(type='list', elements='str'),
        styles=dict(type='list', elements='str'),
        bbox=dict(type='list', elements='float'),
        crs=dict(type='str', default='EPSG:4326'),
        axis_order=dict(type='str', default='auto', choices=['auto', 'xy', 'yx']),
        width=dict(type='int', default=512),
        height=dict(type='int', default=256),
        format=dict(type='str', default='image/png'),
        transparent=dict(type='bool', default=False),
        min_colors=dict(type='int', default=2),
    )),
    get_feature=dict(type='dict', options=dict(
        type_name=dict(type='str'),
        count=dict(type='int'),
        min_count=dict(type='int'),
        method=dict(type='str', default='auto', choices=['auto', 'hits', 'members']),
        output_format=dict(type='str'),
        max_features=dict(type='int', default=10000),
    )),
    describe_coverage=dict(type='dict', options=dict(
        coverage=dict(type='str'),
    )),
    get_coverage=dict(type='dict', options=dict(
        coverage=dict(type='str'),
        format=dict(type='str', default='image/tiff'),
        bbox=dict(type='list', elements='float'),
        crs=dict(type='str'),
        width=dict(type='int'),
        height=dict(type='int'),
    )),
    get_tile=dict(type='dict', options=dict(
        layer=dict(type='str'),
        style=dict(type='str'),
        tile_matrix_set=dict(type='str'),
        tile_matrix=dict(type='str'),
        row=dict(type='int', default=0),
        col=dict(type='int', default=0),
        format=dict(type='str'),
        min_colors=dict(type='int', default=2),
    )),
    items=dict(type='dict', options=dict(
        collection=dict(type='str'),
        count=dict(type='int'),
        min_count=dict(type='int'),
        limit=dict(type='int', default=100),
        max_pages=dict(type='int', default=20),
    )),
)


def suboption_defaults(spec):
    """``{option: {suboption: default}}`` for the dict options, from the argument spec (one source of defaults)."""
    return dict((name, dict((key, sub.get('default')) for key, sub in option['options'].items()))
                for name, option in spec.items() if option.get('options'))


def main():
    module = new_module(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    problems = option_problems(params)
    if problems:
        module.fail_json(msg='; '.join(problems))

    probe = PROBES[params['service']](Http.from_params(params), params, defaults=suboption_defaults(ARGUMENT_SPEC))
    waiter = Waiter(timeout=params['wait_timeout'] if params['wait'] else 0, sleep=params['wait_sleep'])
    start = waiter.clock()
    attempts = []

    def answered():
        attempts.append(1)
        try:
            return True, probe.run()
        except OgcError as exc:
            if not exc.retry:
                raise
            return False, exc.msg

    try:
        result = waiter.wait('%s at %s to answer' % (probe.label, params['url']), answered)
    except WaitTimeout as exc:
        msg = str(exc) if params['wait'] else exc.seen
        module.fail_json(msg=msg, attempts=len(attempts), elapsed=round(waiter.clock() - start, 3), **probe.result)
    except OgcError as exc:
        module.fail_json(msg=exc.msg, attempts=len(attempts), elapsed=round(waiter.clock() - start, 3),
                         **probe.result)
    module.exit_json(changed=False, attempts=len(attempts), elapsed=round(waiter.clock() - start, 3), **result)


if __name__ == '__main__':
    main()
