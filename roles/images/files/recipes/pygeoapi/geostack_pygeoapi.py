# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pygeoapi's Flask app, answering 400 to a query parameter that its API definition does not name on the features
paths (/collections/<id>/items and /collections/<id>/items/<fid>), as OGC API Features core asks
(/req/core/query-param-unknown). pygeoapi 0.21 drops such parameters silently and answers 200; its definition only
declares them as free-form vendorSpecificParameters, which are not counted here. The names come from the OpenAPI
document the entrypoint generated ($PYGEOAPI_OPENAPI): every parameter of the path, by name, or by the file name of an
external reference (sortby.yaml: sortby)."""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qsl

FEATURES = re.compile(r'^/collections/[^/]+/items(/[^/]+)?/?\Z')
FREE_FORM = 'vendorSpecificParameters'


def _resolve(doc, ref):
    node = doc
    for part in ref[2:].split('/'):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def parameter_names(doc):
    """{path pattern (a compiled regex): the query parameter names it takes} for the features paths of the OpenAPI
    document ``doc``."""
    out = {}
    for path, item in (doc.get('paths') or {}).items():
        if not FEATURES.match(re.sub(r'\{[^}]+\}', 'x', path)):
            continue
        names = set()
        for param in (item.get('parameters') or []) + ((item.get('get') or {}).get('parameters') or []):
            ref = param.get('$ref', '')
            if ref.startswith('#/'):
                param = _resolve(doc, ref)
            elif ref:
                names.add(ref.split('#')[-1].rsplit('/', 1)[-1].split('.')[0])
                continue
            if param.get('in', 'query') == 'query' and param.get('name') and param.get('name') != FREE_FORM:
                names.add(param['name'])
        pattern = re.compile('^' + re.sub(r'\\\{[^}]+\\\}', '[^/]+', re.escape(path.rstrip('/'))) + r'/?\Z')
        out[pattern] = names
    return out


def unknown_parameters(names, path, query):
    """The query parameters of ``query`` (a query string) that the features path ``path`` does not take; [] for
    other paths."""
    for pattern, known in names.items():
        if pattern.match(path):
            return sorted(set(k for k, _v in parse_qsl(query, keep_blank_values=True)) - known)
    return []


class RefuseUnknownParameters(object):
    """WSGI middleware: 400 (JSON, as pygeoapi's own exceptions) for unknown query parameters on features paths."""

    def __init__(self, app, names):
        self.app = app
        self.names = names

    def __call__(self, environ, start_response):
        unknown = unknown_parameters(self.names, environ.get('PATH_INFO', ''), environ.get('QUERY_STRING', ''))
        if unknown:
            body = json.dumps({'code': 'InvalidParameterValue',
                               'description': 'Unknown query parameter(s): %s' % ', '.join(unknown)}).encode('utf-8')
            start_response('400 Bad Request', [('Content-Type', 'application/json'),
                                               ('Content-Length', str(len(body)))])
            return [body]
        return self.app(environ, start_response)


def make_app():
    """The WSGI app gunicorn runs (geostack_pygeoapi:make_app())."""
    import yaml
    from pygeoapi.flask_app import APP as pygeoapi_app

    with open(os.environ['PYGEOAPI_OPENAPI']) as f:
        doc = yaml.safe_load(f)
    return RefuseUnknownParameters(pygeoapi_app, parameter_names(doc))
