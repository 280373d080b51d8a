"""Writes of import jobs: upload, dry run, all-or-nothing commit.

The dry run and the commit run the same loop: every row goes through the real create service inside
one transaction, each row in a savepoint of its own so one bad row does not spoil the next. The dry
run always rolls back, so it reports exactly what the commit would do; the commit keeps the
transaction only when no row failed.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.accounts.access import scope_for
from aftersales.accounts.models import ServicePoint
from aftersales.core.audit import record_change
from aftersales.core.errors import ApplicationError, ConflictError, NotFoundError, validation_error
from aftersales.core.models import AuditAction

from . import states
from .choices import ImportKind, ImportStatus
from .models import ImportJob
from .parsing import MAX_FILE_BYTES, ParseError, count_rows, detect_format, max_rows, open_table
from .progress import ProgressReporter, progress_write
from .rows import RowError, RowProcessor

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
TARGET_PERMISSION = {ImportKind.CUSTOMERS: "customers.add_customer", ImportKind.ASSETS: "assets.add_asset"}


def _job_snapshot(job: ImportJob) -> dict:
    """The job's fields for the change log (core ``snapshot`` cannot serialise the file field)."""
    return {
        "kind": job.kind, "file": job.file.name, "original_name": job.original_name, "file_format": job.file_format,
        "file_size": job.file_size, "status": job.status, "service_point_id": job.service_point_id,
        "created_by_id": job.created_by_id, "committed_by_id": job.committed_by_id,
        "total_rows": job.total_rows, "error_count": job.error_count,
        "commit_requested_at": job.commit_requested_at.isoformat() if job.commit_requested_at else None,
    }


def _file_error(message: str, field_name: str = "file") -> ApplicationError:
    return validation_error(_("The file cannot be imported."), {field_name: [message]})


def import_job_create(*, user, uploaded_file, kind: str, service_point_id: int | None) -> ImportJob:
    """Store the file and check its header row now (a bad file is refused at once); the dry run
    follows as a background job."""
    fields: dict[str, list[str]] = {}
    if kind not in ImportKind.values:
        fields["kind"] = [_("Choose customers or assets.")]
    point = ServicePoint.objects.filter(pk=service_point_id, is_active=True).first() if service_point_id else None
    if point is None or not scope_for(user, "imports.add_importjob").covers(point.pk):
        fields["service_point_id"] = [_("Unknown service point.")]
    elif kind in TARGET_PERMISSION and not scope_for(user, TARGET_PERMISSION[kind]).covers(point.pk):
        fields["service_point_id"] = [_("You may not add these records at this service point.")]
    if uploaded_file is None:
        fields["file"] = [_("Choose a file.")]
    if fields:
        raise validation_error(_("Some fields are not valid."), fields)

    name = os.path.basename(str(uploaded_file.name or "")).replace("\x00", "")[:255] or "upload"
    if uploaded_file.size is not None and uploaded_file.size > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than 20 MB; split it into several files."))
    data = uploaded_file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than 20 MB; split it into several files."))
    if not data:
        raise _file_error(_("The file is empty."))
    try:
        file_format = detect_format(name, data[:8192])
        table = open_table(data, file_format, kind)
        if table.row_hint is not None and table.row_hint - table.header_row > max_rows():
            raise ParseError(_("The file has more than %(limit)s rows; split it into several files.")
                             % {"limit": f"{max_rows():,}"})
        if next(table.rows(), None) is None:
            raise ParseError(_("The file has a header row but no data rows."))
        total = count_rows(data, file_format, kind) if file_format == "csv" else 0
    except ParseError as exc:
        raise _file_error(exc.message, exc.field) from exc

    with transaction.atomic():
        job = ImportJob(
            kind=kind, original_name=name, file_format=file_format, file_size=len(data), service_point=point,
            created_by=user, headers=list(table.headers.values()), unknown_headers=table.unknown_headers,
            total_rows=total,
        )
        job.file.save(f"{uuid.uuid4().hex}.{file_format}", ContentFile(data), save=False)
        job.save()
        record_change(actor=user, instance=job, action=AuditAction.CREATE, before=None, after=_job_snapshot(job))
        transaction.on_commit(lambda: _enqueue("validate_import_job", job.pk))
    return job


def _enqueue(task_name: str, *args) -> None:
    from . import tasks

    getattr(tasks, task_name).delay(*args)


def import_job_transition(*, job_id: int, to: str, actor=None, note: str = "", **changes) -> ImportJob:
    """The only way a job's status changes: locks the row, checks the table, writes an event row."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise NotFoundError()
        if not states.allowed(job.status, to):
            raise ConflictError("invalid_transition",
                                _("This import is %(status)s and cannot move on to that step.")
                                % {"status": job.get_status_display()}, {"status": [job.status]})
        before = job.status
        job.status = to
        for name, value in changes.items():
            setattr(job, name, value)
        job.save()
        record_change(actor=actor, instance=job, action=AuditAction.UPDATE, before={"status": before},
                      after={"status": to}, note=note)
    return job


@dataclass
class RunResult:
    total: int = 0
    processed: int = 0
    valid: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)

    def add_errors(self, entries: list[dict]) -> None:
        self.error_count += len(entries)
        room = MAX_STORED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(entries[:room])


def _read_file(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def _run_rows(job: ImportJob, *, user, commit: bool, status: str) -> RunResult:
    """Every row through the create service in one transaction (a savepoint per row); rolled back
    unless ``commit`` and no row failed."""
    data = _read_file(job)
    result = RunResult(total=count_rows(data, job.file_format, job.kind))
    table = open_table(data, job.file_format, job.kind)
    processor = RowProcessor(user=user, kind=job.kind, table=table, default_point_id=job.service_point_id)
    reporter = ProgressReporter(job_id=job.pk, status=status, total=result.total)
    with transaction.atomic():
        for row in table.rows():
            duplicates = processor.duplicates(row)
            errors = list(row.errors) + duplicates
            built = None
            try:
                built = processor.build(row)
            except RowError as exc:
                errors.append(processor.error(row.number, exc.key, exc.reason))
            # Cells that could not be read are left out and the service still checks the rest, so the
            # report names every bad field of the row; a row repeating an earlier one is not sent twice.
            if built is not None and not duplicates:
                try:
                    with transaction.atomic():
                        created = processor.create(built)
                        if errors:
                            transaction.set_rollback(True)
                except ApplicationError as exc:
                    errors.extend(e for e in processor.service_errors(row, built, exc)
                                  if (e["field"], e["row"]) not in {(r["field"], r["row"]) for r in errors})
                except DatabaseError as exc:
                    errors.extend(processor.database_error(row, exc))
                else:
                    if not errors:
                        result.valid += 1
                        if commit:
                            result.created_ids.append(created.pk)
            result.add_errors(errors)
            result.processed += 1
            reporter.advance()
        if commit and result.error_count == 0:
            record_change(actor=user, instance=job, action=AuditAction.IMPORT, before=None,
                          after={"kind": job.kind, "rows": result.processed, "created": len(result.created_ids)},
                          note=_("Imported %(n)s records from %(file)s")
                          % {"n": len(result.created_ids), "file": job.original_name})
        else:
            transaction.set_rollback(True)
    return result


def _fail(job_id: int, message: str, *, actor=None, **changes) -> ImportJob:
    job = import_job_transition(job_id=job_id, to=ImportStatus.FAILED, actor=actor, note=message[:500],
                                message=message[:500], finished_at=timezone.now(), **changes)
    progress_write(job_id=job.pk, status=job.status, processed=job.processed_rows, total=job.total_rows)
    return job


def _unexpected(job: ImportJob, actor) -> ImportJob:
    logger.exception("import job %s stopped by an unexpected error", job.pk)
    return _fail(job.pk, _("An unexpected error stopped this import; nothing was written. "
                           "The details are in the server log."), actor=actor)


def import_job_validate(*, job_id: int) -> ImportJob:
    """The dry run: reports every bad row and field, writes nothing."""
    job = import_job_transition(job_id=job_id, to=ImportStatus.VALIDATING)
    user = job.created_by
    if user is None or not user.is_active:
        return _fail(job.pk, _("The user who uploaded this file no longer exists."))
    try:
        result = _run_rows(job, user=user, commit=False, status=ImportStatus.VALIDATING)
    except ParseError as exc:
        return _fail(job.pk, exc.message)
    except Exception:  # noqa: BLE001 - a background job must end in a status the user can see
        return _unexpected(job, None)
    job = import_job_transition(
        job_id=job.pk, to=ImportStatus.VALIDATED, total_rows=result.total, processed_rows=result.processed,
        valid_rows=result.valid, error_count=result.error_count, errors=result.errors, validated_at=timezone.now(),
    )
    progress_write(job_id=job.pk, status=job.status, processed=result.processed, total=result.total)
    return job


def _check_committable(job: ImportJob) -> None:
    if job.status != ImportStatus.VALIDATED:
        raise ConflictError("not_ready", _("Only a checked import can be committed."), {"status": [job.status]})
    if job.error_count or not job.valid_rows:
        raise validation_error(_("Correct the file and upload it again: the check found errors."),
                               {"errors": [_("%(n)s errors") % {"n": job.error_count}]})


def _job_for_update(user, job_id: int) -> ImportJob:
    job = ImportJob.objects.restrict(user, "add").select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFoundError()
    return job


def import_job_commit_request(*, user, job_id: int) -> ImportJob:
    """Queue the commit of a checked job (the UI and API call this; a worker does the work)."""
    with transaction.atomic():
        job = _job_for_update(user, job_id)
        _check_committable(job)
        if job.commit_requested_at is not None:
            raise ConflictError("already_requested", _("The import of this file has already been started."),
                                {"status": [job.status]})
        before = _job_snapshot(job)
        job.commit_requested_at = timezone.now()
        job.committed_by = user
        job.save(update_fields=["commit_requested_at", "committed_by", "updated_at"])
        record_change(actor=user, instance=job, action=AuditAction.UPDATE, before=before, after=_job_snapshot(job),
                      note=_("import requested"))
        transaction.on_commit(lambda: _enqueue("commit_import_job", job.pk, user.pk))
    return job


def import_job_commit(*, user, job_id: int) -> ImportJob:
    """All or nothing: every row is created in one transaction, or none when any row fails."""
    with transaction.atomic():
        _check_committable(_job_for_update(user, job_id))
        job = import_job_transition(job_id=job_id, to=ImportStatus.IMPORTING, actor=user, committed_by=user,
                                    processed_rows=0)
    try:
        result = _run_rows(job, user=user, commit=True, status=ImportStatus.IMPORTING)
    except ParseError as exc:
        return _fail(job.pk, exc.message, actor=user)
    except Exception:  # noqa: BLE001 - a background job must end in a status the user can see
        return _unexpected(job, user)
    if result.error_count:
        failed = result.processed - result.valid
        return _fail(job.pk, ngettext("%(n)s row failed; nothing was imported.",
                                      "%(n)s rows failed; nothing was imported.", failed) % {"n": failed},
                     actor=user, processed_rows=result.processed, valid_rows=result.valid,
                     error_count=result.error_count, errors=result.errors)
    job = import_job_transition(
        job_id=job.pk, to=ImportStatus.DONE, actor=user, processed_rows=result.processed,
        created_count=len(result.created_ids), created_ids=result.created_ids, finished_at=timezone.now(),
    )
    progress_write(job_id=job.pk, status=job.status, processed=result.processed, total=result.total)
    return job


def import_job_commit_abandon(*, job_id: int, message: str) -> None:
    """A queued commit that could not start (the job changed meanwhile): let the user try again."""
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.VALIDATED).update(
        commit_requested_at=None, message=message[:500], updated_at=timezone.now())
