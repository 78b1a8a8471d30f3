"""Make the collection importable as ``ansible_collections.netsuite_ops.credentials``.

The repo root is the collection root; Python needs it under
``ansible_collections/netsuite_ops/credentials``. The project's scripts export
NSO_COLLECTIONS_ROOT (a tree with that link); when pytest is run by hand we build the
same link in a temporary folder outside the repo.
"""
import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(REPO, "tests")


def _collections_root():
    root = os.environ.get("NSO_COLLECTIONS_ROOT")
    if root:
        return root
    root = os.path.join(tempfile.gettempdir(), "nso-collections-%d" % os.getuid())
    link = os.path.join(root, "ansible_collections", "netsuite_ops", "credentials")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.realpath(link) != REPO:
        if os.path.islink(link):
            os.unlink(link)
        os.symlink(REPO, link)
    return root


for path in (_collections_root(), TESTS):
    if path not in sys.path:
        sys.path.insert(0, path)
