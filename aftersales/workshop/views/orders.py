"""Pages of reception and work orders: the advisor's day board, the order list, check-in, the order
page and its reception data. Lines, damage and photos are in ``orders_lines``, the customer's
approvals and the early transitions in ``orders_approvals``, the labour catalogue in
``orders_operations``; every url pattern of this stage is collected here."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission, scope_for
from aftersales.accounts.models import User
from aftersales.assets.models import Asset
from aftersales.core.errors import ApplicationError, NotFoundError
from aftersales.core.exports import excel_response
from aftersales.core.inputs import is_row_id
from aftersales.core.ui import add_errors_to_form, ui_permission_required

from ..choices import DamageArea, DamageKind, WorkOrderStatus
from ..forms.orders import RECEPTION_FIELDS, ReceptionEditForm, ReceptionForm
from ..selectors import orders as selectors
from ..services import orders as services
from . import orders_approvals, orders_lines, orders_operations
from .orders_context import detail_context

PER_PAGE = 50


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_row_id(number) else None


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _advisors(points) -> list[User]:
    ids = [p.pk for p in points]
    return list(User.objects.filter(is_active=True, memberships__service_point__in=ids,
                                    memberships__role__permissions__codename="change_workorder")
                .distinct().order_by("username")[:200])


# ---- the day board ------------------------------------------------------------------------------

@ui_permission_required("workshop.view_workorder")
def board(request):
    point_id = _int(request.GET.get("point"))
    points = list(selectors.workshop_points(request.user))
    if point_id is None and len(points) > 1:
        # default: the first point where the user works (not a region above it)
        own = [p for p in points if p.labour_rate > 0] or points
        point_id = own[0].pk
    elif point_id is None and points:
        point_id = points[0].pk
    try:
        data = selectors.day_board(user=request.user, point_id=point_id, day=_date(request.GET.get("date")),
                                   advisor_id=_int(request.GET.get("advisor")), points=points)
    except ApplicationError as exc:
        raise Http404 from exc
    done = selectors.BoardColumn(status="done", label=_("Settled and delivered"), cards=data.done,
                                 count=len(data.done))
    return render(request, "workshop/orders/board.html", {
        "board": data, "columns": [*data.columns, done],
        "can_add": has_permission(request.user, "workshop.add_workorder"),
        "check_in_url": reverse("workshop:order_create"), "list_url": reverse("workshop:order_list"),
        "today": timezone.localdate(),
        "previous_day": data.day - dt.timedelta(days=1), "next_day": data.day + dt.timedelta(days=1),
    })


# ---- the list -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    (lambda: _("number"), lambda o: o.number),
    (lambda: _("status"), lambda o: o.get_status_display()),
    (lambda: _("service point"), lambda o: o.service_point.name),
    (lambda: _("plate"), lambda o: o.asset.plate or o.asset.serial_number),
    (lambda: _("customer"), lambda o: o.customer_label),
    (lambda: _("service advisor"), lambda o: str(o.advisor) if o.advisor_id else ""),
    (lambda: _("service type"), lambda o: o.get_service_type_display()),
    (lambda: _("received at"), lambda o: o.opened_at),
    (lambda: _("promised for"), lambda o: o.promised_at),
    (lambda: _("customer-paid (A)"), lambda o: o.total_a),
    (lambda: _("service contract (B)"), lambda o: o.total_b),
    (lambda: _("warranty (C)"), lambda o: o.total_c),
    (lambda: _("internal (D)"), lambda o: o.total_d),
    (lambda: _("amount due"), lambda o: o.amount_due),
    (lambda: _("customer balance"), lambda o: o.balance),
]


def _labelled(user, rows):
    for order in rows:
        order.customer_label = selectors.customer_label(user, order)
        yield order


@ui_permission_required("workshop.view_workorder")
def order_list(request):
    g = request.GET
    filters = {
        "status": g.get("status", "") if g.get("status", "") in (*WorkOrderStatus.values, "open") else "",
        "point_id": _int(g.get("point")), "advisor_id": _int(g.get("advisor")),
        "date_from": _date(g.get("date_from")), "date_to": _date(g.get("date_to")),
        "q": g.get("q", "").replace("\x00", "").strip()[:40],
    }
    qs = selectors.work_order_list(user=request.user, **filters)
    if g.get("export") == "xlsx":
        rows = _labelled(request.user, qs.order_by("-opened_at", "-id").iterator(chunk_size=2000))
        return excel_response(rows, [(header(), getter) for header, getter in EXPORT_COLUMNS], filename="work-orders")
    try:
        rows, cursor = selectors.keyset_by_opened(qs, limit=PER_PAGE, cursor=g.get("cursor") or None)
    except ApplicationError:
        rows, cursor = selectors.keyset_by_opened(qs, limit=PER_PAGE, cursor=None)
    points = list(selectors.workshop_points(request.user))
    return render(request, "workshop/orders/list.html", {
        "orders": list(_labelled(request.user, rows)), "next_cursor": cursor, "first_page": not g.get("cursor"),
        "filters": filters, "points": points, "advisors": _advisors(points), "statuses": WorkOrderStatus.choices,
        "can_add": has_permission(request.user, "workshop.add_workorder"),
    })


# ---- check-in -----------------------------------------------------------------------------------

def _asset_choice(user, asset_id) -> list[tuple[int, str]]:
    if not asset_id:
        return []
    asset = Asset.objects.restrict(user, "view").select_related("owner").filter(pk=asset_id).first()
    return [(asset.pk, _asset_label(asset))] if asset else []


def _asset_label(asset) -> str:
    return f"{asset} · {asset.owner.name}"


@ui_permission_required("workshop.add_workorder")
def order_create(request):
    from aftersales.appointments.models import Appointment

    source = request.POST if request.method == "POST" else request.GET
    points = list(selectors.workshop_points(request.user, "workshop.add_workorder"))
    appointment = None
    appointment_id = _int(source.get("appointment"))
    if appointment_id:
        scope = scope_for(request.user, "workshop.add_workorder")
        appointment = (Appointment.objects.select_related("customer", "asset", "service_point", "advisor")
                       .filter(pk=appointment_id).first())
        if appointment is None or not scope.covers(appointment.service_point_id):
            raise Http404
    asset_id = _int(source.get("asset")) or (appointment.asset_id if appointment else None)
    initial = {"service_type": "repair", "fuel_level": 50, "advisor": request.user.pk,
               "asset": asset_id, "service_point": points[0].pk if points else None}
    if appointment is not None:
        initial.update({"appointment": appointment.pk, "service_point": appointment.service_point_id,
                        "service_type": appointment.service_type, "concerns": appointment.concerns,
                        "advisor": appointment.advisor_id or request.user.pk})
    elif asset_id:
        home = Asset.objects.filter(pk=asset_id).values_list("service_point_id", flat=True).first()
        if any(p.pk == home for p in points):
            initial["service_point"] = home
    form = ReceptionForm(request.POST or None, initial=initial, points=points, advisors=_advisors(points),
                         asset_choices=_asset_choice(request.user, asset_id), from_appointment=appointment is not None)
    damages, photo_errors = [], []
    if request.method == "POST":
        from ..forms.orders import damage_rows

        damages = damage_rows(request.POST)
        if form.is_valid():
            try:
                data = form.service_data(request.POST)
                data["photos"] = form.photos(request.FILES)
                order = services.work_order_open(user=request.user, data=data)
            except ApplicationError as exc:
                photo_errors = exc.fields.pop("photos", [])
                exc.fields = {_form_field(name): reasons for name, reasons in exc.fields.items()}
                add_errors_to_form(form, exc)
            else:
                messages.success(request, _("Work order %(number)s opened.") % {"number": order.number})
                return redirect("workshop:order_detail", pk=order.pk)
    return render(request, "workshop/orders/form.html", {
        "form": form, "appointment": appointment, "damages": damages, "photo_errors": photo_errors,
        "damage_areas": DamageArea.choices,
        "damage_kinds": DamageKind.choices, "marked": {d["area"] for d in damages},
    })


def _form_field(name: str) -> str:
    reverse = {v: k for k, v in RECEPTION_FIELDS.items()}
    if name.startswith("damages."):
        return "__all__"
    return reverse.get(name, name)


@ui_permission_required("workshop.add_workorder")
def asset_options(request):
    """``<option>``s of vehicles and products matching the search (plate, VIN ending, serial number)."""
    q = request.GET.get("asset_q", "").replace("\x00", "").strip()[:40]
    rows = []
    if len(q) >= 2:
        upper = q.upper().replace(" ", "")
        rows = list(Asset.objects.restrict(request.user, "view").filter(is_active=True).filter(
            Q(plate__icontains=upper) | Q(vin__endswith=upper) | Q(serial_number__icontains=q))
            .select_related("owner").order_by("-id")[:15])
    if not rows:
        return HttpResponse(format_html('<option value="">{}</option>', _("No vehicle found")))
    return HttpResponse(format_html_join("", '<option value="{}">{}</option>',
                                         ((a.pk, _asset_label(a)) for a in rows)))


# ---- the order page -----------------------------------------------------------------------------

@ui_permission_required("workshop.view_workorder")
def order_detail(request, pk: int):
    order = selectors.work_order_detail(user=request.user, pk=pk)
    return render(request, "workshop/orders/detail.html", detail_context(request, order))


@ui_permission_required("workshop.change_workorder")
def order_edit(request, pk: int):
    order = selectors.work_order_get(user=request.user, pk=pk, action="change")
    if not scope_for(request.user, "workshop.change_workorder").covers(order.service_point_id):
        raise Http404
    initial = {name: getattr(order, name) for name in (
        "service_type", "fuel_level", "concerns", "valuables", "walkaround_notes", "diagnosis")}
    initial.update({"advisor": order.advisor_id, "mileage": order.mileage_in,
                    "promised_at": timezone.localtime(order.promised_at) if order.promised_at else None})
    form = ReceptionEditForm(request.POST or None, initial=initial, advisors=_advisors([order.service_point]))
    if request.method == "POST" and form.is_valid():
        try:
            services.work_order_update(user=request.user, pk=pk, data=form.service_data())
        except ApplicationError as exc:
            exc.fields = {_form_field(name): reasons for name, reasons in exc.fields.items()}
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("workshop:order_detail", pk=pk)
    return render(request, "workshop/orders/edit.html", {"form": form, "order": order})


@ui_permission_required("workshop.view_workorder")
def order_photo(request, pk: int, photo_id: int):
    """A photo of the order, for those who may see the order (never a public media address)."""
    try:
        order = selectors.work_order_get(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    photo = order.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    extension = photo.image.name.rsplit(".", 1)[-1].lower()
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(extension,
                                                                                     "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("", board, name="board"),
    path("orders/", order_list, name="order_list"),
    path("orders/new/", order_create, name="order_create"),
    path("orders/asset-options/", asset_options, name="asset_options"),
    path("orders/<int:pk>/", order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", order_edit, name="order_edit"),
    path("orders/<int:pk>/photos/<int:photo_id>/", order_photo, name="order_photo"),
    *orders_lines.urlpatterns,
    *orders_approvals.urlpatterns,
    *orders_operations.urlpatterns,
]
