"""Reading the output of ansible-playbook's JSON callback (ANSIBLE_STDOUT_CALLBACK=ansible.builtin.json)."""

from __future__ import annotations


def fact(parsed, name):
    """The value of the fact `name` the play set (the first task that set it)."""
    for one_play in parsed['plays']:
        for task in one_play['tasks']:
            for host in task['hosts'].values():
                if name in host.get('ansible_facts', {}):
                    return host['ansible_facts'][name]
    raise AssertionError('no task set %s' % name)


def messages(parsed):
    """Every task's and loop item's message, as one line of text."""
    out = []
    for one_play in parsed['plays']:
        for task in one_play['tasks']:
            for host in task['hosts'].values():
                out.append(str(host.get('msg', '')))
                out.extend(str(r.get('msg', '')) for r in host.get('results', []))
    return ' '.join(' '.join(out).split())
