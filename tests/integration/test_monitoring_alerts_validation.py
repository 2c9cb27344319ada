"""Bad input to geostack.swarm.monitoring's alerting (Alertmanager's receivers, the blackbox probes) fails in the first
play of site.yml, before any change, naming the variable.

As tests/integration/test_monitoring_validation.py does (which has the receiver without a URL, the unknown kind and
the bad address): each case runs playbooks/site.yml against this machine with monitoring in geostack_services and one
bad variable; the play must stop in its first play with changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations


import pytest
from playbook_output import refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

SERVICES = ['postgis', 'backup', 'mapserver', 'qgis_server', 'edge', 'monitoring']

CASES = {
    'email receiver without a smarthost, from a bad sender': (
        dict(monitoring_receivers=[{'name': 'oncall', 'type': 'email', 'to': 'oncall@example.org', 'from': 'geostack'}]),
        ['monitoring_receivers[0] (oncall).from=geostack is not an e-mail address',
         'monitoring_receivers[0] (oncall).smarthost: an email receiver needs the SMTP server, host:port']),
    'smtp password in a file that is not there, and no probe faster than 10s': (
        dict(monitoring_probe_interval='5s',
             monitoring_receivers=[{'name': 'oncall', 'type': 'email', 'to': 'oncall@example.org',
                                    'from': 'geostack@example.org', 'smarthost': 'smtp.example.org:587',
                                    'username': 'geostack', 'password_file': '/nonexistent/smtp.password'}]),
        ['monitoring_receivers[0] (oncall).password_file=/nonexistent/smtp.password is not a readable file on the'
         ' controller', 'monitoring_probe_interval=5s must be from 10s to 5m']),
    'route matcher without a quoted value': (
        dict(monitoring_receivers=[{'name': 'ops', 'type': 'webhook', 'url': 'https://hooks.example.org/a',
                                    'matchers': ['severity=critical']}]),
        ['monitoring_receivers[0] (ops).matchers: severity=critical is not a matcher such as severity="critical"']),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_alerting_input_fails_before_any_change(case, tmp_path):
    extra, expected = CASES[case]
    result = run_site(tmp_path, dict(dict(geostack_services=SERVICES), **extra))
    text = refused_in_first_play(result)
    for message in expected:
        assert message in text, text[-3000:]
