"""The transaction of a command, which services compose.

A command (what one API call or form post does) is one transaction. Services call one another: the
reception opens lines, an approval moves the order and reserves stock, each of them a service that can
also be called on its own. ``command()`` is their ``transaction.atomic()``: the outermost one opens the
transaction (or, inside a transaction of someone else, a savepoint, as ``atomic`` does); those nested
in it join it without a savepoint of their own, because an error in any step fails the whole command
and is never caught by another step to carry on. That spares two round trips per nested service.

A step that does catch an error to carry on (an ``IntegrityError`` of a concurrent insert) keeps its
own ``transaction.atomic()`` savepoint, as before.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_running: ContextVar[bool] = ContextVar("aftersales_command_running", default=False)


@contextmanager
def command():
    if _running.get():
        with transaction.atomic(savepoint=False):
            yield
        return
    token = _running.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _running.reset(token)
