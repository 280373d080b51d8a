"""Settlement (结算): discounts, payments, and settling the order.

* What the customer pays is the A (customer-paid) total less the discount, less the insurer's share
  (``insurer_amount``, set by the insurance claim, not the customer's); B, C and D lines are shown
  but cost the customer nothing.
* A discount is an amount or a percentage of the A total and replaces any earlier one. It applies at
  once when it is within the user's ``discount_limit_percent`` or the user may approve discounts at
  the order's point (managers override limits); otherwise it becomes a request that waits for a
  manager (``workshop.approve_discount_workorder``), at most one per order. Discounts are given
  while the order is ready for settlement; none may bring the balance below what is already paid.
* A payment (cash, bank card, WeChat Pay, Alipay, transfer: recorded, not processed) is above zero
  and never more than the balance, so nobody pays twice; the order row is locked, so two cashiers
  taking the last payment at the same moment queue and the second is refused (409). Payments are
  taken from "ready for settlement" on, also after settling (the customer pays off a balance).
* Settling (``settle``) leaves a balance only within the customer's remaining credit (credit limit
  less the balances of his other settled orders), unless the user may extend credit
  (``workshop.extend_credit_workorder``); the customer row is locked while this is checked, so two
  orders of one customer cannot both use the last of his credit. After commit the customer's derived
  outstanding balance is refreshed.
* ``work_order_settle`` takes a discount, payments and the settlement in one transaction; a discount
  there that needs a manager refuses the whole call (409), so nothing is half-done.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.audit import record_change, snapshot
from aftersales.core.commands import command
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_bool, as_choice, as_decimal, as_money, as_text, invalid, is_row_id
from aftersales.core.models import AuditAction
from aftersales.core.money import to_money
from aftersales.customers.models import Customer

from ..choices import BILLED_STATUSES, DiscountStatus, Payer, PaymentMethod, WorkOrderStatus
from ..models import DiscountRequest, Payment, WorkOrder, WorkOrderEvent
from .totals import order_recompute_totals
from .transitions import locked_order, work_order_transition

S = WorkOrderStatus
ZERO = Decimal("0.00")
PAYABLE_STATUSES = (S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED)
CUSTOMER_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.WECHAT, PaymentMethod.ALIPAY,
                    PaymentMethod.TRANSFER)
INSURER_METHODS = (PaymentMethod.INSURER, PaymentMethod.TRANSFER)
MAX_PAYMENTS = 10


def _event(order: WorkOrder, kind: str, user, note: str = "", data: dict | None = None) -> None:
    WorkOrderEvent.objects.create(work_order=order, kind=kind, note=note[:500], data=data or {},
                                  actor=user if getattr(user, "is_authenticated", False) else None)


def _require_at(user, permission: str, order: WorkOrder) -> None:
    if not scope_for(user, permission).covers(order.service_point_id):
        raise PermissionDeniedError()


def _refresh_customer_after_commit(order: WorkOrder) -> None:
    customer_id = order.customer_id

    def refresh():
        from aftersales.customers.transactions import customer_transaction_status_refresh

        customer_transaction_status_refresh(customer_ids=[customer_id])

    transaction.on_commit(refresh)


# ---- discounts ----------------------------------------------------------------------------------

def _discount_figures(order: WorkOrder, amount: Any, percent: Any) -> tuple[Decimal, Decimal]:
    given = [name for name, value in (("amount", amount), ("percent", percent)) if value not in (None, "")]
    if len(given) != 1:
        raise invalid("amount", _("Give the discount either as an amount or as a percentage."))
    if order.total_a <= 0:
        raise invalid(given[0], _("The order has nothing paid by the customer to discount."))
    if given[0] == "amount":
        value = as_money(amount, "amount", required=True)
        if value > order.total_a:
            raise invalid("amount", _("The discount cannot exceed the customer-paid total of %(total)s.") % {
                "total": order.total_a})
        pct = (value * 100 / order.total_a).quantize(Decimal("0.01"))
        return value, pct
    pct = as_decimal(percent, "percent", required=True, maximum=100)
    return to_money(order.total_a * pct / 100), pct


def _within_limit(user, order: WorkOrder, amount: Decimal) -> bool:
    if scope_for(user, "workshop.approve_discount_workorder").covers(order.service_point_id):
        return True
    limit = getattr(user, "discount_limit_percent", None) or ZERO
    return amount <= to_money(order.total_a * limit / 100)


def _apply_discount(order: WorkOrder, amount: Decimal) -> None:
    paid = order.amount_due - order.insurer_amount - order.balance  # what the customer has paid so far
    if order.total_a - amount - order.insurer_amount < paid:
        message = _("The customer has already paid %(paid)s; a discount of %(amount)s would leave him owed "
                    "money back.") % {"paid": paid, "amount": amount}
        raise ConflictError("discount_too_large", message, {"amount": [message]})
    order.discount_amount = amount
    order_recompute_totals(order)


def _discount(user, order: WorkOrder, *, amount: Any = None, percent: Any = None, reason: Any = "",
              must_apply: bool = False) -> DiscountRequest:
    _require_at(user, "workshop.add_discountrequest", order)
    if order.status != S.READY_FOR_SETTLEMENT:
        message = _("Discounts are given while the order is ready for settlement.")
        raise ConflictError("invalid_state", message, {"status": [message]})
    value, pct = _discount_figures(order, amount, percent)
    reason = as_text(reason, "reason", max_length=255)
    applies = _within_limit(user, order, value)
    if not applies and must_apply:
        message = _("A discount of %(amount)s (%(pct)s %%) is above your limit: ask a manager to approve it "
                    "first.") % {"amount": value, "pct": pct}
        raise ConflictError("needs_approval", message, {"amount": [message]})
    if DiscountRequest.objects.filter(work_order=order, status=DiscountStatus.PENDING).exists():
        message = _("A discount request is already waiting for a manager.")
        raise ConflictError("discount_pending", message, {"amount": [message]})
    now = timezone.now()
    request = DiscountRequest(work_order=order, amount=value, percent=pct, reason=reason, requested_by=user,
                              status=DiscountStatus.APPROVED if applies else DiscountStatus.PENDING)
    if applies:
        _apply_discount(order, value)
        request.decided_by, request.decided_at = user, now
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        message = _("A discount request is already waiting for a manager.")
        raise ConflictError("discount_pending", message, {"amount": [message]}) from exc
    record_change(actor=user, instance=request, action=AuditAction.CREATE, before=None, after=snapshot(request))
    _event(order, "discount" if applies else "discount_requested", user,
           note=f"−{value} ({pct} %) {reason}".strip(), data={"discount_request_id": request.pk,
                                                               "amount": str(value), "percent": str(pct)})
    return request


def discount_give(*, user, order_id: int, amount: Any = None, percent: Any = None, reason: Any = "") -> DiscountRequest:
    """Give a discount (applied at once within the user's limit) or ask a manager for it."""
    with command():
        order = locked_order(user, order_id)
        return _discount(user, order, amount=amount, percent=percent, reason=reason)


def discount_decide(*, user, pk: int, approve: Any, note: Any = "") -> DiscountRequest:
    """A manager approves (the discount applies) or rejects a pending discount request."""
    with command():
        if not is_row_id(pk):
            raise NotFoundError()
        order_id = (DiscountRequest.objects.restrict(user, "view").filter(pk=pk)
                    .values_list("work_order_id", flat=True).first())
        if order_id is None:
            raise NotFoundError()
        order = locked_order(user, order_id)
        _require_at(user, "workshop.approve_discount_workorder", order)
        request = DiscountRequest.objects.select_for_update().get(pk=pk)
        if request.status != DiscountStatus.PENDING:
            message = _("This request was already decided.")
            raise ConflictError("already_decided", message, {"approve": [message]})
        if order.status != S.READY_FOR_SETTLEMENT:
            message = _("The order is no longer ready for settlement.")
            raise ConflictError("invalid_state", message, {"status": [message]})
        if not isinstance(approve, bool):
            raise invalid("approve", _("Approve or reject."))
        before = snapshot(request)
        request.decision_note = as_text(note, "note", max_length=255)
        if approve:
            _apply_discount(order, request.amount)
        request.status = DiscountStatus.APPROVED if approve else DiscountStatus.REJECTED
        request.decided_by, request.decided_at = user, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_change(actor=user, instance=request, action=AuditAction.UPDATE, before=before, after=snapshot(request))
        _event(order, "discount_approved" if approve else "discount_rejected", user,
               note=f"−{request.amount} ({request.percent} %) {request.decision_note}".strip(),
               data={"discount_request_id": request.pk})
    return request


# ---- payments -----------------------------------------------------------------------------------

def _payment(user, order: WorkOrder, data: dict, field: str = "", *, totals_current: bool = False) -> Payment:
    """Take one payment. ``totals_current``: the caller has just recomputed the order's totals in this
    transaction (settling with several payments), so the payment is taken off the balance in memory
    instead of summing lines and payments again; the order is saved by the caller."""
    prefix = f"{field}." if field else ""
    _require_at(user, "workshop.add_payment", order)
    if order.status not in PAYABLE_STATUSES:
        message = _("Payments are taken once the order is ready for settlement.")
        raise ConflictError("invalid_state", message, {"status": [message]})
    if not isinstance(data, dict):
        raise invalid(field or "payments", _("Each payment has a method and an amount."))
    payer = as_choice(data.get("payer"), f"{prefix}payer", Payer, required=False, default=Payer.CUSTOMER)
    method = as_choice(data.get("method"), f"{prefix}method", PaymentMethod)
    allowed = CUSTOMER_METHODS if payer == Payer.CUSTOMER else INSURER_METHODS
    if method not in allowed:
        raise invalid(f"{prefix}method", _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)})
    amount = as_money(data.get("amount"), f"{prefix}amount", required=True)
    if amount <= 0:
        raise invalid(f"{prefix}amount", _("Enter an amount above zero."))
    owed = order.balance if payer == Payer.CUSTOMER else order.insurer_balance
    if amount > owed:
        if owed <= 0:
            message = _("Nothing is left to pay on order %(order)s.") % {"order": order.number}
        else:
            message = _("Only %(owed)s is left to pay; %(amount)s would charge twice.") % {
                "owed": owed, "amount": amount}
        raise ConflictError("overpayment", message, {f"{prefix}amount": [message]})
    payment = Payment.objects.create(
        work_order=order, payer=payer, method=method, amount=amount, received_by=user,
        reference=as_text(data.get("reference"), f"{prefix}reference", max_length=64),
        note=as_text(data.get("note"), f"{prefix}note", max_length=255))
    if totals_current:
        order.paid_total += amount
        if payer == Payer.CUSTOMER:
            order.balance -= amount
        else:
            order.insurer_balance -= amount
    else:
        order_recompute_totals(order)
    record_change(actor=user, instance=payment, action=AuditAction.CREATE, before=None, after=snapshot(payment))
    _event(order, "payment", user, note=f"{payment.get_method_display()} {amount}",
           data={"payment_id": payment.pk, "method": method, "amount": str(amount), "payer": payer,
                 "balance": str(order.balance)})
    if order.status in BILLED_STATUSES:
        _refresh_customer_after_commit(order)
    return payment


def payment_record(*, user, order_id: int, data: dict) -> Payment:
    with command():
        order = locked_order(user, order_id)
        return _payment(user, order, data)


# ---- settling -----------------------------------------------------------------------------------

def work_order_settle(*, user, order_id: int, discount: dict | None = None, payments: list | None = None,
                      note: Any = "") -> WorkOrder:
    """Optionally a discount and payments, then ``settle`` — all in one transaction."""
    note = as_text(note, "note", max_length=500)
    with command():
        order = locked_order(user, order_id)
        _require_at(user, "workshop.settle_workorder", order)
        if order.status != S.READY_FOR_SETTLEMENT:
            message = _("Order %(order)s is “%(state)s”, not ready for settlement.") % {
                "order": order.number, "state": order.get_status_display()}
            raise ConflictError("invalid_state", message, {"status": [message]})
        # one credit check at a time (the lock is what counts: no columns are read)
        Customer.objects.select_for_update().filter(pk=order.customer_id).values_list("pk", flat=True).first()
        if discount:
            if not isinstance(discount, dict):
                raise invalid("discount", _("Give the discount as an amount or a percentage."))
            _discount(user, order, amount=discount.get("amount"), percent=discount.get("percent"),
                      reason=discount.get("reason", ""), must_apply=True)
        payments = payments or []
        if not isinstance(payments, list | tuple) or len(payments) > MAX_PAYMENTS:
            raise invalid("payments", _("Give at most %(n)d payments.") % {"n": MAX_PAYMENTS})
        if payments:
            order_recompute_totals(order, save=False)  # saved with the transition
        for i, data in enumerate(payments):
            _payment(user, order, data, field=f"payments.{i}", totals_current=True)
        order = work_order_transition(user=user, order=order, name="settle", note=note,
                                      data={"balance": str(order.balance)})
    return order


def settle_on_credit_allowed(*, user, order: WorkOrder) -> bool:
    return scope_for(user, "workshop.extend_credit_workorder").covers(order.service_point_id)


def as_approve(value: Any) -> bool:
    """Form values for a decision ("approve"/"reject", "1"/"0")."""
    if isinstance(value, str) and value.strip().lower() in {"approve", "approved"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"reject", "rejected"}:
        return False
    return as_bool(value)
