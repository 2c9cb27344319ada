# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fake engine of the day-2 modules' tests (stack_status, service_logs, stack_service): ``FakeAPI`` with images,
disk usage and detailed service logs, and a small deployed stack built with ``deployed_stack``."""

from __future__ import annotations

import copy

from docker.errors import NotFound

from ansible_collections.geostack.swarm.tests.unit.plugins.modules.fake_docker import FakeAPI

NS = 'com.docker.stack.namespace'


class OperateAPI(FakeAPI):
    def __init__(self):
        super(OperateAPI, self).__init__()
        self.images = {}         # reference -> Config
        self.volumes = []        # disk usage Volumes
        self.detailed_logs = []  # (timestamp, node_id, service_id, task_id, message)

    def info(self):
        info = super(OperateAPI, self).info()
        info['Name'] = 'mgr1'
        return info

    def inspect_image(self, reference):
        self._record('inspect_image', reference)
        if reference not in self.images:
            raise NotFound('No such image: %s' % reference)
        return dict(Id='sha256:' + 'a' * 64, Config=copy.deepcopy(self.images[reference]))

    def df(self):
        self._record('df')
        return dict(Volumes=copy.deepcopy(self.volumes), Images=[], Containers=[])

    def service_logs(self, service, details=False, follow=False, stdout=False, stderr=False, since=0,
                     timestamps=False, tail='all', is_tty=None):
        self._record('service_logs', service, tail=tail, since=since, details=details)
        current = self._service(service)
        if current is None:
            raise NotFound('service %s not found' % service)
        by_task = {}
        for stamp, node_id, service_id, task_id, message in self.detailed_logs:
            if service_id == current['ID']:
                by_task.setdefault(task_id, []).append((stamp, node_id, task_id, message))
        out = []
        for lines in by_task.values():
            if tail != 'all':
                lines = lines[-int(tail):] if int(tail) else []
            for stamp, node_id, task_id, message in lines:
                detail = ('com.docker.swarm.node.id=%s,com.docker.swarm.service.id=%s,com.docker.swarm.task.id=%s '
                          % (node_id, current['ID'], task_id)) if details else ''
                out.append(('%s %s%s\n' % (stamp, detail, message)).encode('utf-8'))
        return iter(out)


def service_spec(stack, key, image, replicas=1, mode=None, role=None, mounts=None, order=None, health=True,
                 env=None):
    container = dict(Image=image)
    if mounts:
        container['Mounts'] = mounts
    if health:
        container['Healthcheck'] = dict(Test=['CMD-SHELL', 'curl -fsS http://127.0.0.1/'], Interval=10 ** 10)
    if env:
        container['Env'] = env
    spec = dict(Name='%s_%s' % (stack, key), Labels={NS: stack, 'org.geostack.role': role or key},
                TaskTemplate=dict(ContainerSpec=container, ForceUpdate=0),
                Mode=mode or dict(Replicated=dict(Replicas=replicas)))
    if order:
        spec['UpdateConfig'] = dict(Parallelism=1, Order=order, FailureAction='rollback')
    return spec


def deployed_stack(api, stack='geostack'):
    """Two nodes; PostGIS (a volume, stop-first), MapServer (2, start-first), the edge (global), a loading job;
    a service of another stack."""
    api.make_swarm()
    api.add_node('wrk1', hostname='worker1', addr='192.0.2.21')
    services = dict(
        postgis=api.add_stack_service(service_spec(
            stack, 'postgis', 'geostack/postgis:15-3.3-a11009858e86', order='stop-first',
            mounts=[dict(Type='volume', Source='%s_postgis_data' % stack, Target='/var/lib/postgresql/data')])),
        mapserver=api.add_stack_service(service_spec(
            stack, 'mapserver', 'geostack/mapserver:8.0-64105782a122@sha256:' + 'b' * 64, replicas=2,
            order='start-first')),
        edge=api.add_stack_service(service_spec(stack, 'edge', 'geostack/edge:1.22-d690a107ad5c',
                                                mode=dict(Global={}), order='stop-first')),
        load_countries=api.add_stack_service(service_spec(
            stack, 'load_countries', 'geostack/tools:3.6-614e2032096e', role='data', health=False,
            mode=dict(ReplicatedJob=dict(MaxConcurrent=1, TotalCompletions=1)))),
        other=api.add_stack_service(service_spec('other', 'mapserver', 'nginx', replicas=1)),
    )
    api.images['geostack/postgis:15-3.3-a11009858e86'] = dict(
        Labels={'org.opencontainers.image.version': '15-3.3', 'org.geostack.recipe': 'a11009858e86'})
    api.volumes = [
        dict(Name='%s_postgis_data' % stack, Driver='local', Labels=None, Mountpoint='/var/lib/docker/volumes/x/_data',
             UsageData=dict(Size=74537771, RefCount=1)),
        dict(Name='other_data', Driver='local', Labels=None, Mountpoint='/y', UsageData=dict(Size=10, RefCount=0)),
    ]
    return services
