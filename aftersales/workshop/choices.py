from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkOrderStatus(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    AWAITING_APPROVAL = "awaiting_approval", _("Estimate awaiting approval")
    APPROVED = "approved", _("Approved")
    IN_REPAIR = "in_repair", _("In repair")
    QUALITY_CHECK = "quality_check", _("Quality check")
    READY_FOR_SETTLEMENT = "ready_for_settlement", _("Ready for settlement")
    SETTLED = "settled", _("Settled")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    WorkOrderStatus.RECEPTION, WorkOrderStatus.AWAITING_APPROVAL, WorkOrderStatus.APPROVED,
    WorkOrderStatus.IN_REPAIR, WorkOrderStatus.QUALITY_CHECK, WorkOrderStatus.READY_FOR_SETTLEMENT,
)
# Settled and delivered orders count as business done (spend, visits, balance).
BILLED_STATUSES = (WorkOrderStatus.SETTLED, WorkOrderStatus.DELIVERED)


class LineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PART = "part", _("Part")
    SUBLET = "sublet", _("Sublet")
    OTHER = "other", _("Other")


class LineStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class LineCause(models.TextChoices):
    """Why the work is needed, as the warranty check reads it."""

    FAULT = "fault", _("Fault or defect")
    MAINTENANCE = "maintenance", _("Scheduled maintenance")
    WEAR = "wear", _("Normal wear")
    MISUSE = "misuse", _("Misuse or negligence")
    ACCIDENT = "accident", _("Accident damage")


class WarrantyStatus(models.TextChoices):
    NOT_CHECKED = "not_checked", _("Not checked")
    COVERED = "covered", _("Covered")
    NOT_COVERED = "not_covered", _("Not covered")
    NEEDS_APPROVAL = "needs_approval", _("Needs the manufacturer's approval")


class JobStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")


class StockState(models.TextChoices):
    NONE = "", _("—")
    RESERVED = "reserved", _("Reserved")
    SHORT = "short", _("Short of stock")
    ISSUED = "issued", _("Issued")
    RELEASED = "released", _("Released")
    RETURNED = "returned", _("Returned")


class ApprovalKind(models.TextChoices):
    ESTIMATE = "estimate", _("Estimate")
    SUPPLEMENT = "supplement", _("Supplement")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the customer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApprovalMethod(models.TextChoices):
    SIGNATURE = "signature", _("Signed on screen")
    LINK = "link", _("Approved through the link")
    PHONE = "phone", _("By phone")


class DamageArea(models.TextChoices):
    FRONT_BUMPER = "front_bumper", _("Front bumper")
    BONNET = "bonnet", _("Bonnet")
    WINDSCREEN = "windscreen", _("Windscreen")
    ROOF = "roof", _("Roof")
    BOOT = "boot", _("Boot lid / tailgate")
    REAR_BUMPER = "rear_bumper", _("Rear bumper")
    LEFT_FRONT_WING = "left_front_wing", _("Left front wing")
    LEFT_FRONT_DOOR = "left_front_door", _("Left front door")
    LEFT_REAR_DOOR = "left_rear_door", _("Left rear door")
    LEFT_REAR_WING = "left_rear_wing", _("Left rear wing")
    RIGHT_FRONT_WING = "right_front_wing", _("Right front wing")
    RIGHT_FRONT_DOOR = "right_front_door", _("Right front door")
    RIGHT_REAR_DOOR = "right_rear_door", _("Right rear door")
    RIGHT_REAR_WING = "right_rear_wing", _("Right rear wing")
    WHEELS = "wheels", _("Wheels and tyres")
    MIRRORS = "mirrors", _("Mirrors")
    LIGHTS = "lights", _("Lights")
    INTERIOR = "interior", _("Interior")
    OTHER = "other", _("Other")


class DamageKind(models.TextChoices):
    SCRATCH = "scratch", _("Scratch")
    DENT = "dent", _("Dent")
    CRACK = "crack", _("Crack")
    CHIP = "chip", _("Stone chip")
    BROKEN = "broken", _("Broken")
    MISSING = "missing", _("Missing")
    STAIN = "stain", _("Stain")
    OTHER = "other", _("Other")


class OldParts(models.TextChoices):
    NONE = "none", _("No parts replaced")
    RETURNED = "returned", _("Returned to the customer")
    LEFT = "left", _("Left with us for disposal")
    WARRANTY = "warranty", _("Kept for the warranty claim")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    TRANSFER = "transfer", _("Bank transfer")
    INSURER = "insurer", _("Paid by the insurer")


class Payer(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    INSURER = "insurer", _("Insurer")


class DiscountStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a manager")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class OperationCategory(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    ENGINE = "engine", _("Engine")
    TRANSMISSION = "transmission", _("Transmission")
    CHASSIS = "chassis", _("Chassis and brakes")
    ELECTRICAL = "electrical", _("Electrical")
    AIR_CONDITIONING = "air_conditioning", _("Air conditioning")
    BODY = "body", _("Body work")
    PAINT = "paint", _("Paint work")
    INSTALLATION = "installation", _("Installation")
    OTHER = "other", _("Other")


class TimeEntryEnd(models.TextChoices):
    PAUSE = "pause", _("Paused")
    DONE = "done", _("Job done")
    SHIFT_END = "shift_end", _("End of shift")
