# -*- coding: utf-8 -*-
# Copyright (c) geostack.swarm contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure-Python PNG decoder, TIFF headers, sniffing and multipart answers."""

from __future__ import annotations

import struct
import time
import zlib

import ogc_helpers  # tests/unit/fixtures/ogc, on sys.path by tests/unit/conftest.py
import pytest

from ansible_collections.geostack.swarm.plugins.module_utils.ogc import image

pytestmark = pytest.mark.unit

h = ogc_helpers


# ---- PNG ----------------------------------------------------------------------------------------------------------

def expected_colours(width, height, pixel, transparent):
    """Distinct pixel values computed independently of the decoder: ``transparent(samples)`` says which are."""
    return len(set('T' if transparent(pixel(x, y)) else pixel(x, y) for y in range(height) for x in range(width)))


PALETTE = [(255, 255, 255), (200, 30, 30), (30, 200, 30), (30, 30, 200), (0, 0, 0), (255, 255, 0), (9, 9, 9),
           (10, 10, 10)] + [(i, i, i) for i in range(11, 256)]


def gradient(channels, maximum, alpha=None):
    def pixel(x, y):
        values = tuple(((x * 7 + y * 13 + c * 5) % 11) * maximum // 10 for c in range(channels))
        if alpha is not None:
            values = values[:-1] + (alpha(x, y),)
        return values
    return pixel


PNG_CASES = [
    # name, width, height, colour type, depth, pixel, transparent(samples), palette, tRNS
    ('gray1', 13, 5, 0, 1, lambda x, y: ((x + y) % 2,), lambda s: False, None, None),
    ('gray2', 13, 5, 0, 2, lambda x, y: ((x * y) % 4,), lambda s: False, None, None),
    ('gray4', 11, 7, 0, 4, lambda x, y: ((x + 3 * y) % 16,), lambda s: False, None, None),
    ('gray8', 9, 6, 0, 8, gradient(1, 255), lambda s: False, None, None),
    ('gray16', 9, 6, 0, 16, gradient(1, 65535), lambda s: False, None, None),
    ('gray8-trns', 9, 6, 0, 8, gradient(1, 255), lambda s: s == (51,), None, struct.pack('>H', 51)),
    ('gray4-trns', 11, 7, 0, 4, lambda x, y: ((x + 3 * y) % 16,), lambda s: s == (3,), None, struct.pack('>H', 3)),
    ('rgb8', 10, 6, 2, 8, gradient(3, 255), lambda s: False, None, None),
    ('rgb16', 10, 6, 2, 16, gradient(3, 65535), lambda s: False, None, None),
    ('rgb8-trns', 10, 6, 2, 8, gradient(3, 255), lambda s: s == (0, 25, 51), None, struct.pack('>HHH', 0, 25, 51)),
    ('palette1', 17, 3, 3, 1, lambda x, y: ((x * y) % 2,), lambda s: False, PALETTE[:2], None),
    ('palette2', 17, 3, 3, 2, lambda x, y: ((x + y) % 4,), lambda s: s == (0,), PALETTE[:4], b'\x00\xff\x80'),
    ('palette4', 15, 4, 3, 4, lambda x, y: ((x + y) % 16,), lambda s: s in ((0,), (5,)), PALETTE[:16],
     b'\x00\xff\xff\xff\xff\x00'),
    ('palette8', 20, 20, 3, 8, lambda x, y: ((x * 3 + y) % 256,), lambda s: s == (1,), PALETTE, b'\xff\x00'),
    ('gray-alpha8', 9, 6, 4, 8, gradient(2, 255, alpha=lambda x, y: 0 if x < 3 else 255), lambda s: s[1] == 0,
     None, None),
    ('gray-alpha16', 9, 6, 4, 16, gradient(2, 65535, alpha=lambda x, y: 0 if y < 2 else 65535), lambda s: s[1] == 0,
     None, None),
    ('rgba8', 12, 8, 6, 8, gradient(4, 255, alpha=lambda x, y: (x * 40) % 256), lambda s: s[3] == 0, None, None),
    ('rgba16', 12, 8, 6, 16, gradient(4, 65535, alpha=lambda x, y: (x * 9000) % 65536), lambda s: s[3] == 0, None,
     None),
]


def _png_case(case, interlace, filters):
    _name, width, height, color_type, depth, pixel, transparent, palette, trns = case
    data = h.make_png(width, height, pixel, color_type=color_type, depth=depth, palette=palette, trns=trns,
                      filters=filters, interlace=interlace)
    if color_type == 3:
        # a palette image's colours are its entries: two indices of one colour would count once
        def seen(x, y):
            return pixel(x, y)
        return data, expected_colours(width, height, seen, transparent)
    return data, expected_colours(width, height, pixel, transparent)


@pytest.mark.parametrize('case', PNG_CASES, ids=[c[0] for c in PNG_CASES])
@pytest.mark.parametrize('interlace', [False, True], ids=['progressive', 'adam7'])
def test_png_colour_types_and_depths(case, interlace):
    data, colours = _png_case(case, interlace, (0, 1, 2, 3, 4))
    summary = image.png_summary(data)
    assert (summary['width'], summary['height']) == (case[1], case[2])
    assert (summary['color_type'], summary['bit_depth'], summary['interlaced']) == (case[3], case[4], interlace)
    assert summary['colors'] == colours
    assert summary['transparent'] is False


@pytest.mark.parametrize('kind', [0, 1, 2, 3, 4], ids=['none', 'sub', 'up', 'average', 'paeth'])
def test_png_each_filter_alone(kind):
    pixel = gradient(4, 255, alpha=lambda x, y: 255)
    data = h.make_png(31, 9, pixel, filters=(kind,))
    assert image.png_summary(data)['colors'] == expected_colours(31, 9, pixel, lambda s: False)


def test_png_blank_drawn_transparent():
    assert image.png_summary(h.blank_png())['colors'] == 1
    drawn = image.png_summary(h.drawn_png())
    assert drawn['colors'] > 2 and drawn['transparent'] is False
    clear = image.png_summary(h.transparent_png())
    assert clear['colors'] == 1 and clear['transparent'] is True
    palette = h.make_png(8, 8, lambda x, y: (x % 2,), color_type=3, depth=8, palette=PALETTE[:2], trns=b'\x00\x00')
    assert image.png_summary(palette)['transparent'] is True


def test_png_identical_palette_entries_count_once():
    data = h.make_png(8, 8, lambda x, y: (x % 2,), color_type=3, depth=8, palette=[(1, 2, 3), (1, 2, 3)])
    assert image.png_summary(data)['colors'] == 1


def test_png_colours_are_capped():
    data = h.make_png(64, 64, lambda x, y: (x * 4, y * 4, 0), color_type=2)
    summary = image.png_summary(data, color_cap=256)
    assert summary['colors'] == 256 and summary['colors_capped'] is True


def test_png_decoding_is_fast_enough():
    data = h.make_png(512, 256, lambda x, y: (255, 255, 255, 255), filters=(4,))
    start = time.monotonic()
    assert image.png_summary(data)['colors'] == 1
    assert time.monotonic() - start < 5


def test_png_damage_is_reported():
    data = h.drawn_png(16, 8)
    with pytest.raises(ValueError, match='not a PNG'):
        image.png_summary(b'GIF89a' + data)
    broken = bytearray(data)
    broken[40] ^= 0xff
    with pytest.raises(ValueError, match='bad CRC'):
        image.png_summary(bytes(broken))
    with pytest.raises(ValueError, match='truncated'):
        image.png_summary(data[:60])
    ihdr = struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)
    short = zlib.compress(b'\x00' + bytes(12))   # one row of four
    chunk = h._chunk  # pylint: disable=protected-access
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', short) + chunk(b'IEND', b'')
    with pytest.raises(ValueError, match='truncated PNG image data'):
        image.png_summary(png)


# ---- TIFF and other formats ---------------------------------------------------------------------------------------

def test_tiff_headers():
    assert image.tiff_summary(h.fixture('elev.tif')) == dict(width=8, height=4, bands=1, bits=16, bigtiff=False)
    assert image.tiff_summary(h.make_tiff(300, 200, 3, 8, big_endian=True))['width'] == 300
    big = b'II+\x00' + struct.pack('<HHQ', 8, 0, 16) + struct.pack('<Q', 2) + \
        struct.pack('<HHQQ', 256, 4, 1, 70000) + struct.pack('<HHQQ', 257, 3, 1, 9)
    assert image.tiff_summary(big) == dict(width=70000, height=9, bands=1, bits=None, bigtiff=True)
    with pytest.raises(ValueError, match='not a TIFF'):
        image.tiff_summary(b'\x89PNG\r\n\x1a\n')


@pytest.mark.parametrize('body,kind', [
    (b'\x89PNG\r\n\x1a\n....', 'png'), (b'\xff\xd8\xff\xe0..', 'jpeg'), (b'GIF89a', 'gif'), (b'II*\x00', 'tiff'),
    (b'MM\x00*', 'tiff'), (b'II+\x00', 'tiff'), (b'CDF\x01', 'netcdf'), (b'\x89HDF\r\n', 'hdf5'),
    (b'  <?xml version="1.0"?><a/>', 'xml'), (b'{"a": 1}', 'json'), (b'hello', None),
])
def test_sniff(body, kind):
    assert image.sniff(body) == kind


def test_multipart_coverage_part():
    tiff = h.make_tiff()
    body = (b'--wcs\r\nContent-Type: text/xml\r\n\r\n<Coverages/>\r\n--wcs\r\nContent-Type: image/tiff\r\n'
            b'Content-Description: coverage data\r\n\r\n' + tiff + b'\r\n--wcs--\r\n')
    assert image.multipart_part('multipart/mixed; boundary=wcs', body) == ('image/tiff', tiff)
    assert image.multipart_part('multipart/mixed', body) is None
