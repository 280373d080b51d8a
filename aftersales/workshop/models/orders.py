"""The work order itself, what was found at reception, and its timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import ServiceType
from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet

from ..choices import DamageArea, DamageKind, OldParts, WorkOrderStatus

MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class WorkOrder(TimeStampedModel):
    """One visit of one asset. ``status`` changes only through ``work_order_transition``.

    The money columns are kept by the services from the lines and payments (never typed):
    ``total_<pay type>`` per pay type, ``amount_due`` (customer-paid lines less the discount),
    ``insurer_amount`` (the part an insurer pays under a claim), ``balance`` (what the customer
    still owes) and ``insurer_balance`` (what the insurer still owes).
    """

    number = models.CharField(_("number"), max_length=32, unique=True)
    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"),
                                      on_delete=models.PROTECT, related_name="work_orders")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="work_orders")
    asset = models.ForeignKey("assets.Asset", verbose_name=_("vehicle or product"), on_delete=models.PROTECT,
                              related_name="work_orders")
    appointment = models.OneToOneField("appointments.Appointment", verbose_name=_("appointment"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="work_order")
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("service advisor"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="advised_work_orders")
    service_type = models.CharField(_("service type"), max_length=24, choices=ServiceType.choices)
    status = models.CharField(_("status"), max_length=24, choices=WorkOrderStatus.choices,
                              default=WorkOrderStatus.RECEPTION, editable=False)
    opened_at = models.DateTimeField(_("received at"))
    promised_at = models.DateTimeField(_("promised for"), null=True, blank=True)
    # reception (接车): the walk-around
    meter_reading = models.ForeignKey("assets.MeterReading", verbose_name=_("meter reading"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    mileage_in = models.PositiveIntegerField(_("mileage at reception"), null=True, blank=True)
    fuel_level = models.PositiveSmallIntegerField(_("fuel level (%)"), null=True, blank=True)
    valuables = models.TextField(_("valuables left in the vehicle"), blank=True)
    concerns = models.TextField(_("customer concerns (in their words)"), blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    walkaround_notes = models.TextField(_("walk-around notes"), blank=True)
    labour_rate = models.DecimalField(_("labour rate per hour"), max_digits=14, decimal_places=2, default=0)
    rework_count = models.PositiveSmallIntegerField(_("rework"), default=0, editable=False)
    # money, kept by the services
    total_a = models.DecimalField(_("customer-paid (A)"), editable=False, **MONEY)
    total_b = models.DecimalField(_("service contract (B)"), editable=False, **MONEY)
    total_c = models.DecimalField(_("warranty (C)"), editable=False, **MONEY)
    total_d = models.DecimalField(_("internal (D)"), editable=False, **MONEY)
    discount_amount = models.DecimalField(_("discount"), editable=False, **MONEY)
    amount_due = models.DecimalField(_("amount due"), editable=False, **MONEY)
    insurer_amount = models.DecimalField(_("paid by the insurer"), editable=False, **MONEY)
    paid_total = models.DecimalField(_("paid"), editable=False, **MONEY)
    balance = models.DecimalField(_("customer balance"), editable=False, **MONEY)
    insurer_balance = models.DecimalField(_("insurer balance"), editable=False, **MONEY)
    # settlement and delivery (交车)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True, editable=False)
    old_parts = models.CharField(_("old parts"), max_length=10, choices=OldParts.choices, blank=True)
    delivery_notes = models.TextField(_("explained at delivery"), blank=True)
    next_service_date = models.DateField(_("next service on"), null=True, blank=True)
    next_service_mileage = models.PositiveIntegerField(_("next service at (km)"), null=True, blank=True)
    # The status link (and its QR code) shows no personal data, so the token is kept as it is: the
    # printed work order can show the same QR code again. Approval links, which act, keep only hashes.
    status_token = models.CharField(_("status link token"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("record_approval_workorder", _("Can record the customer's approval of an estimate")),
            ("dispatch_workorder", _("Can send an approved order into repair and assign technicians")),
            ("finish_repair_workorder", _("Can report the repair finished")),
            ("inspect_workorder", _("Can pass or fail the quality check")),
            ("settle_workorder", _("Can settle work orders and take payments")),
            ("deliver_workorder", _("Can deliver the vehicle or product")),
            ("cancel_workorder", _("Can cancel work orders")),
            ("approve_discount_workorder", _("Can approve discounts above a user's limit")),
            ("extend_credit_workorder", _("Can settle leaving a balance beyond the customer's credit")),
        ]
        indexes = [
            models.Index(fields=["service_point", "status", "-opened_at"], name="wo_point_status_idx"),
            models.Index(fields=["service_point", "-opened_at"], name="wo_point_opened_idx"),
            models.Index(fields=["customer", "-opened_at"], name="wo_customer_idx"),
            models.Index(fields=["asset", "-opened_at"], name="wo_asset_idx"),
            models.Index(fields=["advisor", "status"], name="wo_advisor_status_idx"),
            # the order list's keyset (newest first) when no point narrows it, and the day board's
            # "settled / delivered today" columns
            models.Index(fields=["-opened_at", "-id"], name="wo_opened_id_idx"),
            models.Index(fields=["service_point", "settled_at"], name="wo_point_settled_idx"),
            models.Index(fields=["service_point", "delivered_at"], name="wo_point_delivered_idx"),
            # the cashier's "open balances" (settled or delivered, customer still owes): few rows of millions
            models.Index(fields=["service_point", "-opened_at"], condition=Q(balance__gt=0), name="wo_point_balance_idx"),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._as_read = dict(zip(field_names, values, strict=True))  # for save_changes
        return instance

    def save_changes(self) -> None:
        """Save only the columns that changed since the row was read (and ``updated_at``): the order has
        some sixty columns, and a step changes two or three. A column left out of the read (``only``)
        and set since counts as changed. A new or not-read instance is saved whole. (The order has no
        JSON column; a value changed in place there would not be seen.)"""
        as_read = getattr(self, "_as_read", None)
        if self._state.adding or as_read is None:
            self.save()
            return
        changed = []
        for field in self._meta.concrete_fields:
            name = field.attname
            if field.primary_key or name not in self.__dict__:
                continue  # still deferred: neither read nor set
            if name not in as_read or self.__dict__[name] != as_read[name]:
                changed.append(name)
        self.save(update_fields=[*changed, "updated_at"])
        as_read.update({name: self.__dict__[name] for name in changed})

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return self.url_of(self.pk)

    @staticmethod
    def url_of(pk: int) -> str:
        return f"/workshop/orders/{pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(service_point_id__in=point_ids)


class WorkOrderEvent(models.Model):
    """One business event on the order's timeline: a transition, an approval, a clock, a payment."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("by (outside the system)"), max_length=100, blank=True,
                                   help_text=_("For example the customer approving through the link."))
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["work_order", "at"], name="wo_event_order_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)


class WorkOrderDamage(models.Model):
    """Existing damage found on the walk-around, marked on the vehicle outline."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="damages")
    area = models.CharField(_("where"), max_length=20, choices=DamageArea.choices)
    kind = models.CharField(_("what"), max_length=10, choices=DamageKind.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("existing damage")
        verbose_name_plural = _("existing damage")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_kind_display()}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)


def _photo_path(instance, filename: str) -> str:
    return f"workorders/{instance.work_order_id}/{filename}"


class WorkOrderPhoto(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    damage = models.ForeignKey(WorkOrderDamage, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="photos")
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.image.name

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)
