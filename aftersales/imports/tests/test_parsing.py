"""Reading files: formats, encodings, Chinese and English headers, dates, limits. No database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from aftersales.imports.columns import ASSET_COLUMNS, CUSTOMER_COLUMNS, normalise
from aftersales.imports.parsing import (
    ParseError,
    count_rows,
    decode_csv,
    detect_format,
    open_table,
    parse_date,
)
from aftersales.imports.workbook import template_bytes

from .helpers import csv_bytes, xlsx_bytes


def rows_of(data, fmt="xlsx", kind="customers"):
    table = open_table(data, fmt, kind)
    return table, list(table.rows())


def test_xlsx_with_chinese_headers_and_date_cells():
    data = xlsx_bytes([
        ["姓名", "手机", "身份证号", "生日", "同意营销", "信用额度", "性别"],
        ["张三", 13812345678, "11010519491231002x", dt.datetime(1988, 6, 15), "是", "1,200.50", "男"],
    ])
    table, rows = rows_of(data)
    assert table.headers == {"name": "姓名", "phone": "手机", "id_number": "身份证号", "birthday": "生日",
                             "marketing_consent": "同意营销", "credit_limit": "信用额度", "gender": "性别"}
    assert rows[0].number == 2
    assert rows[0].errors == []
    assert rows[0].values == {"name": "张三", "phone": "13812345678", "id_number": "11010519491231002X",
                              "birthday": dt.date(1988, 6, 15), "marketing_consent": True,
                              "credit_limit": Decimal("1200.50"), "gender": "M"}


def test_english_headers_any_case_and_spacing():
    data = csv_bytes([["Name", "PHONE", "id_number", "Payment Terms"], ["Li Si", "021-50001234", "", "30"]])
    table, rows = rows_of(data, "csv")
    assert set(table.headers) == {"name", "phone", "id_number", "payment_term_days"}
    assert rows[0].values == {"name": "Li Si", "phone": "021-50001234", "payment_term_days": 30}


def test_csv_utf8_with_bom():
    data = csv_bytes([["姓名", "手机"], ["王五", "13900001111"]], "utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    table, rows = rows_of(data, "csv")
    assert table.headers["name"] == "姓名"  # the BOM is not part of the first header
    assert rows[0].values["name"] == "王五"


def test_csv_utf8_without_bom():
    _table, rows = rows_of(csv_bytes([["姓名"], ["赵六"]], "utf-8"), "csv")
    assert rows[0].values == {"name": "赵六"}


def test_csv_gbk_is_detected():
    data = csv_bytes([["姓名", "车牌号"], ["钱七", "沪A12345"]], "gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    _table, rows = rows_of(data, "csv")
    assert rows[0].values == {"name": "钱七"}  # 车牌号 is an asset column: unknown for customers


def test_unknown_headers_are_reported():
    table, _rows = rows_of(csv_bytes([["姓名", "车牌号", "爱好"], ["钱七", "沪A12345", "钓鱼"]]), "csv")
    assert table.unknown_headers == ["车牌号", "爱好"]


def test_asset_headers_in_chinese():
    data = xlsx_bytes([["车架号", "车牌", "品牌", "车型", "客户手机", "序列号", "销售日期"],
                       ["lsvau033512345678", "沪a 12345", "大众", "朗逸", "13812345678", "", "2021/5/20"]])
    table, rows = rows_of(data, kind="assets")
    assert set(table.headers) == {"vin", "plate", "brand", "model", "owner_phone", "serial_number", "sale_date"}
    assert rows[0].values == {"vin": "LSVAU033512345678", "plate": "沪A12345", "brand": "大众", "model": "朗逸",
                              "owner_phone": "13812345678", "sale_date": dt.date(2021, 5, 20)}


def test_template_headers_in_both_languages_map_back():
    for kind, columns in (("customers", CUSTOMER_COLUMNS), ("assets", ASSET_COLUMNS)):
        table, rows = rows_of(template_bytes(kind), kind=kind)
        assert set(table.headers) == {c.key for c in columns}
        assert table.unknown_headers == []
        assert len(rows) == 1 and rows[0].errors == []


@pytest.mark.parametrize("text, expected", [
    ("2024-03-01", dt.date(2024, 3, 1)), ("2024/3/1", dt.date(2024, 3, 1)), ("2024.03.01", dt.date(2024, 3, 1)),
    ("2024年3月1日", dt.date(2024, 3, 1)), ("2024-03-01 00:00:00", dt.date(2024, 3, 1)),
    (dt.datetime(2024, 3, 1, 0, 0), dt.date(2024, 3, 1)), (45352, dt.date(2024, 3, 1)), ("", None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("01/03/2024", "Enter a date as yyyy-mm-dd."), ("2024-02-30", "This date does not exist."),
    ("tomorrow", "Enter a date as yyyy-mm-dd."),
])
def test_bad_dates(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_bad_cells_are_row_errors_naming_the_column():
    data = csv_bytes([["姓名", "生日", "客户类别", "账期天数"], ["张三", "15/06/1988", "卡车", "3.5"]])
    _table, rows = rows_of(data, "csv")
    assert [(e["row"], e["field"], e["column"]) for e in rows[0].errors] == [
        (2, "birthday", "生日"), (2, "segment", "客户类别"), (2, "payment_term_days", "账期天数")]
    assert rows[0].errors[0]["reason"] == "Enter a date as yyyy-mm-dd."
    assert rows[0].values == {"name": "张三"}


def test_empty_rows_are_skipped_and_row_numbers_kept():
    data = xlsx_bytes([[None], ["姓名", "手机"], ["张三", "13812345678"], [None, None], ["", "  "], ["李四", None]])
    table, rows = rows_of(data)
    assert table.header_row == 2
    assert [(r.number, r.values["name"]) for r in rows] == [(3, "张三"), (6, "李四")]
    assert count_rows(data, "xlsx", "customers") == 2


@override_settings(IMPORT_MAX_ROWS=3)
def test_row_limit_is_a_clear_error():
    data = csv_bytes([["姓名"], *[[f"客户{i}"] for i in range(4)]])
    with pytest.raises(ParseError, match="more than 3 rows"):
        count_rows(data, "csv", "customers")
    assert count_rows(csv_bytes([["姓名"], ["a"], ["b"], ["c"]]), "csv", "customers") == 3


def test_missing_required_column_is_refused():
    with pytest.raises(ParseError, match="Required columns are missing: 姓名 / name"):
        open_table(csv_bytes([["手机"], ["13812345678"]]), "csv", "customers")


def test_no_header_row_is_refused():
    with pytest.raises(ParseError, match="no header row"):
        open_table(csv_bytes([[""], [""]]), "csv", "customers")


def test_same_column_twice_is_refused():
    with pytest.raises(ParseError, match="both mean"):
        open_table(csv_bytes([["姓名", "name"], ["a", "b"]]), "csv", "customers")


@pytest.mark.parametrize("name, head, error", [
    ("a.xls", b"\xd0\xcf\x11\xe0", "Old .xls"), ("a.pdf", b"%PDF", "Upload an Excel"),
    ("a.xlsx", b"name,phone", "not a valid .xlsx"), ("a.csv", b"PK\x03\x04", "not a text CSV"),
])
def test_format_detection_refuses(name, head, error):
    with pytest.raises(ParseError, match=error):
        detect_format(name, head)


def test_broken_xlsx_is_a_parse_error():
    with pytest.raises(ParseError, match="not a valid .xlsx"):
        open_table(b"PK\x03\x04broken", "xlsx", "customers")


def test_neither_utf8_nor_gb18030_is_refused():
    with pytest.raises(ParseError, match="neither UTF-8"):
        decode_csv(b"\x81\x30\xff\xff")


@given(st.text(min_size=1, max_size=30).filter(lambda t: not t.startswith("\ufeff")))
def test_any_text_decodes_back_from_both_encodings(text):
    assert decode_csv(text.encode("utf-8")) == text
    try:
        encoded = text.encode("gb18030")
    except UnicodeEncodeError:
        return
    try:
        encoded.decode("utf-8")
    except UnicodeDecodeError:
        assert decode_csv(encoded) == text  # not UTF-8: read as GB18030


@given(st.sampled_from([c for c in CUSTOMER_COLUMNS]), st.sampled_from([str.upper, str.lower, lambda s: f" {s} *"]))
def test_header_spellings(column, spelling):
    table = open_table(csv_bytes([["姓名" if column.key != "name" else "name", spelling(column.en)]]
                                 if column.key != "name" else [[spelling(column.en)]]), "csv", "customers")
    assert column.key in table.headers
    assert normalise(column.en) in {normalise(h) for h in table.headers.values()}


def test_id_number_stored_as_an_excel_number_is_refused():
    data = xlsx_bytes([["姓名", "身份证号"], ["张三", 110105198806150016]])
    _table, rows = rows_of(data)
    assert [(e["field"], e["column"]) for e in rows[0].errors] == [("id_number", "身份证号")]
    assert "lost digits" in rows[0].errors[0]["reason"]


def test_xlsx_with_damaged_sheet_xml_is_a_parse_error():
    import io
    import zipfile

    good = xlsx_bytes([["姓名"], ["张三"]])
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(ParseError, match="not a valid .xlsx"):
        table = open_table(damaged.getvalue(), "xlsx", "customers")
        list(table.rows())
