"""The connection test as the probe tests run it: no back-off sleeps, and every result checked
for the credentials it must never show."""
import json

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._netsuite_probe import probe_connection


def no_sleep(seconds):  # pylint: disable=unused-argument
    """Retries back off without waiting: the tests count attempts, never time."""


def assert_no_secret(result, credentials):
    shown = repr(result) + json.dumps(result.to_dict())
    for secret in credentials.secret_values():
        assert secret.lower() not in shown.lower()


def probe(credentials, base_url, **options):
    options.setdefault("sleep", no_sleep)
    result = probe_connection(credentials, base_url, **options)
    assert_no_secret(result, credentials)
    return result
