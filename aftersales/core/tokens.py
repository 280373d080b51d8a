"""Unguessable tokens for links sent to customers (estimate approval, order status).

The secret goes in the link; only its SHA-256 is stored, so a copy of the database does not open
the links. Lookups compare hashes, so timing does not leak the secret.
"""

from __future__ import annotations

import hashlib
import secrets


def new_link_token() -> tuple[str, str]:
    """(secret for the link, hash to store)."""
    raw = secrets.token_urlsafe(24)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()
