"""Pixels of a PNG, in pure Python (the verifier's helpers need no imaging library): count_colour(data, rgb)."""

import zlib


def pixels(data):
    """Yield the (r, g, b) of every pixel of a non-interlaced 8-bit grey, RGB, RGBA or palette PNG."""
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
        raise ValueError('only 8-bit PNGs are read here, not %d-bit' % depth)
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
                yield tuple(palette[index:index + 3])
            elif colour_type in (0, 4):
                grey = line[x * channels]
                yield (grey, grey, grey)
            else:
                yield tuple(line[x * channels:x * channels + 3])
        previous = line


def count_colour(data, rgb, tolerance=0):
    """How many pixels are within `tolerance` of rgb on every channel."""
    return sum(1 for p in pixels(data) if all(abs(a - b) <= tolerance for a, b in zip(p, rgb)))
