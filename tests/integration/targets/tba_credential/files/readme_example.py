"""Take the README's "many accounts" example as written: its netsuite_tba vars block and the task
that loops over it. The vars keep the README's shape exactly, with each account's values taken
from the test bed's account of the same account_id; the task is copied unchanged.

    python readme_example.py README.md integration_config.yml OUTDIR

writes OUTDIR/netsuite_tba.yml (mode 0600: test bed secrets) and OUTDIR/task.yml.
"""
import json
import os
import re
import sys

import yaml

FIELDS = {"account_id", "consumer_key", "consumer_secret", "token_id", "token_secret"}


def yaml_blocks(text):
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def main(readme, config, outdir):
    with open(readme) as handle:
        blocks = yaml_blocks(handle.read())
    shape = next(block["netsuite_tba"] for block in blocks if isinstance(block, dict) and "netsuite_tba" in block)
    task = next(block for block in blocks if isinstance(block, list) and block
                and "netsuite_tba[item]" in json.dumps(block))
    with open(config) as handle:
        bed = {account["account_id"]: account for account in json.load(handle)["netsuite_accounts"].values()}
    values = {}
    for name, entry in shape.items():
        if set(entry) != FIELDS:
            raise SystemExit("README: netsuite_tba[%s] holds %s, not the five fields" % (name, sorted(entry)))
        values[name] = {field: bed[entry["account_id"]][field] for field in FIELDS}
    fd = os.open(os.path.join(outdir, "netsuite_tba.yml"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        yaml.safe_dump({"netsuite_tba": values}, handle)
    with open(os.path.join(outdir, "task.yml"), "w") as handle:
        yaml.safe_dump(task, handle, sort_keys=False)
    print("README example: %d account(s): %s" % (len(values), ", ".join(sorted(values))))


if __name__ == "__main__":
    main(*sys.argv[1:])
