"""Forging records the way an attacker would: edit the content, recompute the digest, no key.

Tests of untrusted input need records that pass the digest check but carry bad names or edited
scores. The digest is whatever ``harness.records`` seals over, so the forger uses its sealing
(without signing where the records module signs, since a forger has no key).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from teachbench.harness import records


def forged_bytes(doc: dict[str, Any]) -> bytes:
    """The bytes of ``doc`` sealed with a freshly computed digest, skipping name validation."""
    body = {k: v for k, v in doc.items() if k not in ("digest", "signature")}
    if hasattr(records, "_body_bytes"):  # byte-digest records (msgspec schema, signatures)
        import hashlib

        data = records._body_bytes(body)
        digest = hashlib.sha256(data).hexdigest()
        return data[:-1] + records._tail(digest, None) + b"\n"
    sealed = {**body, "schema_version": records.SCHEMA_VERSION}
    sealed["digest"] = records._digest(sealed)
    return json.dumps(sealed).encode()


def forge(path: Path, edit) -> None:
    """Rewrite the record at ``path`` with ``edit(doc)`` applied and its digest recomputed."""
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_bytes(forged_bytes(doc))
