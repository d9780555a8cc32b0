"""Hash-chain primitives for the audit log. Pure Python, no Django.

Each event is sealed over the previous event's hash and its own fields. Keyed algorithms (``hmac-sm3``,
``hmac-sha256``) use a key kept outside the database (AUDIT_KEY / AUDIT_KEY_FILE, docs/operations.md), so
someone who can write to the database cannot re-seal an edited chain. SM3 (GB/T 32905) is the hash a
Chinese government system is expected to use; OpenSSL exposes it through hashlib on most builds, else
SHA-256. Events sealed before keying (``sm3``, ``sha256``) stay verifiable; after the first keyed event
an unkeyed one is a downgrade and is reported.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64
KEYED = ("hmac-sm3", "hmac-sha256")
UNKEYED = ("sm3", "sha256")


class UnknownAlgorithm(ValueError):
    pass


def preferred_algorithm(keyed: bool = True) -> str:
    base = "sm3" if "sm3" in hashlib.algorithms_available else "sha256"
    return f"hmac-{base}" if keyed else base


def canonical(fields: dict[str, Any]) -> bytes:
    """One byte string per event, independent of dict order and of the database backend."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def seal(algorithm: str, prev_hash: str, fields: dict[str, Any], key: bytes = b"") -> str:
    message = prev_hash.encode() + b"|" + canonical(fields)
    if algorithm in KEYED:
        base = algorithm.removeprefix("hmac-")
        if base not in hashlib.algorithms_available:
            raise UnknownAlgorithm(algorithm)
        return hmac.new(key, message, lambda: hashlib.new(base)).hexdigest()
    if algorithm in UNKEYED and algorithm in hashlib.algorithms_available:
        return hashlib.new(algorithm, message).hexdigest()
    raise UnknownAlgorithm(algorithm)
