"""Parts (配件): the catalogue, stock per service point and every movement of stock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet

from .choices import MovementKind, PartCategory, PartUnit

QUANTITY = {"max_digits": 12, "decimal_places": 2}


class Part(TimeStampedModel):
    """A catalogue entry, the same for every point (reference data)."""

    number = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=PartCategory.choices,
                                default=PartCategory.OTHER)
    brand = models.CharField(_("brand"), max_length=50, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=PartUnit.choices, default=PartUnit.PIECE)
    sale_price = models.DecimalField(_("sale price"), max_digits=14, decimal_places=2, default=0)
    cost_price = models.DecimalField(_("cost price"), max_digits=14, decimal_places=2, default=0)
    is_wear_part = models.BooleanField(_("wear part (易损件)"), default=False)
    warranty_eligible = models.BooleanField(_("eligible for warranty"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["number"]
        indexes = [models.Index(fields=["category", "number"], name="part_category_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return f"/parts/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q()


class Stock(models.Model):
    """What one point holds of one part. ``reserved`` is promised to work orders and not yet issued."""

    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock")
    service_point = models.ForeignKey("accounts.ServicePoint", verbose_name=_("service point"),
                                      on_delete=models.PROTECT, related_name="stock")
    on_hand = models.DecimalField(_("on hand"), default=0, **QUANTITY)
    reserved = models.DecimalField(_("reserved"), default=0, **QUANTITY)
    reorder_point = models.DecimalField(_("reorder point"), default=0, **QUANTITY)
    bin_location = models.CharField(_("bin location"), max_length=32, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["part__number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "service_point"], name="stock_part_point_unique"),
            # The database itself refuses negative stock and reservations beyond what is on hand.
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"),
        ]
        indexes = [models.Index(fields=["service_point", "part"], name="stock_point_part_idx")]
        permissions = [
            ("receive_stock", _("Can receive goods into stock")),
            ("adjust_stock", _("Can correct stock after a count")),
        ]

    def __str__(self) -> str:
        return f"{self.part} @ {self.service_point}"

    def get_absolute_url(self) -> str:
        return f"/parts/stock/{self.pk}/"

    @property
    def available(self):
        return self.on_hand - self.reserved

    @property
    def below_reorder(self) -> bool:
        """At or below the reorder point (a reorder point of 0 means: not watched)."""
        return self.reorder_point > 0 and self.available <= self.reorder_point

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(service_point_id__in=point_ids)


class StockMovement(models.Model):
    """One change of a stock row, with the quantities after it (the stock card)."""

    stock = models.ForeignKey(Stock, verbose_name=_("stock"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    on_hand_after = models.DecimalField(_("on hand after"), **QUANTITY)
    reserved_after = models.DecimalField(_("reserved after"), **QUANTITY)
    work_order_line = models.ForeignKey("workshop.WorkOrderLine", verbose_name=_("work order line"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="stock_movements")
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True,
                                 help_text=_("Delivery note, count sheet or work order number."))
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["stock", "-at"], name="movement_stock_idx"),
            # the stock card: one row's movements, newest first, paged by id
            models.Index(fields=["stock", "-id"], name="movement_stock_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q(stock__service_point_id__in=point_ids)
