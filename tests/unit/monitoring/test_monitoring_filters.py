# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""geostack.swarm.monitoring_problems and geostack.swarm.prometheus_seconds: Prometheus' durations and sizes, the
receivers, the names, each problem naming its variable."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.geostack.swarm.plugins.filter.monitoring_problems import FilterModule as Problems
from ansible_collections.geostack.swarm.plugins.filter.monitoring_probes import FilterModule as Probes
from ansible_collections.geostack.swarm.plugins.filter.prometheus_seconds import FilterModule as Seconds
from ansible_collections.geostack.swarm.plugins.module_utils.monitoring import (duration_seconds, monitoring_problems,
                                                                                size_bytes)

pytestmark = pytest.mark.unit

RESOURCES = dict(prometheus={}, node_exporter={}, swarm_api={})
FROM = {'from': 'geostack@example.org'}
EMAIL = dict(name='mail', type='email', to='a@example.org', smarthost='smtp.example.org:587', **FROM)
SOUND = dict(retention_time='15d', retention_size='2GB', scrape_interval='30s', evaluation_interval='30s',
             volume='geostack_prometheus_data', network='geostack_monitoring', node='', node_label='geostack.monitoring',
             docker_socket='/var/run/docker.sock', resources=RESOURCES, receivers=[])


def problems(**changes):
    return monitoring_problems(dict(SOUND, **changes), hosts=['node1', 'node2'],
                               reserved_networks=['geostack_front', 'geostack_back'])


@pytest.mark.parametrize('value, seconds', [
    ('15d', 15 * 86400), ('1h30m', 5400), ('30s', 30), ('500ms', 0.5), ('1y', 365 * 86400), ('2w', 14 * 86400),
    ('0s', 0)])
def test_durations_as_prometheus_reads_them(value, seconds):
    assert duration_seconds(value) == seconds
    assert Seconds().filters()['prometheus_seconds'](value) == seconds


@pytest.mark.parametrize('value', ['', '15', '30m1h', '1.5h', '15 d', '15D', '1h1h', None, 15])
def test_what_is_not_a_duration(value):
    assert duration_seconds(value) is None
    with pytest.raises(AnsibleFilterError, match='not a Prometheus duration'):
        Seconds().filters()['prometheus_seconds'](value)


@pytest.mark.parametrize('value, size', [
    ('2GB', 2 * 1024 ** 3), ('512MiB', 512 * 1024 ** 2), ('100B', 100), ('1TB', 1024 ** 4), ('64MB', 64 * 1024 ** 2)])
def test_sizes_are_1024_based(value, size):
    assert size_bytes(value) == size


@pytest.mark.parametrize('value', ['2000', '2 GB', '2gb', '2G', '1.5GB', '', None, 2])
def test_what_is_not_a_size(value):
    assert size_bytes(value) is None


def test_the_defaults_are_sound():
    assert problems() == []
    receivers = [dict(name='ops', type='webhook', url='https://hooks.example.org/a?x=1'),
                 dict(name='oncall', type='email', to='oncall@example.org', smarthost='smtp.example.org:25', **FROM),
                 dict(name='team', type='email', to=['a@example.org', 'b@ex-ample.org'], smarthost='[2001:db8::1]:587',
                      matchers=['severity="critical"', 'service=~"map.*"'], send_resolved=False, require_tls=False,
                      **FROM)]
    assert problems(node='node2', receivers=receivers, probe_interval='10s',
                    alertmanager_volume='geostack_alertmanager_data') == []


@pytest.mark.parametrize('changes, message', [
    (dict(retention_time='0d'), 'monitoring_retention_time=0d must be from 1h to 3650d'),
    (dict(retention_time='59m'), 'monitoring_retention_time=59m must be from 1h to 3650d'),
    (dict(retention_time='11y'), 'monitoring_retention_time=11y must be from 1h to 3650d'),
    (dict(retention_time='0'), 'monitoring_retention_time=0 is not a Prometheus duration such as 15d'),
    (dict(retention_size='0GB'), 'monitoring_retention_size=0GB must be at least 64MB'),
    (dict(retention_size='63MiB'), 'monitoring_retention_size=63MiB must be at least 64MB'),
    (dict(retention_size='2 GB'), 'monitoring_retention_size=2 GB is not a size such as 2GB or 512MiB'),
    (dict(scrape_interval='4s'), 'monitoring_scrape_interval=4s must be from 5s to 5m'),
    (dict(scrape_interval='301s'), 'monitoring_scrape_interval=301s must be from 5s to 5m'),
    (dict(evaluation_interval='half a minute'),
     'monitoring_evaluation_interval=half a minute is not a Prometheus duration such as 30s'),
    (dict(volume='data volume'), 'monitoring_volume=data volume is not a Docker name'),
    (dict(network='geostack_back'), 'monitoring_network=geostack_back is a network of the stack'),
    (dict(network='geostack_front'), 'monitoring_network=geostack_front is a network of the stack'),
    (dict(node='node9'), 'monitoring_node=node9 is not a host of the inventory'),
    (dict(node_label='Geostack Monitoring'), 'monitoring_node_label=Geostack Monitoring is not a node label name'),
    (dict(docker_socket='docker.sock'), 'monitoring_docker_socket=docker.sock must be an absolute path'),
    (dict(resources=dict(prometheus={})), 'monitoring_resources must be a mapping with the limits and reservations'),
    (dict(resources=dict(RESOURCES, grafana={})), 'monitoring_resources: unknown services grafana'),
    (dict(receivers='ops'), 'monitoring_receivers must be a list of receivers'),
    (dict(receivers=['ops']), 'monitoring_receivers[0] must be a mapping {name, type, url or to}'),
    (dict(receivers=[dict(name='Ops', type='webhook', url='https://h.example.org')]),
     'monitoring_receivers[0].name=Ops must be lower-case letters, digits, _ and -'),
    (dict(receivers=[dict(name='ops', type='webhook')]),
     'monitoring_receivers[0] (ops).url: a webhook receiver needs the URL to post alerts to'),
    (dict(receivers=[dict(name='ops', type='webhook', url='hooks.example.org/a')]),
     'monitoring_receivers[0] (ops).url=hooks.example.org/a is not an http(s) URL'),
    (dict(receivers=[dict(name='ops', type='webhook', url='https://h.example.org/a b')]),
     'monitoring_receivers[0] (ops).url=https://h.example.org/a b is not an http(s) URL'),
    (dict(receivers=[dict(name='ops', type='webhook', url='https://u:p@h.example.org/', to='a@example.org')]),
     'monitoring_receivers[0] (ops): unknown keys to for a webhook receiver (name, type, url, token_file, matchers, '
     'send_resolved); monitoring_receivers[0] (ops).url: credentials in the URL would be shown in logs and configs'),
    (dict(receivers=[dict(name='mail', type='email', to=[])]),
     'monitoring_receivers[0] (mail).to: an email receiver needs one address or a list of them'),
    (dict(receivers=[dict(name='mail', type='email', to='ops at example.org')]),
     'monitoring_receivers[0] (mail).to: ops at example.org is not an e-mail address'),
    (dict(receivers=[dict(name='mail', type='email', to='ops@localhost', url='https://h.example.org')]),
     'monitoring_receivers[0] (mail): unknown keys url for an email receiver'),
    (dict(receivers=[dict(name='mail', type='email', to='ops@localhost')]),
     'monitoring_receivers[0] (mail).to: ops@localhost is not an e-mail address; '
     'monitoring_receivers[0] (mail).from: an email receiver needs the address it sends from; '
     'monitoring_receivers[0] (mail).smarthost: an email receiver needs the SMTP server, host:port'),
    (dict(receivers=[dict(name='mail', type='email', to='a@example.org', smarthost='smtp.example.org', **FROM)]),
     'monitoring_receivers[0] (mail).smarthost=smtp.example.org is not host:port such as smtp.example.org:587'),
    (dict(receivers=[dict(name='mail', type='email', to='a@example.org', smarthost='smtp.example.org:70000', **FROM)]),
     'monitoring_receivers[0] (mail).smarthost=smtp.example.org:70000 is not host:port'),
    (dict(receivers=[dict(EMAIL, **{'from': 'geostack'})]),
     'monitoring_receivers[0] (mail).from=geostack is not an e-mail address'),
    (dict(receivers=[dict(EMAIL, password_file='/nonexistent/smtp.password')]),
     'monitoring_receivers[0] (mail).password_file=/nonexistent/smtp.password is not a readable file on the controller; '
     'monitoring_receivers[0] (mail).password_file: the SMTP password needs the username it belongs to'),
    (dict(receivers=[dict(EMAIL, username='geo stack')]),
     'monitoring_receivers[0] (mail).username=geo stack must be a user name without spaces'),
    (dict(receivers=[dict(EMAIL, require_tls='yes', send_resolved='no')]),
     'monitoring_receivers[0] (mail).require_tls=yes must be true or false; '
     'monitoring_receivers[0] (mail).send_resolved=no must be true or false'),
    (dict(receivers=[dict(name='ops', type='webhook', url='https://h.example.org/', token_file='token')]),
     'monitoring_receivers[0] (ops).token_file=token must be the absolute path of a file on the controller'),
    (dict(receivers=[dict(name='ops', type='webhook', url='https://h.example.org/', matchers=['severity=critical'])]),
     'monitoring_receivers[0] (ops).matchers: severity=critical is not a matcher such as severity="critical"'),
    (dict(receivers=[dict(name='ops', type='webhook', url='https://h.example.org/', matchers='severity="critical"')]),
     'monitoring_receivers[0] (ops).matchers must be a list'),
    (dict(receivers=[dict(name='none', type='webhook', url='https://h.example.org/')]),
     'monitoring_receivers[0].name=none must be lower-case letters, digits, _ and - (and not none)'),
    (dict(receivers=[dict(name='a', type='pager', token='x')]),
     'monitoring_receivers[0] (a).type=pager must be one of webhook, email'),
    (dict(probe_interval='5s'), 'monitoring_probe_interval=5s must be from 10s to 5m'),
    (dict(alertmanager_volume='geostack_prometheus_data'),
     'monitoring_alertmanager_volume=geostack_prometheus_data is also monitoring_volume'),
    (dict(alertmanager_volume='a/b'), 'monitoring_alertmanager_volume=a/b is not a Docker name'),
    (dict(receivers=[dict(name='a', type='email', to='a@example.org'), dict(name='a', type='email', to='b@example.org')]),
     'monitoring_receivers[1] (a): the name is given twice'),
])
def test_each_problem_names_its_variable(changes, message):
    assert message in '; '.join(problems(**changes))


def test_every_problem_at_once():
    found = problems(retention_time='0d', retention_size='0GB', scrape_interval='1s', receivers=[dict(name='x')])
    assert len(found) == 4, found


def test_the_credentials_of_a_url_are_not_repeated():
    receivers = [dict(name='x', type='webhook', url='https://user:secret@h.example.org/')]
    assert 'secret' not in '; '.join(problems(receivers=receivers))


def test_the_filter_wants_a_mapping():
    with pytest.raises(AnsibleFilterError):
        Problems().filters()['monitoring_problems'](['15d'])
    assert Problems().filters()['monitoring_problems'](SOUND, hosts=[], reserved_networks=[]) == []


def test_a_secret_file_that_is_readable_is_sound(tmp_path):
    secret = tmp_path / 'smtp.password'
    secret.write_text('s3cret')
    receivers = [dict(EMAIL, username='geostack', password_file=str(secret)),
                 dict(name='ops', type='webhook', url='https://h.example.org/', token_file=str(secret))]
    assert problems(receivers=receivers) == []
    assert 's3cret' not in '; '.join(problems(receivers=[dict(receivers[0], to='bad')]))


def test_resources_of_the_new_services_are_optional_but_mappings():
    assert problems(resources=dict(RESOURCES, blackbox={}, alertmanager={}, postgres_exporter={})) == []
    assert problems(resources=dict(RESOURCES, blackbox='64M')) == [
        "monitoring_resources: each service's value must be a mapping (limits, reservations)"]


ROUTES = {
    'mapserver': {'path': '/mapserver/', 'ows': True, 'port': 8080, 'probes': []},
    'qgis_server': {'path': '/qgis', 'ows': True, 'port': 8080, 'probes': [
        {'label': 'OGC API Features', 'service': 'ogcapi-features', 'path': '/ows/wfs3', 'items': {'collection': 'places'}}]},
    'pygeoapi': {'path': '/ogcapi', 'ows': False, 'port': 8080, 'probes': [
        {'service': 'ogcapi-features', 'path': '/', 'items': {'collection': 'places', 'min_count': 1}}]},
    'edge': {'path': '/nowhere'},
}
LAYERS = [{'name': 'elevation', 'type': 'raster'}, {'name': 'countries', 'type': 'polygon'},
          {'name': 'places', 'type': 'point'}]


def test_every_declared_endpoint_is_probed_through_the_edge():
    probes = Probes().filters()['monitoring_probes'](
        ROUTES, services=['postgis', 'mapserver', 'qgis_server', 'pygeoapi'], layers=LAYERS,
        public_url='https://geo.example.org/')
    assert [(p['service'], p['module']) for p in probes] == [
        ('mapserver', 'wms_capabilities'), ('mapserver', 'wms_getmap'), ('mapserver', 'wfs_getfeature'),
        ('qgis_server', 'wms_capabilities'), ('qgis_server', 'wms_getmap'), ('qgis_server', 'wfs_getfeature'),
        ('qgis_server', 'ogcapi_items'), ('pygeoapi', 'ogcapi_items')]
    by = dict(((p['service'], p['module']), p) for p in probes)
    assert by[('mapserver', 'wms_capabilities')] == {
        'service': 'mapserver', 'module': 'wms_capabilities',
        'url': 'https://edge:8443/mapserver/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities',
        'instance': 'https://geo.example.org/mapserver/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities'}
    assert by[('mapserver', 'wms_getmap')]['url'] == (
        'https://edge:8443/mapserver/ows?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=countries&STYLES=&SRS=EPSG:4326'
        '&BBOX=-180,-90,180,90&WIDTH=256&HEIGHT=128&FORMAT=image/png')
    assert by[('qgis_server', 'wfs_getfeature')]['url'] == (
        'https://edge:8443/qgis/ows?SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=countries&MAXFEATURES=1')
    assert by[('qgis_server', 'ogcapi_items')]['url'] == 'https://edge:8443/qgis/ows/wfs3/collections/places/items?f=json&limit=1'
    assert by[('pygeoapi', 'ogcapi_items')]['instance'] == 'https://geo.example.org/ogcapi/collections/places/items?f=json&limit=1'


def test_rasters_alone_have_a_getmap_and_no_getfeature():
    probes = Probes().filters()['monitoring_probes'](
        ROUTES, services=['mapserver'], layers=LAYERS[:1], public_url='https://geo.example.org:8443')
    assert [p['module'] for p in probes] == ['wms_capabilities', 'wms_getmap']
    assert 'LAYERS=elevation' in probes[1]['url'] and probes[1]['instance'].startswith('https://geo.example.org:8443/mapserver/')


def test_no_route_no_probe():
    assert Probes().filters()['monitoring_probes']({}, services=['mapserver'], public_url='https://x') == []
    with pytest.raises(AnsibleFilterError):
        Probes().filters()['monitoring_probes']([], services=[], public_url='https://x')
