"""The get-pip stand-in keeps the machine's pip configuration (issue 11: a private index or a
TLS-intercepting proxy's CA set in pip.conf or PIP_* must reach the pip install it runs)."""
import os
import subprocess
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.join(HERE, "..", "..", "support", "get_pip_standin.py")


def test_pip_configuration_reaches_the_install(tmp_path):
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = str(target / "bin" / "python")
    config = tmp_path / "pip.conf"
    # An index that cannot exist: if pip reads this configuration it fails naming the index host.
    config.write_text("[global]\nindex-url = http://127.0.0.1:9/private-index/simple\nretries = 0\ntimeout = 1\n")
    env = dict(os.environ, PIP_CONFIG_FILE=str(config), PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run([python, STANDIN, "--no-wheel", "nso-no-such-package"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode != 0
    assert "127.0.0.1" in done.stdout + done.stderr, "pip ignored the configured index"
