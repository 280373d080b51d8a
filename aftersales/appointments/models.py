"""Appointments (预约): a customer's asset booked into a time slot at a service point."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import ServiceType
from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet

from .choices import AppointmentChannel, AppointmentStatus


class Appointment(TimeStampedModel):
    number = models.CharField(_("number"), max_length=32, unique=True)
    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"),
                                      on_delete=models.PROTECT, related_name="appointments")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="appointments")
    asset = models.ForeignKey("assets.Asset", verbose_name=_("vehicle or product"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="appointments")
    service_type = models.CharField(_("service type"), max_length=24, choices=ServiceType.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=AppointmentChannel.choices,
                               default=AppointmentChannel.PHONE)
    concerns = models.TextField(_("customer concerns"), blank=True)
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("service advisor"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="advised_appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    estimated_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=60)
    estimated_price = models.DecimalField(_("estimated price"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED, editable=False)
    overbooked = models.BooleanField(_("overbooked"), default=False, editable=False)
    overbook_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("overbooking approved by"),
                                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                             editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True, editable=False)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # SHA-256 of the secret in the public invitation link (the secret itself is only in the message).
    invite_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        permissions = [
            ("overbook_appointment", _("Can book beyond a slot's capacity")),
            ("confirm_appointment", _("Can confirm, reschedule, cancel and mark no-shows")),
        ]
        indexes = [
            models.Index(fields=["service_point", "starts_at"], name="appt_point_start_idx"),
            models.Index(fields=["status", "starts_at"], name="appt_status_start_idx"),
            models.Index(fields=["customer", "-starts_at"], name="appt_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appt_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return f"/appointments/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(service_point_id__in=point_ids)


class AppointmentEvent(models.Model):
    """The appointment's timeline: booked, confirmed, rescheduled, reminded, arrived, no-show, cancelled."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(appointment__service_point_id__in=point_ids)


class CapacityPlan(TimeStampedModel):
    """How much a service point can take per time slot. One row per point; booking locks it."""

    service_point = models.OneToOneField("accounts.ServicePoint", verbose_name=_("service point"),
                                         on_delete=models.CASCADE, related_name="capacity_plan")
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=60)
    bays = models.PositiveSmallIntegerField(_("bays per slot"), default=0)
    technician_hours = models.DecimalField(_("technician hours per slot"), max_digits=6, decimal_places=2,
                                           default=0)
    opening_hours = models.JSONField(
        _("opening hours"), default=dict, blank=True,
        help_text=_("Empty: the service point's opening hours."))

    class Meta:
        verbose_name = _("capacity plan")
        verbose_name_plural = _("capacity plans")
        ordering = ["service_point__path"]

    def __str__(self) -> str:
        return str(self.service_point)

    def get_absolute_url(self) -> str:
        return f"/appointments/capacity/?point={self.service_point_id}"


class Holiday(TimeStampedModel):
    """A day without appointments: company-wide (no service point) or at one point."""

    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"), null=True,
                                      blank=True, on_delete=models.CASCADE, related_name="holidays",
                                      help_text=_("Empty: every service point of the company."))
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday or closed day")
        verbose_name_plural = _("holidays and closed days")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["date"], name="appt_holiday_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "date"], name="appt_holiday_point_date_uniq"),
            models.UniqueConstraint(fields=["date"], condition=Q(service_point__isnull=True),
                                    name="appt_holiday_company_date_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def get_absolute_url(self) -> str:
        return f"/appointments/holidays/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(service_point_id__in=point_ids) | Q(service_point__isnull=True)


class CapacityOverride(TimeStampedModel):
    """One date at one point that differs from the plan: other hours (none: closed), bays or hours.
    It wins over holidays, so a working Sunday (调休) is an override."""

    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"),
                                      on_delete=models.CASCADE, related_name="capacity_overrides")
    date = models.DateField(_("date"))
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True,
                                     help_text=_('[["08:30", "12:00"]]; empty: closed that day.'))
    bays = models.PositiveSmallIntegerField(_("bays per slot"), null=True, blank=True)
    technician_hours = models.DecimalField(_("technician hours per slot"), max_digits=6, decimal_places=2,
                                           null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("capacity override")
        verbose_name_plural = _("capacity overrides")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "date"], name="appt_override_point_date_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.date}"

    def get_absolute_url(self) -> str:
        return f"/appointments/capacity/?point={self.service_point_id}"
