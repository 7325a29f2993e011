"""Record signatures: an HMAC-SHA256 key the harness keeps outside every results folder.

A record's digest only catches accidents: anyone can recompute it after editing a
record. The signature is an HMAC of that digest under a secret key that lives in
the user's configuration folder (``~/.config/teachbench/signing.key``, mode 0600,
created on first use), never in a results folder, and that the sandboxed run
process cannot read. So a record that verifies was written by this harness,
on a machine holding this key, and has not been changed since.

HMAC rather than Ed25519: signing and checking happen on the same machine (a
record from elsewhere is shown as unverified and trusted only through
``teachbench verify``, which re-runs it), so a public key buys nothing, and
HMAC needs no dependency beyond the standard library.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

#: Overrides the key file (tests, CI, a shared lab key).
KEY_ENV = "TEACHBENCH_SIGNING_KEY"
ALGORITHM = "hmac-sha256"
KEY_BYTES = 32


class SigningKeyError(OSError):
    """The signing key cannot be created or read; the message says where and what to do."""


def key_path() -> Path:
    """Where this user's key lives: ``$TEACHBENCH_SIGNING_KEY``, else the XDG config folder."""
    override = os.environ.get(KEY_ENV)
    if override:
        return Path(override).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "teachbench" / "signing.key"


def ensure_key() -> Path:
    """Create the key (0600, in a 0700 folder) if there is none; return its path."""
    path = key_path()
    if path.exists():
        return path
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another command created it a moment ago
        return path
    except OSError as exc:
        raise SigningKeyError(
            f"cannot create the signing key {path} ({exc.strerror}); set {KEY_ENV} to a "
            "writable path outside the results folder"
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(KEY_BYTES).encode())
    return path


def _key(path: Path) -> bytes | None:
    """The key at ``path``, or ``None`` where there is none yet (nothing was signed here)."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        return None


@functools.cache
def _read_key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SigningKeyError(f"cannot read the signing key {path} ({exc.strerror})") from None
    if len(key) < KEY_BYTES:
        raise SigningKeyError(f"the signing key {path} is too short; delete it to make a new one")
    return key


def key_id(key: bytes) -> str:
    """A public name of a key, so a record says which key signed it without revealing it."""
    return hashlib.sha256(b"teachbench key id\0" + key).hexdigest()[:16]


def sign(digest: str) -> dict[str, str]:
    """The signature block of a record whose digest is ``digest`` (creates the key if needed)."""
    key = _key(ensure_key())
    if key is None:  # pragma: no cover - ensure_key just created it
        raise SigningKeyError(f"the signing key {key_path()} vanished")
    value = hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()
    return {"alg": ALGORITHM, "key_id": key_id(key), "value": value}


def check(digest: str, signature: dict[str, str] | None) -> str | None:
    """``None`` if this machine's key signed ``digest``; otherwise why the record is unverified."""
    if signature is None:
        return "unsigned"
    key = _key(key_path())
    if key is None or signature["key_id"] != key_id(key):
        return "signed with another key"
    expected = hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature["value"]):
        return "signature does not match (edited and re-sealed?)"
    return None
