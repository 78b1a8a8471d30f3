# -*- coding: utf-8 -*-
# Copyright (c) 2026 netsuite_ops.credentials contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY. Private module_utils: may change in any release.
"""The one writer of every file the collection writes (certificate files, reports, JUnit XML).

The target must be a regular file or absent: a symbolic link (to anything), a directory, a FIFO,
a device or a socket is refused by name, from ``lstat``, before anything is opened or written.
The new content goes to a temporary file with an unpredictable name, created with
O_CREAT | O_EXCL | O_NOFOLLOW in the target's directory (a planted ``<target>.tmp`` or any
other link is never followed), is synced, gets its mode on the descriptor (never chmod on a
path), and is renamed over the target (rename replaces a link that appeared meanwhile, it never
writes through it). Any failure removes the temporary file; the old target stays as it was.

``check_target`` is the same refusal without writing: callers run it before Vault is written,
so a bad path fails with nothing stored. Paths given here are absolute: each caller resolves a
relative one by its documented rule first. Standard library only.
"""

import errno
import os
import secrets
import stat

from ansible_collections.netsuite_ops.credentials.plugins.module_utils._failure import Failure

_NOT_REGULAR = (
    (stat.S_ISLNK, "is a symbolic link"),
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a FIFO (named pipe)"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
    (stat.S_ISSOCK, "is a socket"),
)

_HINT = ("Point %s at a regular file (or a new one) in an existing, writable directory; "
         "links, directories, FIFOs and devices are never written to.")

# Pseudo file systems that hold kernel interfaces, never files a user should get (a
# /proc/self/... name may even look like a regular file to lstat).
_PSEUDO_ROOTS = ("/proc", "/sys")


_WRITE_HINT = ("The file system refused the write (see the reason: no space left, read-only, "
               "quota...); free it or point %s elsewhere and run again.")


class FileTargetError(Exception):
    """A file that was refused (input:invalid) or could not be written (file:write_failed: a full
    or read-only file system is no fault of the input): ``failure`` names the option and the
    rule and never quotes the file's content."""

    def __init__(self, option, path, rule, code="input:invalid"):
        hint = (_WRITE_HINT if code == "file:write_failed" else _HINT) % option
        self.failure = Failure(code, "%s: %s %s" % (option, path, rule), hint)
        super(FileTargetError, self).__init__(self.failure.reason)


def _refuse_kind(info, option, path):
    """Refuse what lstat says is not a regular file."""
    for test, rule in _NOT_REGULAR:
        if test(info.st_mode):
            raise FileTargetError(option, path, rule)
    if not stat.S_ISREG(info.st_mode):
        raise FileTargetError(option, path, "is not a regular file")


def check_target(path, option):
    """Refuse ``path`` (absolute) unless it is a regular file or absent, in an existing,
    writable directory outside /proc and /sys. Opens and writes nothing."""
    if not os.path.isabs(path):
        raise FileTargetError(option, path, "is not an absolute path")
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        info = None  # the directory's turn, below
    except OSError as exc:
        raise FileTargetError(option, path, "cannot be examined (%s)" % _why(exc)) from None
    if info is not None:
        _refuse_kind(info, option, path)
    directory = os.path.dirname(path)
    try:
        parent = os.stat(directory)
    except OSError:
        raise FileTargetError(option, path, "cannot be written: its directory does not exist") from None
    if not stat.S_ISDIR(parent.st_mode):
        raise FileTargetError(option, path, "cannot be written: its directory is not a directory")
    real = os.path.realpath(directory)
    for root in _PSEUDO_ROOTS:
        if real == root or real.startswith(root + "/"):
            raise FileTargetError(option, path, "is under %s, which holds kernel interfaces, not files" % root)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise FileTargetError(option, path, "cannot be written: its directory is not writable")
    return path


def read_regular(path, limit=1 << 20):
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes, else None.
    Never opens a link, FIFO or device (O_NOFOLLOW | O_NONBLOCK, then fstat)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(handle, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(handle)


def write_file(path, content, option, mode=0o644):
    """Replace ``path`` (absolute) with ``content`` (str as UTF-8, or bytes) at once, with
    ``mode``; FileTargetError when refused or when the write fails. Returns ``path``.

    Every step after the check works relative to the directory, opened once: a directory (or a
    parent of it) swapped for a link meanwhile cannot move the write elsewhere."""
    check_target(path, option)
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    directory, name = os.path.split(path)
    temporary = ".%s.%s.tmp" % (name[:64], secrets.token_hex(12))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        directory_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise FileTargetError(option, path, "cannot be written: its directory cannot be opened (%s)"
                              % _why(exc)) from None
    created = False
    try:
        handle = os.open(temporary, flags, 0o600, dir_fd=directory_fd)
        created = True
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            os.fchmod(handle, mode)
            os.fsync(handle)
        finally:
            os.close(handle)
        # A link or directory put at the target since the check: refuse it by name (rename
        # would replace a link, not follow it, but the user asked for a file there).
        try:
            _refuse_kind(os.lstat(name, dir_fd=directory_fd), option, path)
        except FileNotFoundError:
            pass
        os.replace(temporary, name, src_dir_fd=directory_fd, dst_dir_fd=directory_fd)
        created = False
        _sync(directory_fd)
    except FileTargetError:
        raise
    except OSError as exc:
        raise FileTargetError(option, path, "could not be written (%s)" % _why(exc), code="file:write_failed") from None
    finally:
        if created:
            try:
                os.unlink(temporary, dir_fd=directory_fd)
            except OSError:
                pass
        os.close(directory_fd)
    return path


def _sync(directory_fd):
    """Make the rename durable; file systems that cannot sync a directory are left as they are."""
    try:
        os.fsync(directory_fd)
    except OSError:
        pass


def _why(exc):
    """The system's words for an OSError, without the file names it may carry."""
    return exc.strerror or errno.errorcode.get(exc.errno or 0) or type(exc).__name__
