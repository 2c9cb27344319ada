"""Open the landing page in headless Chromium and check that its map shows the layers: landing_page.py URL PNG.

Prints JSON: the screenshot's pixel count, and how many pixels have the countries' fill (#9ecae1, the default style)
and the places' colour (#e6550d). The certificate is not checked here (the other probes check it against the CA).
"""

import json
import subprocess
import sys
import tempfile

from png import count_colour, pixels


def main(url, screenshot):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                        '--disable-background-networking', '--disable-component-update', '--disable-sync',
                        '--user-data-dir=' + profile, '--ignore-certificate-errors', '--window-size=1280,800',
                        '--virtual-time-budget=15000', '--screenshot=' + screenshot, url],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    with open(screenshot, 'rb') as handle:
        data = handle.read()
    print(json.dumps(dict(pixels=sum(1 for _pixel in pixels(data)),
                          countries=count_colour(data, (0x9e, 0xca, 0xe1), tolerance=6),
                          places=count_colour(data, (0xe6, 0x55, 0x0d), tolerance=12))))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
