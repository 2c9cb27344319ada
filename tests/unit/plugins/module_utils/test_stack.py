# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import hashlib

import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.stack.common import (
    NAMESPACE_LABEL,
    ServiceFailed,
    StackError,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.parse import parse_stack, resolve_networks
from ansible_collections.geostack.swarm.plugins.module_utils.stack.progress import service_progress
from ansible_collections.geostack.swarm.plugins.module_utils.stack.spec import create_kwargs, service_spec
from ansible_collections.geostack.swarm.plugins.module_utils.stack.tasks import task_errors
from ansible_collections.geostack.swarm.plugins.module_utils.stack.values import (
    parse_cpus,
    parse_duration,
    parse_file_mode,
    parse_memory,
)
from ansible_collections.geostack.swarm.plugins.module_utils.stack.view import differences, service_view

pytestmark = pytest.mark.unit

S = 10 ** 9


def params(services=None, **extra):
    p = dict(name='geo', endpoint_mode='vip', secrets={}, configs={}, services=services or {})
    p.update(extra)
    return p


def stack_of(services=None, **extra):
    return parse_stack(params(services, **extra))


def spec_of(svc, network_ids=None, **extra):
    stack = stack_of(dict(web=svc), **extra)
    return stack, service_spec(stack, stack['services']['web'], network_ids or {})


def error_of(services=None, **extra):
    with pytest.raises(StackError) as exc:
        stack_of(services, **extra)
    return str(exc.value)


# -- scalars -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, ns', [
    (10, 10 * S), (0, 0), (1.5, 1500 * 10 ** 6), ('10', 10 * S), ('10s', 10 * S), ('1m30s', 90 * S),
    ('500ms', 500 * 10 ** 6), ('1h', 3600 * S), ('1.5s', 1500 * 10 ** 6), ('2m0.5s', 120 * S + 500 * 10 ** 6),
    ('100us', 100000), ('7ns', 7), ('10 s', 10 * S), ('1d', 86400 * S),
])
def test_parse_duration(value, ns):
    assert parse_duration(value, 'x') == ns


@pytest.mark.parametrize('value', ['ten', '1y', '-5s', -1, True, None, '', 's', '5s3', [5]])
def test_parse_duration_refuses(value):
    with pytest.raises(StackError, match=r'^a\.b: .* is not a duration'):
        parse_duration(value, 'a.b')


@pytest.mark.parametrize('value, size', [
    (1024, 1024), ('512M', 512 * 1024 ** 2), ('1G', 1024 ** 3), ('256Mi', 256 * 1024 ** 2), ('64k', 65536),
    ('1.5g', int(1.5 * 1024 ** 3)), ('2GiB', 2 * 1024 ** 3), ('100', 100), ('100b', 100),
])
def test_parse_memory(value, size):
    assert parse_memory(value, 'x') == size


@pytest.mark.parametrize('value', ['1X', 'lots', -5, True, None, '1 G B'])
def test_parse_memory_refuses(value):
    with pytest.raises(StackError, match='^m: .* is not a memory size'):
        parse_memory(value, 'm')


def test_parse_cpus():
    assert parse_cpus(1.5, 'c') == 1500000000
    assert parse_cpus('0.25', 'c') == 250000000
    assert parse_cpus(2, 'c') == 2 * S
    for bad in ('many', True, -1, None):
        with pytest.raises(StackError, match='^c: .* is not a number of CPUs'):
            parse_cpus(bad, 'c')
    with pytest.raises(StackError, match='less than the 0.001'):
        parse_cpus(0.0001, 'c')


@pytest.mark.parametrize('value, mode', [(0o400, 0o400), (256, 0o400), ('0400', 0o400), ('0o440', 0o440),
                                         ('644', 0o644)])
def test_parse_file_mode(value, mode):
    assert parse_file_mode(value, 'f') == mode


@pytest.mark.parametrize('value', ['0999', 'rw', 0o10000, True, -1])
def test_parse_file_mode_refuses(value):
    with pytest.raises(StackError, match='^f: .* is not a file mode'):
        parse_file_mode(value, 'f')


# -- validation: every error names its path ----------------------------------------------------------------------

@pytest.mark.parametrize('services, extra, message', [
    ({'web': {'image': 'x', 'imgae': 'y'}}, {}, "services.web: unknown key 'imgae'; valid keys: image, "),
    ({'web': {'command': ['x']}}, {}, 'services.web.image is required'),
    ({'web': {'image': 'x', 'update_config': {'order': 'first'}}}, {},
     "services.web.update_config.order: 'first' is not one of start-first, stop-first"),
    ({'web': {'image': 'x', 'update_config': {'parralelism': 2}}}, {},
     "services.web.update_config: unknown key 'parralelism'"),
    ({'web': {'image': 'x', 'rollback_config': {'failure_action': 'rollback'}}}, {},
     "services.web.rollback_config.failure_action: 'rollback' is not one of continue, pause"),
    ({'web': {'image': 'x', 'env': {'DEBUG': True}}}, {}, 'services.web.env.DEBUG: True is a boolean'),
    ({'web': {'image': 'x', 'env': {'LIST': [1]}}}, {}, 'services.web.env.LIST: must be a string or a number'),
    ({'web': {'image': 'x', 'labels': {'on': False}}}, {}, 'services.web.labels.on: False is a boolean'),
    ({'web': {'image': 'x', 'mode': 'daemon'}}, {}, "services.web.mode: 'daemon' is not one of replicated, global"),
    ({'web': {'image': 'x', 'mode': 'global', 'replicas': 2}}, {},
     'services.web.replicas: only for mode replicated or replicated-job'),
    ({'web': {'image': 'x', 'replicas': -1}}, {}, 'services.web.replicas: -1 is less than 0'),
    ({'web': {'image': 'x', 'replicas': 'two'}}, {}, "services.web.replicas: 'two' is not an integer"),
    ({'web': {'image': 'x', 'stop_grace_period': '10 sec'}}, {}, "services.web.stop_grace_period: '10 sec' is not"),
    ({'web': {'image': 'x', 'healthcheck': {'test': ['curl', 'x']}}}, {},
     'services.web.healthcheck.test: a list must start with CMD or CMD-SHELL'),
    ({'web': {'image': 'x', 'healthcheck': {'interval': '5s'}}}, {}, 'services.web.healthcheck.test is required'),
    ({'web': {'image': 'x', 'healthcheck': {'disable': True, 'test': 'true'}}}, {},
     'services.web.healthcheck: disable: true cannot be combined with test'),
    ({'web': {'image': 'x', 'healthcheck': {'test': 'true', 'timeout': 'soon'}}}, {},
     "services.web.healthcheck.timeout: 'soon' is not a duration"),
    ({'web': {'image': 'x', 'resources': {'limits': {'memory': '1X'}}}}, {},
     "services.web.resources.limits.memory: '1X' is not a memory size"),
    ({'web': {'image': 'x', 'resources': {'limits': {'memory': '1M'}}}}, {},
     "services.web.resources.limits.memory: '1M' is less than the 4M"),
    ({'web': {'image': 'x', 'resources': {'limits': {'cpu': 1}}}}, {},
     "services.web.resources.limits: unknown key 'cpu'"),
    ({'web': {'image': 'x', 'placement': {'constraints': ['node.role']}}}, {},
     "services.web.placement.constraints[0]: 'node.role' is not a constraint"),
    ({'web': {'image': 'x', 'ports': [{'target': 80, 'mode': 'ingress'}]}}, {'endpoint_mode': 'dnsrr'},
     'services.web.ports[0].mode: a port published in mode ingress (the routing mesh) cannot be used with '
     'endpoint_mode dnsrr'),
    ({'web': {'image': 'x', 'endpoint_mode': 'dnsrr', 'ports': [{'target': 80, 'published': 80}]}}, {},
     'services.web.ports[0].mode: a port published in mode ingress'),
    ({'web': {'image': 'x', 'ports': [{'target': 80, 'published': 70000}]}}, {},
     'services.web.ports[0].published: 70000 is more than 65535'),
    ({'web': {'image': 'x', 'ports': [{'published': 80}]}}, {}, 'services.web.ports[0].target is required'),
    ({'web': {'image': 'x', 'ports': [{'target': 80, 'published': 8080}, {'target': 81, 'published': 8080}]}}, {},
     'services.web.ports: a published port is used twice'),
    ({'web': {'image': 'x', 'secrets': ['pw']}}, {}, "services.web.secrets[0].source: secret 'pw' is not declared "
                                                     "in secrets (declared: none)"),
    ({'web': {'image': 'x', 'configs': [{'source': 'map'}]}}, {'configs': {'other': {'data': 'x'}}},
     "services.web.configs[0].source: config 'map' is not declared in configs (declared: other)"),
    ({'web': {'image': 'x', 'secrets': [{'source': 'pw', 'mode': 'rw'}]}}, {'secrets': {'pw': {'data': 's3cr3t'}}},
     "services.web.secrets[0].mode: 'rw' is not a file mode"),
    ({'web': {'image': 'x', 'secrets': [{'source': 'pw', 'uid': 'www-data'}]}},
     {'secrets': {'pw': {'data': 's3cr3t'}}}, "services.web.secrets[0].uid: 'www-data' is not a numeric ID"),
    ({'web': {'image': 'x', 'secrets': ['pw', {'source': 'pw'}]}}, {'secrets': {'pw': {'data': 's3cr3t'}}},
     "services.web.secrets[1].target: 'pw' is used twice"),
    ({'web': {'image': 'x', 'mounts': [{'type': 'bind', 'source': 'data', 'target': '/d'}]}}, {},
     'services.web.mounts[0].source: a bind mount needs an absolute source path'),
    ({'web': {'image': 'x', 'mounts': [{'type': 'nfs', 'target': '/d'}]}}, {},
     "services.web.mounts[0].type: 'nfs' is not one of volume, bind, tmpfs"),
    ({'web': {'image': 'x', 'mounts': [{'target': '/d'}, {'type': 'tmpfs', 'target': '/d'}]}}, {},
     'services.web.mounts: /d mounted twice'),
    ({'web': {'image': 'x', 'mounts': [{'target': '/d', 'tmpfs_size': '1M'}]}}, {},
     'services.web.mounts[0].tmpfs_size: only for type tmpfs'),
    ({'web': {'image': 'x', 'networks': [{'aliases': ['a']}]}}, {}, 'services.web.networks[0].name is required'),
    ({'web': {'image': 'x', 'mode': 'replicated-job', 'update_config': {}}}, {},
     'services.web.update_config: jobs have no update_config'),
    ({'web': {'image': 'x', 'mode': 'replicated-job', 'restart_policy': {'condition': 'any'}}}, {},
     'services.web.restart_policy.condition: any would restart a job forever'),
    ({'web': {'image': 'x', 'logging': {'options': {}}}}, {}, 'services.web.logging.driver is required'),
    ({'web': {'image': 'x', 'init': 'maybe'}}, {}, "services.web.init: 'maybe' is not a boolean"),
    ({'web': {'image': 'x', 'cap_add': ['NET_BIND']}}, {},
     "services.web.cap_add[0]: 'NET_BIND' is not a Linux capability (such as NET_BIND_SERVICE, CHOWN, or ALL)"),
    ({'web': {'image': 'x', 'cap_drop': ['ALL', 'CAP_SYS ADMIN']}}, {},
     "services.web.cap_drop[1]: 'CAP_SYS ADMIN' is not a Linux capability"),
    ({'web': {'image': 'x', 'cap_drop': ['CHOWN\n']}}, {}, "services.web.cap_drop[0]: 'CHOWN\\n' is not a Linux"),
    ({'web': {'image': 'x', 'cap_drop': 'ALL'}}, {},
     'services.web.cap_drop: must be a list of capability names (such as [ALL] or [NET_BIND_SERVICE]), not str'),
    ({'web': {'image': 'x', 'cap_add': [{'name': 'CHOWN'}]}}, {}, 'services.web.cap_add[0]: must be a string'),
    ({'web': {'image': 'x', 'cap_add': ['chown', 'NET_RAW'], 'cap_drop': ['CAP_CHOWN']}}, {},
     'services.web.cap_add: CAP_CHOWN also in cap_drop; name a capability in one list only'),
    ({'web': {'image': 'x', 'cap_add': ['ALL'], 'cap_drop': ['all']}}, {}, 'services.web.cap_add: ALL also in cap_drop'),
    ({'web': {'image': 'x', 'command': 'echo "unclosed'}}, {}, 'services.web.command: cannot split'),
    ({'web': {'image': 'two words'}}, {}, "services.web.image: 'two words' is not an image reference"),
    ({'we.b': {'image': 'x'}}, {}, "services.we.b: 'we.b' cannot be used in a service name"),
    ({'web': 'nginx'}, {}, 'services.web: must be a dict, not str'),
    ({'w' * 60: {'image': 'x'}}, {}, 'is longer than the 63 characters Docker allows'),
    ({}, {'secrets': {'pw': {'value': 'x'}}}, "secrets.pw: unknown key 'value'; valid keys: data, labels"),
    ({}, {'secrets': {'pw': {'data': 1234}}}, 'secrets.pw.data: must be a string, not int'),
    ({}, {'configs': {'map': {}}}, 'configs.map.data is required'),
])
def test_bad_input_names_its_path(services, extra, message):
    assert message in error_of(services, **extra)


def test_secret_errors_never_show_the_data():
    msg = error_of(secrets={'pw': {'data': 987654321}})
    assert '987654321' not in msg
    msg = error_of(secrets={'pw': {'data': 'hunter2', 'labels': {'x': True}}})
    assert 'hunter2' not in msg and 'secrets.pw.labels.x' in msg


def test_bad_stack_name():
    with pytest.raises(StackError, match="name: 'geo.stack' cannot be used in a stack name"):
        parse_stack(params(name='geo.stack'))


# -- parsing and spec building -------------------------------------------------------------------------------------

def test_secret_and_config_names_by_hash():
    stack = stack_of(secrets={'pw': {'data': 'hunter2', 'labels': {'tier': 'db'}}},
                     configs={'map': {'data': 'MAP END'}})
    digest = hashlib.sha256(b'hunter2').hexdigest()[:12]
    assert stack['secrets']['pw']['name'] == 'geo_pw_' + digest
    assert stack['secrets']['pw']['labels'] == {'tier': 'db', NAMESPACE_LABEL: 'geo', 'org.geostack.stack.key': 'pw'}
    assert stack['configs']['map']['name'] == 'geo_map_' + hashlib.sha256(b'MAP END').hexdigest()[:12]
    changed = stack_of(secrets={'pw': {'data': 'hunter3'}})
    assert changed['secrets']['pw']['name'] != stack['secrets']['pw']['name']


def test_full_spec():
    svc = dict(
        image='geostack/mapserver:8', entrypoint='/docker-entrypoint.sh', command='nginx -g "daemon off;"',
        env={'MS_MAPFILE': '/etc/ms.map', 'WORKERS': 4}, user=33, working_dir='/srv', hostname='ms',
        stop_signal='SIGQUIT', stop_grace_period='1m30s', init=True, read_only=True, replicas=2,
        labels={'tier': 'front'}, container_labels={'c': 1},
        networks=['front', {'name': 'back', 'aliases': ['maps']}],
        ports=[{'published': 8080, 'target': 80, 'mode': 'host'}],
        secrets=[{'source': 'pw', 'target': 'pg_password', 'uid': '33', 'gid': 33, 'mode': 0o400}],
        configs=['map'],
        mounts=[{'source': 'cache', 'target': '/cache'}, {'type': 'tmpfs', 'target': '/tmp', 'tmpfs_size': '64M'},
                {'type': 'bind', 'source': '/srv/data', 'target': '/data', 'read_only': True}],
        healthcheck={'test': 'curl -f http://localhost/', 'interval': '10s', 'timeout': '5s', 'retries': 3,
                     'start_period': '30s'},
        resources={'limits': {'cpus': 1.5, 'memory': '512M'}, 'reservations': {'cpus': 0.25, 'memory': '128M'}},
        placement={'constraints': ['node.role == worker', 'node.labels.a == b'], 'preferences': [{'spread': 'z'}],
                   'max_replicas_per_node': 1},
        update_config={'parallelism': 1, 'delay': '5s', 'failure_action': 'rollback', 'monitor': '15s',
                       'max_failure_ratio': 0, 'order': 'start-first'},
        rollback_config={'order': 'start-first'},
        restart_policy={'condition': 'on-failure', 'delay': '5s', 'max_attempts': 3, 'window': '60s'},
        logging={'driver': 'json-file', 'options': {'max-size': '10m'}},
        force_update=2, cap_drop=['all'], cap_add=['net_bind_service', 'CAP_CHOWN', 'CHOWN'],
    )
    _stack, spec = spec_of(svc, {'front': 'nf', 'back': 'nb'}, secrets={'pw': {'data': 's'}},
                           configs={'map': {'data': 'MAP'}})
    container = spec['TaskTemplate']['ContainerSpec']
    assert spec['Name'] == 'geo_web'
    assert spec['Labels'] == {'tier': 'front', NAMESPACE_LABEL: 'geo'}
    assert container['Labels'] == {'c': '1', NAMESPACE_LABEL: 'geo'}
    assert container['Command'] == ['/docker-entrypoint.sh']
    assert container['Args'] == ['nginx', '-g', 'daemon off;']
    assert container['Env'] == ['MS_MAPFILE=/etc/ms.map', 'WORKERS=4']
    assert container['User'] == '33' and container['Dir'] == '/srv' and container['Hostname'] == 'ms'
    assert container['StopGracePeriod'] == 90 * S and container['Init'] is True and container['ReadOnly'] is True
    assert container['CapabilityAdd'] == ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE']   # the engine's spelling, as a set
    assert container['CapabilityDrop'] == ['ALL']
    assert container['Mounts'] == [
        dict(Type='volume', Source='cache', Target='/cache', ReadOnly=False),
        dict(Type='tmpfs', Target='/tmp', ReadOnly=False, TmpfsOptions=dict(SizeBytes=64 * 1024 ** 2)),
        dict(Type='bind', Source='/srv/data', Target='/data', ReadOnly=True)]
    assert container['Healthcheck'] == dict(Test=['CMD-SHELL', 'curl -f http://localhost/'], Interval=10 * S,
                                            Timeout=5 * S, Retries=3, StartPeriod=30 * S)
    assert container['Secrets'] == [dict(File=dict(Name='pg_password', UID='33', GID='33', Mode=0o400), SecretID='',
                                         SecretName='geo_pw_' + hashlib.sha256(b's').hexdigest()[:12])]
    assert container['Configs'][0]['File'] == dict(Name='/map', UID='0', GID='0', Mode=0o444)
    task = spec['TaskTemplate']
    assert task['Networks'] == [dict(Target='nf', Aliases=['web']), dict(Target='nb', Aliases=['maps', 'web'])]
    assert task['Resources'] == dict(Limits=dict(NanoCPUs=1500000000, MemoryBytes=512 * 1024 ** 2),
                                     Reservations=dict(NanoCPUs=250000000, MemoryBytes=128 * 1024 ** 2))
    assert task['Placement'] == dict(Constraints=['node.labels.a == b', 'node.role == worker'],
                                     Preferences=[{'Spread': {'SpreadDescriptor': 'z'}}], MaxReplicas=1)
    assert task['RestartPolicy'] == dict(Condition='on-failure', Delay=5 * S, MaxAttempts=3, Window=60 * S)
    assert task['LogDriver'] == dict(Name='json-file', Options={'max-size': '10m'})
    assert task['ForceUpdate'] == 2
    assert spec['Mode'] == {'Replicated': {'Replicas': 2}}
    assert spec['UpdateConfig'] == dict(Parallelism=1, Delay=5 * S, FailureAction='rollback', Monitor=15 * S,
                                        MaxFailureRatio=0.0, Order='start-first')
    assert spec['RollbackConfig'] == dict(Parallelism=1, Delay=0, FailureAction='pause', Monitor=5 * S,
                                          MaxFailureRatio=0.0, Order='start-first')
    assert spec['EndpointSpec'] == dict(Mode='vip', Ports=[dict(Protocol='tcp', TargetPort=80, PublishedPort=8080,
                                                                PublishMode='host')])
    kwargs = create_kwargs(spec)
    assert kwargs['name'] == 'geo_web' and kwargs['mode'] == spec['Mode']
    assert kwargs['task_template'] == task and kwargs['endpoint_spec'] == spec['EndpointSpec']


def test_minimal_spec_and_defaults():
    _stack, spec = spec_of(dict(image='x:1'), endpoint_mode='dnsrr')
    assert spec == dict(
        Name='geo_web', Labels={NAMESPACE_LABEL: 'geo'},
        TaskTemplate=dict(ContainerSpec=dict(Image='x:1', Labels={NAMESPACE_LABEL: 'geo'}),
                          RestartPolicy=dict(Condition='any', Delay=5 * S, MaxAttempts=0, Window=0), ForceUpdate=0),
        Mode={'Replicated': {'Replicas': 1}},
        UpdateConfig=dict(Parallelism=1, Delay=0, FailureAction='pause', Monitor=5 * S, MaxFailureRatio=0.0,
                          Order='stop-first'),
        RollbackConfig=dict(Parallelism=1, Delay=0, FailureAction='pause', Monitor=5 * S, MaxFailureRatio=0.0,
                            Order='stop-first'),
        EndpointSpec=dict(Mode='dnsrr'))


@pytest.mark.parametrize('svc, mode', [
    (dict(mode='global'), {'Global': {}}),
    (dict(mode='replicated-job', replicas=3), {'ReplicatedJob': {'MaxConcurrent': 1, 'TotalCompletions': 3}}),
    (dict(mode='replicated-job', replicas=4, max_concurrent=2),
     {'ReplicatedJob': {'MaxConcurrent': 2, 'TotalCompletions': 4}}),
    (dict(mode='global-job'), {'GlobalJob': {}}),
])
def test_modes(svc, mode):
    _stack, spec = spec_of(dict(svc, image='x'))
    assert spec['Mode'] == mode
    if 'Job' in list(mode)[0]:
        assert 'UpdateConfig' not in spec and 'RollbackConfig' not in spec
        assert spec['TaskTemplate']['RestartPolicy']['Condition'] == 'on-failure'


def test_env_as_list_and_healthcheck_disable():
    _stack, spec = spec_of(dict(image='x', env=['B=2', 'A=1'], healthcheck={'disable': True},
                                entrypoint=['sh', '-c'], command=['echo', 1]))
    container = spec['TaskTemplate']['ContainerSpec']
    assert container['Env'] == ['A=1', 'B=2']
    assert container['Healthcheck']['Test'] == ['NONE']
    assert container['Args'] == ['echo', '1']


def test_resolve_networks():
    stack = stack_of(dict(web=dict(image='x', networks=['front', 'nb-id'])))
    networks = [dict(Name='front', Id='nf', Scope='swarm'), dict(Name='back', Id='nb-id', Scope='swarm'),
                dict(Name='bridge', Id='br', Scope='local')]
    assert resolve_networks(stack, networks) == {'front': 'nf', 'nb-id': 'nb-id'}
    missing = stack_of(dict(web=dict(image='x', networks=['nowhere'])))
    with pytest.raises(StackError, match="services.web.networks: network 'nowhere' does not exist"):
        resolve_networks(missing, networks)
    local = stack_of(dict(web=dict(image='x', networks=['bridge'])))
    with pytest.raises(StackError, match="network 'bridge' is local-scoped"):
        resolve_networks(local, networks)


# -- view and differences ------------------------------------------------------------------------------------------

def engine_copy(spec):
    """The spec as Docker 20.10 returns it: what was sent, plus Isolation, Runtime and empty defaults."""
    engine = copy.deepcopy(spec)
    engine['TaskTemplate']['ContainerSpec']['Isolation'] = 'default'
    engine['TaskTemplate']['Runtime'] = 'container'
    engine['TaskTemplate'].setdefault('Resources', {'Limits': {}, 'Reservations': {}})
    engine['TaskTemplate'].setdefault('Placement', {})
    return engine


def test_view_equal_for_the_engines_copy():
    _stack, spec = spec_of(dict(image='x', replicas=2, env={'A': 1}, networks=['front'],
                                secrets=['pw'], healthcheck={'test': ['CMD', 'true']}),
                           {'front': 'nf'}, secrets={'pw': {'data': 's'}})
    engine = engine_copy(spec)
    engine['TaskTemplate']['ContainerSpec']['Secrets'][0]['SecretID'] = 'sec123'
    assert differences(service_view(engine), service_view(spec)) == []


def test_view_fills_engine_defaults():
    """A service made without UpdateConfig, RestartPolicy or EndpointSpec equals one that states the defaults."""
    bare = dict(Name='geo_web', Labels={NAMESPACE_LABEL: 'geo'},
                TaskTemplate=dict(ContainerSpec=dict(Image='x', Labels={NAMESPACE_LABEL: 'geo'},
                                                     Isolation='default'), ForceUpdate=0, Runtime='container'),
                Mode={'Replicated': {'Replicas': 1}})
    _stack, spec = spec_of(dict(image='x'))
    assert differences(service_view(bare), service_view(spec)) == []
    # an UpdateConfig whose Monitor is 0 means the default monitor
    bare['UpdateConfig'] = dict(Parallelism=1, FailureAction='pause', Monitor=0, MaxFailureRatio=0, Order='stop-first')
    assert differences(service_view(bare), service_view(spec)) == []


def test_view_resolves_network_names_and_sorts_aliases():
    engine = dict(TaskTemplate=dict(Networks=[dict(Target='front', Aliases=['web', 'a'])]))
    view = service_view(engine, {'front': 'nf'})
    assert view['networks'] == [dict(target='nf', aliases=['a', 'web'])]


def test_view_of_legacy_service_networks():
    view = service_view(dict(Networks=[dict(Target='nf')]))
    assert view['networks'] == [dict(target='nf', aliases=[])]


def test_removed_fields_are_differences():
    _stack, before = spec_of(dict(image='x', env={'A': '1', 'B': '2'}, healthcheck={'test': 'true'},
                                  mounts=[{'source': 'v', 'target': '/v'}], labels={'l': 'x'}))
    _stack, after = spec_of(dict(image='x', env={'A': '1'}))
    diffs = dict((d['setting'], d) for d in differences(service_view(engine_copy(before)), service_view(after)))
    assert diffs['env'] == dict(setting='env', before=['A=1', 'B=2'], after=['A=1'])
    assert diffs['healthcheck']['after'] is None and diffs['healthcheck']['before']['test'] == ['CMD-SHELL', 'true']
    assert diffs['mounts']['after'] == []
    assert diffs['labels.l'] == dict(setting='labels.l', before='x', after=None)
    assert set(diffs) == set(['env', 'healthcheck', 'mounts', 'labels.l'])


def test_nested_differences_by_dotted_path():
    _stack, before = spec_of(dict(image='x', update_config={'order': 'stop-first'}, resources={'limits': {'cpus': 1}}))
    _stack, after = spec_of(dict(image='x', update_config={'order': 'start-first'}, resources={'limits': {'cpus': 2}}))
    assert differences(service_view(before), service_view(after)) == [
        dict(setting='resources.limits.nano_cpus', before=S, after=2 * S),
        dict(setting='update_config.order', before='stop-first', after='start-first')]


def test_capabilities_compare_as_sets_in_the_engines_spelling():
    _stack, spec = spec_of(dict(image='x', cap_drop=['ALL'], cap_add=['SETUID', 'setgid']))
    assert service_view(spec)['cap_add'] == ['CAP_SETGID', 'CAP_SETUID']
    engine = engine_copy(spec)
    # a service made by someone else, in another spelling and order, is the same
    engine['TaskTemplate']['ContainerSpec']['CapabilityAdd'] = ['setuid', 'CAP_SETGID', 'SETUID']
    engine['TaskTemplate']['ContainerSpec']['CapabilityDrop'] = ['all']
    assert differences(service_view(engine), service_view(spec)) == []
    _stack, fewer = spec_of(dict(image='x', cap_drop=['ALL'], cap_add=['SETUID']))
    assert differences(service_view(engine), service_view(fewer)) == [
        dict(setting='cap_add', before=['CAP_SETGID', 'CAP_SETUID'], after=['CAP_SETUID'])]
    _stack, none = spec_of(dict(image='x'))
    assert 'CapabilityAdd' not in none['TaskTemplate']['ContainerSpec']
    assert 'CapabilityDrop' not in none['TaskTemplate']['ContainerSpec']
    assert [d['setting'] for d in differences(service_view(engine), service_view(none))] == ['cap_add', 'cap_drop']
    assert service_view(none)['cap_drop'] == [] and service_view(dict())['cap_add'] == []


def test_image_digest_on_the_engine_is_not_a_difference():
    _stack, spec = spec_of(dict(image='geostack/mapserver:8'))
    engine = engine_copy(spec)
    engine['TaskTemplate']['ContainerSpec']['Image'] = 'geostack/mapserver:8@sha256:' + 'a' * 64
    assert differences(service_view(engine), service_view(spec)) == []
    _stack, other = spec_of(dict(image='geostack/mapserver:9'))
    assert differences(service_view(engine), service_view(other))[0]['setting'] == 'image'


def test_secret_reference_view_by_name_and_file():
    _stack, spec = spec_of(dict(image='x', secrets=[{'source': 'pw', 'mode': '0400'}]), secrets={'pw': {'data': 's'}})
    view = service_view(spec)
    assert view['secrets'] == [dict(name='geo_pw_' + hashlib.sha256(b's').hexdigest()[:12], target='pw', uid='0',
                                    gid='0', mode='0400')]


# -- waiting ---------------------------------------------------------------------------------------------------------

class Client(object):
    """What service_progress reads: a service and its tasks."""

    def __init__(self, service, tasks=(), logs=()):
        self.service = service
        self.task_list = list(tasks)
        self.logs = list(logs)
        self.filters = []

    def inspect_service(self, service_id):
        return self.service

    def tasks(self, filters=None):
        self.filters.append(filters)
        tasks = self.task_list
        if filters and '_up-to-date' in filters:
            tasks = [t for t in tasks if not t.get('stale')]
        if filters and 'desired-state' in filters:
            tasks = [t for t in tasks if t['DesiredState'] == filters['desired-state']]
        return tasks

    def service_logs(self, service_id, tail=10):
        return self.logs[-tail:]


def task(state, desired='running', err=None, stamp='2024-01-01T00:00:01Z', stale=False, iteration=None, tid='t1'):
    t = dict(ID=tid, DesiredState=desired, Status=dict(State=state, Timestamp=stamp, Message=state))
    if err:
        t['Status']['Err'] = err
    if stale:
        t['stale'] = True
    if iteration is not None:
        t['JobIteration'] = {'Index': iteration} if iteration else {}
    return t


def service(mode=None, update=None, job_iteration=None, restart=None):
    svc = dict(ID='s1', Spec=dict(Name='geo_web', Mode=mode or {'Replicated': {'Replicas': 2}},
                                  TaskTemplate=dict(RestartPolicy=restart or {})))
    if update:
        svc['UpdateStatus'] = dict(State=update, Message='update %s' % update)
    if job_iteration is not None:
        svc['JobStatus'] = dict(JobIteration={'Index': job_iteration} if job_iteration else {})
    return svc


def test_progress_replicated():
    client = Client(service(), [task('running'), task('starting'), task('running', stale=True)])
    ready, seen = service_progress(client, 's1', 'geo_web')
    assert not ready and seen == 'geo_web: 1/2 running (1 starting: not yet healthy)'
    assert {'service': 's1', '_up-to-date': 'true', 'desired-state': 'running'} in client.filters
    client.task_list[1]['Status']['State'] = 'running'
    assert service_progress(client, 's1', 'geo_web') == (True, 'geo_web: 2/2 running')


def test_progress_fails_fast_on_a_crash_loop():
    failing = [task('failed', desired='shutdown', err='task: non-zero exit (1)', tid='f%d' % i,
                    stamp='2024-01-01T00:00:0%dZ' % i) for i in range(5)]
    client = Client(service(), [task('starting')] + failing, logs=['nginx: [emerg] "gzip" directive is duplicate'])
    ready, seen = service_progress(client, 's1', 'geo_web')
    assert not ready and seen.startswith('geo_web: 0/2 running')
    client.task_list.append(task('failed', desired='shutdown', err='task: non-zero exit (1)', tid='f5',
                                 stamp='2024-01-01T00:00:06Z'))
    with pytest.raises(ServiceFailed) as err:
        service_progress(client, 's1', 'geo_web')
    assert str(err.value).startswith('service geo_web: its tasks keep failing (6 failed, 0/2 running): '
                                     'task f5 failed: task: non-zero exit (1)')
    assert str(err.value).endswith('last log lines:\nnginx: [emerg] "gzip" directive is duplicate')


def test_progress_stale_failures_do_not_count_as_a_crash_loop():
    stale = [task('failed', desired='shutdown', err='old', tid='f%d' % i, stale=True) for i in range(9)]
    client = Client(service(), [task('running'), task('starting')] + stale)
    assert service_progress(client, 's1', 'geo_web')[0] is False


def test_progress_waits_for_the_update_to_complete():
    client = Client(service(update='updating'), [task('running'), task('running')])
    assert service_progress(client, 's1', 'geo_web') == (False, 'geo_web: 2/2 running, update updating')
    client.service = service(update='completed')
    assert service_progress(client, 's1', 'geo_web')[0] is True


def test_progress_global_needs_a_task_per_eligible_node():
    client = Client(service(mode={'Global': {}}), [])
    assert service_progress(client, 's1', 'geo_web') == (False, 'geo_web: 0/0 running')
    client.task_list = [task('running'), task('running')]
    assert service_progress(client, 's1', 'geo_web') == (True, 'geo_web: 2/2 running')


@pytest.mark.parametrize('state', ['paused', 'rollback_started', 'rollback_paused', 'rollback_completed'])
def test_progress_fails_fast_on_a_failed_update(state):
    client = Client(service(update=state), [
        task('failed', desired='shutdown', err='task: non-zero exit (137): dockerexec: unhealthy container',
             stamp='2024-01-01T00:00:09.5Z', tid='new1'),
        task('running', tid='old1')])
    with pytest.raises(ServiceFailed) as exc:
        service_progress(client, 's1', 'geo_web')
    assert str(exc.value) == ('service geo_web: update %s (update %s); task errors: task new1 failed: task: non-zero '
                              'exit (137): dockerexec: unhealthy container' % (state, state))


def test_progress_replicated_job():
    client = Client(service(mode={'ReplicatedJob': {'TotalCompletions': 2}}, job_iteration=3),
                    [task('complete', 'complete', iteration=2), task('complete', 'complete', iteration=3),
                     task('running', iteration=3)])
    assert service_progress(client, 's1', 'geo_web') == (False, 'geo_web: job 1/2 complete')
    client.task_list[2]['Status']['State'] = 'complete'
    assert service_progress(client, 's1', 'geo_web') == (True, 'geo_web: job 2/2 complete')


def test_progress_first_job_iteration_has_no_index():
    client = Client(service(mode={'ReplicatedJob': {'TotalCompletions': 1}}, job_iteration=0),
                    [task('complete', 'complete', iteration=0)])
    assert service_progress(client, 's1', 'geo_web')[0] is True


def test_progress_global_job():
    client = Client(service(mode={'GlobalJob': {}}, job_iteration=0), [])
    assert service_progress(client, 's1', 'geo_web')[0] is False
    client.task_list = [task('complete', 'complete', iteration=0), task('running', 'complete', iteration=0)]
    assert service_progress(client, 's1', 'geo_web') == (False, 'geo_web: job 1/2 complete')


def test_progress_failed_job_with_its_logs():
    client = Client(service(mode={'ReplicatedJob': {'TotalCompletions': 1}}, job_iteration=0),
                    [task('failed', 'shutdown', err='task: non-zero exit (3)', iteration=0, tid='j1')],
                    logs=['loading parcels', 'ERROR: relation "parcels" does not exist'])
    with pytest.raises(ServiceFailed) as exc:
        service_progress(client, 's1', 'geo_web')
    assert str(exc.value) == ('job geo_web failed: task j1 failed: task: non-zero exit (3); last log lines:\n'
                              'loading parcels\nERROR: relation "parcels" does not exist')


def test_progress_job_retries_up_to_max_attempts():
    client = Client(service(mode={'ReplicatedJob': {'TotalCompletions': 1}}, job_iteration=0,
                            restart={'Condition': 'on-failure', 'MaxAttempts': 2}),
                    [task('failed', 'shutdown', err='exit 1', iteration=0), task('running', iteration=0)])
    assert service_progress(client, 's1', 'geo_web')[0] is False
    client.task_list += [task('failed', 'shutdown', iteration=0), task('failed', 'shutdown', iteration=0)]
    with pytest.raises(ServiceFailed, match='job geo_web failed'):
        service_progress(client, 's1', 'geo_web')


def test_job_that_completed_after_a_retry_is_complete():
    client = Client(service(mode={'ReplicatedJob': {'TotalCompletions': 1}}, job_iteration=0),
                    [task('failed', 'shutdown', err='exit 1', iteration=0), task('complete', 'complete', iteration=0)])
    assert service_progress(client, 's1', 'geo_web') == (True, 'geo_web: job 1/1 complete')


def test_progress_of_a_vanished_service():
    client = Client(None)
    with pytest.raises(ServiceFailed, match='service geo_web disappeared'):
        service_progress(client, 's1', 'geo_web')


def test_task_errors_newest_first():
    tasks = [task('failed', err='old', stamp='2024-01-01T00:00:01.9Z', tid='a'),
             task('rejected', err='newest', stamp='2024-01-01T00:00:02.05Z', tid='b'),
             task('failed', err='middle', stamp='2024-01-01T00:00:02Z', tid='c'),
             task('running', tid='d'),
             task('failed', stamp='2024-01-01T00:00:00Z', tid='e')]
    assert task_errors(tasks) == ['task b rejected: newest', 'task c failed: middle', 'task a failed: old']
    assert task_errors(tasks, limit=5)[-1] == 'task e failed: failed'
