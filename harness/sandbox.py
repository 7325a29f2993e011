"""Confine the process that runs submitted code, with Linux Landlock.

Why Landlock: it is an unprivileged, per-process, irrevocable file-system allow-list
that the kernel enforces on the process and everything it starts, set up with three
system calls (reached here through ``ctypes``: no dependency, no setuid helper, no
container runtime). User namespaces (bubblewrap) would need a binary that is not
always installed and mount tricks per run; a separate uid needs root. Landlock is
in every kernel since 5.13 and this project's machines run ABI 7.

What a confined run may do:
- write, create and delete only inside its scratch folder (and write ``/dev/null``
  and GPU device nodes, ``/dev/nvidia*`` and ``/dev/dri``, for DRL students on CUDA);
- read everything except the signing key (and the files in the folders on the way
  to it), so a teacher cannot forge signatures; Landlock is an allow-list, so "all
  but the key" is granted as every sibling of each folder on the path to the key
  (folders may be listed everywhere: names are not secrets);
- not signal or ptrace processes outside its own sandbox (the supervisor included).

Where the kernel has no Landlock, ``confine`` reports why and the run goes on
unsandboxed; the supervisor says so once per command.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import os
import platform
from pathlib import Path

# Linux uapi/linux/landlock.h
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_SYS = {  # same numbers on every architecture (added after the syscall tables were unified)
    "create_ruleset": 444,
    "add_rule": 445,
    "restrict_self": 446,
}
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
MAKE_SYM, REFER, TRUNCATE, IOCTL_DEV = 1 << 12, 1 << 13, 1 << 14, 1 << 15
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
_PR_SET_NO_NEW_PRIVS = 38

#: File rights each ABI version knows (later versions add to earlier ones).
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
_READ = EXECUTE | READ_FILE | READ_DIR
#: On GPU device nodes: what a CUDA or DRM driver needs from an unprivileged process.
_DEVICE = READ_FILE | WRITE_FILE | IOCTL_DEV | READ_DIR
#: In the scratch folder: everything but device nodes and symbolic links.
_SCRATCH = ~(MAKE_CHAR | MAKE_BLOCK | MAKE_SYM)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI version, or 0 where there is none."""
    if platform.system() != "Linux":
        return 0
    libc = _libc()
    version = libc.syscall(_SYS["create_ruleset"], None, 0, _CREATE_RULESET_VERSION)
    return max(int(version), 0)


def unavailable_reason() -> str | None:
    """Why runs cannot be sandboxed here, or ``None`` if they can."""
    if platform.system() != "Linux":
        return f"Landlock is a Linux feature; this is {platform.system()}"
    if abi_version() < 1:
        return "this Linux kernel has no Landlock (5.13+ with CONFIG_SECURITY_LANDLOCK, enabled)"
    return None


def _fs_rights(abi: int) -> int:
    return _FS_BY_ABI[max(v for v in _FS_BY_ABI if v <= abi)]


def _allow(libc: ctypes.CDLL, ruleset: int, path: Path, rights: int, handled: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return  # vanished, or unreadable to us anyway
    try:
        if not path.is_dir():
            rights &= _FILE_ONLY
        attr = _PathBeneathAttr(rights & handled, fd)
        if attr.allowed_access and libc.syscall(
            _SYS["add_rule"], ruleset, _RULE_PATH_BENEATH, ctypes.byref(attr), 0
        ):
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_add_rule({path}): {os.strerror(err)}")
    finally:
        os.close(fd)


def _GPU_DEVICES() -> list[Path]:
    return sorted(Path("/dev").glob("nvidia*")) + [p for p in (Path("/dev/dri"),) if p.exists()]


def _readable_except(hidden: Path) -> list[Path]:
    """Paths whose union is everything readable except ``hidden`` and the folders above it."""
    granted: list[Path] = []
    chain = [hidden, *hidden.parents]
    for child, parent in itertools.pairwise(chain):
        try:
            siblings = list(parent.iterdir())
        except OSError:
            continue
        # A symbolic link is skipped, not followed: it may point back into the hidden chain
        # (pytest's ``pytest-current``, a ``latest`` link); its target, if elsewhere, is
        # granted through its own folder.
        granted += [p for p in siblings if p.name != child.name and not p.is_symlink()]
    return granted


def confine(scratch: Path, secret: Path) -> None:
    """Confine this process (and its future children) for good; raise ``OSError`` if impossible.

    ``scratch`` becomes the only writable place; ``secret`` (the signing key) and the
    folders leading to it become unreadable.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError(errno.ENOSYS, unavailable_reason() or "Landlock is unavailable")
    libc = _libc()
    handled = _fs_rights(abi)
    attr = _RulesetAttr(handled, 0, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 8  # older kernels know one field
    ruleset = libc.syscall(_SYS["create_ruleset"], ctypes.byref(attr), size, 0)
    if ruleset < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"landlock_create_ruleset: {os.strerror(err)}")
    try:
        # Listing folders reveals names, not contents: allowed everywhere, which also lets a
        # confined process confine a child of its own (it must list the folders above).
        _allow(libc, ruleset, Path("/"), READ_DIR, handled)
        for path in _readable_except(secret.resolve()):
            _allow(libc, ruleset, path, _READ, handled)
        _allow(libc, ruleset, Path("/dev/null"), READ_FILE | WRITE_FILE, handled)
        for device in _GPU_DEVICES():  # a DRL student on CUDA talks to these (untested here)
            _allow(libc, ruleset, device, _DEVICE, handled)
        _allow(libc, ruleset, scratch.resolve(), _SCRATCH, handled)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0):
            err = ctypes.get_errno()
            raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(err)}")
        if libc.syscall(_SYS["restrict_self"], ruleset, 0):
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_restrict_self: {os.strerror(err)}")
    finally:
        os.close(ruleset)
