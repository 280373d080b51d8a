"""Gap-free document numbers (work orders, appointments, …) per series, safe under concurrency."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import DocumentSequence


def next_number(series: str) -> int:
    """The next number of ``series`` (1, 2, …). Call inside the transaction that uses it: the row
    lock is held until commit, so two concurrent callers never get the same number, and a rolled-
    back transaction gives its number back."""
    with transaction.atomic():
        row = DocumentSequence.objects.select_for_update().filter(series=series).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = DocumentSequence.objects.create(series=series, value=0)
            except IntegrityError:  # created meanwhile by a concurrent caller
                row = DocumentSequence.objects.select_for_update().get(series=series)
        row.value += 1
        row.save(update_fields=["value"])
        return row.value
