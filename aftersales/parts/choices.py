from django.db import models
from django.utils.translation import gettext_lazy as _


class PartCategory(models.TextChoices):
    FILTER = "filter", _("Filters")
    FLUID = "fluid", _("Oils and fluids")
    BRAKE = "brake", _("Brakes")
    ENGINE = "engine", _("Engine")
    TRANSMISSION = "transmission", _("Transmission")
    SUSPENSION = "suspension", _("Suspension and steering")
    ELECTRICAL = "electrical", _("Electrical")
    BODY = "body", _("Body panels")
    PAINT = "paint", _("Paint")
    GLASS = "glass", _("Glass")
    TYRE = "tyre", _("Tyres and wheels")
    WIPER = "wiper", _("Wipers and bulbs")
    AIR_CONDITIONING = "air_conditioning", _("Air conditioning")
    APPLIANCE = "appliance", _("Appliance components")
    ACCESSORY = "accessory", _("Accessories")
    OTHER = "other", _("Other")


class PartUnit(models.TextChoices):
    PIECE = "piece", _("piece")
    SET = "set", _("set")
    LITRE = "litre", _("litre")
    METRE = "metre", _("metre")
    KILOGRAM = "kg", _("kilogram")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received")
    ADJUSTMENT = "adjustment", _("Stock count adjustment")
    RESERVE = "reserve", _("Reserved for a work order")
    RELEASE = "release", _("Reservation released")
    ISSUE = "issue", _("Issued to a job")
    RETURN = "return", _("Returned from a job")
