"""Reads of import jobs: always through ``restrict``."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.core.errors import NotFoundError

from .choices import ImportKind, ImportStatus
from .models import ImportJob
from .progress import progress_read


def import_job_list(*, user, kind: str = "", status: str = "") -> QuerySet[ImportJob]:
    qs = ImportJob.objects.restrict(user, "view").select_related("service_point", "created_by")
    if kind in ImportKind.values:
        qs = qs.filter(kind=kind)
    if status in ImportStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def import_job_get(*, user, pk: int, action: str = "view") -> ImportJob:
    job = ImportJob.objects.restrict(user, action).select_related("service_point", "created_by", "committed_by") \
        .filter(pk=pk).first()
    if job is None:
        raise NotFoundError()
    return job


def import_job_progress(*, job: ImportJob) -> dict:
    """{status, processed, total, percent}: from the cache while a worker runs the job (its numbers are
    only written to the row at the end), from the row otherwise."""
    processed, total = job.processed_rows, job.total_rows
    if job.is_running:
        live = progress_read(job.pk)
        if live and live.get("status") == job.status:
            processed, total = int(live.get("processed", 0)), int(live.get("total", 0))
    percent = 100 if job.status == ImportStatus.DONE else (int(processed * 100 / total) if total else 0)
    return {"status": job.status, "processed": processed, "total": total, "percent": min(percent, 100)}


def import_job_created_objects(*, user, job: ImportJob, limit: int = 20) -> list:
    """The first records this job created that the user may see (links on the result page)."""
    ids = list(job.created_ids[:limit])
    if not ids:
        return []
    if job.kind == ImportKind.CUSTOMERS:
        from aftersales.customers.models import Customer as model
    else:
        from aftersales.assets.models import Asset as model
    rows = {obj.pk: obj for obj in model.objects.restrict(user, "view").filter(pk__in=ids)}
    return [rows[i] for i in ids if i in rows]


def import_points_for_choice(*, user):
    """Active service points where the user may upload an import."""
    from aftersales.accounts.access import scope_for
    from aftersales.accounts.models import ServicePoint

    scope = scope_for(user, "imports.add_importjob")
    qs = ServicePoint.objects.filter(is_active=True).order_by("path")
    return qs if scope.everything else qs.filter(pk__in=scope.point_ids)


def import_job_may_commit(*, user, job: ImportJob) -> bool:
    return job.can_commit and ImportJob.objects.restrict(user, "add").filter(pk=job.pk).exists()
