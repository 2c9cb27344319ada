"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test creates its sanity virtual environments without pip and downloads get-pip.py from a host that
air-gapped and proxied machines cannot reach. This script does the same job with the standard library's ensurepip
and then installs the requested pip from the configured package index (PyPI, or the site's mirror through
PIP_INDEX_URL). `make sanity` copies it to ~/.ansible/test/cache/get_pip_<version>.py.
"""

import subprocess
import sys

# get-pip.py options that `pip install` does not know
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    main()
