# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ogc_probe's options: its ``AnsibleModule`` and ``option_problems``, which checks the options before any
request."""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import LABELS, OPERATIONS, SERVICES, VERSIONS


def new_module(argument_spec, **kwargs):
    """The module's AnsibleModule (a function of its own so tests can replace it)."""
    return AnsibleModule(argument_spec=argument_spec, **kwargs)


def _bbox_problem(option, bbox):
    if bbox is None:
        return None
    try:
        values = [float(v) for v in bbox]
    except (TypeError, ValueError):
        values = []
    if len(values) != 4 or len(values) != len(bbox):
        return '%s.bbox must be 4 numbers (minx, miny, maxx, maxy); got %r' % (option, bbox)
    if values[0] >= values[2] or values[1] >= values[3]:
        return '%s.bbox must have minx < maxx and miny < maxy; got %r' % (option, bbox)
    return None


def option_problems(params):
    """Problems with the options, each naming the option (checked before any request)."""
    problems = []
    service = params.get('service')
    url = params.get('url') or ''
    if service not in SERVICES:
        problems.append('service must be one of %s; got %r' % (', '.join(SERVICES), service))
    if urlsplit(url).scheme not in ('http', 'https') or not urlsplit(url).netloc:
        problems.append('url must be an http:// or https:// URL; got %r' % url)
    version = params.get('version')
    if version and service in VERSIONS and version not in VERSIONS[service]:
        problems.append('version %s is not a %s version this module speaks (%s)'
                        % (version, LABELS[service], ', '.join(VERSIONS[service])))
    for option, owners in OPERATIONS:
        if params.get(option) is not None and service not in owners:
            problems.append('%s is a %s option, but service is %s'
                            % (option, ' or '.join(LABELS[owner] for owner in owners), service))
    for option in ('timeout', 'wait_sleep'):
        if params.get(option) is not None and params[option] < 1:
            problems.append('%s must be at least 1; got %s' % (option, params[option]))
    if (params.get('wait_timeout') or 0) < 0:
        problems.append('wait_timeout must not be negative; got %s' % params['wait_timeout'])
    for option in ('ca_path', 'client_cert', 'client_key'):
        path = params.get(option)
        if path:
            try:
                with open(path, 'rb'):
                    pass
            except (IOError, OSError) as exc:
                problems.append('%s %s cannot be read: %s' % (option, path, exc.strerror or exc))
    if params.get('client_key') and not params.get('client_cert'):
        problems.append('client_key needs client_cert')
    for name in params.get('expect_layers') or []:
        if not name or not str(name).strip():
            problems.append('expect_layers must not contain empty names')
            break
    for option in ('get_feature', 'items'):
        opts = params.get(option) or {}
        if opts.get('count') is not None and opts.get('min_count') is not None:
            problems.append('%s: count and min_count are mutually exclusive' % option)
        for key in ('count', 'min_count'):
            if opts.get(key) is not None and opts[key] < 0:
                problems.append('%s.%s must not be negative; got %s' % (option, key, opts[key]))
        for key in ('limit', 'max_pages', 'max_features'):
            if opts.get(key) is not None and opts[key] < 1:
                problems.append('%s.%s must be at least 1; got %s' % (option, key, opts[key]))
    for option in ('get_map', 'get_coverage'):
        opts = params.get(option) or {}
        problem = _bbox_problem(option, opts.get('bbox'))
        if problem:
            problems.append(problem)
        for key in ('width', 'height'):
            if opts.get(key) is not None and not 0 < opts[key] <= 8192:
                problems.append('%s.%s must be between 1 and 8192; got %s' % (option, key, opts[key]))
    for option in ('get_map', 'get_tile'):
        opts = params.get(option) or {}
        if opts.get('min_colors') is not None and opts['min_colors'] < 0:
            problems.append('%s.min_colors must not be negative; got %s' % (option, opts['min_colors']))
    described = (params.get('describe_coverage') or {}).get('coverage')
    fetched = (params.get('get_coverage') or {}).get('coverage')
    if described and fetched and described != fetched:
        problems.append('describe_coverage.coverage (%s) and get_coverage.coverage (%s) differ: probe one coverage '
                        'per task' % (described, fetched))
    tile = params.get('get_tile') or {}
    for key in ('row', 'col'):
        if tile.get(key) is not None and tile[key] < 0:
            problems.append('get_tile.%s must not be negative; got %s' % (key, tile[key]))
    return problems
