"""What is done and charged: the labour catalogue, the lines, and the customer's approvals of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import PayType
from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet

from ..choices import (
    ApprovalKind,
    ApprovalMethod,
    ApprovalStatus,
    JobStatus,
    LineCause,
    LineKind,
    LineStatus,
    OperationCategory,
    StockState,
    WarrantyStatus,
)
from .orders import WorkOrder

QUANTITY = {"max_digits": 12, "decimal_places": 2}


class LabourOperation(TimeStampedModel):
    """A labour operation of the catalogue (工时项目): standard hours, charged at the point's labour rate."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=OperationCategory.choices,
                                default=OperationCategory.OTHER)
    standard_hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2)
    brand = models.CharField(_("brand"), max_length=50, blank=True, help_text=_("Empty: every brand."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("labour operation")
        verbose_name_plural = _("labour operations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return f"/workshop/operations/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q()  # reference data, the same for every point


class Approval(models.Model):
    """The estimate, or a later supplement, put to the customer: approved in person (signature on
    screen), by phone (recorded by the advisor) or through a link (no login, hashed token, expires)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("kind"), max_length=12, choices=ApprovalKind.choices)
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    amount = models.DecimalField(_("amount for the customer"), max_digits=14, decimal_places=2, default=0)
    method = models.CharField(_("how"), max_length=10, choices=ApprovalMethod.choices, blank=True)
    approver_name = models.CharField(_("approved by (customer)"), max_length=100, blank=True)
    signature = models.TextField(_("signature (PNG data URL)"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("link sent at"), null=True, blank=True)
    client_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer approval")
        verbose_name_plural = _("customer approvals")
        ordering = ["sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work_order", "sequence"], name="approval_order_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.get_kind_display()} {self.sequence}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)


class WorkOrderLine(models.Model):
    """A labour operation (quantity = hours), a part (quantity = units), sublet or other work."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveSmallIntegerField(_("line"), default=1)
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    operation = models.ForeignKey(LabourOperation, verbose_name=_("labour operation"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity or hours"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    pay_type = models.CharField(_("pay type"), max_length=1, choices=PayType.choices, default=PayType.CUSTOMER)
    cause = models.CharField(_("cause"), max_length=12, choices=LineCause.choices, default=LineCause.FAULT)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.PROPOSED,
                              editable=False)
    approval = models.ForeignKey(Approval, verbose_name=_("approved with"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="lines", editable=False)
    is_supplement = models.BooleanField(_("found during repair"), default=False, editable=False)
    # warranty check (for pay types B and C): the verdict and why, as the advisor sees it
    warranty_status = models.CharField(_("warranty"), max_length=16, choices=WarrantyStatus.choices,
                                       default=WarrantyStatus.NOT_CHECKED, editable=False)
    warranty_reasons = models.JSONField(_("warranty reasons"), default=list, blank=True, editable=False)
    coverage = models.ForeignKey("assets.Coverage", verbose_name=_("coverage"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)
    # labour: the job on the workshop floor
    job_status = models.CharField(_("job"), max_length=12, choices=JobStatus.choices, blank=True, editable=False)
    actual_hours = models.DecimalField(_("clocked hours"), max_digits=8, decimal_places=2, default=0,
                                       editable=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    # parts: the stock row it draws on and how far it got
    stock = models.ForeignKey("parts.Stock", verbose_name=_("stock"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", editable=False)
    stock_state = models.CharField(_("stock"), max_length=10, choices=StockState.choices, blank=True,
                                   editable=False)
    reserved_quantity = models.DecimalField(_("reserved"), default=0, editable=False, **QUANTITY)
    issued_quantity = models.DecimalField(_("issued"), default=0, editable=False, **QUANTITY)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order line")
        verbose_name_plural = _("work order lines")
        ordering = ["sequence", "id"]
        indexes = [models.Index(fields=["work_order", "sequence"], name="wo_line_order_idx")]

    def __str__(self) -> str:
        return f"{self.work_order_id}/{self.sequence} {self.description}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(work_order__service_point_id__in=point_ids)
