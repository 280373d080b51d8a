"""Serviced assets (服务对象): vehicles and products, owners over time, meter readings, coverages."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServicePoint
from aftersales.core.models import TimeStampedModel
from aftersales.core.querysets import RestrictedQuerySet
from aftersales.customers.models import Customer, CustomerPointLink

from .choices import AssetKind, CoverageKind, MeterUnit, ReadingSource


def _owner_visible_q(point_ids, prefix: str = "") -> Q:
    """Rows whose asset is serviced at one of the points, or whose owner's archive is visible there."""
    linked = CustomerPointLink.objects.filter(customer_id=OuterRef(f"{prefix}owner_id"),
                                              service_point_id__in=point_ids)
    return (
        Q(**{f"{prefix}service_point_id__in": point_ids})
        | Q(**{f"{prefix}owner__home_point_id__in": point_ids})
        | Q(Exists(linked))
    )


class Asset(TimeStampedModel):
    """One table for vehicles and products, so work orders, readings and coverages point at one thing."""

    kind = models.CharField(_("kind"), max_length=8, choices=AssetKind.choices)
    owner = models.ForeignKey(Customer, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="assets")
    service_point = models.ForeignKey(ServicePoint, verbose_name=_("home service point"), on_delete=models.PROTECT,
                                      related_name="assets")
    brand = models.CharField(_("brand"), max_length=50)
    model = models.CharField(_("model"), max_length=100, blank=True)
    model_year = models.PositiveSmallIntegerField(_("model year"), null=True, blank=True)
    sale_date = models.DateField(_("sale date"), null=True, blank=True)
    selling_dealer = models.ForeignKey(ServicePoint, verbose_name=_("selling dealer"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    # vehicles
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    engine_number = models.CharField(_("engine number"), max_length=32, blank=True)
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    # products
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    installation_date = models.DateField(_("installation date"), null=True, blank=True)
    installation_address = models.CharField(_("installation address"), max_length=255, blank=True)
    meter_unit = models.CharField(_("meter unit"), max_length=2, choices=MeterUnit.choices, default=MeterUnit.KM)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.UniqueConstraint(fields=["vin"], condition=~Q(vin=""), name="asset_vin_unique"),
            models.UniqueConstraint(fields=["brand", "serial_number"], condition=~Q(serial_number=""),
                                    name="asset_serial_unique"),
        ]
        indexes = [
            models.Index(fields=["owner"], name="asset_owner_idx"),
            models.Index(fields=["kind", "service_point", "-id"], name="asset_kind_point_idx"),
            models.Index(fields=["plate"], name="asset_plate_idx"),
            models.Index(fields=["serial_number"], name="asset_serial_idx"),
        ]

    def __str__(self) -> str:
        if self.kind == AssetKind.VEHICLE:
            return f"{self.plate or self.vin} {self.brand} {self.model}".strip()
        return f"{self.brand} {self.model} {self.serial_number}".strip()

    def get_absolute_url(self) -> str:
        return f"/assets/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return _owner_visible_q(point_ids)


class Ownership(models.Model):
    """Who owned the asset when; the current owner is the row without an end."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="ownerships")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="ownerships")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownership history")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} {self.started_on}–{self.ended_on or ''}"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return _owner_visible_q(point_ids, prefix="asset__")


class MeterReading(models.Model):
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="readings")
    read_on = models.DateField(_("date"))
    value = models.PositiveIntegerField(_("reading"))
    is_meter_replacement = models.BooleanField(
        _("meter replaced"), default=False, help_text=_("A new meter starts again from a lower value.")
    )
    source = models.CharField(_("source"), max_length=32, blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["-read_on", "-id"]
        indexes = [models.Index(fields=["asset", "-read_on", "-id"], name="reading_asset_date_idx")]

    def __str__(self) -> str:
        return f"{self.value} @ {self.read_on}"

    def get_absolute_url(self) -> str:
        return f"/assets/readings/{self.pk}/"

    @property
    def source_label(self) -> str:
        """The known sources by their label; anything else as it was recorded."""
        return str(dict(ReadingSource.choices).get(self.source, self.source))

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return _owner_visible_q(point_ids, prefix="asset__")


class Coverage(TimeStampedModel):
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="coverages")
    kind = models.CharField(_("kind"), max_length=20, choices=CoverageKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    distance_limit = models.PositiveIntegerField(_("distance limit (km)"), null=True, blank=True,
                                                 help_text=_("Empty: no distance limit."))
    provider = models.CharField(_("provider / insurer"), max_length=100, blank=True)
    policy_number = models.CharField(_("policy or contract number"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        ordering = ["kind", "-ends_on"]
        indexes = [models.Index(fields=["kind", "ends_on"], name="coverage_kind_end_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    def get_absolute_url(self) -> str:
        return f"/assets/coverages/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return _owner_visible_q(point_ids, prefix="asset__")


class MaintenanceInterval(TimeStampedModel):
    """Service interval by time and distance for a brand/model (empty model: the brand's default)."""

    brand = models.CharField(_("brand"), max_length=50)
    model = models.CharField(_("model"), max_length=100, blank=True)
    months = models.PositiveSmallIntegerField(_("every (months)"), default=6)
    distance = models.PositiveIntegerField(_("every (km or hours)"), default=5000)
    first_months = models.PositiveSmallIntegerField(_("first service after (months)"), null=True, blank=True)
    first_distance = models.PositiveIntegerField(_("first service after (km or hours)"), null=True, blank=True)

    class Meta:
        verbose_name = _("maintenance interval")
        verbose_name_plural = _("maintenance intervals")
        constraints = [models.UniqueConstraint(fields=["brand", "model"], name="interval_brand_model_unique")]

    def __str__(self) -> str:
        return f"{self.brand} {self.model}".strip()

    def get_absolute_url(self) -> str:
        return f"/assets/intervals/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q()  # reference data, the same for every point
