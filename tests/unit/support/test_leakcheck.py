"""The leak check must be able to fail, or its '0 hits' in the integration runs proves nothing."""
import importlib.util
import base64
import json
import os
import secrets

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
LEAKCHECK = os.path.join(HERE, "..", "..", "integration", "targets", "setup_testbed", "files", "leakcheck.py")


def load_leakcheck():
    spec = importlib.util.spec_from_file_location("leakcheck", LEAKCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_state(tmp_path):
    account = {name: secrets.token_hex(32) for name in ("consumer_key", "consumer_secret", "token_id", "token_secret")}
    state = {"vault_root_token": "root-" + secrets.token_hex(16), "vault_tokens": {"reader": secrets.token_hex(16)},
             "netsuite_accounts": {"good": dict(account, account_id="1234567")}}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(state))
    return str(path), state


def test_a_clean_log_passes(tmp_path, capsys):
    config = write_state(tmp_path)[0]
    log = tmp_path / "out.log"
    log.write_text("ok: [localhost]\nconsumer_key: <hidden>\n")
    assert load_leakcheck().main(config, str(log)) == 0
    assert "0 hits" in capsys.readouterr().out


def test_any_secret_in_any_case_is_found_and_reported_without_its_value(tmp_path, capsys):
    config, state = write_state(tmp_path)
    leaked = state["netsuite_accounts"]["good"]["token_secret"]
    log = tmp_path / "out.log"
    log.write_text("line one\n  \"token\": \"%s\"\nvault %s\n" % (leaked.upper(), state["vault_tokens"]["reader"]))
    assert load_leakcheck().main(config, str(log)) == 1
    out = capsys.readouterr().out
    assert "good.token_secret (whole or a 16-character slice, in some spelling) found in" in out and "line 2" in out
    assert "vault token reader" in out
    assert leaked not in out.lower()


def test_an_empty_log_is_a_failure_not_a_pass(tmp_path):
    config = write_state(tmp_path)[0]
    log = tmp_path / "empty.log"
    log.write_text("")
    assert load_leakcheck().main(config, str(log)) == 1


def test_a_slice_or_an_encoded_form_is_a_hit(tmp_path, capsys):
    config, state = write_state(tmp_path)
    key = state["netsuite_accounts"]["good"]["consumer_key"]
    log = tmp_path / "out.log"
    log.write_text("clean\nkey=%s\n" % key[20:36].upper())
    assert load_leakcheck().main(config, str(log)) == 1
    assert "good.consumer_key" in capsys.readouterr().out
    log.write_text("clean\nkey=%s\n" % key[20:35])  # 15 characters: too short to say anything
    assert load_leakcheck().main(config, str(log)) == 0


def _spellings(key):
    header = 'Authorization: OAuth realm="1", oauth_consumer_key="%s", oauth_nonce="n"' % key
    found = {"base64-%d" % skip: base64.b64encode(("x" * skip + header).encode()).decode() for skip in range(3)}
    found["urlsafe-nopad"] = base64.urlsafe_b64encode(("xy" + header).encode()).decode().rstrip("=")
    found["groups-of-4"] = " ".join(key[i:i + 4] for i in range(0, 64, 4))
    found["hex-upper"] = key.encode().hex().upper()
    found["json-u"] = "".join("\\u%04x" % ord(c) for c in key)
    found["pairs-tab-separated"] = "\t".join(key[i:i + 2] for i in range(0, 64, 2))
    return found


@pytest.mark.parametrize("spelling", list(_spellings("0" * 64)))
def test_every_spelling_is_a_hit(tmp_path, capsys, spelling):
    config, state = write_state(tmp_path)
    key = state["netsuite_accounts"]["good"]["consumer_key"]
    log = tmp_path / "out.log"
    log.write_text("clean\ndetail: %s\n" % _spellings(key)[spelling])
    assert load_leakcheck().main(config, str(log)) == 1
    assert "good.consumer_key" in capsys.readouterr().out


def test_a_secret_broken_across_lines_is_a_hit(tmp_path, capsys):
    config, state = write_state(tmp_path)
    key = state["netsuite_accounts"]["good"]["token_id"]
    log = tmp_path / "out.log"
    log.write_text("clean\n%s\n%s\n" % (key[:10], key[10:20]))
    assert load_leakcheck().main(config, str(log)) == 1
    out = capsys.readouterr().out
    assert "good.token_id" in out and "(spanning lines)" in out
