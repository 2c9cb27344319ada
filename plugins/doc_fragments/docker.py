# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # Connection options shared by every module that talks to a Docker engine.
    DOCUMENTATION = r"""
options:
  docker_host:
    description:
      - URL or Unix socket of the Docker engine API, for example V(unix:///var/run/docker.sock) or V(tcp://192.0.2.10:2376).
      - Defaults to the environment variable E(DOCKER_HOST), then to the local socket.
      - Address checks (an C(advertise_addr) that must be on the host) are only made when the engine is reached through
        a Unix socket, that is when the engine runs on the host the task runs on.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  api_version:
    description:
      - Docker API version to use; V(auto) negotiates with the engine. Defaults to E(DOCKER_API_VERSION).
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for one API response. Defaults to E(DOCKER_TIMEOUT).
    type: int
    default: 60
  tls:
    description:
      - Use TLS without verifying the engine's certificate. Defaults to E(DOCKER_TLS).
    type: bool
    default: false
  validate_certs:
    description:
      - Use TLS and verify the engine's certificate against O(ca_path). Defaults to E(DOCKER_TLS_VERIFY).
    type: bool
    default: false
    aliases: [tls_verify]
  ca_path:
    description:
      - CA certificate that signed the engine's certificate.
    type: path
    aliases: [ca_cert]
  client_cert:
    description:
      - Client certificate for TLS client authentication; requires O(client_key).
    type: path
  client_key:
    description:
      - Key of O(client_cert).
    type: path
requirements:
  - Docker SDK for Python >= 5.0 (Debian package C(python3-docker)) on the host the module runs on.
notes:
  - The modules use the Docker SDK for Python directly; they do not need the C(docker) CLI.
"""
