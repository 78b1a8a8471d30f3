"""The fleet action reads its hosts' variables in as many forked processes as will check them:
the same values, names, warnings and problems as one process, and the warnings raised while
templating (a lookup with errors='warn') reach the task. Run in a fresh interpreter
(tests/support/fleet_workers.py): the fleet never forks a process that runs other threads."""
import pytest

from support.fleet_workers import run_fresh


@pytest.mark.parametrize("processes", [1, 3])
def test_host_variables_read_by_workers_as_by_one_process(processes):
    hostvars = {"h%d" % n: {"netsuite_verify_path": "netsuite/%d/tba" % n, "tba_verify_version": n + 1,
                            "netsuite_verify_vault": {"url": "http://127.0.0.1:8200", "token": "s." + "t" * 24}}
                for n in range(7)}
    hostvars["h3"]["tba_verify_path"] = "former/name/loses"

    answer = run_fresh({"mode": "variables", "hostvars": hostvars, "processes": processes, "warn": True})

    read = answer["read"]
    assert len(read) == 8 and not answer["children_left"]
    assert [entry["raw"]["path"] for entry in read[:7]] == ["netsuite/%d/tba" % n for n in range(7)]
    assert read[5]["raw"]["version"] == 6 and read[5]["names"]["version"] == "tba_verify_version"
    assert read[3]["warnings"] and "netsuite_verify_path" in read[3]["warnings"][0]
    assert read[7] == {"problem": "Cannot read this host's variables: 'undefined_thing' is undefined"}
    if "warnings" in answer:  # ansible-core 2.19+: a reader's warnings reach the task, as in one process
        assert sorted(answer["warnings"]) == sorted("could not read a file for h%d" % n for n in range(7))
