"""Read the stack's services with OWSLib, as a GIS client would: owslib_check.py PUBLIC_URL CA_FILE.

Prints JSON: for MapServer and QGIS Server, the WMS layers, the size of a GetMap, and (MapServer) the WFS hits of
the countries and the WCS coverages.
"""

import json
import sys

import requests
from owslib.util import Authentication
from owslib.wcs import WebCoverageService
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService


def main(public_url, ca_file):
    auth = Authentication(verify=ca_file)
    out = {}
    for name, path in (('mapserver', '/mapserver/ows'), ('qgis', '/qgis/ows')):
        url = public_url + path
        wms = WebMapService(url, version='1.3.0', auth=auth)
        image = wms.getmap(layers=['countries'], styles=[''], srs='EPSG:3857',
                           bbox=(-20037508, -15000000, 20037508, 15000000), size=(512, 384), format='image/png')
        out[name] = dict(wms_layers=sorted(wms.contents), getmap_bytes=len(image.read()))
    wfs = WebFeatureService(public_url + '/mapserver/ows', version='2.0.0', auth=auth)
    hits = requests.get(public_url + '/mapserver/ows', verify=ca_file, timeout=30,
                        params=dict(SERVICE='WFS', VERSION='2.0.0', REQUEST='GetFeature', TYPENAMES='countries',
                                    RESULTTYPE='hits'))
    out['mapserver']['wfs_types'] = sorted(wfs.contents)
    marker = 'numberMatched="'
    text = hits.text
    out['mapserver']['wfs_hits'] = int(text[text.index(marker) + len(marker):].split('"')[0])
    wcs = WebCoverageService(public_url + '/mapserver/ows', version='1.0.0', auth=auth)
    out['mapserver']['wcs_coverages'] = sorted(wcs.contents)
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1].rstrip('/'), sys.argv[2])
