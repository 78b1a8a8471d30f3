from ansible_collections.netsuite_ops.credentials.plugins.plugin_utils import _controller_module as cm
from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _secret_scrub as ss

def test_dbg():
    orig = ss.Scrubber.scrub
    def spy(self, text):
        out = orig(self, text)
        if out == ss.WITHHELD:
            for sec in sorted(self._exact):
                one = ss.Scrubber([sec], environment=False)
                if one.holds_secret(text):
                    print("MATCH", repr(sec)[:80], "in", repr(text)[:200])
        return out
    ss.Scrubber.scrub = spy
    import sys; sys.path.insert(0, "tests")
    from tests.unit.plugins.plugin_utils import test_controller_module as t
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    t.test_an_unexpected_error_is_a_clean_failure_without_the_secrets("http://127.0.0.1:%d" % port)
