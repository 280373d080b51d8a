"""The appointments API: bookings, the day's slots, recommendations, capacity, holidays, .ics."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from aftersales.core.api import ERRORS, Page, keyset_page, require
from aftersales.core.inputs import MAX_ROW_ID

from . import selectors, services
from .ics import invitation_ics
from .schemas import (
    AppointmentDetailOut,
    AppointmentIn,
    AppointmentOut,
    AppointmentPatch,
    CancelIn,
    CapacityIn,
    CapacityOut,
    DayOut,
    HolidayIn,
    HolidayOut,
    HolidayPatch,
    NoteIn,
    OverrideIn,
    OverrideOut,
    OverridePatch,
    RecommendationsOut,
    RescheduleIn,
)

router = Router(tags=["appointments"])

ICS = "text/calendar; charset=utf-8"


def _limit(value: int) -> int:
    return max(1, min(value, 200))


def _payload(data: Schema) -> dict:
    payload = data.dict(exclude_unset=True)
    for key, value in payload.items():
        payload[key] = getattr(value, "value", value)
    return payload


class AppointmentFilters(Schema):
    service_point_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    status: str = ""
    service_type: str = ""
    customer_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    advisor_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    date_from: date | None = None
    date_to: date | None = None
    q: str = Field("", max_length=100)
    limit: int = 50
    cursor: str | None = None


@router.get("/appointments", response={200: Page[AppointmentOut], **ERRORS}, summary="List appointments, newest first")
def appointment_list(request, filters: Query[AppointmentFilters]):
    require(request.user, "appointments.view_appointment")
    qs = selectors.appointment_list(
        user=request.user, service_point_id=filters.service_point_id, status=filters.status,
        service_type=filters.service_type, customer_id=filters.customer_id, advisor_id=filters.advisor_id,
        date_from=filters.date_from, date_to=filters.date_to, q=filters.q)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/appointments", response={201: AppointmentDetailOut, **ERRORS},
             summary="Book an appointment (a full slot needs a manager and overbook=true)")
def appointment_create(request, data: AppointmentIn):
    require(request.user, "appointments.add_appointment")
    appointment = services.appointment_book(user=request.user, data=_payload(data))
    return Status(201, selectors.appointment_get(user=request.user, pk=appointment.pk))


class RecommendationFilters(Schema):
    service_point_id: int = Field(..., ge=1, le=MAX_ROW_ID)
    duration_minutes: int = Field(60, ge=5, le=720)
    from_date: date | None = None


@router.get("/appointments/recommendations", response={200: RecommendationsOut, **ERRORS},
            summary="The three lowest-load slots of the next 14 days for a job of this duration")
def appointment_recommendations(request, filters: Query[RecommendationFilters]):
    require(request.user, "appointments.view_appointment")
    result = selectors.recommendations(user=request.user, service_point_id=filters.service_point_id,
                                       duration_minutes=filters.duration_minutes, from_date=filters.from_date)
    return {**result, "service_point_id": result["service_point"].pk}


@router.get("/appointments/{pk}", response={200: AppointmentDetailOut, **ERRORS}, summary="One appointment")
def appointment_detail(request, pk: int):
    require(request.user, "appointments.view_appointment")
    return selectors.appointment_get(user=request.user, pk=pk)


@router.patch("/appointments/{pk}", response={200: AppointmentDetailOut, **ERRORS},
              summary="Change what is booked (the time: reschedule)")
def appointment_update(request, pk: int, data: AppointmentPatch):
    require(request.user, "appointments.change_appointment")
    services.appointment_update(user=request.user, pk=pk, data=_payload(data))
    return selectors.appointment_get(user=request.user, pk=pk)


@router.post("/appointments/{pk}/confirm", response={200: AppointmentDetailOut, **ERRORS},
             summary="Confirm: the customer gets the details and the .ics link")
def appointment_confirm(request, pk: int, data: NoteIn | None = None):
    require(request.user, "appointments.confirm_appointment")
    services.appointment_confirm(user=request.user, pk=pk, note=data.note if data else "")
    return selectors.appointment_get(user=request.user, pk=pk)


@router.post("/appointments/{pk}/reschedule", response={200: AppointmentDetailOut, **ERRORS},
             summary="Move to another slot (capacity rechecked; a confirmed one is confirmed again)")
def appointment_reschedule(request, pk: int, data: RescheduleIn):
    require(request.user, "appointments.confirm_appointment")
    services.appointment_reschedule(user=request.user, pk=pk, starts_at=data.starts_at,
                                    estimated_minutes=data.estimated_minutes, overbook=data.overbook, note=data.note)
    return selectors.appointment_get(user=request.user, pk=pk)


@router.post("/appointments/{pk}/cancel", response={200: AppointmentDetailOut, **ERRORS}, summary="Cancel, with a reason")
def appointment_cancel(request, pk: int, data: CancelIn):
    require(request.user, "appointments.confirm_appointment")
    services.appointment_cancel(user=request.user, pk=pk, reason=data.reason)
    return selectors.appointment_get(user=request.user, pk=pk)


@router.post("/appointments/{pk}/no-show", response={200: AppointmentDetailOut, **ERRORS},
             summary="Mark that the customer did not come (after the start)")
def appointment_no_show(request, pk: int, data: NoteIn | None = None):
    require(request.user, "appointments.confirm_appointment")
    services.appointment_no_show(user=request.user, pk=pk, note=data.note if data else "")
    return selectors.appointment_get(user=request.user, pk=pk)


@router.post("/appointments/{pk}/arrive", response={200: AppointmentDetailOut, **ERRORS},
             summary="The customer is here (reception usually does this when opening the work order)")
def appointment_arrive(request, pk: int):
    services.appointment_arrive(user=request.user, appointment_id=pk)
    return selectors.appointment_get(user=request.user, pk=pk)


@router.get("/appointments/{pk}/invite.ics", response={200: None, **ERRORS}, summary="The calendar invitation")
def appointment_invite(request, pk: int):
    require(request.user, "appointments.view_appointment")
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    return _ics_response(appointment)


def _ics_response(appointment) -> HttpResponse:
    response = HttpResponse(invitation_ics(appointment), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{appointment.number}.ics"'
    return response


@router.get("/public/appointments/{token}/invite.ics", auth=None, response={200: None, 404: ERRORS[404]},
            summary="The calendar invitation from the link in the customer's message (no login)")
def public_invite(request, token: str):
    return _ics_response(selectors.appointment_by_invite_token(token))


class SlotFilters(Schema):
    service_point_id: int = Field(..., ge=1, le=MAX_ROW_ID)
    date: date


@router.get("/appointment-slots", response={200: DayOut, **ERRORS},
            summary="One day's slots at a point with their bookings and remaining capacity")
def appointment_slots(request, filters: Query[SlotFilters]):
    require(request.user, "appointments.view_appointment")
    board = selectors.day_board(user=request.user, service_point_id=filters.service_point_id, date=filters.date)
    return {
        "service_point_id": board.point.pk, "date": board.day.date, "open": board.day.is_open,
        "closed_reason": board.day.closed_reason, "slot_minutes": board.plan.slot_minutes,
        "slots": [{"starts_at": s.start, "ends_at": s.end, "bays": s.bays, "bays_used": s.bays_used,
                   "bays_left": s.bays_left, "technician_minutes": s.tech_minutes,
                   "technician_minutes_used": s.tech_used, "technician_minutes_left": s.tech_left,
                   "bookings": s.bookings} for s in board.slots],
        "outside_slots": board.unslotted,
    }


# ---- capacity, holidays, overrides ------------------------------------------------------------------

class PointFilter(Schema):
    service_point_id: int = Field(..., ge=1, le=MAX_ROW_ID)


@router.get("/appointment-capacity", response={200: CapacityOut, **ERRORS}, summary="A point's capacity plan")
def capacity_detail(request, filters: Query[PointFilter]):
    require(request.user, "appointments.view_capacityplan")
    return selectors.capacity_plan_get(user=request.user, service_point_id=filters.service_point_id)


@router.put("/appointment-capacity/{service_point_id}", response={200: CapacityOut, **ERRORS},
            summary="Set a point's plan: slot length, bays and technician hours per slot, opening hours")
def capacity_update(request, service_point_id: int, data: CapacityIn):
    require(request.user, "appointments.change_capacityplan")
    plan = services.capacity_plan_set(user=request.user, service_point_id=service_point_id,
                                      data=data.dict(exclude_unset=True))
    return plan


class HolidayFilters(Schema):
    service_point_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    year: int | None = Field(None, ge=1900, le=9000)
    limit: int = 100
    cursor: str | None = None


@router.get("/appointment-holidays", response={200: Page[HolidayOut], **ERRORS},
            summary="Holidays and closed days (company-wide and of my points)")
def holiday_list(request, filters: Query[HolidayFilters]):
    require(request.user, "appointments.view_holiday")
    qs = selectors.holiday_list(user=request.user, service_point_id=filters.service_point_id, year=filters.year)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor, ordering="id")
    return {"items": items, "next_cursor": cursor}


@router.post("/appointment-holidays", response={201: HolidayOut, **ERRORS}, summary="Add a holiday or closed day")
def holiday_create(request, data: HolidayIn):
    require(request.user, "appointments.add_holiday")
    return Status(201, services.holiday_create(user=request.user, data=data.dict()))


@router.get("/appointment-holidays/{pk}", response={200: HolidayOut, **ERRORS}, summary="One holiday")
def holiday_detail(request, pk: int):
    require(request.user, "appointments.view_holiday")
    return selectors.holiday_get(user=request.user, pk=pk)


@router.patch("/appointment-holidays/{pk}", response={200: HolidayOut, **ERRORS}, summary="Change a holiday")
def holiday_update(request, pk: int, data: HolidayPatch):
    require(request.user, "appointments.change_holiday")
    return services.holiday_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.delete("/appointment-holidays/{pk}", response={204: None, **ERRORS}, summary="Delete a holiday")
def holiday_delete(request, pk: int):
    require(request.user, "appointments.delete_holiday")
    services.holiday_delete(user=request.user, pk=pk)
    return Status(204, None)


class OverrideFilters(Schema):
    service_point_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    date_from: date | None = None
    limit: int = 100
    cursor: str | None = None


@router.get("/appointment-overrides", response={200: Page[OverrideOut], **ERRORS},
            summary="Dates with other hours or capacity")
def override_list(request, filters: Query[OverrideFilters]):
    require(request.user, "appointments.view_capacityoverride")
    qs = selectors.override_list(user=request.user, service_point_id=filters.service_point_id,
                                 date_from=filters.date_from)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor, ordering="id")
    return {"items": items, "next_cursor": cursor}


@router.post("/appointment-overrides", response={201: OverrideOut, **ERRORS}, summary="Override one date at a point")
def override_create(request, data: OverrideIn):
    require(request.user, "appointments.add_capacityoverride")
    return Status(201, services.capacity_override_create(user=request.user, data=data.dict()))


@router.get("/appointment-overrides/{pk}", response={200: OverrideOut, **ERRORS}, summary="One override")
def override_detail(request, pk: int):
    require(request.user, "appointments.view_capacityoverride")
    return selectors.override_get(user=request.user, pk=pk)


@router.patch("/appointment-overrides/{pk}", response={200: OverrideOut, **ERRORS}, summary="Change an override")
def override_update(request, pk: int, data: OverridePatch):
    require(request.user, "appointments.change_capacityoverride")
    return services.capacity_override_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))


@router.delete("/appointment-overrides/{pk}", response={204: None, **ERRORS}, summary="Delete an override")
def override_delete(request, pk: int):
    require(request.user, "appointments.delete_capacityoverride")
    services.capacity_override_delete(user=request.user, pk=pk)
    return Status(204, None)
