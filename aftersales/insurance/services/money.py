"""The claim's money on its work order: the insurer's share and the insurer's payment.

The share is the assessed amount less the deductible, capped at what the customer would still pay
(the order's amount due less the customer's payments so far), so the customer's balance never
goes below zero. It is written to ``WorkOrder.insurer_amount``; ``order_recompute_totals`` then
keeps ``balance`` (the customer's part) and ``insurer_balance`` (the insurer's part) apart.

When the order's lines change after the assessment, ``order_recompute_totals`` caps the share at
the new amount due (it can only shrink, never grow by itself); a re-assessment (a change of the
assessed amount or the deductible while the claim is assessed or its documents are complete)
applies the share again against the order's current amount due.

These functions run inside the claim's transaction (the caller holds the claim's row lock); each
locks the order with ``locked_order`` and writes a ``WorkOrderEvent``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import validation_error
from aftersales.core.models import AuditAction
from aftersales.core.money import to_money
from aftersales.workshop.choices import Payer, PaymentMethod
from aftersales.workshop.models import Payment, WorkOrder, WorkOrderEvent
from aftersales.workshop.services.totals import order_recompute_totals
from aftersales.workshop.services.transitions import locked_order

from ..models import InsuranceClaim

ZERO = Decimal("0.00")
LOCK_PERMISSION = "insurance.change_insuranceclaim"


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _refresh_customer_after_commit(order: WorkOrder) -> None:
    """The customer's outstanding balance (transaction status) follows the order's balance."""
    customer_id = order.customer_id

    def refresh():
        from aftersales.customers.transactions import customer_transaction_status_refresh

        customer_transaction_status_refresh(customer_ids=[customer_id])

    transaction.on_commit(refresh)


def _lock(user, claim: InsuranceClaim) -> WorkOrder:
    order = locked_order(user, claim.work_order_id, LOCK_PERMISSION)
    claim.work_order = order
    return order


def share_cap(order: WorkOrder) -> Decimal:
    """The most the insurer can take over: the amount due less what the customer has already paid."""
    order_recompute_totals(order, save=False)
    customer_paid = order.payments.filter(payer=Payer.CUSTOMER).aggregate(total=Sum("amount", default=ZERO))["total"]
    return to_money(max(order.amount_due - customer_paid, ZERO))


def claim_apply_share(*, user, claim: InsuranceClaim, note: str = "") -> dict:
    """Put the claim's share on the order (assessment or re-assessment); returns what was applied."""
    order = _lock(user, claim)
    share = claim.insurer_share or ZERO
    cap = share_cap(order)
    applied = min(share, cap)
    before = to_money(order.insurer_amount)
    order.insurer_amount = applied
    order_recompute_totals(order)
    details = {"claim_id": claim.pk, "assessed_amount": str(claim.assessed_amount), "deductible": str(claim.deductible),
               "share": str(share), "applied": str(applied), "previous": str(before), "capped": applied < share}
    message = note or _("Insurer's share from the assessment of the claim (%(insurer)s).") % {"insurer": claim.insurer}
    WorkOrderEvent.objects.create(work_order=order, kind="insurer_share", actor=_actor(user), note=message[:500],
                                  data=details)
    _refresh_customer_after_commit(order)
    return {"share": str(share), "applied": str(applied), "capped": applied < share}


def claim_remove_share(*, user, claim: InsuranceClaim, note: str = "") -> dict:
    """The claim is closed without payment: the customer pays the whole amount due again."""
    order = _lock(user, claim)
    before = to_money(order.insurer_amount)
    if before == ZERO:
        return {}
    order.insurer_amount = ZERO
    order_recompute_totals(order)
    WorkOrderEvent.objects.create(
        work_order=order, kind="insurer_share", actor=_actor(user),
        note=(note or _("The insurance claim was closed; the customer pays the whole amount."))[:500],
        data={"claim_id": claim.pk, "applied": "0.00", "previous": str(before)})
    _refresh_customer_after_commit(order)
    return {"share_removed": str(before)}


def claim_record_payment(*, user, claim: InsuranceClaim, note: str = "") -> dict:
    """The insurer's payment, as a payment on the order (never more than the insurer still owes)."""
    order = _lock(user, claim)
    order_recompute_totals(order, save=False)
    amount = to_money(claim.paid_amount)
    if amount > order.insurer_balance:
        message = _("The insurer owes %(balance)s on this order; the amount received cannot be more.") % {
            "balance": order.insurer_balance}
        raise validation_error(message, {"paid_amount": [message]})
    payment = Payment.objects.create(
        work_order=order, payer=Payer.INSURER, method=PaymentMethod.INSURER, amount=amount,
        reference=(claim.claim_number or claim.report_number)[:64], received_by=_actor(user),
        note=(_("Insurance claim paid by %(insurer)s") % {"insurer": claim.insurer})[:255])
    claim.payment = payment
    order_recompute_totals(order)
    record_change(actor=user, instance=payment, action=AuditAction.CREATE, before=None, after=snapshot(payment))
    WorkOrderEvent.objects.create(
        work_order=order, kind="insurer_payment", actor=_actor(user), note=payment.note,
        data={"claim_id": claim.pk, "payment_id": payment.pk, "amount": str(amount),
              "claim_number": claim.claim_number, "insurer_balance": str(order.insurer_balance)})
    return {"payment_id": payment.pk, "insurer_balance": str(order.insurer_balance)}
