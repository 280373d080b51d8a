"""The customer archive's transaction status, as work orders make it (registered in ``apps.py``)."""

from django.db.models import Count, Max, Min, Q, Sum

from .choices import BILLED_STATUSES, OPEN_STATUSES, WorkOrderStatus
from .models import WorkOrder


def work_order_business():
    """Per customer: first and last visit, visits, spend and balance of billed orders, open orders."""
    billed = Q(status__in=BILLED_STATUSES)
    return (
        WorkOrder.objects.exclude(status=WorkOrderStatus.CANCELLED).order_by()
        .values("customer_id")
        .annotate(
            first_visit_at=Min("opened_at"), last_visit_at=Max("opened_at"), visit_count=Count("id"),
            total_spend=Sum("amount_due", filter=billed, default=0),
            outstanding_balance=Sum("balance", filter=billed, default=0),
            open_orders=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        )
    )
