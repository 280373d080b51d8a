"""The workshop floor: technicians on jobs, their clocked time, and the quality check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import ServiceType
from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet

from ..choices import TimeEntryEnd
from .lines import WorkOrderLine
from .orders import WorkOrder


class JobAssignment(models.Model):
    """A technician assigned to a labour line (several may share one job).

    The figures of the hours report are kept on the row by ``services.jobs`` (derived, never typed):
    ``clocked_seconds`` is the technician's closed time on the job; once the job is done,
    ``done_at`` is set and ``standard_share`` holds his share of the job's standard hours (split
    equally between the technicians who clocked time on it). ``service_point`` repeats the order's
    point so that the report is one indexed scan per point and period.
    """

    line = models.ForeignKey(WorkOrderLine, on_delete=models.CASCADE, related_name="assignments")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("technician"),
                                   on_delete=models.PROTECT, related_name="job_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"), null=True,
                                      blank=True, on_delete=models.CASCADE, related_name="+", editable=False)
    clocked_seconds = models.PositiveIntegerField(_("clocked (seconds)"), default=0, editable=False)
    standard_share = models.DecimalField(_("share of the standard hours"), max_digits=8, decimal_places=2,
                                         default=0, editable=False)
    done_at = models.DateTimeField(_("job done at"), null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("job assignment")
        verbose_name_plural = _("job assignments")
        constraints = [models.UniqueConstraint(fields=["line", "technician"], name="job_assignment_unique")]
        indexes = [
            models.Index(fields=["technician", "-assigned_at"], name="job_technician_idx"),
            models.Index(fields=["service_point", "done_at"], name="job_point_done_idx"),
            models.Index(fields=["technician", "done_at"], name="job_technician_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.technician} → {self.line}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(line__work_order__service_point_id__in=point_ids)


class TimeEntry(models.Model):
    """One stretch of work by one technician on one job: clock on, clock off (pause or done)."""

    line = models.ForeignKey(WorkOrderLine, on_delete=models.CASCADE, related_name="time_entries")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("technician"),
                                   on_delete=models.PROTECT, related_name="time_entries")
    started_at = models.DateTimeField(_("clocked on"))
    ended_at = models.DateTimeField(_("clocked off"), null=True, blank=True)
    end_reason = models.CharField(_("why clocked off"), max_length=10, choices=TimeEntryEnd.choices, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0, editable=False,
                                          help_text=_("Kept from the start and end once the entry is closed."))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["started_at", "id"]
        constraints = [
            # One open entry per technician: nobody is clocked on two jobs at once.
            models.UniqueConstraint(fields=["technician"], condition=Q(ended_at__isnull=True),
                                    name="time_entry_one_open_per_technician"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                                   name="time_entry_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["technician", "-started_at"], name="time_technician_idx"),
            models.Index(fields=["line", "started_at"], name="time_line_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.technician} {self.started_at:%Y-%m-%d %H:%M}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(line__work_order__service_point_id__in=point_ids)


class QcChecklist(TimeStampedModel):
    """The checks an inspector runs for a service type (a point may have its own list)."""

    service_type = models.CharField(_("service type"), max_length=24, choices=ServiceType.choices)
    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"), null=True,
                                      blank=True, on_delete=models.CASCADE, related_name="+",
                                      help_text=_("Empty: every point without a list of its own."))
    name = models.CharField(_("name"), max_length=100)
    items = models.JSONField(_("checks"), default=list, help_text=_("One check per entry."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("quality checklist")
        verbose_name_plural = _("quality checklists")
        ordering = ["service_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service_type", "service_point"], name="qc_checklist_unique"),
            models.UniqueConstraint(fields=["service_type"], condition=Q(service_point__isnull=True),
                                    name="qc_checklist_default_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/workshop/checklists/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(service_point__isnull=True) | Q(service_point_id__in=point_ids)


class QcInspection(models.Model):
    """One quality check of an order: every check with its result; a failure sends it back."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT,
                                  related_name="+")
    checklist = models.ForeignKey(QcChecklist, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    passed = models.BooleanField(_("passed"))
    results = models.JSONField(_("results"), default=list, help_text=_('[{"item": …, "ok": true, "note": …}]'))
    reasons = models.TextField(_("reasons for failing"), blank=True)
    redo_lines = models.ManyToManyField(WorkOrderLine, verbose_name=_("jobs to redo"), blank=True, related_name="+")
    # The order's rework count when inspected: the qc_pass/qc_fail guards accept only an inspection
    # of the current round, so an old result can never move the order again.
    rework_round = models.PositiveSmallIntegerField(_("rework round"), default=0, editable=False)
    inspected_at = models.DateTimeField(_("inspected at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")
        ordering = ["inspected_at", "id"]
        indexes = [models.Index(fields=["work_order", "inspected_at"], name="qc_order_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {'✓' if self.passed else '✗'}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)
