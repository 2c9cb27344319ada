"""Bad input to the day-2 verbs (playbooks status, logs, restart, scale, teardown) is refused in their first play,
naming the variable, before anything is read or changed. No Docker needed: the first play only checks variables."""

from __future__ import annotations

import pytest
from playbook_output import refused_in_first_play, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

INVENTORY = """all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  children:
    swarm_managers:
      hosts:
        m1: {}
    swarm_workers:
      hosts: {}
"""

CASES = {
    'status: unknown format': ('status', dict(status_format='xml'), 'status_format=xml must be table or json'),
    'status: timeout not a number': ('status', dict(status_probe_timeout='soon'),
                                     'status_probe_timeout=soon must be a number of seconds from 1 to 600'),
    'status: relative file': ('status', dict(status_file='report.json'),
                              'status_file=report.json must be an absolute path on the controller'),
    'status: bad stack name': ('status', dict(geostack_stack='Geo Stack'), 'geostack_stack=Geo Stack is not a stack name'),
    'logs: no service': ('logs', {}, 'logs_service= must be the short name of a service of the stack'),
    'logs: service with a space': ('logs', dict(logs_service='map server'),
                                   'logs_service=map server must be the short name of a service'),
    'logs: since malformed': ('logs', dict(logs_service='mapserver', logs_since='yesterday'),
                              'logs_since=yesterday must be a duration before now (10m, 1h30m, 2d) or a time'),
    'logs: tail negative': ('logs', dict(logs_service='mapserver', logs_tail=-5),
                            'logs_tail=-5 must be a number of lines from 0 to 100000'),
    'logs: tail not a number': ('logs', dict(logs_service='mapserver', logs_tail='all'),
                                'logs_tail=all must be a number of lines'),
    'logs: grep not a regex': ('logs', dict(logs_service='mapserver', logs_grep='(error'),
                               'logs_grep=(error is not a regular expression: missing ), unterminated subpattern'),
    'restart: no service': ('restart', {}, 'restart_service= must be the short name of a service of the stack'),
    'restart: timeout too short': ('restart', dict(restart_service='mapserver', restart_wait_timeout=2),
                                   'restart_wait_timeout=2 must be a number of seconds, at least 10'),
    'scale: no replicas': ('scale', dict(scale_service='mapserver'), 'scale_replicas is required'),
    'scale: replicas zero': ('scale', dict(scale_service='mapserver', scale_replicas=0),
                             'scale_replicas=0 is out of range: from 1 to 100'),
    'scale: replicas too many': ('scale', dict(scale_service='mapserver', scale_replicas=500),
                                 'scale_replicas=500 is out of range: from 1 to 100'),
    'scale: replicas not an int': ('scale', dict(scale_service='mapserver', scale_replicas='2.5'),
                                   'scale_replicas=2.5 must be a whole number of replicas'),
    'scale: replicas a boolean': ('scale', dict(scale_service='mapserver', scale_replicas=True),
                                  'scale_replicas=True must be a whole number of replicas'),
    'scale: no service': ('scale', dict(scale_replicas=2), 'scale_service= must be the short name'),
    'teardown: confirmation not the stack name': ('teardown', dict(geostack_destroy_data='yes'),
                                                  'geostack_destroy_data=yes is not the name of the stack (geostack)'),
    'teardown: confirmation of another stack': ('teardown', dict(geostack_stack='maps', geostack_destroy_data='geostack'),
                                                'geostack_destroy_data=geostack is not the name of the stack (maps)'),
    'teardown: timeout not a number': ('teardown', dict(teardown_wait_timeout='1m'),
                                       'teardown_wait_timeout=1m must be a number of seconds, at least 10'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_is_refused_in_the_first_play(tmp_path, case):
    verb, extra_vars, message = CASES[case]
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    result = run_playbook('playbooks/%s.yml' % verb, extra_vars, inventory=tmp_path / 'hosts.yml', cwd=tmp_path)
    # only the first play ran: nothing was read from the engine, nothing changed
    text = refused_in_first_play(result, 'Check the %s request' % verb)
    assert message in text, text
