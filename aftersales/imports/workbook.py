"""The template file: one sheet with the headers in Chinese and English and one example row, and a
sheet that explains the columns."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .columns import CHOICE, DATE, PHONE, PHONES, UPPER, columns_for

_TYPE_HELP = {
    DATE: "yyyy-mm-dd",
    "int": "123",
    "decimal": "1234.50",
    "bool": "是 / 否, yes / no",
}


def template_bytes(kind: str) -> bytes:
    columns = columns_for(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "import"
    sheet.append([c.template_header for c in columns])
    example = []
    for column in columns:
        value = column.example
        if column.type == DATE and isinstance(value, str) and value:
            value = dt.date.fromisoformat(value)
        example.append(value if value != "" else None)
    sheet.append(example)
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index)
        head.font = bold
        if column.required:
            head.fill = required_fill
        sheet.column_dimensions[letter].width = max(14, len(column.template_header) + 4)
        if column.type in (PHONE, PHONES, UPPER):
            # Long digit strings stay text: Excel would turn an ID number into 1.10105E+17.
            for row in range(2, 1001):
                sheet.cell(row=row, column=index).number_format = "@"
        elif column.type == DATE:
            for row in range(2, 1001):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("help")
    help_sheet.append([_("Column"), _("Required"), _("Format or values")])
    for cell in help_sheet[1]:
        cell.font = bold
    for column in columns:
        if column.type == CHOICE:
            values = sorted(set(column.choices.values()))
            accepted = ", ".join(values) + "  (" + ", ".join(
                sorted({name for name in column.choices if not name.isascii()})) + ")"
        else:
            accepted = _TYPE_HELP.get(column.type, "")
        help_sheet.append([column.template_header, _("yes") if column.required else "", accepted])
    help_sheet.column_dimensions["A"].width = 32
    help_sheet.column_dimensions["C"].width = 80
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
