from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")
    PRODUCT = "product", _("Product")


class MeterUnit(models.TextChoices):
    KM = "km", _("kilometres")
    HOURS = "h", _("operating hours")


class CoverageKind(models.TextChoices):
    BASE_WARRANTY = "base_warranty", _("Base warranty (包修期)")
    THREE_GUARANTEE = "three_guarantee", _("Three-guarantee period (三包有效期)")
    EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
    SERVICE_CONTRACT = "service_contract", _("Service contract (合同服务)")
    INSURANCE = "insurance", _("Insurance policy")


class ReadingSource(models.TextChoices):
    """Where a meter reading came from (free text is kept; these are the known ones with labels)."""

    SERVICE = "service", _("Service visit")
    RECEPTION = "reception", _("Work order reception")
    VISIT = "visit", _("Visit")
    DELIVERY = "delivery", _("Delivery of the vehicle")
    CUSTOMER = "customer", _("Reported by the customer")
    IMPORT = "import", _("Imported")
    WORK_ORDER = "work_order", _("Work order")
