# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Images and coverages in answers, read with the standard library only: ``sniff`` (the kind from the first
bytes), ``png_summary`` (pure Python PNG decoder: the five filters, Adam7, colour types 0/2/3/4/6, bit depths
1/2/4/8/16, tRNS), ``tiff_summary`` (the first IFD of a TIFF or BigTIFF) and ``multipart_part``."""

from __future__ import annotations

import re
import struct
import zlib

from ansible_collections.geostack.swarm.plugins.module_utils.ogc.common import format_key

MAX_PIXELS = 4096 * 4096         # largest image decoded
COLOR_CAP = 256                  # distinct colours counted at most
TRANSPARENT = b'transparent'     # the one colour every fully transparent pixel counts as

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def sniff(body):
    """The kind of a binary answer from its first bytes: png, jpeg, gif, tiff, netcdf, hdf5, xml, json or None."""
    head = body[:8]
    if head.startswith(PNG_MAGIC):
        return 'png'
    if head.startswith(b'\xff\xd8\xff'):
        return 'jpeg'
    if head[:4] in (b'GIF8',):
        return 'gif'
    if head[:4] in (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+'):
        return 'tiff'
    if head[:3] == b'CDF':
        return 'netcdf'
    if head.startswith(b'\x89HDF'):
        return 'hdf5'
    stripped = body[:512].lstrip()
    if stripped[:1] == b'<':
        return 'xml'
    if stripped[:1] in (b'{', b'['):
        return 'json'
    return None


def _unfilter(kind, line, prev, bpp, masks):
    """Undo one PNG row filter (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth); ``prev`` is the decoded row above."""
    n = len(line)
    if kind == 0:
        return line
    if kind == 2:
        low, high = masks
        a, b = int.from_bytes(line, 'big'), int.from_bytes(prev, 'big')
        # byte-wise addition modulo 256 of the whole row at once, carries kept inside each byte
        return (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(n, 'big')
    out = bytearray(line)
    if kind == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xff
    elif kind == 3:
        for i in range(min(bpp, n)):
            out[i] = (out[i] + (prev[i] >> 1)) & 0xff
        for i in range(bpp, n):
            out[i] = (out[i] + ((out[i - bpp] + prev[i]) >> 1)) & 0xff
    elif kind == 4:
        for i in range(min(bpp, n)):
            out[i] = (out[i] + prev[i]) & 0xff
        for i in range(bpp, n):
            a, b, c = out[i - bpp], prev[i], prev[i - bpp]
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - c - c)
            if pa <= pb and pa <= pc:
                out[i] = (out[i] + a) & 0xff
            elif pb <= pc:
                out[i] = (out[i] + b) & 0xff
            else:
                out[i] = (out[i] + c) & 0xff
    else:
        raise ValueError('unknown PNG filter type %d' % kind)
    return bytes(out)


def _png_chunks(data):
    pos = len(PNG_MAGIC)
    while pos + 8 <= len(data):
        length, = struct.unpack('>I', data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) < length or len(crc) < 4:
            raise ValueError('truncated PNG (chunk %s)' % kind.decode('latin-1'))
        if struct.unpack('>I', crc)[0] != zlib.crc32(kind + body) & 0xffffffff:
            raise ValueError('corrupt PNG (bad CRC in chunk %s)' % kind.decode('latin-1'))
        yield kind, body
        if kind == b'IEND':
            return
        pos += 12 + length
    raise ValueError('truncated PNG (no IEND chunk)')


class _Pixels(object):
    """Turns decoded rows into colour keys (fully transparent pixels all count as one colour)."""

    def __init__(self, color_type, depth, palette, trns):
        self.color_type, self.depth = color_type, depth
        self.channels = CHANNELS[color_type]
        self.size = self.channels * depth // 8      # bytes per pixel for depths >= 8
        self.palette = None
        self.key = None
        if color_type == 3:
            alphas = list(trns or b'')
            self.palette = []
            for index in range(len(palette) // 3):
                alpha = alphas[index] if index < len(alphas) else 255
                self.palette.append(TRANSPARENT if alpha == 0 else palette[3 * index:3 * index + 3] + bytes([alpha]))
        elif trns and color_type in (0, 2):
            values = struct.unpack('>%dH' % (len(trns) // 2), trns[:len(trns) // 2 * 2])
            if depth == 16:
                self.key = struct.pack('>%dH' % len(values), *values)
            elif depth == 8:
                self.key = bytes(v & 0xff for v in values)
            else:
                self.key = values[0]

    def keys(self, row, width):
        if self.depth < 8:
            per_byte = 8 // self.depth
            mask = (1 << self.depth) - 1
            shifts = [8 - self.depth * (k + 1) for k in range(per_byte)]
            samples = [(byte >> s) & mask for byte in row for s in shifts][:width]
            if self.palette is not None:
                return [self._palette(s) for s in samples]
            return [TRANSPARENT if s == self.key else s for s in samples]
        size = self.size
        keys = [row[i:i + size] for i in range(0, width * size, size)]
        if self.palette is not None:
            return [self._palette(k[0]) for k in keys]
        if self.color_type in (4, 6):
            alpha = size // self.channels
            zero = bytes(alpha)
            return [TRANSPARENT if k[-alpha:] == zero else k for k in keys]
        if self.key is not None:
            return [TRANSPARENT if k == self.key else k for k in keys]
        return keys

    def _palette(self, index):
        if index >= len(self.palette):
            raise ValueError('PNG pixel refers to palette entry %d of %d' % (index, len(self.palette)))
        return self.palette[index]


def _png_decode(data):
    """``(header, rows)`` of a PNG: the header as ``{width, height, bit_depth, color_type, interlaced}``, and a
    generator of its decoded rows, each a list of pixel keys (``_Pixels.keys``: fully transparent pixels are all
    ``TRANSPARENT``). Raises ValueError for anything that is not a valid PNG (the rows are checked as they are
    decoded)."""
    if not data.startswith(PNG_MAGIC):
        raise ValueError('not a PNG (starts with %s)' % data[:8].hex())
    header, palette, trns, idat = None, b'', None, []
    for kind, body in _png_chunks(data):
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body[:13])
        elif kind == b'PLTE':
            palette = body
        elif kind == b'tRNS':
            trns = body
        elif kind == b'IDAT':
            idat.append(body)
    if header is None:
        raise ValueError('PNG without IHDR')
    width, height, depth, color_type, _compression, _filter, interlace = header
    if color_type not in CHANNELS or depth not in (1, 2, 4, 8, 16) or \
            (color_type in (2, 4, 6) and depth < 8) or (color_type == 3 and depth == 16):
        raise ValueError('unsupported PNG: colour type %d, bit depth %d' % (color_type, depth))
    if color_type == 3 and not palette:
        raise ValueError('palette PNG without PLTE')
    if width * height > MAX_PIXELS:
        raise ValueError('PNG of %dx%d pixels is too large to check' % (width, height))
    bits = CHANNELS[color_type] * depth
    bpp = max(1, bits // 8)
    passes = [(width, height)]
    if interlace:
        passes = [((width - x0 + dx - 1) // dx if width > x0 else 0, (height - y0 + dy - 1) // dy if height > y0 else 0)
                  for x0, y0, dx, dy in ADAM7]
    expected = sum(h * (1 + (w * bits + 7) // 8) for w, h in passes if w and h)
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(b''.join(idat), expected + 1)
    except zlib.error as exc:
        raise ValueError('corrupt PNG image data (%s)' % exc)
    if len(raw) < expected:
        raise ValueError('truncated PNG image data (%d of %d bytes)' % (len(raw), expected))
    pixels = _Pixels(color_type, depth, palette, trns)

    def rows():
        pos = 0
        for pass_width, pass_height in passes:
            if not pass_width or not pass_height:
                continue
            stride = (pass_width * bits + 7) // 8
            masks = (int.from_bytes(b'\x7f' * stride, 'big'), int.from_bytes(b'\x80' * stride, 'big'))
            prev = bytes(stride)
            for _row in range(pass_height):
                kind = raw[pos]
                prev = _unfilter(kind, raw[pos + 1:pos + 1 + stride], prev, bpp, masks)
                pos += 1 + stride
                yield pixels.keys(prev, pass_width)
    return (dict(width=width, height=height, bit_depth=depth, color_type=color_type, interlaced=bool(interlace)),
            rows())


def png_summary(data, color_cap=COLOR_CAP):
    """Decode a PNG: ``{width, height, bit_depth, color_type, interlaced, colors, transparent}``. ``colors``
    counts distinct pixel values up to ``color_cap`` (decoding stops there); ``transparent``: every pixel is fully
    transparent. Raises ValueError for anything that is not a valid PNG."""
    header, rows = _png_decode(data)
    colors = set()
    for row in rows:
        colors.update(row)
        if len(colors) > color_cap:
            break
    return dict(header, colors=min(len(colors), color_cap), colors_capped=len(colors) > color_cap,
                transparent=colors == set([TRANSPARENT]))


TIFF_TYPES = {3: ('H', 2), 4: ('I', 4), 16: ('Q', 8)}


def tiff_summary(data):
    """The first image of a TIFF / BigTIFF: ``{width, height, bands, bits, bigtiff}`` (None where absent).
    Raises ValueError when ``data`` is not a TIFF."""
    head = data[:4]
    if head[:2] not in (b'II', b'MM') or len(data) < 8:
        raise ValueError('not a TIFF (starts with %s)' % data[:8].hex())
    endian = '<' if head[:2] == b'II' else '>'
    magic, = struct.unpack(endian + 'H', data[2:4])
    if magic == 42:
        big, offset = False, struct.unpack(endian + 'I', data[4:8])[0]
    elif magic == 43 and len(data) >= 16:
        big, offset = True, struct.unpack(endian + 'Q', data[8:16])[0]
    else:
        raise ValueError('not a TIFF (starts with %s)' % data[:8].hex())
    count_format, entry_size, field = ('Q', 20, 8) if big else ('H', 12, 4)
    count_size = struct.calcsize(count_format)
    if offset + count_size > len(data):
        raise ValueError('truncated TIFF (first IFD at %d of %d bytes)' % (offset, len(data)))
    entries, = struct.unpack(endian + count_format, data[offset:offset + count_size])
    tags = {}
    for index in range(min(entries, 4096)):
        start = offset + count_size + index * entry_size
        entry = data[start:start + entry_size]
        if len(entry) < entry_size:
            break
        tag, kind = struct.unpack(endian + 'HH', entry[:4])
        count, = struct.unpack(endian + ('Q' if big else 'I'), entry[4:4 + field])
        if kind not in TIFF_TYPES or tag not in (256, 257, 258, 277) or not count:
            continue
        code, size = TIFF_TYPES[kind]
        raw = entry[4 + field:4 + 2 * field]
        if count * size > field:
            where, = struct.unpack(endian + ('Q' if big else 'I'), raw)
            raw = data[where:where + min(count, 16) * size]
        values = struct.unpack(endian + code * (len(raw) // size), raw[:len(raw) // size * size])
        tags[tag] = values[:count]
    first = dict((tag, values[0]) for tag, values in tags.items() if values)
    return dict(width=first.get(256), height=first.get(257), bands=first.get(277, 1 if 256 in first else None),
                bits=first.get(258), bigtiff=big)


def multipart_part(content_type, body):
    """The first non-XML part of a multipart answer (WCS 1.1 GetCoverage): ``(content_type, body)``."""
    match = re.search(r'boundary="?([^";]+)"?', content_type or '', re.I)
    if not match:
        return None
    boundary = b'--' + match.group(1).encode('latin-1')
    for part in body.split(boundary)[1:]:
        if part.startswith(b'--'):
            break
        head, _sep, payload = part.lstrip(b'\r\n').partition(b'\r\n\r\n')
        if not _sep:
            head, _sep, payload = part.lstrip(b'\n').partition(b'\n\n')
        ctype = ''
        for line in head.decode('latin-1').splitlines():
            if line.lower().startswith('content-type:'):
                ctype = line.split(':', 1)[1].strip()
        if payload.endswith(b'\r\n'):
            payload = payload[:-2]
        elif payload.endswith(b'\n'):
            payload = payload[:-1]
        if 'xml' not in ctype.lower() and sniff(payload) != 'xml':
            return ctype, payload
    return None


EXPECTED_KIND = (('tif', 'tiff'), ('png', 'png'), ('jpeg', 'jpeg'), ('jpg', 'jpeg'), ('gif', 'gif'),
                 ('netcdf', 'netcdf'))


def expected_kind(fmt):
    """The image kind a format name promises (None when it does not say, or may be either, as jpeg-png)."""
    key = format_key(fmt)
    if 'jpeg-png' in key:
        return None
    for marker, kind in EXPECTED_KIND:
        if marker in key:
            return kind
    return None
