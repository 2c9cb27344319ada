"""Bad input to geostack.swarm.monitoring fails in the first play of site.yml, before any change, naming the variable.

As tests/integration/test_stack_validation.py does: each case runs the whole playbooks/site.yml against this machine
(inventories/local) with monitoring in geostack_services and one bad variable; the play must stop in its first play
(which only reads) with changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations


import pytest
from playbook_output import refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

SERVICES = ['postgis', 'backup', 'mapserver', 'qgis_server', 'edge', 'monitoring']

CASES = {
    'retention of no time': (
        dict(monitoring_retention_time='0d'),
        'monitoring_retention_time=0d must be from 1h to 3650d'),
    'retention time as a bare number': (
        dict(monitoring_retention_time=0),
        'monitoring_retention_time=0 is not a Prometheus duration such as 15d'),
    'retention time with units out of order': (
        dict(monitoring_retention_time='30m1h'),
        'monitoring_retention_time=30m1h is not a Prometheus duration such as 15d'),
    'retention size without a unit': (
        dict(monitoring_retention_size='2000'),
        'monitoring_retention_size=2000 is not a size such as 2GB or 512MiB'),
    'retention size of nothing': (
        dict(monitoring_retention_size='0GB'),
        'monitoring_retention_size=0GB must be at least 64MB'),
    'retention size in a unit Prometheus lacks': (
        dict(monitoring_retention_size='2 GB'),
        'monitoring_retention_size=2 GB is not a size such as 2GB or 512MiB'),
    'scrape interval too short': (
        dict(monitoring_scrape_interval='1s'),
        'monitoring_scrape_interval=1s must be from 5s to 5m'),
    'scrape interval not a duration': (
        dict(monitoring_scrape_interval='30 seconds'),
        'monitoring_scrape_interval=30 seconds is not a Prometheus duration such as 30s'),
    'evaluation interval too long': (
        dict(monitoring_evaluation_interval='10m'),
        'monitoring_evaluation_interval=10m must be from 5s to 5m'),
    'webhook receiver without a url': (
        dict(monitoring_receivers=[dict(name='ops', type='webhook')]),
        'monitoring_receivers[0] (ops).url: a webhook receiver needs the URL to post alerts to'),
    'webhook receiver with credentials in the url': (
        dict(monitoring_receivers=[dict(name='ops', type='webhook', url='https://user:secret@hooks.example.org/a')]),
        'monitoring_receivers[0] (ops).url: credentials in the URL would be shown in logs and configs'),
    'webhook receiver with credentials, not echoed': (
        dict(monitoring_receivers=[dict(name='ops', type='webhook', url='https://user:secret@hooks.example.org/a')]),
        None),
    'webhook receiver not over http': (
        dict(monitoring_receivers=[dict(name='ops', type='webhook', url='ftp://hooks.example.org/a')]),
        'monitoring_receivers[0] (ops).url=ftp://hooks.example.org/a is not an http(s) URL'),
    'email receiver without an address': (
        dict(monitoring_receivers=[dict(name='oncall', type='email')]),
        'monitoring_receivers[0] (oncall).to: an email receiver needs one address or a list of them'),
    'email receiver with a bad address': (
        dict(monitoring_receivers=[dict(name='oncall', type='email', to=['ops@example.org', 'not-an-address'])]),
        'monitoring_receivers[0] (oncall).to: not-an-address is not an e-mail address'),
    'receiver of an unknown type and a duplicate name': (
        dict(monitoring_receivers=[dict(name='ops', type='webhook', url='https://hooks.example.org/a'),
                                   dict(name='ops', type='slack')]),
        'monitoring_receivers[1] (ops): the name is given twice; monitoring_receivers[1] (ops).type=slack must be one of'
        ' webhook, email'),
    'proxy on the back network': (
        dict(monitoring_network='geostack_back'),
        'monitoring_network=geostack_back is a network of the stack: the Docker API proxy needs a network of its own'),
    'node not in the inventory': (
        dict(monitoring_node='nowhere'),
        'monitoring_node=nowhere is not a host of the inventory'),
    'resources without the proxy': (
        dict(monitoring_resources=dict(prometheus={}, node_exporter={})),
        'monitoring_resources must be a mapping with the limits and reservations of prometheus, node_exporter and'
        ' swarm_api'),
    'image with a trailing newline': (
        dict(monitoring_image='registry.example.org/geostack/monitoring:2.42\n'),
        'monitoring_image=registry.example.org/geostack/monitoring:2.42 is not an image reference'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_monitoring_input_fails_before_any_change(case, tmp_path):
    extra, expected = CASES[case]
    extra = dict(dict(geostack_services=SERVICES), **extra)
    result = run_site(tmp_path, extra)
    text = refused_in_first_play(result)
    if expected is None:
        assert 'secret@' not in result.stdout
    else:
        assert expected in text, text[-3000:]
