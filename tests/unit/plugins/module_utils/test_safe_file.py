# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one file writer: what it refuses, what it never follows, and what it leaves behind."""
import contextlib
import os
import signal
import socket
import stat

import pytest

from ansible_collections.netsuite_ops.credentials.plugins.module_utils import _safe_file
from ansible_collections.netsuite_ops.credentials.plugins.module_utils._safe_file import (
    FileTargetError,
    check_target,
    read_regular,
    write_file,
)

SECRET_CONTENT = "-----BEGIN PRIVATE KEY-----\nnot-to-be-quoted-5f3a9c\n-----END PRIVATE KEY-----\n"


@contextlib.contextmanager
def no_hang(seconds=5):
    """Fail the test instead of hanging it (opening a FIFO for writing blocks forever)."""
    def expired(*_args):
        raise AssertionError("the writer blocked for %d s" % seconds)
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def victim(tmp_path):
    """A file an attacker would like overwritten, outside the target's directory."""
    path = tmp_path / "elsewhere" / "victim"
    path.parent.mkdir()
    path.write_text(SECRET_CONTENT)
    path.chmod(0o600)
    return path


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "shared"
    path.mkdir()
    return path


def refusal(option, path, **kwargs):
    with no_hang(), pytest.raises(FileTargetError) as caught:
        write_file(str(path), "new\n", option, **kwargs)
    return caught.value


def assert_untouched(victim):
    assert victim.read_text() == SECRET_CONTENT
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600


def test_writes_a_new_file_with_the_mode_and_leaves_nothing_else(folder):
    target = folder / "cert.pem"
    assert write_file(str(target), "pem\n", "certificate_file", mode=0o644) == str(target)
    assert target.read_text() == "pem\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(folder) == ["cert.pem"]


def test_replaces_a_regular_file_and_sets_the_mode_on_the_new_file(folder):
    target = folder / "cert.pem"
    target.write_text("old\n")
    target.chmod(0o600)
    old_inode = target.stat().st_ino
    write_file(str(target), b"new\n", "certificate_file", mode=0o640)
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != old_inode  # a new file, renamed over the old one


def test_a_symlink_at_the_target_is_refused_even_to_a_regular_file(folder, victim):
    target = folder / "cert.pem"
    target.symlink_to(victim)
    error = refusal("certificate_file", target)
    assert error.failure.reason == "certificate_file: %s is a symbolic link" % target
    assert error.failure.code == "input:invalid" and "certificate_file" in error.failure.hint
    assert_untouched(victim)
    assert target.is_symlink() and os.listdir(folder) == ["cert.pem"]


@pytest.mark.parametrize("name", ["cert.pem.tmp", ".cert.pem.tmp", ".tmp-cert.pem", "cert.pem~"])
def test_links_planted_at_plausible_temporary_names_are_never_followed(folder, victim, name):
    (folder / name).symlink_to(victim)
    target = folder / "cert.pem"
    write_file(str(target), "pem\n", "certificate_file")
    assert target.read_text() == "pem\n" and not target.is_symlink()
    assert_untouched(victim)
    assert (folder / name).is_symlink()


def test_a_link_at_the_exact_temporary_name_fails_the_write_without_following_it(folder, victim, monkeypatch):
    monkeypatch.setattr(_safe_file.secrets, "token_hex", lambda _n: "guessed")
    (folder / ".cert.pem.guessed.tmp").symlink_to(victim)
    error = refusal("certificate_file", folder / "cert.pem")
    assert error.failure.reason.startswith("certificate_file: %s could not be written (" % (folder / "cert.pem"))
    assert_untouched(victim)
    assert sorted(os.listdir(folder)) == [".cert.pem.guessed.tmp"]


def test_temporary_names_are_unpredictable(folder, monkeypatch):
    seen = []
    real_open = os.open

    def recording_open(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp"):
            seen.append((os.path.basename(path), flags))
        return real_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(_safe_file.os, "open", recording_open)
    for _round in range(2):
        write_file(str(folder / "cert.pem"), "pem\n", "certificate_file")
    assert len(seen) == 2 and seen[0][0] != seen[1][0]
    for _name, flags in seen:
        for flag in (os.O_CREAT, os.O_EXCL, os.O_NOFOLLOW, os.O_CLOEXEC):
            assert flags & flag


def test_a_link_planted_between_the_check_and_the_write_is_refused(folder, victim, monkeypatch):
    target = folder / "cert.pem"
    real_fsync = os.fsync

    def plant_then_fsync(handle):
        real_fsync(handle)
        if not target.is_symlink():
            target.symlink_to(victim)
    monkeypatch.setattr(_safe_file.os, "fsync", plant_then_fsync)
    error = refusal("certificate_file", target)
    assert error.failure.reason.endswith("is a symbolic link")
    assert_untouched(victim)
    assert os.listdir(folder) == ["cert.pem"]  # the link, and no temporary file


def test_a_link_planted_just_before_the_rename_is_replaced_not_followed(folder, victim, monkeypatch):
    target = folder / "cert.pem"
    real_replace = os.replace

    def plant_then_replace(source, destination, **kwargs):
        target.symlink_to(victim)
        real_replace(source, destination, **kwargs)
    monkeypatch.setattr(_safe_file.os, "replace", plant_then_replace)
    write_file(str(target), "pem\n", "certificate_file")
    assert not target.is_symlink() and target.read_text() == "pem\n"
    assert_untouched(victim)


def test_a_fifo_is_refused_without_being_opened(folder):
    target = folder / "cert.pem"
    os.mkfifo(target)
    error = refusal("certificate_file", target)
    assert error.failure.reason == "certificate_file: %s is a FIFO (named pipe)" % target
    with no_hang():
        assert read_regular(str(target)) is None
    assert stat.S_ISFIFO(os.lstat(target).st_mode) and os.listdir(folder) == ["cert.pem"]


def test_a_link_to_a_fifo_is_refused(folder):
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    (folder / "report.json").symlink_to(fifo)
    assert refusal("report_path", folder / "report.json").failure.reason.endswith("is a symbolic link")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_directory_is_refused_and_nothing_is_left_in_it(folder):
    target = folder / "certs"
    target.mkdir()
    assert refusal("certificate_file", target).failure.reason == "certificate_file: %s is a directory" % target
    assert os.listdir(folder) == ["certs"] and os.listdir(target) == []


def test_a_socket_is_refused(tmp_path):
    # Unix socket paths are short: bind in a short relative name.
    target = tmp_path / "s"
    with contextlib.closing(socket.socket(socket.AF_UNIX)) as server:
        old = os.getcwd()
        os.chdir(tmp_path)
        try:
            server.bind("s")
        finally:
            os.chdir(old)
        assert refusal("report_path", target).failure.reason.endswith("is a socket")


def test_a_device_is_refused():
    error = refusal("certificate_file", "/dev/null")
    assert error.failure.reason == "certificate_file: /dev/null is a character device"


@pytest.mark.parametrize("path", ["/proc/self/status", "/proc/new.pem", "/sys/kernel/new.pem"])
def test_kernel_interfaces_are_refused(path):
    if not os.path.isdir(os.path.dirname(path)):
        pytest.skip("no %s here" % os.path.dirname(path))
    reason = refusal("certificate_file", path).failure.reason
    assert reason.startswith("certificate_file: %s " % path)
    assert "/proc" in reason or "/sys" in reason


def test_a_missing_directory_is_named_and_not_made(tmp_path):
    target = tmp_path / "missing" / "cert.pem"
    error = refusal("certificate_file", target)
    assert error.failure.reason == "certificate_file: %s cannot be written: its directory does not exist" % target
    assert not (tmp_path / "missing").exists()


def test_a_relative_path_is_refused_here_callers_resolve_it_first():
    assert refusal("certificate_file", "cert.pem").failure.reason == "certificate_file: cert.pem is not an absolute path"


def test_a_failed_write_keeps_the_old_content_and_leaves_no_temporary_file(folder, monkeypatch):
    target = folder / "report.json"
    target.write_text("previous\n")

    def broken_fsync(_handle):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(_safe_file.os, "fsync", broken_fsync)
    error = refusal("report_path", target)
    assert error.failure.reason == "report_path: %s could not be written (No space left on device)" % target
    assert target.read_text() == "previous\n" and os.listdir(folder) == ["report.json"]


def test_errors_never_quote_the_content(folder):
    target = folder / "cert.pem"
    target.mkdir()
    with pytest.raises(FileTargetError) as caught:
        write_file(str(target), SECRET_CONTENT, "certificate_file")
    assert "not-to-be-quoted" not in str(caught.value) and "not-to-be-quoted" not in str(caught.value.failure)


def test_check_target_writes_nothing(folder):
    target = folder / "cert.pem"
    assert check_target(str(target), "certificate_file") == str(target)
    assert os.listdir(folder) == []


def test_read_regular_reads_files_and_nothing_else(folder, victim):
    (folder / "link").symlink_to(victim)
    assert read_regular(str(victim)) == SECRET_CONTENT.encode()
    assert read_regular(str(folder / "link")) is None
    assert read_regular(str(folder / "missing")) is None
    assert read_regular(str(victim), limit=4) is None
