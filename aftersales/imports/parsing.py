"""Reading import files: .xlsx (openpyxl, read-only) or .csv (UTF-8 with or without BOM, else GB18030).

``open_table`` reads the header row and maps it to columns; ``Table.rows()`` yields each non-empty row
as a ``ParsedRow``: values converted to Python types, with the cells that could not be read reported as
errors naming the column. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import FileFormat
from .columns import (
    BOOL,
    BOOLEAN_WORDS,
    CHOICE,
    DATE,
    DECIMAL,
    INT,
    PHONE,
    PHONES,
    UPPER,
    Column,
    columns_for,
    normalise,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


class ParseError(Exception):
    """The file as a whole cannot be imported (reported on the ``file`` field)."""

    def __init__(self, message: str, field_name: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field_name


@dataclass
class ParsedRow:
    number: int  # row number as the spreadsheet shows it (the header is row 1 when it comes first)
    values: dict[str, object]
    errors: list[dict] = field(default_factory=list)


def detect_format(name: str, head: bytes) -> str:
    """The format from the file name, confirmed by the first bytes (an .xlsx is a zip archive)."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not head.startswith(b"PK"):
            raise ParseError(_("This is not a valid .xlsx file."))
        return FileFormat.XLSX
    if lower.endswith(".csv") or lower.endswith(".txt"):
        if head.startswith(b"PK") or b"\x00" in head[:4096]:
            raise ParseError(_("This is not a text CSV file."))
        return FileFormat.CSV
    if lower.endswith(".xls"):
        raise ParseError(_("Old .xls files are not supported; save the sheet as .xlsx or .csv."))
    raise ParseError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, GB18030, which covers GBK and GB2312."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ParseError(_("The CSV file is neither UTF-8 nor GBK/GB18030 text.")) from exc


def _csv_rows(data: bytes) -> Iterator[list]:
    text = decode_csv(data)
    if "\x00" in text:
        raise ParseError(_("The file contains NUL characters."))
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from reader
    except csv.Error as exc:
        raise ParseError(_("The CSV file cannot be read: %(reason)s") % {"reason": exc}) from exc


# What openpyxl raises on a damaged or foreign file (XML parse errors are SyntaxErrors). Caught only
# around reading the file, so that a bad upload is a 422 and never a 500.
XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError, TypeError, SyntaxError,
               AttributeError, IndexError)


def _open_sheet(data: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *XLSX_ERRORS) as exc:
        raise ParseError(_("This is not a valid .xlsx file.")) from exc
    if not workbook.worksheets:
        raise ParseError(_("The workbook has no sheet."))
    return workbook.worksheets[0]


def _xlsx_rows(sheet) -> Iterator[tuple]:
    try:
        yield from sheet.iter_rows(min_row=1, values_only=True)
    except XLSX_ERRORS as exc:
        raise ParseError(_("This is not a valid .xlsx file.")) from exc


def _is_empty(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _header_candidates(text: str) -> list[str]:
    parts = [text, *re.split(r"[/|()（）\n]", text)]
    return [normalise(p) for p in parts if normalise(p)]


def map_headers(headers: list, kind: str) -> tuple[dict[int, Column], list[str]]:
    """Column index → Column, and the headers nobody knows. Missing required columns or a column
    given twice make the file unusable."""
    columns = columns_for(kind)
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            by_name.setdefault(name, column)
    mapping: dict[int, Column] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(headers):
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        column = next((by_name[c] for c in _header_candidates(text) if c in by_name), None)
        if column is None:
            unknown.append(text)
            continue
        if column.key in seen:
            raise ParseError(_('The columns "%(a)s" and "%(b)s" both mean %(what)s.')
                             % {"a": seen[column.key], "b": text, "what": column.en})
        seen[column.key] = text
        mapping[index] = column
    missing = [c.template_header for c in columns if c.required and c.key not in seen]
    if missing:
        raise ParseError(_("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)})
    return mapping, unknown


class Table:
    """An opened import file: the header row mapped to columns, then its data rows."""

    def __init__(self, data: bytes, file_format: str, kind: str) -> None:
        self.kind = kind
        self.row_hint: int | None = None  # rows in the sheet by its own dimension (xlsx), header included
        if file_format == FileFormat.XLSX:
            sheet = _open_sheet(data)
            self.row_hint = sheet.max_row
            source = _xlsx_rows(sheet)
        else:
            source = _csv_rows(data)
        self._iterator = enumerate(source, start=1)
        self.header_row = 0
        header = None
        for number, cells in self._iterator:
            if not _is_empty(cells):
                header, self.header_row = list(cells), number
                break
        if header is None:
            raise ParseError(_("The file has no header row."))
        self.mapping, self.unknown_headers = map_headers(header, kind)
        self.headers = {column.key: str(header[index]).strip() for index, column in self.mapping.items()}

    def column_label(self, key: str) -> str:
        """The header as written in the file, or the template's header for a column the file lacks."""
        if key in self.headers:
            return self.headers[key]
        column = next((c for c in columns_for(self.kind) if c.key == key), None)
        return column.template_header if column else ""

    def rows(self) -> Iterator[ParsedRow]:
        """Data rows (empty rows skipped); ParseError once there are more than ``max_rows()``."""
        limit = max_rows()
        count = 0
        for number, cells in self._iterator:
            if _is_empty(cells):
                continue
            count += 1
            if count > limit:
                raise ParseError(_("The file has more than %(limit)s rows; split it into several files.")
                                 % {"limit": f"{limit:,}"})
            yield self._convert(number, list(cells))

    def _convert(self, number: int, cells: list) -> ParsedRow:
        row = ParsedRow(number=number, values={})
        for index, column in self.mapping.items():
            raw = cells[index] if index < len(cells) else None
            try:
                value = convert(raw, column)
            except ValueError as exc:
                row.errors.append({"row": number, "field": column.key, "column": self.headers[column.key],
                                   "reason": str(exc)})
                continue
            if value not in (None, "", []):
                row.values[column.key] = value
        return row


def open_table(data: bytes, file_format: str, kind: str) -> Table:
    return Table(data, file_format, kind)


def count_rows(data: bytes, file_format: str, kind: str) -> int:
    """Data rows of the file (a first pass, for the progress bar); ParseError past the limit."""
    table = open_table(data, file_format, kind)
    limit = max_rows()
    count = 0
    for _number, cells in table._iterator:
        if not _is_empty(cells):
            count += 1
            if count > limit:
                raise ParseError(_("The file has more than %(limit)s rows; split it into several files.")
                                 % {"limit": f"{limit:,}"})
    return count


# --- cell values ---------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # 13812345678 typed into a number cell
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    return str(raw).strip()


def parse_date(raw) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell without a date format holds the Excel serial number.
        if 1 <= raw < 2958466:
            from openpyxl.utils.datetime import from_excel

            return from_excel(raw).date()
        raise ValueError(_("Enter a date as yyyy-mm-dd."))
    match = _DATE_TEXT.match(str(raw).strip())
    if not match:
        raise ValueError(_("Enter a date as yyyy-mm-dd."))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(_("This date does not exist.")) from exc


def convert(raw, column: Column):
    """One cell to the value a service expects; ValueError with the reason when it cannot be read."""
    if column.type == DATE:
        return parse_date(raw.strip() if isinstance(raw, str) else raw)
    if column.type == UPPER and isinstance(raw, int | float) and not isinstance(raw, bool) and abs(raw) >= 1e15:
        # An 18-digit ID number typed into a number cell: Excel kept only 15 significant digits.
        raise ValueError(_("Excel stored this as a number and lost digits; format the column as text and "
                           "type it again."))
    text = _text(raw)
    if "\x00" in text:
        raise ValueError(_("Contains a NUL character."))
    if not text:
        return None
    if column.type == INT:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(_("Enter a whole number.")) from exc
        if number != number.to_integral_value():
            raise ValueError(_("Enter a whole number."))
        return int(number)
    if column.type == DECIMAL:
        try:
            return Decimal(text.replace(",", "").replace("¥", "").replace("￥", ""))
        except InvalidOperation as exc:
            raise ValueError(_("Enter a number.")) from exc
    if column.type == BOOL:
        key = normalise(text)
        if key not in BOOLEAN_WORDS:
            raise ValueError(_("Enter 是/否 or yes/no."))
        return BOOLEAN_WORDS[key]
    if column.type == CHOICE:
        key = normalise(text)
        if key not in column.choices:
            allowed = sorted({v for v in column.choices.values()})
            raise ValueError(_("Unknown value “%(value)s”; use one of: %(allowed)s.")
                             % {"value": text, "allowed": ", ".join(allowed)})
        return column.choices[key]
    if column.type == PHONE:
        return text  # the customer service validates and normalises phone numbers
    if column.type == PHONES:
        return [p.strip() for p in re.split(r"[,，;；、/\n]+", text) if p.strip()]
    if column.type == UPPER:
        return re.sub(r"\s+", "", text).upper()
    return text
