"""Generate the docsite's guides (docs/docsite/rst/*.rst) from their one source, docs/*.md.

The guides are written and reviewed in Markdown (docs/<name>.md, where the README links to and
GitHub renders them); antsibull-docs and the Ansible docsite read reStructuredText extra docs.
This script converts each guide listed in docs/docsite/extra-docs.yml with pandoc (from the
pypandoc-binary package) and:

- adds the label antsibull-docs requires (ansible_collections.netsuite_ops.credentials.docsite.<name>);
- turns links to other guides (<name>.md) into links between the docsite pages (<name>.html);
- turns relative links to other files of the repository into absolute links, built from
  galaxy.yml's `repository` (the one place the project's address is set) and the branch in
  docs/docsite/links.yml;
- drops code formatting inside link texts (reStructuredText cannot nest it), and shows HCL
  blocks as plain text (Pygments cannot lex Vault policies).

    python docs/docsite/build_rst.py --check   # exit 1 and name the stale files
    python docs/docsite/build_rst.py --write   # rewrite docs/docsite/rst/*.rst

`scripts/test docs` runs --check (NSO_DOCS_WRITE=1 makes it --write) in the docs venv.
Not part of the built collection (galaxy.yml build_ignore).
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import sys

import yaml

COLLECTION = "netsuite_ops.credentials"
LABEL_PREFIX = "ansible_collections.%s.docsite." % COLLECTION
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FENCE = re.compile(r"^(\s*)(```|~~~)\s*([^\s`]*)")
# Fence languages Pygments cannot lex as the guides use them: its HCL lexer rejects Vault
# policies (`path "..." { ... }`), which Sphinx reports as a highlighting failure.
PLAIN_LANGUAGES = {"hcl": "text"}
LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\(([^)\s]+)\)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def guide_names():
    """The guides, in the order extra-docs.yml lists them."""
    names = []
    for section in load_yaml(os.path.join(HERE, "extra-docs.yml")).get("sections", []):
        for entry in section.get("toctree", []):
            ref = entry["ref"] if isinstance(entry, dict) else entry
            names.append(ref)
    return names


def repository_blob_base():
    repository = load_yaml(os.path.join(ROOT, "galaxy.yml"))["repository"].rstrip("/")
    branch = load_yaml(os.path.join(HERE, "links.yml"))["edit_on_github"]["branch"]
    return "%s/blob/%s/" % (repository, branch)


def address_errors():
    """Addresses in galaxy.yml and links.yml that do not start with galaxy.yml's repository."""
    galaxy = load_yaml(os.path.join(ROOT, "galaxy.yml"))
    links = load_yaml(os.path.join(HERE, "links.yml"))
    repository = galaxy["repository"].rstrip("/")
    found = [("galaxy.yml " + key, galaxy.get(key)) for key in ("documentation", "homepage", "issues")]
    found += [("links.yml extra_links " + item.get("description", "?"), item.get("url"))
              for item in links.get("extra_links", [])]
    edit = links.get("edit_on_github", {})
    found.append(("links.yml edit_on_github.repository",
                  "https://github.com/%s" % edit.get("repository")))
    return ["%s: %s does not start with %s" % (where, url, repository)
            for where, url in found if not (url or "").startswith(repository)]


def rewrite_target(target, names, blob_base):
    if SCHEME.match(target) or target.startswith("#"):
        return target
    path, _sep, fragment = target.partition("#")
    repo_path = posixpath.normpath(posixpath.join("docs", path))
    if repo_path.startswith("../"):
        raise ValueError("link outside the repository: %s" % target)
    directory, base = posixpath.split(repo_path)
    if directory == "docs" and base.endswith(".md") and base[:-3] in names:
        page = base[:-3] + ".html"
    else:
        page = blob_base + repo_path
    return page + ("#" + fragment if fragment else "")


def preprocess(markdown, names, blob_base):
    out, in_fence = [], False
    for line in markdown.splitlines(keepends=True):
        fence = FENCE.match(line)
        if fence:
            if not in_fence and fence.group(3) in PLAIN_LANGUAGES:
                line = "%s%s%s\n" % (fence.group(1), fence.group(2), PLAIN_LANGUAGES[fence.group(3)])
            in_fence = not in_fence
        elif not in_fence:
            line = LINK.sub(
                lambda m: "[%s](%s)" % (m.group(1).replace("`", ""),
                                        rewrite_target(m.group(2), names, blob_base)),
                line)
        out.append(line)
    return "".join(out)


def render(name, names, blob_base):
    import pypandoc  # only in the docs venv

    with open(os.path.join(ROOT, "docs", name + ".md"), encoding="utf-8") as handle:
        markdown = preprocess(handle.read(), names, blob_base)
    body = pypandoc.convert_text(markdown, "rst", format="gfm-gfm_auto_identifiers",
                                 extra_args=["--wrap=preserve", "--columns=100"])
    header = (
        "..\n"
        "  Generated from docs/%s.md by docs/docsite/build_rst.py: edit the Markdown, then run\n"
        "  NSO_DOCS_WRITE=1 scripts/test docs. Do not edit this file.\n"
        "\n"
        ".. _%s%s:\n"
        "\n" % (name, LABEL_PREFIX, name)
    )
    return header + body.rstrip() + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail when a generated file is stale")
    mode.add_argument("--write", action="store_true", help="rewrite the generated files")
    args = parser.parse_args()

    errors = address_errors()
    for error in errors:
        print(error, file=sys.stderr)
    names = guide_names()
    blob_base = repository_blob_base()
    rst_dir = os.path.join(HERE, "rst")
    wanted = {name + ".rst": render(name, names, blob_base) for name in names}
    stale = []
    for filename, text in sorted(wanted.items()):
        path = os.path.join(rst_dir, filename)
        try:
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = None
        if current != text:
            stale.append(filename)
            if args.write:
                os.makedirs(rst_dir, exist_ok=True)
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    extra = sorted(f for f in os.listdir(rst_dir) if f.endswith(".rst") and f not in wanted) \
        if os.path.isdir(rst_dir) else []
    for filename in extra:
        stale.append(filename + " (no guide docs/%s.md in extra-docs.yml)" % filename[:-4])
        if args.write:
            os.remove(os.path.join(rst_dir, filename))
    if errors:
        return 1
    if args.write:
        print("docs/docsite/rst: %d file(s) rewritten: %s" % (len(stale), ", ".join(stale) or "none"))
        return 0
    if stale:
        print("docs/docsite/rst is stale (docs/*.md changed): %s\n"
              "Regenerate with: NSO_DOCS_WRITE=1 scripts/test docs" % ", ".join(stale),
              file=sys.stderr)
        return 1
    print("docs/docsite/rst matches docs/*.md (%d guides)" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
