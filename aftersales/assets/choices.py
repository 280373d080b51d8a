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
