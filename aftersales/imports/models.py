"""Import jobs: one uploaded file of customers or assets, its dry-run report and its result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServicePoint
from aftersales.core.models import TimeStampedModel

from .choices import RUNNING_STATUSES, FileFormat, ImportKind, ImportStatus


class ImportJob(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=8, choices=FileFormat.choices)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED, editable=False)
    # Default home point of rows that do not name one; the job belongs to it.
    service_point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), on_delete=models.PROTECT,
                                      related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("committed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    headers = models.JSONField(_("columns"), default=list, blank=True)
    unknown_headers = models.JSONField(_("unknown columns"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{row, field, column, reason}], at most MAX_STORED_ERRORS of them (error_count has the total).
    errors = models.JSONField(_("error report"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    created_ids = models.JSONField(_("created records"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    commit_requested_at = models.DateTimeField(_("import requested at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["service_point", "-id"], name="import_point_id_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        """A job belongs to the service point it was uploaded for."""
        return Q(service_point_id__in=point_ids)

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES or (
            self.status == ImportStatus.VALIDATED and self.commit_requested_at is not None
        )

    @property
    def can_commit(self) -> bool:
        return (self.status == ImportStatus.VALIDATED and self.error_count == 0 and self.valid_rows > 0
                and self.commit_requested_at is None)
