"""Who is acting and under which request id, for audit rows written deep in services."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def get_request_id() -> str:
    rid = _request_id.get()
    if not rid:
        # Jobs and shell sessions get an id of their own on first use.
        rid = new_request_id()
        _request_id.set(rid)
    return rid


def set_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)
