"""Building import files in tests: .xlsx with openpyxl, CSV in UTF-8 (BOM) or GBK."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from aftersales.imports.models import ImportJob


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(rows: list[list], name: str = "customers.xlsx") -> SimpleUploadedFile:
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return SimpleUploadedFile(name, data)


CUSTOMER_HEADER = ["姓名", "手机", "身份证号", "生日", "客户类别", "地址"]


def make_job(point, user, *, status: str = "validated", kind: str = "customers", **extra) -> ImportJob:
    """A job row without running anything (for list/detail permission tests)."""
    from django.core.files.base import ContentFile

    fields = {"total_rows": 1, "processed_rows": 1, "valid_rows": 1, "validated_at": timezone.now(), **extra}
    job = ImportJob(kind=kind, original_name=f"{point.code}.csv", file_format="csv", service_point=point,
                    created_by=user, status=status, **fields)
    job.file.save(f"test-{point.code}.csv", ContentFile(csv_bytes([["姓名", "手机"], ["张三", "13812345678"]])),
                  save=False)
    job.save()
    return job
