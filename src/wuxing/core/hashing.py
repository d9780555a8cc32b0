"""Hash-chain primitives for the audit log. Pure Python, no Django.

SM3 (GB/T 32905) is the hash a Chinese government system is expected to use; OpenSSL exposes it
through hashlib on most builds. Where it is missing we fall back to SHA-256 and record which
algorithm sealed each event, so a chain stays verifiable across hosts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def preferred_algorithm() -> str:
    return "sm3" if "sm3" in hashlib.algorithms_available else "sha256"


def digest(algorithm: str, payload: bytes) -> str:
    return hashlib.new(algorithm, payload).hexdigest()


def canonical(fields: dict[str, Any]) -> bytes:
    """One byte string per event, independent of dict order and of the database backend."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def seal(algorithm: str, prev_hash: str, fields: dict[str, Any]) -> str:
    return digest(algorithm, prev_hash.encode() + b"|" + canonical(fields))
