# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the stack refuses and sends, read from the files the roles make (no Docker): the edge's nginx configuration
(security headers in every location, TLS 1.2 ciphers), the landing page's map script (declared titles reach Leaflet
as text, run under node when there is one), MapServer's mapfile (no SLD, no CGI modes), QGIS Server's guard plugin
(the parameters it refuses).

The templates are rendered by ansible-playbook (ansible.builtin.template, connection local) with the roles' defaults
and vars files, as the roles render them."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
EVIL = '<img src=x onerror=alert(1)>'

STACK = {
    'geostack_services': ['mapserver', 'qgis_server', 'edge'],
    'geostack_routes': {
        'mapserver': {'path': '/mapserver', 'title': 'MapServer ' + EVIL, 'port': 8080, 'ows': True,
                      'links': [{'title': 'WMS', 'href': '/mapserver/ows?SERVICE=WMS&REQUEST=GetCapabilities'}]},
        'qgis_server': {'path': '/qgis', 'title': 'QGIS Server', 'port': 8080, 'ows': True, 'links': []},
    },
    'geostack__public_url': 'https://geostack.example.org',
    'geostack_postgis': {'host': 'postgis', 'port': 5432, 'database': 'geostack', 'reader': 'reader',
                         'sslmode': 'verify-full', 'ca_path': '/etc/geostack/postgis-ca.crt'},
    'geostack__layers_plan': {'layers': [{
        'name': 'places', 'title': EVIL, 'abstract': "Places & 'quotes'", 'type': 'point', 'schema': 'public',
        'table': 'places', 'geometry_column': 'geom', 'srid': 4326, 'label': '',
        'style': {'fill': '#e6550d', 'stroke': '#ffffff', 'stroke_width': 1, 'size': 6, 'opacity': 100}}]},
}

TEMPLATES = {
    'geostack.conf': ('edge', 'geostack.conf.j2'),
    'index.html': ('edge', 'index.html.j2'),
    'geostack-map.js': ('edge', 'geostack-map.js.j2'),
    'geostack.map': ('mapserver', 'geostack.map.j2'),
}


def render(tmp_path, **extra):
    """The files of TEMPLATES rendered with the roles' defaults and vars, STACK and extra: {name: text}."""
    variables = dict(STACK, **extra)
    (tmp_path / 'vars.json').write_text(json.dumps(variables))
    tasks = [{'name': 'Render ' + name, 'ansible.builtin.template': {
        'src': str(REPO / 'roles' / role / 'templates' / src), 'dest': str(tmp_path / name), 'mode': '0644'}}
        for name, (role, src) in TEMPLATES.items()]
    play = [{'name': 'Render', 'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
             'vars_files': [str(REPO / 'roles' / role / sub / 'main.yml')
                            for role in ('edge', 'mapserver') for sub in ('defaults', 'vars')],
             'tasks': tasks}]
    (tmp_path / 'play.yml').write_text(json.dumps(play))
    run = subprocess.run(
        [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-e', '@' + str(tmp_path / 'vars.json'),
         '-e', 'ansible_python_interpreter=' + sys.executable, str(tmp_path / 'play.yml')],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, cwd=str(REPO), check=False)
    assert run.returncode == 0, run.stdout
    return {name: (tmp_path / name).read_text() for name in TEMPLATES}


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    return render(tmp_path_factory.mktemp('render'))


def blocks(conf):
    """The server-level directives of the HTTPS server and each of its locations: {'server': text, location: text}."""
    https = conf[conf.index('listen 8443'):]
    out = {}
    for match in re.finditer(r'\n  location ([^{]+)\{(.*?)\n  \}', https, re.S):
        out[match.group(1).strip()] = match.group(2)
    out['server'] = re.sub(r'\n  location [^{]+\{.*?\n  \}', '', https, flags=re.S)
    return out


HEADERS = ('Strict-Transport-Security', 'Content-Security-Policy', 'X-Content-Type-Options', 'X-Frame-Options',
           'Referrer-Policy')


def test_every_location_with_add_header_sends_every_security_header(rendered):
    parts = blocks(rendered['geostack.conf'])
    assert '/mapserver/' in parts and '/qgis/' in parts
    for where, text in parts.items():
        if where == 'server' or 'add_header' in text:
            for header in HEADERS:
                assert re.search(r'add_header %s .* always;' % header, text), (where, header)


def test_landing_page_csp_is_strict_and_proxied_routes_cannot_be_framed(rendered):
    parts = blocks(rendered['geostack.conf'])
    landing = re.search(r'Content-Security-Policy "([^"]+)"', parts['server']).group(1)
    assert "script-src 'self'" in landing and "default-src 'self'" in landing and 'unsafe' not in landing
    assert "frame-ancestors 'self'" in landing
    for route in ('/mapserver/', '/qgis/'):
        proxied = re.search(r'Content-Security-Policy "([^"]+)"', parts[route]).group(1)
        assert "frame-ancestors 'self'" in proxied and "object-src 'none'" in proxied
    # / and /index.html are answered by locations without an add_header of their own: they inherit the server's.
    assert 'add_header' not in parts['= /'] and 'add_header' not in parts['/']


def test_no_hsts_when_turned_off(tmp_path):
    conf = render(tmp_path, edge_hsts_max_age=0)['geostack.conf']
    assert 'Strict-Transport-Security' not in conf
    assert conf.count('X-Content-Type-Options') == 3   # the server and the two routes


def test_tls12_ciphers_are_forward_secret_aead(rendered):
    ciphers = re.search(r'ssl_ciphers ([^;]+);', rendered['geostack.conf']).group(1).split(':')
    assert ciphers and all(c.startswith('ECDHE-') and ('GCM' in c or 'CHACHA20' in c) for c in ciphers)
    assert 'ssl_protocols TLSv1.2 TLSv1.3;' in rendered['geostack.conf']


def test_index_html_escapes_declared_text(rendered):
    assert EVIL not in rendered['index.html']
    assert '&lt;img src=x onerror=alert(1)&gt;' in rendered['index.html']


NODE_HARNESS = """
var seen = {names: [], attributions: []};
function layer(options) { seen.attributions.push(options.attribution); return {addTo: function () {}}; }
var L = {
  map: function () { return {setView: function () { return this; }}; },
  tileLayer: {wms: function (url, options) { return layer(options); }},
  control: {
    layers: function (base, overlays) { seen.names = Object.keys(overlays); return {addTo: function () {}}; },
    scale: function () { return {addTo: function () {}}; }
  }
};
%s
console.log(JSON.stringify(seen));
"""


@pytest.mark.skipif(shutil.which('node') is None, reason='needs node')
def test_map_script_gives_leaflet_titles_as_text(rendered, tmp_path):
    script = tmp_path / 'run.js'
    script.write_text(NODE_HARNESS % rendered['geostack-map.js'])
    seen = json.loads(subprocess.run(['node', str(script)], stdout=subprocess.PIPE, universal_newlines=True,
                                     check=True).stdout)
    assert seen['names'] and seen['attributions']
    for html in seen['names'] + seen['attributions']:
        assert '<' not in html and '>' not in html
    assert 'MapServer &lt;img src=x onerror=alert(1)&gt;: &lt;img src=x onerror=alert(1)&gt;' in seen['names']


def test_mapfile_refuses_sld_and_cgi_modes(rendered):
    web = rendered['geostack.map'].split('  WEB\n', 1)[1].split('\n  END\n', 1)[0]
    assert '"wms_sld_enabled" "false"' in web
    assert '"ms_enable_modes" "!*"' in web


def load_guard():
    """roles/qgis_server/files/geostack_guard as a module, with just enough of the qgis package to import it."""
    qgis = types.ModuleType('qgis')
    core = types.ModuleType('qgis.core')
    server = types.ModuleType('qgis.server')
    core.Qgis = types.SimpleNamespace(Warning=1)
    core.QgsMessageLog = types.SimpleNamespace(logMessage=lambda *args: None)

    class QgsServerFilter:
        def __init__(self, iface):
            self._iface = iface

        def serverInterface(self):  # noqa: N802 (QGIS' name)
            return self._iface

    server.QgsServerFilter = QgsServerFilter
    server.QgsServerException = lambda message, code: (message, code)
    saved = {name: sys.modules.get(name) for name in ('qgis', 'qgis.core', 'qgis.server')}
    sys.modules.update({'qgis': qgis, 'qgis.core': core, 'qgis.server': server})
    try:
        path = REPO / 'roles' / 'qgis_server' / 'files' / 'geostack_guard' / '__init__.py'
        spec = importlib.util.spec_from_file_location('geostack_guard', str(path))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        for name, module_before in saved.items():
            if module_before is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module_before


@pytest.mark.parametrize('parameters, refused', [
    ({'SERVICE': 'WMS', 'REQUEST': 'GetMap', 'LAYERS': 'places', 'STYLES': ''}, []),
    ({'SERVICE': 'WMS', 'REQUEST': 'GetMap', 'sld': 'http://example.org/x.sld'}, ['SLD']),
    ({'SLD_BODY': '<StyledLayerDescriptor/>', 'HIGHLIGHT_SYMBOL': '<x/>'}, ['HIGHLIGHT_SYMBOL', 'SLD_BODY']),
    ({'MAP': '/etc/qgis/other.qgs'}, ['MAP']),
    ({'LAYERS': 'places,EXTERNAL_WMS:x', 'X:URL': 'http://example.org/wms'}, ['LAYERS', 'X:URL']),
    ({'MAP0:LAYERS': 'external_wms:x'}, ['MAP0:LAYERS']),
])
def test_qgis_guard_refuses(parameters, refused):
    assert load_guard().refused(parameters) == refused


def test_qgis_guard_answers_400_and_drops_the_parameters():
    guard = load_guard()

    class Handler:
        def __init__(self):
            self.params = {'SERVICE': 'WMS', 'SLD': 'http://example.org/x.sld'}
            self.exception = None

        def parameterMap(self):  # noqa: N802 (QGIS' name)
            return dict(self.params)

        def removeParameter(self, name):  # noqa: N802
            self.params.pop(name)

        def setServiceException(self, exception):  # noqa: N802
            self.exception = exception

    handler = Handler()
    iface = types.SimpleNamespace(requestHandler=lambda: handler, registerFilter=lambda f, priority: None)
    guard.serverClassFactory(iface).guard.requestReady()
    assert handler.params == {'SERVICE': 'WMS'}
    assert handler.exception == ('Parameters refused by this server: SLD', 400)
