"""Settlement: discounts (with a manager's approval above a user's limit) and payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.querysets import RestrictedQuerySet

from ..choices import DiscountStatus, OldParts, Payer, PaymentMethod
from .lines import WorkOrderLine
from .orders import WorkOrder


class Payment(models.Model):
    """Money received (recorded, not processed): cash, card, WeChat Pay, Alipay, transfer or the insurer."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="payments")
    payer = models.CharField(_("payer"), max_length=10, choices=Payer.choices, default=Payer.CUSTOMER)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=64, blank=True,
                                 help_text=_("Receipt, card slip or transaction number."))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [models.Index(fields=["work_order", "received_at"], name="payment_order_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)


class DiscountRequest(models.Model):
    """A discount on the customer-paid lines; beyond the requester's limit a manager decides."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="discount_requests")
    amount = models.DecimalField(_("discount"), max_digits=14, decimal_places=2)
    percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DiscountStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("manager's note"), max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        ordering = ["requested_at", "id"]
        constraints = [
            # At most one request waits for a manager per order.
            models.UniqueConstraint(fields=["work_order"], condition=Q(status="pending"),
                                    name="discount_one_pending_per_order"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="discount_status_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id} −{self.amount}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)


class OldPart(models.Model):
    """What became of the part a line replaced, as told to the customer at delivery."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="old_part_records")
    line = models.OneToOneField(WorkOrderLine, verbose_name=_("line"), on_delete=models.CASCADE,
                                related_name="old_part")
    disposition = models.CharField(_("old part"), max_length=10, choices=OldParts.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("old part")
        verbose_name_plural = _("old parts")
        ordering = ["line__sequence", "id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.get_disposition_display()}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)
