from django.db import models
from django.utils.translation import gettext_lazy as _


class ExclusionKind(models.TextChoices):
    """What an exclusion looks at. ``value`` holds the category, the cause or the hour limit."""

    WEAR_PART = "wear_part", _("Wear parts (易损件)")
    NOT_ELIGIBLE = "not_eligible", _("Parts not eligible for warranty")
    PART_CATEGORY = "part_category", _("Part category")
    OPERATION_CATEGORY = "operation_category", _("Labour operation category")
    CAUSE = "cause", _("Cause of the work")
    HOUR_LIMIT = "hour_limit", _("Labour hours above a limit")


# Kinds whose value is empty (the part's own flag decides).
FLAG_KINDS = (ExclusionKind.WEAR_PART, ExclusionKind.NOT_ELIGIBLE)


class ExclusionEffect(models.TextChoices):
    NOT_COVERED = "not_covered", _("Not covered")
    NEEDS_APPROVAL = "needs_approval", _("Needs the manufacturer's approval")


class ExclusionScope(models.TextChoices):
    """Which pay types an exclusion applies to."""

    WARRANTY = "warranty", _("Warranty (pay type C)")
    CONTRACT = "contract", _("Service contracts (pay type B)")
    BOTH = "both", _("Warranty and service contracts")
