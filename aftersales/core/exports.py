"""Excel export of any list: columns are (header, function of the row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

MAX_EXPORT_ROWS = 100_000  # one sheet a person can still open; larger needs a report job
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal | int | float | dt.date) or value is None:
        return value
    return str(value)


def workbook_bytes(rows: Iterable, columns: list[tuple[str, Callable]], *, title: str = "export") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append([str(header) for header, _ in columns])
    for i, row in enumerate(rows):
        if i >= MAX_EXPORT_ROWS:
            break
        ws.append([_cell(getter(row)) for _, getter in columns])
    for idx in range(1, len(columns) + 1):
        ws.column_dimensions[get_column_letter(idx)].width = 18
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def excel_response(rows: Iterable, columns: list[tuple[str, Callable]], *, filename: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(workbook_bytes(rows, columns, title=filename), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
