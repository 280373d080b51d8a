"""Settlement and delivery over the API: the settlement view, discounts and their approval, payments,
settling (optionally with discount and payments in the same call), and delivery."""

from ninja import Query, Router, Schema, Status

from aftersales.core.api import ERRORS, Page, offset_page, require
from aftersales.core.inputs import as_choice, as_id

from ..choices import DiscountStatus, WorkOrderStatus
from ..models import DiscountRequest, Payment, WorkOrder
from ..schemas_floor import (
    DecisionIn,
    DeliverIn,
    DeliveryOut,
    DiscountIn,
    DiscountOut,
    PaymentIn,
    PaymentOut,
    SettleIn,
    SettlementOut,
)
from ..selectors import floor as selectors
from ..services import delivery, settlement
from ..services.transitions import guard_reasons
from ..states import transition_named
from .floor import person

router = Router(tags=["workshop"])


def discount_out(row: DiscountRequest) -> dict:
    return {"id": row.pk, "work_order_id": row.work_order_id, "amount": row.amount, "percent": row.percent,
            "reason": row.reason, "status": row.status, "requested_by": person(row.requested_by),
            "requested_at": row.requested_at, "decided_by": person(row.decided_by), "decided_at": row.decided_at,
            "decision_note": row.decision_note}


def payment_out(row: Payment) -> dict:
    return {"id": row.pk, "work_order_id": row.work_order_id, "payer": row.payer, "method": row.method,
            "amount": row.amount, "reference": row.reference, "note": row.note,
            "received_by": person(row.received_by), "received_at": row.received_at}


def settle_blockers(order: WorkOrder, user) -> list[str]:
    transition = transition_named(order.status, "settle")
    if transition is None:
        return []
    return guard_reasons(order, transition, user)


def settlement_out(user, order: WorkOrder) -> dict:
    credit = selectors.customer_credit(order)
    return {
        "id": order.pk, "number": order.number, "status": order.status,
        "totals": {"A": order.total_a, "B": order.total_b, "C": order.total_c, "D": order.total_d},
        "discount_amount": order.discount_amount, "amount_due": order.amount_due,
        "insurer_amount": order.insurer_amount, "paid_total": order.paid_total, "balance": order.balance,
        "insurer_balance": order.insurer_balance, "credit_limit": credit.limit, "credit_remaining": credit.remaining,
        "settled_at": order.settled_at,
        "payments": [payment_out(p) for p in order.payments.select_related("received_by").order_by("received_at", "id")],
        "discount_requests": [discount_out(d) for d in order.discount_requests.select_related(
            "requested_by", "decided_by").order_by("requested_at", "id")],
        "settle_blockers": settle_blockers(order, user) if order.status == WorkOrderStatus.READY_FOR_SETTLEMENT else [],
    }


@router.get("/work-orders/{pk}/settlement", response={200: SettlementOut, **ERRORS},
            summary="Totals per pay type, discount, payments, balance and credit of an order")
def settlement_detail(request, pk: int):
    require(request.user, "workshop.view_payment")
    return settlement_out(request.user, selectors.order_get(user=request.user, pk=pk))


@router.post("/work-orders/{pk}/discounts", response={201: DiscountOut, **ERRORS},
             summary="Give a discount on the customer-paid total (beyond your limit: a request for a manager)")
def discount_create(request, pk: int, data: DiscountIn):
    require(request.user, "workshop.add_discountrequest")
    row = settlement.discount_give(user=request.user, order_id=pk, amount=data.amount, percent=data.percent,
                                   reason=data.reason)
    return Status(201, discount_out(row))


class DiscountFilters(Schema):
    status: str = DiscountStatus.PENDING
    work_order_id: int | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/discount-requests", response={200: Page[DiscountOut], **ERRORS},
            summary="Discount requests (default: those waiting for a manager)")
def discount_list(request, filters: Query[DiscountFilters]):
    require(request.user, "workshop.view_discountrequest")
    status = as_choice(filters.status, "status", DiscountStatus, required=False)
    qs = selectors.discount_request_list(user=request.user, status=status,
                                         order_id=as_id(filters.work_order_id, "work_order_id", required=False))
    items, cursor = offset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": [discount_out(d) for d in items], "next_cursor": cursor}


@router.post("/discount-requests/{pk}/decision", response={200: DiscountOut, **ERRORS},
             summary="Approve (the discount applies) or reject a discount request")
def discount_decision(request, pk: int, data: DecisionIn):
    require(request.user, "workshop.approve_discount_workorder")
    row = settlement.discount_decide(user=request.user, pk=pk, approve=data.approve, note=data.note)
    return discount_out(selectors.discount_request_get(user=request.user, pk=row.pk))


class PageFilters(Schema):
    limit: int = 50
    cursor: str | None = None


@router.get("/work-orders/{pk}/payments", response={200: Page[PaymentOut], **ERRORS}, summary="The order's payments")
def payment_list(request, pk: int, filters: Query[PageFilters]):
    require(request.user, "workshop.view_payment")
    qs = selectors.payment_list(user=request.user, order_id=pk)
    items, cursor = offset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": [payment_out(p) for p in items], "next_cursor": cursor}


@router.post("/work-orders/{pk}/payments", response={201: PaymentOut, **ERRORS},
             summary="Record a payment (never more than the balance)")
def payment_create(request, pk: int, data: PaymentIn):
    require(request.user, "workshop.add_payment")
    payload = data.dict()
    payload["method"], payload["payer"] = data.method.value, data.payer.value
    payment = settlement.payment_record(user=request.user, order_id=pk, data=payload)
    return Status(201, payment_out(payment))


@router.post("/work-orders/{pk}/settle", response={200: SettlementOut, **ERRORS},
             summary="Settle: optionally a discount and payments, then the settlement, in one transaction")
def settle(request, pk: int, data: SettleIn):
    require(request.user, "workshop.settle_workorder")
    discount = data.discount.dict() if data.discount is not None else None
    payments = [{**p.dict(), "method": p.method.value, "payer": p.payer.value} for p in data.payments]
    order = settlement.work_order_settle(user=request.user, order_id=pk, discount=discount, payments=payments,
                                         note=data.note)
    return settlement_out(request.user, order)


@router.get("/work-orders/{pk}/delivery", response={200: DeliveryOut, **ERRORS},
            summary="What delivery would record: the explanation, old parts, next service (proposed)")
def delivery_detail(request, pk: int):
    require(request.user, "workshop.view_workorder")
    order = selectors.order_get(user=request.user, pk=pk)
    return delivery_out(order)


@router.post("/work-orders/{pk}/deliver", response={200: DeliveryOut, **ERRORS},
             summary="Deliver the settled order: explanation, old parts, next service")
def deliver(request, pk: int, data: DeliverIn):
    require(request.user, "workshop.deliver_workorder")
    payload = data.dict(exclude_unset=True)
    if "old_parts" in payload:
        payload["old_parts"] = [{"line_id": p.line_id, "disposition": p.disposition.value} for p in data.old_parts]
    order = delivery.work_order_deliver(user=request.user, order_id=pk, data=payload)
    return delivery_out(order)


def delivery_out(order: WorkOrder) -> dict:
    if order.status == WorkOrderStatus.DELIVERED:
        records = list(order.old_part_records.select_related("line"))
        return {"id": order.pk, "number": order.number, "status": order.status, "notes": order.delivery_notes,
                "old_parts": [{"line_id": r.line_id, "description": r.line.description, "pay_type": r.line.pay_type,
                               "disposition": r.disposition} for r in records],
                "next_service_date": order.next_service_date, "next_service_mileage": order.next_service_mileage,
                "delivered_at": order.delivered_at}
    proposal = selectors.delivery_proposal(order)
    return {"id": order.pk, "number": order.number, "status": order.status, "notes": proposal.summary,
            "old_parts": [{"line_id": line.pk, "description": line.description, "pay_type": line.pay_type,
                           "disposition": default} for line, default in proposal.parts],
            "next_service_date": proposal.next_service_date, "next_service_mileage": proposal.next_service_mileage,
            "due_reason": proposal.due_reason, "delivered_at": None}
