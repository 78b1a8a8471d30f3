"""Stand-in for ansible-test's downloaded get-pip script (its file host is unreachable here).

ansible-test runs get-pip with pip install arguments to bootstrap pip in fresh virtual
environments. ensurepip provides the same from the standard library, then pip installs the
requested packages from the configured package index.
"""
import ensurepip
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
