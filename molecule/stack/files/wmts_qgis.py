"""Read the tile cache's WMTS with QGIS (headless, in the qgis-server image, which has QGIS's Python bindings) and
render one layer to a PNG: wmts_qgis.py PUBLIC_URL CA_FILE LAYER OUT_PNG [PATH].

Opens a QgsRasterLayer with the 'wms' provider on the WMTS capabilities (REST, WMTSCapabilities.xml; grid
GoogleMapsCompatible, image/png, EPSG:3857), the deployment's CA added to Qt's trusted certificates, renders the
whole world at 512 x 512 pixels on white and saves it. Prints JSON: whether the layer is valid, its provider's tile
matrix set, the pixels that are not white and those with the countries' fill (#9ecae1, the default style). Run it with
QT_QPA_PLATFORM=offscreen (the image sets it).
"""

import json
import sys

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsRasterLayer, QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtNetwork import QSslCertificate, QSslConfiguration


def main(public_url, ca_file, layer_name, out_png, path='/tiles'):
    app = QgsApplication([], False)
    app.initQgis()
    ssl = QSslConfiguration.defaultConfiguration()
    ssl.setCaCertificates(ssl.caCertificates() + QSslCertificate.fromPath(ca_file))
    QSslConfiguration.setDefaultConfiguration(ssl)
    uri = ('contextualWMSLegend=0&crs=EPSG:3857&dpiMode=7&format=image/png&layers=%s&styles=&'
           'tileMatrixSet=GoogleMapsCompatible&url=%s%s/wmts/1.0.0/WMTSCapabilities.xml' % (layer_name, public_url, path))
    layer = QgsRasterLayer(uri, layer_name, 'wms')
    out = dict(valid=layer.isValid(), uri=uri)
    if not layer.isValid():
        out['error'] = layer.error().summary()
        print(json.dumps(out))
        return 1
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem('EPSG:3857'))
    settings.setExtent(QgsRectangle(-20037508.34, -20037508.34, 20037508.34, 20037508.34))
    settings.setOutputSize(QSize(512, 512))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(out_png, 'PNG')
    painted = fill = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = QColor(image.pixel(x, y))
            rgb = (colour.red(), colour.green(), colour.blue())
            painted += rgb != (255, 255, 255)
            fill += all(abs(a - b) <= 6 for a, b in zip(rgb, (0x9e, 0xca, 0xe1)))
    out.update(errors=[str(e.message) for e in job.errors()], width=image.width(), height=image.height(),
               not_white=painted, countries=fill)
    print(json.dumps(out))
    app.exitQgis()
    return 0 if painted and not job.errors() else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1].rstrip('/'), *sys.argv[2:]))
