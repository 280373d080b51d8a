"""Row locks taken once per transaction.

A service that locked a row (``SELECT … FOR UPDATE``) and hands the instance to another service of the
same transaction need not have it read and locked again: ``mark_locked`` notes on the instance the
transaction that holds its lock, ``holds_lock`` tells whether that is still the current one (never for a
row locked outside a transaction, whose lock ended with its statement, or in an earlier transaction).
"""

from __future__ import annotations

from django.db import models, transaction


def _current(using: str | None):
    connection = transaction.get_connection(using)
    return connection.atomic_blocks[0] if connection.in_atomic_block and connection.atomic_blocks else None


def mark_locked(instance: models.Model) -> models.Model:
    """Call right after reading ``instance`` with ``select_for_update``."""
    instance._locked_in = _current(instance._state.db)
    return instance


def holds_lock(instance) -> bool:
    """Whether ``instance`` was locked (``mark_locked``) in the transaction still running."""
    held = getattr(instance, "_locked_in", None)
    return held is not None and held is _current(instance._state.db)
