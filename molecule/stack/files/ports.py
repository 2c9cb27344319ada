"""Knock on ports from this host: ports.py HOST:PORT/PROTO ... prints one JSON object {target: outcome}.

tcp: "open" (the connection was accepted), "refused" (a reset: the port is reachable, nothing listens) or "timeout"
(no answer at all: dropped on the way). udp: "sent" (a datagram of 16 bytes; whether it was dropped is read from the
node's firewall counters). Sends traffic only to the test cluster's nodes.
"""

from __future__ import annotations

import json
import socket
import sys


def knock(target, timeout=4.0):
    address, proto = target.rsplit('/', 1)
    host, port = address.rsplit(':', 1)
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    if proto == 'udp':
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.sendto(b'geostack-verify\n', (host, int(port)))
        return 'sent'
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((host, int(port)))
        except socket.timeout:
            return 'timeout'
        except ConnectionRefusedError:
            return 'refused'
        except OSError as exc:
            return 'error: %s' % exc
    return 'open'


if __name__ == '__main__':
    print(json.dumps(dict((target, knock(target)) for target in sys.argv[1:])))
