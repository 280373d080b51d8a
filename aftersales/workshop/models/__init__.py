"""Work orders (维修委托书) and everything hanging off them, one module per stage."""

from .floor import JobAssignment, QcChecklist, QcInspection, TimeEntry
from .lines import Approval, LabourOperation, WorkOrderLine
from .orders import WorkOrder, WorkOrderDamage, WorkOrderEvent, WorkOrderPhoto
from .settlement import DiscountRequest, OldPart, Payment

__all__ = [
    "Approval", "DiscountRequest", "JobAssignment", "LabourOperation", "OldPart", "Payment", "QcChecklist", "QcInspection",
    "TimeEntry", "WorkOrder", "WorkOrderDamage", "WorkOrderEvent", "WorkOrderLine", "WorkOrderPhoto",
]
