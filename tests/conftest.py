"""Make the collection importable as ``ansible_collections.netsuite_ops.credentials``.

The repo root is the collection root; Python needs it under
``ansible_collections/netsuite_ops/credentials``. Three cases:

* the tree already sits there (``ansible-test units`` runs from such a copy, and its collection
  loader imports the collection): use that tree as it is, make no link;
* the project's scripts export NSO_COLLECTIONS_ROOT (a tree with that link): use it;
* pytest run by hand on the repo: build the same link in a temporary folder outside the repo.

The test tooling in tests/ (``support``, ``emulator``) is imported as top-level packages.
"""
import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(REPO, "tests")
COLLECTION_PARTS = ("ansible_collections", "netsuite_ops", "credentials")


def _enclosing_collections_root():
    """The folder holding ansible_collections/ when the tree itself is a collection's place."""
    parent, name = os.path.split(os.path.realpath(REPO))
    parent, namespace = os.path.split(parent)
    root, top = os.path.split(parent)
    return root if (top, namespace, name) == COLLECTION_PARTS else None


def _collections_root():
    root = _enclosing_collections_root() or os.environ.get("NSO_COLLECTIONS_ROOT")
    if root:
        return root
    root = os.path.join(tempfile.gettempdir(), "nso-collections-%d" % os.getuid())
    link = os.path.join(root, *COLLECTION_PARTS)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.realpath(link) != REPO:
        if os.path.islink(link):
            os.unlink(link)
        os.symlink(REPO, link)
    return root


for path in (_collections_root(), TESTS):
    if path not in sys.path:
        sys.path.insert(0, path)
