"""Keyset pages whose cursor is checked before it reaches the database (a forged cursor holding text
for an id, a number beyond a bigint or a NUL byte is bad input, never a database error)."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.core.api import decode_cursor, keyset_page
from aftersales.core.errors import ApplicationError
from aftersales.core.inputs import is_row_id


def _bad() -> ApplicationError:
    return ApplicationError("invalid", "Bad cursor.", {"cursor": ["This cursor is not valid."]}, status=422)


def checked_page(qs: QuerySet, *, limit: int, cursor: str | None, ordering: str = "-id") -> tuple[list, str | None]:
    if cursor:
        if len(cursor) > 200:
            raise _bad()
        key = decode_cursor(cursor).get("k")
        if ordering.lstrip("-") == "id":
            if not is_row_id(key):
                raise _bad()
        elif not isinstance(key, str) or "\x00" in key or len(key) > 100:
            raise _bad()
    return keyset_page(qs, limit=limit, cursor=cursor, ordering=ordering)
