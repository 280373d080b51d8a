"""Keyset pages whose cursor is checked before it reaches the database (a forged cursor holding text
for an id, a number beyond a bigint or a NUL byte is bad input, never a database error)."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.core.api import decode_cursor, keyset_page
from aftersales.core.errors import ApplicationError

MAX_ID = 2**63 - 1


def _bad() -> ApplicationError:
    return ApplicationError("invalid", "Bad cursor.", {"cursor": ["This cursor is not valid."]}, status=422)


def checked_page(qs: QuerySet, *, limit: int, cursor: str | None, ordering: str = "-id") -> tuple[list, str | None]:
    if cursor:
        if len(cursor) > 200:
            raise _bad()
        key = decode_cursor(cursor).get("k")
        if ordering.lstrip("-") == "id":
            if not isinstance(key, int) or isinstance(key, bool) or not 0 < key <= MAX_ID:
                raise _bad()
        elif not isinstance(key, str) or "\x00" in key or len(key) > 100:
            raise _bad()
    return keyset_page(qs, limit=limit, cursor=cursor, ordering=ordering)
