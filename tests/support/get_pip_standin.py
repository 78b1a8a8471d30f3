"""Stand-in for ansible-test's downloaded get-pip script (its file host is unreachable here).

ansible-test runs get-pip with pip install arguments to bootstrap pip in fresh virtual
environments. ensurepip provides pip from the standard library, then pip installs the requested
packages from the configured package index.

ensurepip runs as a child process on purpose: in-process, ensurepip.bootstrap() clears every
PIP_* variable and sets PIP_CONFIG_FILE=/dev/null in os.environ, so the pip install that follows
would ignore the machine's pip configuration (a private index, cert= for a TLS-intercepting proxy).
"""
import subprocess
import sys

status = subprocess.call([sys.executable, "-m", "ensurepip", "--upgrade"])
if status:
    sys.exit(status)
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
