from datetime import datetime

from ninja import Schema


class RowErrorOut(Schema):
    row: int
    field: str
    column: str
    reason: str


class ProgressOut(Schema):
    status: str
    processed: int
    total: int
    percent: int


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    file_format: str
    file_size: int
    service_point_id: int
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    validated_at: datetime | None
    commit_requested_at: datetime | None
    finished_at: datetime | None
    total_rows: int
    valid_rows: int
    error_count: int
    created_count: int
    unknown_headers: list[str]
    message: str
    progress: ProgressOut

    @staticmethod
    def resolve_file_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_progress(obj) -> dict:
        from .selectors import import_job_progress

        return import_job_progress(job=obj)


class ImportJobDetailOut(ImportJobOut):
    errors: list[RowErrorOut]
    created_ids: list[int]
