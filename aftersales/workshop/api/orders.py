"""API of reception and estimates: work orders, their lines, damage and photos, the customer's
approvals (also through the public link), the advisor's day board and the labour catalogue."""

from __future__ import annotations

import datetime as dt
import ipaddress

from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from aftersales.core.api import ERRORS, Page, keyset_page, require

from ..schemas_orders import (
    CancelIn,
    DamageIn,
    DamageOut,
    DayBoardOut,
    DecidedOut,
    DecisionIn,
    EventOut,
    LineIn,
    LineOut,
    LinePatch,
    LinkOut,
    NoteIn,
    OperationIn,
    OperationOut,
    OperationPatch,
    PhotoOut,
    PublicApprovalOut,
    PublicDecisionIn,
    SubmitIn,
    SubmittedOut,
    WorkOrderDetailOut,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderPatch,
)
from ..selectors import orders as selectors
from ..services import approvals, catalogue, lines, orders

router = Router(tags=["workshop"])


def _limit(value: int) -> int:
    return max(1, min(value, 200))


def _row(user, order) -> dict:
    return {
        "id": order.pk, "number": order.number, "status": order.status, "status_label": order.get_status_display(),
        "service_point_id": order.service_point_id, "service_point_name": order.service_point.name,
        "customer_id": order.customer_id, "customer_name": selectors.customer_label(user, order),
        "asset_id": order.asset_id, "plate": order.asset.plate or order.asset.serial_number,
        "advisor_id": order.advisor_id, "advisor_name": str(order.advisor) if order.advisor_id else "",
        "service_type": order.service_type, "opened_at": order.opened_at, "promised_at": order.promised_at,
        **{name: getattr(order, name) for name in ("total_a", "total_b", "total_c", "total_d", "amount_due",
                                                   "balance")},
    }


def detail_dict(user, pk: int) -> dict:
    order = selectors.work_order_api_detail(user=user, pk=pk)
    data = _row(user, order)
    data.update({name: getattr(order, name) for name in (
        "appointment_id", "mileage_in", "meter_reading_id", "fuel_level", "valuables", "concerns", "diagnosis",
        "walkaround_notes", "labour_rate", "rework_count", "discount_amount", "insurer_amount", "paid_total",
        "insurer_balance", "settled_at", "delivered_at", "cancelled_at", "cancel_reason", "status_token")})
    data["lines"] = list(order.lines.all())
    data["approvals"] = list(order.approvals.all())
    data["damages"] = list(order.damages.all())
    data["photos"] = list(order.photos.all())
    data["transitions"] = selectors.order_steps(user, order)
    return data




# ---- work orders --------------------------------------------------------------------------------

class OrderFilters(Schema):
    status: str = ""
    point_id: int | None = None
    advisor_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/work-orders", response={200: Page[WorkOrderOut], **ERRORS},
            summary="Work orders of my points, newest first (filters: status or 'open', point, advisor, dates, "
                    "number or plate)")
def work_order_list(request, filters: Query[OrderFilters]):
    require(request.user, "workshop.view_workorder")
    qs = selectors.work_order_list(user=request.user, status=filters.status, point_id=filters.point_id,
                                   advisor_id=filters.advisor_id, date_from=filters.date_from,
                                   date_to=filters.date_to, q=filters.q)
    rows, cursor = selectors.keyset_by_opened(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": [_row(request.user, order) for order in rows], "next_cursor": cursor}


@router.post("/work-orders", response={201: WorkOrderDetailOut, **ERRORS},
             summary="Check in (walk-in or appointment), with damage and lines in the same call")
def work_order_create(request, data: WorkOrderIn):
    require(request.user, "workshop.add_workorder")
    payload = data.dict(exclude_unset=True)
    order = orders.work_order_open(user=request.user, data=payload)
    return Status(201, detail_dict(request.user, order.pk))


@router.get("/work-orders/{pk}", response={200: WorkOrderDetailOut, **ERRORS}, summary="One work order")
def work_order_detail(request, pk: int):
    require(request.user, "workshop.view_workorder")
    return detail_dict(request.user, pk)


@router.patch("/work-orders/{pk}", response={200: WorkOrderDetailOut, **ERRORS},
              summary="Change the reception data (the status changes only by its transitions)")
def work_order_update(request, pk: int, data: WorkOrderPatch):
    require(request.user, "workshop.change_workorder")
    orders.work_order_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))
    return detail_dict(request.user, pk)


@router.get("/work-orders/{pk}/events", response={200: Page[EventOut], **ERRORS},
            summary="The order's timeline, oldest first")
def work_order_events(request, pk: int, limit: int = 100, cursor: str | None = None):
    require(request.user, "workshop.view_workorder")
    qs = selectors.work_order_events(user=request.user, pk=pk)
    items, next_cursor = keyset_page(qs, limit=_limit(limit), cursor=cursor, ordering="id")
    return {"items": items, "next_cursor": next_cursor}


@router.post("/work-orders/{pk}/revise", response={200: WorkOrderDetailOut, **ERRORS},
             summary="Back to reception to change the estimate (the pending estimate and its link are withdrawn)")
def work_order_revise(request, pk: int, data: NoteIn):
    require(request.user, "workshop.change_workorder")
    orders.work_order_revise(user=request.user, order_id=pk, note=data.note)
    return detail_dict(request.user, pk)


@router.post("/work-orders/{pk}/cancel", response={200: WorkOrderDetailOut, **ERRORS},
             summary="Cancel (reason required; from reception, awaiting approval or approved; reservations released)")
def work_order_cancel(request, pk: int, data: CancelIn):
    require(request.user, "workshop.cancel_workorder")
    orders.work_order_cancel(user=request.user, order_id=pk, reason=data.reason)
    return detail_dict(request.user, pk)


# ---- lines --------------------------------------------------------------------------------------

@router.post("/work-orders/{pk}/lines", response={201: LineOut, **ERRORS},
             summary="Add a line (at reception; while approved or in repair it is a supplement)")
def line_create(request, pk: int, data: LineIn):
    require(request.user, "workshop.add_workorderline")
    return Status(201, lines.line_add(user=request.user, order_id=pk, data=data.dict()))


@router.patch("/work-orders/{pk}/lines/{line_id}", response={200: LineOut, **ERRORS},
              summary="Change a line the customer has not approved yet")
def line_update(request, pk: int, line_id: int, data: LinePatch):
    require(request.user, "workshop.change_workorderline")
    return lines.line_update(user=request.user, order_id=pk, line_id=line_id, data=data.dict(exclude_unset=True))


@router.delete("/work-orders/{pk}/lines/{line_id}", response={204: None, **ERRORS},
               summary="Remove a line the customer has not approved yet")
def line_delete(request, pk: int, line_id: int):
    require(request.user, "workshop.delete_workorderline")
    lines.line_remove(user=request.user, order_id=pk, line_id=line_id)
    return Status(204, None)


# ---- damage and photos --------------------------------------------------------------------------

@router.post("/work-orders/{pk}/damages", response={201: DamageOut, **ERRORS},
             summary="Record existing damage found on the walk-around")
def damage_create(request, pk: int, data: DamageIn):
    require(request.user, "workshop.add_workorderdamage")
    return Status(201, orders.work_order_damage_add(user=request.user, order_id=pk, data=data.dict()))


@router.delete("/work-orders/{pk}/damages/{damage_id}", response={204: None, **ERRORS}, summary="Remove a damage")
def damage_delete(request, pk: int, damage_id: int):
    require(request.user, "workshop.delete_workorderdamage")
    orders.work_order_damage_remove(user=request.user, order_id=pk, damage_id=damage_id)
    return Status(204, None)


@router.post("/work-orders/{pk}/photos", response={201: PhotoOut, **ERRORS},
             summary="Upload a photo (multipart: image, caption, damage_id; JPEG, PNG or WebP, size-limited)")
def photo_create(request, pk: int, image: File[UploadedFile], caption: Form[str] = "",
                 damage_id: Form[int | None] = None):
    require(request.user, "workshop.add_workorderphoto")
    photo = orders.work_order_photo_add(user=request.user, order_id=pk, image=image, caption=caption,
                                        damage_id=damage_id)
    return Status(201, photo)


@router.delete("/work-orders/{pk}/photos/{photo_id}", response={204: None, **ERRORS}, summary="Remove a photo")
def photo_delete(request, pk: int, photo_id: int):
    require(request.user, "workshop.delete_workorderphoto")
    orders.work_order_photo_remove(user=request.user, order_id=pk, photo_id=photo_id)
    return Status(204, None)


# ---- approvals ----------------------------------------------------------------------------------

def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.post("/work-orders/{pk}/estimate", response={200: SubmittedOut, **ERRORS},
             summary="Submit the estimate to the customer (reception → awaiting approval); optionally send the link")
def estimate_submit(request, pk: int, data: SubmitIn):
    require(request.user, "workshop.change_workorder")
    done = approvals.estimate_submit(user=request.user, order_id=pk, send_link=data.send_link, note=data.note,
                                     base_url=_base_url(request))
    return {"work_order": detail_dict(request.user, pk), "approval": done.approval,
            "link": _base_url(request) + approvals.approval_path(done.link) if done.link else None}


@router.post("/work-orders/{pk}/supplements", response={200: SubmittedOut, **ERRORS},
             summary="Put the supplement lines found during the repair to the customer")
def supplement_submit(request, pk: int, data: SubmitIn):
    require(request.user, "workshop.change_workorder")
    done = approvals.supplement_submit(user=request.user, order_id=pk, send_link=data.send_link, note=data.note,
                                       base_url=_base_url(request))
    return {"work_order": detail_dict(request.user, pk), "approval": done.approval,
            "link": _base_url(request) + approvals.approval_path(done.link) if done.link else None}


@router.post("/work-orders/{pk}/approvals/{approval_id}/decision", response={200: DecidedOut, **ERRORS},
             summary="Record the customer's answer: signed on screen (signature) or by phone (note required)")
def approval_decision(request, pk: int, approval_id: int, data: DecisionIn):
    require(request.user, "workshop.record_approval_workorder")
    approval = approvals.approval_decide(user=request.user, order_id=pk, approval_id=approval_id, data=data.dict())
    return {"work_order": detail_dict(request.user, pk), "approval": approval}


@router.post("/work-orders/{pk}/approvals/{approval_id}/link", response={200: LinkOut, **ERRORS},
             summary="Send a new approval link (the previous one stops working)")
def approval_link(request, pk: int, approval_id: int):
    require(request.user, "workshop.change_workorder")
    raw = approvals.approval_send_link(user=request.user, order_id=pk, approval_id=approval_id,
                                       base_url=_base_url(request))
    approval = selectors.work_order_get(user=request.user, pk=pk).approvals.get(pk=approval_id)
    return {"approval": approval, "link": _base_url(request) + approvals.approval_path(raw)}


def client_ip(request) -> str | None:
    value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _public(raw: str) -> dict:
    approval = approvals.approval_by_token(raw)
    state = approvals.link_state(approval)
    if state == approvals.LinkState.UNKNOWN:
        raise approvals.link_refusal(state)
    summary = selectors.approval_summary(approval)
    message = "" if state == approvals.LinkState.OPEN else str(approvals.LINK_MESSAGES[state])
    return {**summary, "state": state, "message": message,
            "lines": [{"sequence": ln.sequence, "description": ln.description, "quantity": ln.quantity,
                       "unit_price": ln.unit_price, "amount": ln.amount, "pay_type": ln.pay_type}
                      for ln in summary["lines"]]}


@router.get("/public/approvals/{token}", auth=None, response={200: PublicApprovalOut, **ERRORS},
            summary="What the customer's approval link shows (no login; unknown links are 404)")
def public_approval(request, token: str):
    return _public(token)


@router.post("/public/approvals/{token}", auth=None, response={200: PublicApprovalOut, **ERRORS},
             summary="The customer approves (name and signature) or declines through the link")
def public_approval_decide(request, token: str, data: PublicDecisionIn):
    approvals.approval_decide_by_link(token=token, decision=data.decision, approver_name=data.approver_name,
                                      signature=data.signature, client_ip=client_ip(request))
    return _public(token)


# ---- the day board ------------------------------------------------------------------------------

def _card(card) -> dict:
    return {"id": card.pk, "number": card.number, "status": card.status, "plate": card.plate,
            "customer": card.customer_label, "advisor": card.advisor, "promised_at": card.promised_at,
            "overdue": card.overdue, "pending_approval": card.pending_approval}


@router.get("/day-board", response={200: DayBoardOut, **ERRORS},
            summary="The advisor's day: appointments, open orders by state, orders settled or delivered that day")
def day_board(request, point_id: int | None = None, date: dt.date | None = None, advisor_id: int | None = None):
    require(request.user, "workshop.view_workorder")
    board = selectors.day_board(user=request.user, point_id=point_id, day=date, advisor_id=advisor_id)
    return {
        "date": board.day, "point_id": board.point.pk if board.point else None,
        "appointments": [{
            "id": a.pk, "number": a.number, "starts_at": a.starts_at, "status": a.status,
            "service_type": a.service_type, "customer": a.customer_label, "plate": a.plate, "advisor": a.advisor,
            "work_order_id": a.work_order_id} for a in board.appointments],
        "columns": [{"status": c.status, "label": str(c.label), "count": c.count, "cards": [_card(o) for o in c.cards]}
                    for c in board.columns],
        "done": [_card(o) for o in board.done],
    }


# ---- labour operations --------------------------------------------------------------------------

class OperationFilters(Schema):
    q: str = ""
    category: str = ""
    brand: str = ""
    active: bool | None = None
    limit: int = 50
    cursor: str | None = None


@router.get("/labour-operations", response={200: Page[OperationOut], **ERRORS}, summary="The labour catalogue")
def operation_list(request, filters: Query[OperationFilters]):
    require(request.user, "workshop.view_labouroperation")
    qs = selectors.labour_operation_list(user=request.user, q=filters.q, category=filters.category,
                                         active=filters.active, brand=filters.brand)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor, ordering="id")
    return {"items": items, "next_cursor": cursor}


@router.post("/labour-operations", response={201: OperationOut, **ERRORS}, summary="Add a labour operation")
def operation_create(request, data: OperationIn):
    require(request.user, "workshop.add_labouroperation")
    return Status(201, catalogue.labour_operation_create(user=request.user, data=data.dict()))


@router.get("/labour-operations/{pk}", response={200: OperationOut, **ERRORS}, summary="One labour operation")
def operation_detail(request, pk: int):
    require(request.user, "workshop.view_labouroperation")
    return selectors.labour_operation_get(user=request.user, pk=pk)


@router.patch("/labour-operations/{pk}", response={200: OperationOut, **ERRORS}, summary="Change a labour operation")
def operation_update(request, pk: int, data: OperationPatch):
    require(request.user, "workshop.change_labouroperation")
    return catalogue.labour_operation_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.delete("/labour-operations/{pk}", response={204: None, **ERRORS},
               summary="Delete a labour operation (one in use is deactivated instead: 409)")
def operation_delete(request, pk: int):
    require(request.user, "workshop.delete_labouroperation")
    catalogue.labour_operation_delete(user=request.user, pk=pk)
    return Status(204, None)
