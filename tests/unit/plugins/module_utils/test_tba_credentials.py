"""Offline validation: what people paste, what we accept, and what we say when we refuse."""
import secrets

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._account import (
    clean_token_name,
    CredentialInputError,
    parse_account_id,
    resolve_netsuite_url,
)
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._tba_credentials import build_credentials


def hex64():
    return secrets.token_hex(32)


@pytest.fixture
def values():
    return {"account_id": "1234567_SB1", "consumer_key": hex64(), "consumer_secret": hex64(),
            "token_id": hex64(), "token_secret": hex64()}


@pytest.mark.parametrize("pasted, realm, label, environment", [
    ("1234567", "1234567", "1234567", "production"),
    ("1234567_SB1", "1234567_SB1", "1234567-sb1", "sandbox"),
    ("1234567-sb1", "1234567_SB1", "1234567-sb1", "sandbox"),
    ("1234567_sb12", "1234567_SB12", "1234567-sb12", "sandbox"),
    ("tstdrv1234567", "TSTDRV1234567", "tstdrv1234567", "test_drive"),
    ("1234567_RP", "1234567_RP", "1234567-rp", "release_preview"),
    ("td2950894", "TD2950894", "td2950894", "test_drive"),
    ("https://1234567-sb1.app.netsuite.com/app/center/card.nl", "1234567_SB1", "1234567-sb1", "sandbox"),
    ("1234567-SB1.suitetalk.api.netsuite.com", "1234567_SB1", "1234567-sb1", "sandbox"),
    ("https://392875-rp.app.netsuite.com:443/x?y=1", "392875_RP", "392875-rp", "release_preview"),
    (" 1234567\u00a0\n", "1234567", "1234567", "production"),
])
def test_account_id_forms_normalize_to_realm_and_host_label(pasted, realm, label, environment):
    account = parse_account_id(pasted)[0]
    assert (account.realm, account.host_label, account.environment) == (realm, label, environment)


@pytest.mark.parametrize("pasted", [
    "", "   ", "12 34567", "7654321_SB", "7654321_XX1", "https://example.com/1234567",
    "1234567.evil.com", "ACME", "https://user:pw@1234567.app.netsuite.com/",
    "1234567_SB1_SB2", pytest.param(hex64(), id="64-hex-characters"),
])
def test_bad_account_ids_are_refused_naming_the_field_without_echo(pasted):
    with pytest.raises(CredentialInputError) as info:
        parse_account_id(pasted)
    message = str(info.value)
    assert message.startswith("account_id:")
    if pasted.strip():
        assert pasted.strip() not in message


def test_valid_credentials_build_an_immutable_object_that_hides_secrets(values):
    credentials, warnings = build_credentials(values)
    assert warnings == []
    assert credentials.realm == "1234567_SB1" and credentials.environment == "sandbox"
    assert credentials.as_vault_data() == values
    for secret in credentials.secret_values():
        assert secret not in repr(credentials)
    with pytest.raises(AttributeError):
        credentials.token_secret = "x"


def test_case_is_kept_because_the_secret_is_an_hmac_key(values):
    values["consumer_secret"] = values["consumer_secret"].upper()
    credentials = build_credentials(values)[0]
    assert credentials.consumer_secret == values["consumer_secret"]


@pytest.mark.parametrize("debris", ["\n", "\r\n", " ", "\t", "\u00a0", "\u200b", "\ufeff", "\u2060"])
def test_paste_debris_is_trimmed_with_a_warning_naming_the_field(values, debris):
    clean = values["token_secret"]
    values["token_secret"] = debris + clean + debris
    credentials, warnings = build_credentials(values)
    assert credentials.token_secret == clean
    assert len(warnings) == 1 and warnings[0].startswith("token_secret:")
    assert clean not in warnings[0]


@pytest.mark.parametrize("bad, rule", [
    (lambda v: v[:30] + " " + v[30:], "whitespace"),
    (lambda v: v[:30] + "\u200b" + v[30:], "whitespace or invisible"),
    (lambda v: '"' + v + '"', "quotes"),
    (lambda v: v[:30] + "\x07" + v[30:], "control characters"),
    (lambda v: v[:63], "(got 63 characters)"),
    (lambda v: v[:63] + "g", "not all hexadecimal"),
    (lambda v: "", "must not be empty"),
    (lambda v: None, "is required"),
])
def test_malformed_secrets_are_refused_with_field_and_rule_never_the_value(values, bad, rule):
    original = values["consumer_secret"]
    values["consumer_secret"] = bad(original)
    with pytest.raises(CredentialInputError) as info:
        build_credentials(values)
    message = str(info.value)
    assert "consumer_secret:" in message and rule in message
    for value in values.values():
        if value and len(value) > 8:
            assert value not in message and original[:16] not in message


def test_loose_format_warns_instead_of_failing(values):
    values["token_id"] = "TKN" + values["token_id"][:20]
    credentials, warnings = build_credentials(values, strict_format=False)
    assert credentials.token_id == values["token_id"]
    assert any(w.startswith("token_id: expected 64 hexadecimal") for w in warnings)


def test_a_value_in_two_fields_is_refused(values):
    values["token_id"] = values["consumer_key"].upper()
    with pytest.raises(CredentialInputError) as info:
        build_credentials(values)
    assert "consumer_key and token_id: hold the same value" in str(info.value)


def test_every_problem_is_reported_at_once(values):
    values.update(account_id="nope!", consumer_key="", token_secret=values["token_secret"] + "00")
    with pytest.raises(CredentialInputError) as info:
        build_credentials(values)
    fields = [p.split(":")[0] for p in info.value.problems]
    assert fields == ["account_id", "consumer_key", "token_secret"]


@pytest.mark.parametrize("environment, ok", [
    ("sandbox", True), ("production", False), ("release_preview", False), (None, True)])
def test_environment_must_agree_with_the_account_id(values, environment, ok):
    if ok:
        build_credentials(values, environment=environment)
    else:
        with pytest.raises(CredentialInputError) as info:
            build_credentials(values, environment=environment)
        assert str(info.value).startswith("environment: account_id 1234567_SB1 is a sandbox account")


def test_messages_can_name_stored_keys(values):
    values["token_id"] = "short"
    with pytest.raises(CredentialInputError) as info:
        build_credentials(values, describe=lambda name: "stored key '%s'" % name)
    assert "stored key 'token_id':" in str(info.value)


@pytest.fixture
def sandbox():
    return parse_account_id("1234567_SB1")[0]


@pytest.mark.parametrize("given, expected", [
    (None, "https://1234567-sb1.suitetalk.api.netsuite.com"),
    ("", "https://1234567-sb1.suitetalk.api.netsuite.com"),
    ("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/", "https://1234567-sb1.suitetalk.api.netsuite.com"),
    ("https://1234567-SB1.SuiteTalk.api.netsuite.com", "https://1234567-sb1.suitetalk.api.netsuite.com"),
    ("http://127.0.0.1:8080/anything", "http://127.0.0.1:8080"),
    ("http://localhost:9", "http://localhost:9"),
    ("http://[::1]:9", "http://[::1]:9"),
])
def test_netsuite_url_is_cut_to_scheme_and_host(sandbox, given, expected):
    assert resolve_netsuite_url(sandbox, given) == expected


@pytest.mark.parametrize("given, rule", [
    ("http://netsuite.example.com", "must use https"),
    ("http://10.0.0.1:8080", "must use https"),
    ("https://7654321.suitetalk.api.netsuite.com", "netsuite_url and account_id: the URL is for account host 7654321"),
    ("https://1234567.suitetalk.api.netsuite.com", "but account_id is 1234567_SB1"),
    ("https://1234567-sb1.app.netsuite.com/app/center/card.nl", "use the SuiteTalk"),
    ("ftp://1234567-sb1.suitetalk.api.netsuite.com", "must be a URL"),
    ("https://u:p@1234567-sb1.suitetalk.api.netsuite.com", "must not contain user information"),
    ("https://1234567-sb1.suitetalk.api.netsuite.com:99999", "invalid port"),
    ("https://netsuite-proxy.internal.example:8443", "must be a NetSuite host"),
    ("https://1234567-sb1.suitetalk.api.netsuite.com.evil.example", "must be a NetSuite host"),
])
def test_netsuite_url_rules(sandbox, given, rule):
    with pytest.raises(CredentialInputError) as info:
        resolve_netsuite_url(sandbox, given)
    assert rule in str(info.value)


@pytest.mark.parametrize("given, expected", [
    (None, None), ("", None), ("  ", None), (" erp sync \n", "erp sync"), ("x" * 512, "x" * 512)])
def test_token_name_is_trimmed_and_optional(given, expected):
    assert clean_token_name(given) == expected


@pytest.mark.parametrize("given, rule", [
    ("x" * 513, "at most 512 bytes in UTF-8"),
    ("\U0001f511" * 150, "at most 512 bytes in UTF-8 (Vault's limit for custom metadata; 150 characters here)"),
    ("erp\nsync", "line breaks"), ("erp\x00", "control characters")])
def test_token_name_rules(given, rule):
    with pytest.raises(CredentialInputError) as info:
        clean_token_name(given)
    assert str(info.value).startswith("token_name:") and rule in str(info.value)
