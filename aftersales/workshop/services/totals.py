"""The order's money columns, recomputed from its lines and payments (never typed by hand)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from aftersales.core.choices import PayType
from aftersales.core.money import to_money

from ..choices import LineStatus, Payer
from ..models import WorkOrder

ZERO = Decimal("0.00")
_PAY_TYPE_FIELD = {PayType.CUSTOMER: "total_a", PayType.CONTRACT: "total_b", PayType.WARRANTY: "total_c",
                   PayType.INTERNAL: "total_d"}
MONEY_FIELDS = ("total_a", "total_b", "total_c", "total_d", "discount_amount", "amount_due", "insurer_amount",
                "paid_total", "balance", "insurer_balance")


def order_recompute_totals(order: WorkOrder, *, save: bool = True, lines=None, payments=None) -> WorkOrder:
    """Totals per pay type over the lines still in play (proposed or approved, not declined), the
    amount due after the discount, and the balances left for the customer and the insurer.

    ``lines`` / ``payments``: all of the order's lines / payments when the caller holds them (a new
    order at reception), summed here instead of in the database."""
    if lines is None:
        sums = dict(order.lines.exclude(status=LineStatus.DECLINED).values_list("pay_type")
                    .annotate(total=Sum("amount")))
    else:
        sums = {}
        for line in lines:
            if line.status != LineStatus.DECLINED:
                sums[line.pay_type] = sums.get(line.pay_type, ZERO) + line.amount
    for pay_type, field in _PAY_TYPE_FIELD.items():
        setattr(order, field, to_money(sums.get(pay_type) or ZERO))
    order.discount_amount = min(to_money(order.discount_amount or ZERO), order.total_a)
    order.amount_due = to_money(order.total_a - order.discount_amount)
    order.insurer_amount = min(to_money(order.insurer_amount or ZERO), order.amount_due)
    if payments is None:
        paid = order.payments.aggregate(
            customer=Sum("amount", filter=Q(payer=Payer.CUSTOMER), default=ZERO),
            insurer=Sum("amount", filter=Q(payer=Payer.INSURER), default=ZERO),
        )
    else:
        paid = {"customer": sum((p.amount for p in payments if p.payer == Payer.CUSTOMER), ZERO),
                "insurer": sum((p.amount for p in payments if p.payer == Payer.INSURER), ZERO)}
    order.paid_total = to_money(paid["customer"] + paid["insurer"])
    order.balance = to_money(order.amount_due - order.insurer_amount - paid["customer"])
    order.insurer_balance = to_money(order.insurer_amount - paid["insurer"])
    if save and order.pk:
        order.save(update_fields=[*MONEY_FIELDS, "updated_at"])
    return order
