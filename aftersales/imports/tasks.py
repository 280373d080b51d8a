"""Background jobs of imports (Celery; eager in tests)."""

from __future__ import annotations

import logging
import uuid
from contextlib import contextmanager

from celery import shared_task

from aftersales.core.errors import ApplicationError
from aftersales.core.request_context import reset_request_id, set_request_id

logger = logging.getLogger(__name__)


@contextmanager
def _job_request_id(job_id: int):
    """Audit rows written by one run share an id of their own (a worker thread lives for many tasks)."""
    token = set_request_id(f"import-{job_id}-{uuid.uuid4().hex[:12]}")
    try:
        yield
    finally:
        reset_request_id(token)


@shared_task(name="aftersales.imports.tasks.validate_import_job")
def validate_import_job(job_id: int) -> str:
    from .services import import_job_validate

    with _job_request_id(job_id):
        try:
            return import_job_validate(job_id=job_id).status
        except ApplicationError as exc:  # already checked, or gone
            logger.warning("import job %s not checked: %s", job_id, exc.message)
            return "skipped"


@shared_task(name="aftersales.imports.tasks.commit_import_job")
def commit_import_job(job_id: int, user_id: int) -> str:
    from aftersales.accounts.models import User

    from .services import import_job_commit, import_job_commit_abandon

    user = User.objects.filter(pk=user_id, is_active=True).first()
    with _job_request_id(job_id):
        try:
            if user is None:
                raise ApplicationError("no_user", "The user who started the import is no longer active.")
            return import_job_commit(user=user, job_id=job_id).status
        except ApplicationError as exc:
            logger.warning("import job %s not committed: %s", job_id, exc.message)
            import_job_commit_abandon(job_id=job_id, message=exc.message)
            return "skipped"
