"""Read the tile cache's WMTS with OWSLib, as a GIS client would: wmts_owslib.py PUBLIC_URL CA_FILE [PATH].

Reads the capabilities both ways (REST, WMTSCapabilities.xml; KVP, GetCapabilities), checks that every cached layer
offers the GoogleMapsCompatible grid, and gets one tile of the countries (or the first layer) through each (level 2,
column 2, row 1: north of the equator, east of Greenwich). Prints JSON: the layers, the tile matrix sets, and per way
the tile's bytes and how many of its pixels have the countries' fill (#9ecae1, the default style), not 0 for a tile
that is not blank.
"""

import json
import sys

from owslib.util import Authentication
from owslib.wmts import WebMapTileService

from png import count_colour, pixels


def main(public_url, ca_file, path='/tiles'):
    auth = Authentication(verify=ca_file)
    out = {}
    for way, url in (('rest', public_url + path + '/wmts/1.0.0/WMTSCapabilities.xml'),
                     ('kvp', public_url + path + '/service?SERVICE=WMTS&REQUEST=GetCapabilities')):
        wmts = WebMapTileService(url, auth=auth)
        layers = sorted(wmts.contents)
        out.setdefault('layers', layers)
        out.setdefault('tile_matrix_sets', sorted(wmts.tilematrixsets))
        missing = [name for name in layers if 'GoogleMapsCompatible' not in wmts.contents[name].tilematrixsetlinks]
        if missing:
            raise SystemExit('%s: the layers %s have no GoogleMapsCompatible grid' % (way, missing))
        layer = 'countries' if 'countries' in layers else layers[0]
        tile = wmts.gettile(layer=layer, tilematrixset='GoogleMapsCompatible', tilematrix='02', row=1, column=2,
                            format='image/png').read()
        if not tile.startswith(b'\x89PNG'):
            raise SystemExit('%s: the tile is not a PNG: %r' % (way, tile[:200]))
        out[way] = dict(layer=layer, restonly=bool(getattr(wmts, 'restonly', False)), tile_bytes=len(tile),
                        pixels=sum(1 for _pixel in pixels(tile)),
                        countries=count_colour(tile, (0x9e, 0xca, 0xe1), tolerance=6))
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1].rstrip('/'), *sys.argv[2:])
