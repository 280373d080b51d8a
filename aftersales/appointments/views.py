"""Pages of appointments: the day view, the list, the detail with its actions, the booking form."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_permission, scope_for
from aftersales.accounts.models import User
from aftersales.assets.models import Asset
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.inputs import is_row_id
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required
from aftersales.customers.models import Customer

from . import selectors, services
from .choices import AppointmentStatus
from .forms import BookingForm, CancelForm, EditForm, RescheduleForm
from .ics import invitation_ics
from .states import transitions_from

FIELD_NAMES = {"service_point": "service_point_id", "customer": "customer_id", "asset": "asset_id",
               "advisor": "advisor_id"}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_row_id(number) else None


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _errors(form, exc: ApplicationError) -> None:
    reverse_names = {v: k for k, v in FIELD_NAMES.items()}
    fields = {reverse_names.get(name, name): reasons for name, reasons in exc.fields.items()}
    add_errors_to_form(form, ApplicationError(exc.code, exc.message, fields, status=exc.status))


def event_labels() -> dict[str, str]:
    return {"booked": _("Booked"), "confirm": _("Confirmed"), "rescheduled": _("Rescheduled"),
            "reminded": _("Reminder sent"), "arrive": _("Arrived"), "no_show": _("No-show"),
            "cancel": _("Cancelled"), "changed": _("Changed")}


def check_in_url(user, appointment) -> str:
    """The reception page for this appointment (the work-order app's), when the user may open orders."""
    if appointment.status not in ("booked", "confirmed"):
        return ""
    if not scope_for(user, "workshop.add_workorder").covers(appointment.service_point_id):
        return ""
    try:
        return f"{reverse('workshop:order_create')}?appointment={appointment.pk}"
    except NoReverseMatch:
        return ""


@ui_permission_required("appointments.view_appointment")
def day_view(request):
    points = list(selectors.points_for(request.user))
    bookable = [p for p in points if p.bays or p.opening_hours]
    point_id = _int(request.GET.get("point")) or ((bookable or points)[0].pk if points else None)
    day = _date(request.GET.get("date")) or timezone.localdate()
    board = None
    if point_id and any(p.pk == point_id for p in points):
        board = selectors.day_board(user=request.user, service_point_id=point_id, date=day)
        for slot in board.slots:
            slot.booking_rows = [(b, check_in_url(request.user, b)) for b in slot.bookings]
    return render(request, "appointments/day.html", {
        "points": points, "point_id": point_id, "day": day, "board": board,
        "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
        "can_book": has_permission(request.user, "appointments.add_appointment"),
    })


@ui_permission_required("appointments.view_appointment")
def appointment_list(request):
    status = request.GET.get("status", "")
    point_id = _int(request.GET.get("point"))
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    qs = selectors.appointment_list(user=request.user, service_point_id=point_id, status=status, q=q,
                                    date_from=date_from, date_to=date_to).order_by("-starts_at", "-id")
    if request.GET.get("export") == "xlsx":
        columns = [
            (_("number"), lambda a: a.number), (_("starts at"), lambda a: a.starts_at),
            (_("service point"), lambda a: a.service_point.name), (_("customer"), lambda a: a.customer.name),
            (_("vehicle or product"), lambda a: str(a.asset) if a.asset_id else ""),
            (_("service type"), lambda a: a.get_service_type_display()), (_("channel"), lambda a: a.get_channel_display()),
            (_("status"), lambda a: a.get_status_display()), (_("estimated duration (minutes)"), lambda a: a.estimated_minutes),
            (_("estimated price"), lambda a: a.estimated_price), (_("overbooked"), lambda a: a.overbooked),
        ]
        return excel_response(qs.iterator(chunk_size=2000), columns, filename="appointments")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "appointments/list.html", {
        "page": page, "points": selectors.points_for(request.user), "point_id": point_id, "status": status,
        "statuses": AppointmentStatus.choices, "date_from": date_from, "date_to": date_to, "q": q,
    })


@ui_permission_required("appointments.view_appointment")
def appointment_detail(request, pk: int):
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    labels = event_labels()
    events = list(selectors.appointment_events(appointment))
    for event in events:
        event.label = labels.get(event.kind, event.kind)
        moved = (event.data or {}).get("to", {}).get("starts_at") if isinstance(event.data, dict) else None
        event.moved_to = moved[:16].replace("T", " ") if isinstance(moved, str) else ""
    actions = {t.name for t in transitions_from(appointment.status)
               if any(scope_for(request.user, p).covers(appointment.service_point_id) for p in t.permissions)}
    can_confirm = scope_for(request.user, "appointments.confirm_appointment").covers(appointment.service_point_id)
    return render(request, "appointments/detail.html", {
        "appointment": appointment, "events": events, "actions": actions,
        "can_reschedule": can_confirm and appointment.status in ("booked", "confirmed"),
        "can_edit": appointment.status in ("booked", "confirmed") and scope_for(
            request.user, "appointments.change_appointment").covers(appointment.service_point_id),
        "check_in_url": check_in_url(request.user, appointment),
        "reschedule_form": RescheduleForm(initial={
            "starts_at": timezone.localtime(appointment.starts_at), "estimated_minutes": appointment.estimated_minutes}),
        "cancel_form": CancelForm(),
        "started": appointment.starts_at <= timezone.now(),
    })


def _booking_context(request, form, customer):
    return {"form": form, "customer": customer,
            "can_overbook": has_permission(request.user, "appointments.overbook_appointment")}


def _booking_choices(user, customer, point_id):
    points = list(selectors.points_for(user, "appointments.add_appointment"))
    assets = list(Asset.objects.filter(owner=customer, is_active=True).order_by("-id")[:50]) if customer else []
    advisors = []
    if point_id:
        advisors = list(User.objects.filter(is_active=True, memberships__service_point_id=point_id)
                        .distinct().order_by("username")[:100])
    return points, assets, advisors


@ui_permission_required("appointments.add_appointment")
def appointment_create(request):
    customer_id = _int(request.POST.get("customer") or request.GET.get("customer"))
    customer = Customer.objects.restrict(request.user, "view").filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        return _customer_step(request)
    point_id = _int(request.POST.get("service_point") or request.GET.get("point"))
    points, assets, advisors = _booking_choices(request.user, customer, point_id or (customer.home_point_id))
    initial = {"customer": customer.pk, "service_point": point_id or customer.home_point_id,
               "asset": _int(request.GET.get("asset")) or (assets[0].pk if assets else None),
               "service_type": request.GET.get("service_type") or "periodic_maintenance"}
    form = BookingForm(request.POST or None, initial=initial, points=points, assets=assets, advisors=advisors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(user=request.user, data={
                "service_point_id": data["service_point"], "customer_id": customer.pk, "asset_id": data["asset"],
                "service_type": data["service_type"], "channel": data["channel"], "concerns": data["concerns"],
                "advisor_id": data["advisor"], "starts_at": data["starts_at"],
                "estimated_minutes": data["estimated_minutes"], "estimated_price": data["estimated_price"],
                "overbook": data["overbook"]})
        except ApplicationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Appointment %(number)s booked.") % {"number": appointment.number})
            return redirect(appointment.get_absolute_url())
    return render(request, "appointments/form.html", _booking_context(request, form, customer))


def _customer_step(request):
    from aftersales.search.selectors import search_everything

    q = request.GET.get("q", "")
    results, error = None, ""
    if q:
        try:
            results = search_everything(user=request.user, q=q, limit=20)
        except ApplicationError as exc:
            error = "; ".join(r for reasons in exc.fields.values() for r in reasons) or exc.message
    return render(request, "appointments/customer_step.html", {"q": q, "results": results, "error": error})


@ui_permission_required("appointments.view_appointment")
def recommendations_partial(request):
    """HTMX: the three recommended slots for the booking form's point and duration."""
    try:
        result = selectors.recommendations(user=request.user, service_point_id=request.GET.get("service_point"),
                                           duration_minutes=request.GET.get("estimated_minutes") or 60,
                                           from_date=_date(request.GET.get("from_date")))
    except ApplicationError as exc:
        return render(request, "appointments/_recommendations.html", {"error": exc})
    return render(request, "appointments/_recommendations.html", {"result": result})


@ui_permission_required("appointments.change_appointment")
def appointment_edit(request, pk: int):
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    form = EditForm(request.POST or None, initial={"service_type": appointment.service_type,
                                                   "estimated_price": appointment.estimated_price,
                                                   "concerns": appointment.concerns})
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(user=request.user, pk=appointment.pk, data=form.cleaned_data)
        except ApplicationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Appointment changed."))
            return redirect(appointment.get_absolute_url())
    return render(request, "appointments/edit.html", {"form": form, "appointment": appointment})


def _action(request, pk: int, call, done: str, form_class=None):
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(appointment.get_absolute_url())
        kwargs = form.cleaned_data
    try:
        call(appointment.pk, **kwargs)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        if exc.status == 403:
            raise
        reasons = [r for rs in exc.fields.values() for r in rs] or [exc.message]
        for reason in reasons:
            messages.error(request, reason)
    else:
        messages.success(request, done)
    return redirect(appointment.get_absolute_url())


@require_POST
@ui_permission_required("appointments.confirm_appointment")
def appointment_confirm(request, pk: int):
    return _action(request, pk, lambda p: services.appointment_confirm(user=request.user, pk=p),
                   _("Confirmed; the customer has been sent the details and the invitation."))


@require_POST
@ui_permission_required("appointments.confirm_appointment")
def appointment_cancel(request, pk: int):
    return _action(request, pk, lambda p, reason: services.appointment_cancel(user=request.user, pk=p, reason=reason),
                   _("Appointment cancelled."), CancelForm)


@require_POST
@ui_permission_required("appointments.confirm_appointment")
def appointment_no_show(request, pk: int):
    return _action(request, pk, lambda p: services.appointment_no_show(user=request.user, pk=p),
                   _("Marked as no-show."))


@require_POST
@ui_permission_required("appointments.confirm_appointment")
def appointment_reschedule(request, pk: int):
    def call(p, starts_at, estimated_minutes, overbook, note):
        services.appointment_reschedule(user=request.user, pk=p, starts_at=starts_at,
                                        estimated_minutes=estimated_minutes, overbook=overbook, note=note)

    return _action(request, pk, call, _("Appointment moved."), RescheduleForm)


@ui_permission_required("appointments.view_appointment")
def appointment_invite(request, pk: int):
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    response = HttpResponse(invitation_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{appointment.number}.ics"'
    return response


def opening_hours_text(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""
