"""Files the collection writes, against planted links, FIFOs, directories and kernel paths.

Issue 15, reproductions 4, 5, 10 (certificate_file) and 11, through ansible-playbook on both
execution paths. Each case is checked where it matters: the file system (a planted link's
target byte-identical with its mode, no temporary file left, where a relative path landed) and
Vault at the server with the root token (nothing stored at the pending path when a path is
refused). The FIFO cases run in their own playbook, bounded by a subprocess timeout, so a hang
is reported as one.
"""
import json
import os
import shutil
import stat
import time

PART = "files"
EXECUTION_PATHS = ("controller", "module")
FIFO_TIMEOUT = 90
VICTIM_TEXT = "the victim's own content: must never change\n"

PLAYBOOK = r"""
- name: Files written by m2m_key_pair and credential_fleet_check
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    netsuite_ops.credentials.m2m_key_pair:
      account_id: "3000001"
      key_type: ec-p256
      vault:
        url: "{{ vault_url }}"
        token: "{{ vault_tokens['tba-writer'] }}"
  tasks:
%(tasks)s
    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ files_results }}"
        mode: "0600"
        content: "{{ {%(names)s} | to_json }}"
      check_mode: false
"""

KEY_PAIR_TASK = r"""
    - name: %(name)s
      netsuite_ops.credentials.m2m_key_pair:
        path: "%(path)s"
        certificate_file: "%(file)s"
      register: %(name)s
      ignore_errors: true
"""

FLEET_TASK = r"""
    - name: %(name)s
      netsuite_ops.credentials.credential_fleet_check:
        hosts: []
        report_path: "%(file)s"
      register: %(name)s
      ignore_errors: true
"""


class _Cases:
    """One execution path's work folder: the playbook in its own subfolder (the module path's
    working directory), relative paths given from bed.work (where ansible-playbook starts)."""

    def __init__(self, bed, execution):
        self.bed, self.execution = bed, execution
        self.relative = "files-%s" % execution
        self.root = os.path.join(bed.work, self.relative)
        shutil.rmtree(self.root, ignore_errors=True)  # a kept out folder holds the last run's plants
        self.play_dir = os.path.join(self.root, "playbook")
        os.makedirs(self.play_dir, exist_ok=True)
        self.elsewhere = os.path.join(self.root, "elsewhere")
        os.makedirs(self.elsewhere, exist_ok=True)
        self.tasks, self.names = [], []

    def folder(self, name):
        path = os.path.join(self.root, name)
        os.makedirs(path, exist_ok=True)
        return path

    def victim(self, name):
        path = os.path.join(self.elsewhere, name)
        with open(path, "w") as handle:
            handle.write(VICTIM_TEXT)
        os.chmod(path, 0o600)
        return path

    def vault_path(self, case):
        return "reliability/files/%s/%s" % (self.execution, case)

    def key_pair(self, case, file):
        self.bed.clear("secret", self.vault_path(case))
        self.bed.clear("secret", self.vault_path(case) + "/pending")
        self.tasks.append(KEY_PAIR_TASK % {"name": case, "path": self.vault_path(case), "file": file})
        self.names.append(case)

    def fleet(self, case, file):
        self.tasks.append(FLEET_TASK % {"name": case, "file": file})
        self.names.append(case)

    def run(self, label, timeout=600):
        results = os.path.join(self.root, "%s-results.json" % label)
        if os.path.exists(results):
            os.unlink(results)
        playbook = os.path.join(self.play_dir, "%s.yml" % label)
        with open(playbook, "w") as handle:
            handle.write(PLAYBOOK % {"tasks": "".join(self.tasks),
                                     "names": ", ".join("'%s': %s" % (name, name) for name in self.names)})
        self.tasks, self.names = [], []
        run = self.bed.playbook(playbook, "-e", "files_results=%s" % results, timeout=timeout,
                                env=self.bed.env(NETSUITE_OPS_CREDENTIALS_EXECUTION=self.execution),
                                label="files-%s-%s" % (self.execution, label))
        found = {}
        if os.path.exists(results):
            with open(results) as handle:
                found = json.load(handle)
        return run, found

    def pending_stored(self, case):
        version, _data = self.bed.stored("secret", self.vault_path(case) + "/pending")
        return version


def _untouched(path):
    info = os.lstat(path)
    with open(path) as handle:
        return stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600 and handle.read() == VICTIM_TEXT


def _leftovers(folder, keep):
    return sorted(name for name in os.listdir(folder) if name not in keep)


def _refused(result, rule):
    msg = str(result.get("msg", ""))
    return bool(result.get("failed")) and result.get("failure_code") == "input:invalid" and rule in msg


def _shown(result):
    return "failed=%s changed=%s code=%s msg=%r" % (
        result.get("failed"), result.get("changed"), result.get("failure_code"), str(result.get("msg", ""))[:160])


def _one_path(bed, report, execution):
    started = time.monotonic()
    cases = _Cases(bed, execution)

    def add(name, expected, observed, ok):
        report.add(PART, "%s (%s)" % (name, execution), expected, observed, ok, time.monotonic() - started)

    # 4 and 11: a relative certificate_file with a link planted at <target>.tmp.
    shared = cases.folder("shared")
    planted_victim = cases.victim("tmp-victim")
    os.symlink(planted_victim, os.path.join(shared, "cert.pem.tmp"))
    cases.key_pair("planted_tmp", "%s/shared/cert.pem" % cases.relative)
    # 5: a link to a regular file, a link to a FIFO, at certificate_file and at report_path.
    link_victim = cases.victim("link-victim")
    links = cases.folder("links")
    os.symlink(link_victim, os.path.join(links, "cert.pem"))
    cases.key_pair("link_to_file", os.path.join(links, "cert.pem"))
    os.symlink(link_victim, os.path.join(links, "report.json"))
    cases.fleet("report_link", os.path.join(links, "report.json"))
    # 10: a directory and a /proc path as certificate_file.
    directories = cases.folder("directories")
    os.makedirs(os.path.join(directories, "cert.pem"), exist_ok=True)
    cases.key_pair("directory", os.path.join(directories, "cert.pem"))
    cases.key_pair("proc", "/proc/self/cert.pem")
    run, found = cases.run("main", timeout=FIFO_TIMEOUT)
    add("the playbook ran", "results saved", "rc %d, results %s (%s)" % (run.rc, bool(found), run.log), bool(found))

    planted = found.get("planted_tmp", {})
    landed = os.path.join(bed.work, cases.relative, "shared", "cert.pem")
    add("4: certificate_file through a planted <target>.tmp link", "written; the link's target byte-identical, 0600",
        "%s; victim %s" % (_shown(planted), "untouched" if _untouched(planted_victim) else "CHANGED"),
        not planted.get("failed") and _untouched(planted_victim) and os.path.islink(os.path.join(shared, "cert.pem.tmp")))
    with open(landed) if os.path.isfile(landed) else open(os.devnull) as handle:
        written = handle.read()
    add("11: a relative certificate_file lands where ansible-playbook started",
        "%s/shared/cert.pem, a regular 0644 file with the certificate; nothing in the playbook's folder" % cases.relative,
        "result path %s; file %s; playbook folder %s" % (
            planted.get("certificate_file"), "present" if written else "missing", _leftovers(cases.play_dir, {"main.yml"})),
        os.path.realpath(str(planted.get("certificate_file"))) == os.path.realpath(landed) and written.startswith("-----BEGIN CERTIFICATE-----")
        and not os.path.islink(landed) and stat.S_IMODE(os.lstat(landed).st_mode) == 0o644
        and _leftovers(cases.play_dir, {"main.yml"}) == [] and _leftovers(shared, {"cert.pem", "cert.pem.tmp"}) == [])

    for case, rule in (("link_to_file", "is a symbolic link"), ("directory", "is a directory"), ("proc", "/proc")):
        _refused_before_vault(cases, add, found, case, rule)
    add("5: a certificate_file link left as it was", "the link in place, its target byte-identical, no temporary file",
        "victim %s; links/ holds %s" % ("untouched" if _untouched(link_victim) else "CHANGED", _leftovers(links, ())),
        _untouched(link_victim) and _leftovers(links, ()) == ["cert.pem", "report.json"]
        and all(os.path.islink(os.path.join(links, name)) for name in os.listdir(links)))
    add("10: nothing left beside a refused directory", "the directory alone, still empty",
        "%s; inside %s" % (_leftovers(directories, ()), os.listdir(os.path.join(directories, "cert.pem"))),
        _leftovers(directories, ()) == ["cert.pem"] and os.listdir(os.path.join(directories, "cert.pem")) == [])
    _report_refused(add, found, "report_link")
    _fifos(cases, add)


def _refused_before_vault(cases, add, found, case, rule):
    result, version = found.get(case, {}), cases.pending_stored(case)
    number = "10" if case in ("directory", "proc") else "5"
    add("%s: certificate_file %s refused before Vault" % (number, case.replace("_", " ")),
        "failed, input:invalid, '%s', not changed, nothing at the pending path" % rule,
        "%s; pending version %s" % (_shown(result), version),
        _refused(result, rule) and result.get("changed") is False and version is None)


def _report_refused(add, found, case):
    result = found.get(case, {})
    add("5: report_path %s refused" % case.replace("_", " "), "failed, input:invalid, 'is a symbolic link', before any check",
        _shown(result), _refused(result, "is a symbolic link") and "no account was checked" in str(result.get("msg")))


def _fifos(cases, add):
    """5: a FIFO, or a link to one, as certificate_file (it hung the task after the pending pair
    was stored) or report_path; a run of their own, bounded, so a hang shows as one."""
    fifos = cases.folder("fifo")
    pipe = os.path.join(cases.elsewhere, "pipe")
    os.mkfifo(os.path.join(fifos, "cert.pem"))
    os.mkfifo(pipe)
    os.symlink(pipe, os.path.join(fifos, "pipe.pem"))
    os.symlink(pipe, os.path.join(fifos, "report.json"))
    cases.key_pair("fifo", os.path.join(fifos, "cert.pem"))
    cases.key_pair("link_to_fifo", os.path.join(fifos, "pipe.pem"))
    cases.fleet("report_link_fifo", os.path.join(fifos, "report.json"))
    run, found = cases.run("fifo", timeout=FIFO_TIMEOUT)
    add("5: FIFOs refused without hanging", "the run finished within %d s" % FIFO_TIMEOUT,
        "rc %d in %.1f s" % (run.rc, run.seconds), run.rc != 124 and bool(found))
    _refused_before_vault(cases, add, found, "fifo", "is a FIFO")
    _refused_before_vault(cases, add, found, "link_to_fifo", "is a symbolic link")
    _report_refused(add, found, "report_link_fifo")
    add("5: FIFOs and links to them left as they were", "the FIFOs and links in place, no temporary file",
        str(_leftovers(fifos, ())),
        _leftovers(fifos, ()) == ["cert.pem", "pipe.pem", "report.json"] and stat.S_ISFIFO(os.lstat(pipe).st_mode)
        and stat.S_ISFIFO(os.lstat(os.path.join(fifos, "cert.pem")).st_mode)
        and os.path.islink(os.path.join(fifos, "pipe.pem")) and os.path.islink(os.path.join(fifos, "report.json")))


def run(bed, report):
    for execution in EXECUTION_PATHS:
        _one_path(bed, report, execution)
