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
import zlib


def png_has_colour(data, rgb):
    """Whether a non-interlaced 8-bit RGB(A) or palette PNG has a pixel of colour rgb."""
    pos, chunks = 8, {}
    idat = b''
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], 'big')
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IDAT':
            idat += body
        else:
            chunks.setdefault(kind, body)
        pos += 12 + length
    width = int.from_bytes(chunks[b'IHDR'][0:4], 'big')
    depth, colour_type = chunks[b'IHDR'][8], chunks[b'IHDR'][9]
    if depth != 8:
        return False
    channels = {2: 3, 6: 4, 3: 1, 0: 1, 4: 2}[colour_type]
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    palette = chunks.get(b'PLTE', b'')
    pos = 0
    while pos < len(raw):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        for x in range(width):
            if colour_type == 3:
                index = line[x] * 3
                pixel = tuple(palette[index:index + 3])
            else:
                pixel = tuple(line[x * channels:x * channels + 3])
            if pixel == rgb:
                return True
        previous = line
    return False


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
                  last_has_red=bool(last) and png_has_colour(last, (0xd6, 0x27, 0x28)))
    with open(report, 'w') as out:
        json.dump(result, out)


if __name__ == '__main__':
    main(*sys.argv[1:5])
