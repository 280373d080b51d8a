"""Warranty (保修): the configurable exclusion list the per-line warranty check reads."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.parts.choices import PartCategory
from aftersales.workshop.choices import LineCause, OperationCategory

from .choices import ExclusionEffect, ExclusionKind, ExclusionScope

VALUE_CHOICES = {
    ExclusionKind.PART_CATEGORY: PartCategory,
    ExclusionKind.OPERATION_CATEGORY: OperationCategory,
    ExclusionKind.CAUSE: LineCause,
}


class WarrantyExclusion(TimeStampedModel):
    """One rule of the exclusion list: wear parts, a part or labour category, a cause, an hour limit.

    Reference data for the whole network (an empty brand means every brand); inactive rows are kept
    for the record but not applied.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ExclusionKind.choices)
    value = models.CharField(_("value"), max_length=32, blank=True,
                             help_text=_("The category or cause; the hour limit for a labour-hour rule; "
                                         "empty for wear parts and parts not eligible."))
    brand = models.CharField(_("brand"), max_length=50, blank=True, help_text=_("Empty: every brand."))
    applies_to = models.CharField(_("applies to"), max_length=10, choices=ExclusionScope.choices,
                                  default=ExclusionScope.WARRANTY)
    effect = models.CharField(_("effect"), max_length=16, choices=ExclusionEffect.choices,
                              default=ExclusionEffect.NOT_COVERED)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("warranty exclusion")
        verbose_name_plural = _("warranty exclusions")
        ordering = ["kind", "value", "brand", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "brand", "applies_to"], name="exclusion_unique"),
        ]
        indexes = [models.Index(fields=["is_active", "kind"], name="exclusion_active_kind_idx")]

    def __str__(self) -> str:
        return str(self.label)

    def get_absolute_url(self) -> str:
        return f"/warranty/exclusions/{self.pk}/"

    @classmethod
    def restrict_q(cls, point_ids) -> Q:
        return Q()  # reference data, the same for every point

    @property
    def value_label(self) -> str:
        """The value in the reader's language (a category's or cause's translated name)."""
        choices = VALUE_CHOICES.get(self.kind)
        if choices is not None and self.value in choices.values:
            return str(choices(self.value).label)
        if self.kind == ExclusionKind.HOUR_LIMIT:
            return gettext("above %(hours)s hours") % {"hours": self.value}
        return self.value

    @property
    def label(self) -> str:
        name = str(self.get_kind_display())
        text = f"{name}: {self.value_label}" if self.value else name
        return f"{text} ({self.brand})" if self.brand else text

    @property
    def hour_limit(self) -> Decimal | None:
        if self.kind != ExclusionKind.HOUR_LIMIT:
            return None
        try:
            return Decimal(self.value)
        except (InvalidOperation, ValueError):
            return None
