from django.db import models
from django.utils.translation import gettext_lazy as _


class PointKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGION = "region", _("Region")
    DEALER = "dealer", _("4S store / workshop")
    NETWORK_POINT = "network_point", _("Service network point")
    INFO_CENTRE = "info_centre", _("Information centre")
    WAREHOUSE = "warehouse", _("Warehouse")


class RoleScope(models.TextChoices):
    POINT = "point", _("Own service points and those below")
    ALL = "all", _("All service points")
