"""Gap-free document numbers (work orders, appointments, …) per series, safe under concurrency."""

from __future__ import annotations

from django.db import IntegrityError, router, transaction

from .models import DocumentSequence


def _increment(series: str) -> int | None:
    """Move the series on by one and return the new value (None when the series does not exist yet).
    One statement: the UPDATE locks the row until the caller's transaction ends."""
    connection = transaction.get_connection(router.db_for_write(DocumentSequence))
    table = connection.ops.quote_name(DocumentSequence._meta.db_table)
    value = connection.ops.quote_name("value")
    series_column = connection.ops.quote_name("series")
    sql = f"UPDATE {table} SET {value} = {value} + 1 WHERE {series_column} = %s RETURNING {value}"  # noqa: S608
    with connection.cursor() as cursor:  # (the names are our own model's, quoted; the series is a parameter)
        cursor.execute(sql, [series])
        row = cursor.fetchone()
    return row[0] if row is not None else None


def next_number(series: str) -> int:
    """The next number of ``series`` (1, 2, …). Call inside the transaction that uses it: the row
    lock is held until commit, so two concurrent callers never get the same number, and a rolled-
    back transaction gives its number back."""
    number = _increment(series)
    if number is not None:
        return number
    try:
        with transaction.atomic(using=router.db_for_write(DocumentSequence)):
            DocumentSequence.objects.create(series=series, value=1)
        return 1
    except IntegrityError:  # created meanwhile by a concurrent caller
        return _increment(series)
