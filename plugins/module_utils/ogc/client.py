# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP for the OGC probe: request URLs, and ``Http``, GET with ``ansible.module_utils.urls.open_url`` where every
failure becomes an ``OgcError`` that names the request and the URL and says whether trying again later may help
(``retry``)."""

from __future__ import annotations

import socket
import ssl
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ansible.module_utils.urls import ConnectionError as UrlsConnectionError, open_url

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.capabilities import exception_text, transient_report
from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import OgcError, excerpt, media_type

MAX_BODY = 64 * 1024 * 1024      # bytes read from one response


# ---- URLs ---------------------------------------------------------------------------------------------------------

def with_query(url, params):
    """``url`` with ``params`` (pairs) added to its query; a parameter already there with the same name (any case)
    is replaced, others (``map=...``) are kept."""
    parts = urlsplit(url)
    names = set(k.lower() for k, _v in params)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in names]
    query = urlencode(kept + [(k, '' if v is None else str(v)) for k, v in params], safe=',:/()', quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def sub_url(url, *segments):
    """``url`` with path segments appended (the query is kept): an OGC API resource under a landing page."""
    parts = urlsplit(url)
    path = parts.path.rstrip('/') + ''.join('/' + quote(s, safe='') for s in segments)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ''))


# ---- HTTP ---------------------------------------------------------------------------------------------------------

class Response(object):
    def __init__(self, url, status, content_type, body):
        self.url = url
        self.status = status
        self.content_type = content_type or ''
        self.media_type = media_type(content_type)
        self.body = body


def _read(stream):
    body = stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise OgcError('response larger than %d MiB' % (MAX_BODY // (1024 * 1024)))
    return body


def _is_cert_failure(reason):
    if isinstance(reason, getattr(ssl, 'SSLCertVerificationError', ())) or isinstance(reason, ssl.CertificateError):
        return True
    return 'CERTIFICATE_VERIFY_FAILED' in str(reason)


class Http(object):
    """GET requests with the module's connection options (``open_url``: proxies from the environment unless
    ``use_proxy`` is false, ``validate_certs``, ``ca_path``, client certificates, headers, timeout)."""

    def __init__(self, validate_certs=True, ca_path=None, client_cert=None, client_key=None, headers=None,
                 timeout=30, use_proxy=True, url_username=None, url_password=None, force_basic_auth=False,
                 http_agent='ansible-geostack.swarm-ogc_probe'):
        self.options = dict(validate_certs=validate_certs, ca_path=ca_path, client_cert=client_cert,
                            client_key=client_key, use_proxy=use_proxy, url_username=url_username,
                            url_password=url_password, force_basic_auth=force_basic_auth, http_agent=http_agent)
        self.headers = dict(headers or {})
        self.timeout = timeout

    @classmethod
    def from_params(cls, params):
        return cls(validate_certs=params.get('validate_certs') is not False, ca_path=params.get('ca_path'),
                   client_cert=params.get('client_cert'), client_key=params.get('client_key'),
                   headers=params.get('headers'), timeout=params.get('timeout') or 30,
                   use_proxy=params.get('use_proxy') is not False, url_username=params.get('url_username'),
                   url_password=params.get('url_password'), force_basic_auth=bool(params.get('force_basic_auth')))

    def get(self, url, what, accept=None):
        """GET ``url``; ``what`` names the request in messages ("WMS GetMap"). Returns a ``Response`` for a
        2xx answer, raises ``OgcError`` otherwise."""
        headers = dict(self.headers)
        if accept and not any(k.lower() == 'accept' for k in headers):
            headers['Accept'] = accept
        where = '%s at %s' % (what, url)
        try:
            stream = open_url(url, method='GET', headers=headers, timeout=self.timeout, **self.options)
            try:
                body = _read(stream)
                status = stream.getcode() or 200
                ctype = stream.headers.get('Content-Type', '')
                final = stream.geturl() or url
            finally:
                stream.close()
            return Response(final, status, ctype, body)
        except HTTPError as exc:
            try:
                body = exc.read(MAX_BODY) or b''
            except Exception:  # pylint: disable=broad-exception-caught
                body = b''
            detail = exception_text(body) or excerpt(body)
            raise OgcError('%s answered HTTP %s %s: %s' % (where, exc.code, exc.reason or '', detail),
                           retry=exc.code >= 500 or exc.code in (408, 425, 429) or transient_report(body))
        except OgcError as exc:
            raise OgcError('%s: %s' % (where, exc.msg))
        except URLError as exc:
            raise self._connection_error(where, exc.reason)
        except (socket.timeout, TimeoutError):
            raise OgcError('%s: no answer within %ss (timeout)' % (where, self.timeout), retry=True)
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise self._connection_error(where, exc)
        except (HTTPException, UrlsConnectionError, OSError) as exc:
            raise self._connection_error(where, exc)

    def _connection_error(self, where, reason):
        if _is_cert_failure(reason):
            return OgcError('%s: TLS certificate verification failed: %s; give the CA that signed the server '
                            'certificate as ca_path, or set validate_certs=false' % (where, reason))
        if isinstance(reason, ConnectionRefusedError):
            return OgcError('%s: connection refused' % where, retry=True)
        if isinstance(reason, socket.gaierror):
            return OgcError('%s: host name not resolved (%s)' % (where, reason), retry=True)
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return OgcError('%s: no answer within %ss (timeout)' % (where, self.timeout), retry=True)
        return OgcError('%s: %s' % (where, reason or 'connection failed'), retry=True)
