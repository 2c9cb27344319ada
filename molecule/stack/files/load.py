"""Request one URL again and again until a stop file appears: load.py URL CA_FILE REPORT STOP_FILE.

Used by the verifier while MapServer rolls: every answer must be a PNG (HTTP 200, image/png). Writes REPORT as JSON:
requests, failures (with the first few errors), and whether the last image has the new, red fill (#d62728).
Sends traffic only to the test cluster's edge.
"""

import json
import os
import ssl
import sys
import time
import urllib.request

from png import count_colour


def main(url, ca_file, report, stop_file):
    context = ssl.create_default_context(cafile=ca_file)
    requests = failures = 0
    errors, last = [], b''
    deadline = time.monotonic() + 840
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        requests += 1
        try:
            with urllib.request.urlopen(url, context=context, timeout=15) as answer:
                body = answer.read()
                if answer.status != 200 or not answer.headers.get('Content-Type', '').startswith('image/png'):
                    raise ValueError('HTTP %s %s: %r' % (answer.status, answer.headers.get('Content-Type'), body[:200]))
                last = body
        except Exception as exc:  # every kind of failure counts
            failures += 1
            if len(errors) < 5:
                errors.append('%s: %s' % (type(exc).__name__, exc))
        time.sleep(0.05)
    result = dict(requests=requests, failures=failures, errors=errors,
                  last_has_red=bool(last) and count_colour(last, (0xd6, 0x27, 0x28)) > 0)
    with open(report, 'w') as out:
        json.dump(result, out)


if __name__ == '__main__':
    main(*sys.argv[1:5])
