# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A thin Docker SDK client shared by the geostack.swarm modules.

It owns the connection options (documented in the ``geostack.swarm.docker`` doc fragment), turns SDK errors into
``fail_json`` calls that say which operation failed, and offers the few read helpers every module needs. It uses
only the public Docker SDK for Python (``docker.APIClient``) and never community.docker's private module_utils.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

try:
    from requests.exceptions import RequestException
except ImportError:  # pragma: no cover - requests comes with the Docker SDK
    class RequestException(Exception):  # type: ignore[no-redef]
        pass

DOCKER_IMPORT_ERROR = None
try:
    import docker
    from docker.errors import APIError, DockerException, NotFound
    from docker.tls import TLSConfig
except ImportError:  # pragma: no cover - exercised by the sanity import test
    DOCKER_IMPORT_ERROR = traceback.format_exc()

    class DockerException(Exception):  # type: ignore[no-redef]
        pass

    class APIError(DockerException):  # type: ignore[no-redef]
        pass

    class NotFound(APIError):  # type: ignore[no-redef]
        pass


DOCKER_COMMON_ARGS = dict(
    docker_host=dict(type='str', default='unix:///var/run/docker.sock', aliases=['docker_url'],
                     fallback=(env_fallback, ['DOCKER_HOST'])),
    api_version=dict(type='str', default='auto', aliases=['docker_api_version'],
                     fallback=(env_fallback, ['DOCKER_API_VERSION'])),
    timeout=dict(type='int', default=60, fallback=(env_fallback, ['DOCKER_TIMEOUT'])),
    tls=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS'])),
    validate_certs=dict(type='bool', default=False, aliases=['tls_verify'],
                        fallback=(env_fallback, ['DOCKER_TLS_VERIFY'])),
    ca_path=dict(type='path', aliases=['ca_cert']),
    client_cert=dict(type='path'),
    client_key=dict(type='path'),
)

SWARM_ERROR_HINTS = (
    ('This node is not a swarm manager', 'the Docker engine at {host} is not a swarm manager'),
    ('This node is already part of a swarm', 'the Docker engine at {host} is already part of a swarm'),
)


def is_local_engine(docker_host):
    """True when the engine is reached through a Unix socket on the managed host itself."""
    return docker_host.startswith('unix://') or docker_host.startswith('/')


class SwarmClient(object):
    """Connection to one Docker engine, with helpers for Swarm objects.

    ``api`` is a ``docker.APIClient``; tests pass a fake with the same methods.
    """

    def __init__(self, module, api=None):
        self.module = module
        self.docker_host = module.params.get('docker_host') or 'unix:///var/run/docker.sock'
        if api is None:
            api = self._connect()
        self.api = api
        self._info = None

    # -- connection -----------------------------------------------------------------------------------------
    def _connect(self):
        if DOCKER_IMPORT_ERROR is not None:
            self.module.fail_json(msg=missing_required_lib('docker (Docker SDK for Python, Debian package python3-docker)'),
                                  exception=DOCKER_IMPORT_ERROR)
        p = self.module.params
        tls_config = None
        if p.get('tls') or p.get('validate_certs'):
            client_cert = None
            if p.get('client_cert') or p.get('client_key'):
                if not (p.get('client_cert') and p.get('client_key')):
                    self.module.fail_json(msg='client_cert and client_key must be given together')
                client_cert = (p['client_cert'], p['client_key'])
            tls_config = TLSConfig(client_cert=client_cert, ca_cert=p.get('ca_path'),
                                   verify=bool(p.get('validate_certs')))
        try:
            api = docker.APIClient(base_url=self.docker_host, version=p.get('api_version') or 'auto',
                                   timeout=p.get('timeout') or 60, tls=tls_config)
            api.ping()
        except (DockerException, RequestException) as exc:
            self.module.fail_json(msg='Cannot talk to the Docker engine at %s (docker_host): %s'
                                  % (self.docker_host, exc))
        return api

    # -- errors ---------------------------------------------------------------------------------------------
    def fail(self, msg, **kwargs):
        self.module.fail_json(msg=msg, **kwargs)

    def call(self, what, func, *args, **kwargs):
        """Run one SDK call; on error fail with ``what`` and the engine's own message."""
        try:
            return func(*args, **kwargs)
        except (APIError, DockerException, RequestException) as exc:
            text = getattr(exc, 'explanation', None) or str(exc)
            self.fail('%s failed: %s' % (what, text))

    # -- engine and swarm state -----------------------------------------------------------------------------
    def info(self, refresh=False):
        if self._info is None or refresh:
            self._info = self.call('Reading engine info', self.api.info)
        return self._info

    def swarm_state(self, refresh=False):
        """The local node's view of the swarm, from ``docker info``."""
        swarm = self.info(refresh=refresh).get('Swarm') or {}
        return dict(
            state=swarm.get('LocalNodeState') or 'inactive',
            node_id=swarm.get('NodeID') or None,
            node_addr=swarm.get('NodeAddr') or None,
            is_manager=bool(swarm.get('ControlAvailable')),
            cluster_id=(swarm.get('Cluster') or {}).get('ID') or None,
            remote_managers=[m.get('Addr') for m in (swarm.get('RemoteManagers') or []) if m.get('Addr')],
            managers=swarm.get('Managers'),
            nodes=swarm.get('Nodes'),
            error=swarm.get('Error') or None,
        )

    def require_manager(self, purpose):
        state = self.swarm_state()
        if state['state'] != 'active':
            self.fail('%s needs a swarm manager, but the engine at %s is not in a swarm (state: %s)'
                      % (purpose, self.docker_host, state['state']))
        if not state['is_manager']:
            self.fail('%s needs a swarm manager, but the engine at %s is a worker; run the task on a manager '
                      '(for example with delegate_to)' % (purpose, self.docker_host))
        return state

    def inspect_swarm(self):
        return self.call('Inspecting the swarm', self.api.inspect_swarm)

    def nodes(self):
        return self.call('Listing swarm nodes', self.api.nodes) or []

    def find_node(self, name_or_id):
        """The node whose ID or hostname is ``name_or_id``; None when absent; fails when ambiguous."""
        nodes = self.nodes()
        by_id = [n for n in nodes if n.get('ID') == name_or_id]
        if by_id:
            return by_id[0]
        by_name = [n for n in nodes if (n.get('Description') or {}).get('Hostname') == name_or_id]
        if len(by_name) > 1:
            live = [n for n in by_name if (n.get('Status') or {}).get('State') != 'down']
            if len(live) == 1:
                return live[0]
            self.fail('node %r is ambiguous: %d nodes have that hostname (%s); name it by ID'
                      % (name_or_id, len(by_name), ', '.join(n['ID'] for n in by_name)))
        return by_name[0] if by_name else None

    def inspect_node(self, node_id):
        return self.call('Inspecting node %s' % node_id, self.api.inspect_node, node_id)

    def services(self):
        return self.call('Listing services', self.api.services) or []

    def tasks(self, filters=None):
        return self.call('Listing tasks', self.api.tasks, filters=filters or {}) or []

    def inspect_service(self, service_id):
        """The service, or None when it does not exist."""
        try:
            return self.api.inspect_service(service_id)
        except NotFound:
            return None
        except (APIError, DockerException, RequestException) as exc:
            self.fail('Inspecting service %s failed: %s' % (service_id, getattr(exc, 'explanation', None) or exc))

    def service_logs(self, service_id, tail=10):
        """The last lines of a service's logs (stdout and stderr, oldest first); [] when the engine gives none
        (a logging driver that cannot be read, an unreachable node)."""
        try:
            chunks = self.api.service_logs(service_id, stdout=True, stderr=True, timestamps=True, tail=tail,
                                           is_tty=False)
            text = ''.join(c.decode('utf-8', 'replace') if isinstance(c, bytes) else str(c) for c in chunks)
        except (APIError, DockerException, RequestException, ValueError, OSError):
            return []
        lines = []
        for line in text.splitlines():
            stamp, _sep, message = line.partition(' ')
            head, _dot, fraction = stamp.rstrip('Z').partition('.')
            lines.append((head + '.' + fraction.ljust(9, '0'), message))
        return [message for _stamp, message in sorted(lines, key=lambda item: item[0])]

    def secrets(self):
        return self.call('Listing secrets', self.api.secrets) or []

    def configs(self):
        return self.call('Listing configs', self.api.configs) or []

    def networks(self):
        return self.call('Listing networks', self.api.networks) or []

    def inspect_network(self, net_id, verbose=False):
        try:
            return self.api.inspect_network(net_id, verbose=verbose) if verbose else self.api.inspect_network(net_id)
        except NotFound:
            return None
        except (APIError, DockerException) as exc:
            self.fail('Inspecting network %s failed: %s' % (net_id, exc))


def docker_argument_spec(**extra):
    spec = dict(DOCKER_COMMON_ARGS)
    spec.update(extra)
    return spec


def new_module(argument_spec, **kwargs):
    """An AnsibleModule with the common Docker connection options added."""
    return AnsibleModule(argument_spec=docker_argument_spec(**argument_spec), **kwargs)
