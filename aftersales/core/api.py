"""Pieces every app's router uses: authentication, the error schema, pagination."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from ninja.security import APIKeyCookie, HttpBearer

from .errors import ApplicationError, PermissionDeniedError

T = TypeVar("T")


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from aftersales.accounts.tokens import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (with CSRF on unsafe methods), so HTMX pages can call the API."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [BearerTokenAuth(), SessionAuth()]


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def require(user, permission: str) -> None:
    """Model-level gate: the user must hold the permission at some service point."""
    from aftersales.accounts.access import has_permission

    if not has_permission(user, permission):
        raise PermissionDeniedError()


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict):
            raise ValueError
        return data
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApplicationError("invalid", "Bad cursor.", {"cursor": ["This cursor is not valid."]},
                               status=422) from exc


def keyset_page(qs: QuerySet, *, limit: int, cursor: str | None, ordering: str = "-id") -> tuple[list, str | None]:
    """One page of ``qs`` ordered by ``ordering`` (a unique field such as -id or id), no COUNT(*).

    For other orderings use ``offset_page``.
    """
    field = ordering.lstrip("-")
    desc = ordering.startswith("-")
    qs = qs.order_by(ordering)
    if cursor:
        last = decode_cursor(cursor).get("k")
        if not isinstance(last, int | str):
            raise ApplicationError("invalid", "Bad cursor.", {"cursor": ["This cursor is not valid."]}, status=422)
        qs = qs.filter(**{f"{field}__{'lt' if desc else 'gt'}": last})
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor({"k": getattr(rows[-1], field)}) if more and rows else None
    return rows, next_cursor


def offset_page(qs: QuerySet, *, limit: int, cursor: str | None) -> tuple[list, str | None]:
    """A page by offset (for user-chosen orderings on small result sets), still without COUNT(*)."""
    offset = 0
    if cursor:
        offset = decode_cursor(cursor).get("o", 0)
        if not isinstance(offset, int) or offset < 0:
            raise ApplicationError("invalid", "Bad cursor.", {"cursor": ["This cursor is not valid."]}, status=422)
    rows = list(qs[offset: offset + limit + 1])
    more = len(rows) > limit
    return rows[:limit], (encode_cursor({"o": offset + limit}) if more else None)
