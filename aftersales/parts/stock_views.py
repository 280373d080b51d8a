"""Pages of stock per point: the list, the stock card, opening a row, receipts and counts."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.accounts.access import has_permission, scope_for
from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError, NotFoundError
from aftersales.core.inputs import is_row_id
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .choices import PartCategory
from .forms import CountForm, ReceiptForm, StockOpenForm, StockSettingsForm
from .models import Part
from .paging import checked_page
from .quantities import qty, signed_qty

FLAGS = {"1": True, "0": False}
CARD_PAGE = 50


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_row_id(number) else None


@ui_permission_required("parts.view_stock")
def stock_list(request):
    point_id = _int_or_none(request.GET.get("point"))
    category = request.GET.get("category", "")
    below = FLAGS.get(request.GET.get("below", ""))
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    qs = selectors.stock_list(user=request.user, point_id=point_id, category=category, below_reorder=below, q=q)
    qs = qs.order_by("part__number", "service_point__path", "id")
    if request.GET.get("export") == "xlsx":
        from aftersales.core.exports import excel_response

        columns = [(header(), getter) for header, getter in selectors.STOCK_COLUMNS]
        return excel_response(qs.iterator(chunk_size=2000), columns, filename="stock")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "parts/stock_list.html", {
        "page": page, "point_id": point_id, "category": category, "below": request.GET.get("below", ""), "q": q,
        "points": selectors.points_for(request.user, "parts.view_stock"), "categories": PartCategory.choices,
        "can_add": has_permission(request.user, "parts.add_stock"),
    })


@ui_permission_required("parts.view_stock")
def stock_detail(request, pk: int):
    """The row and its stock card (newest first, paged by id)."""
    row = selectors.stock_get(user=request.user, pk=pk)
    user, point = request.user, row.service_point_id
    sees_card = scope_for(user, "parts.view_stockmovement").covers(point)
    movements, next_cursor = [], None
    cursor = request.GET.get("cursor", "").replace("\x00", "")[:200] or None
    if sees_card:
        card = selectors.movement_list(user=user, stock=row)
        try:
            movements, next_cursor = checked_page(card, limit=CARD_PAGE, cursor=cursor, ordering="-id")
        except ApplicationError:  # a mangled cursor: start from the newest
            cursor = None
            movements, next_cursor = checked_page(card, limit=CARD_PAGE, cursor=None, ordering="-id")
    return render(request, "parts/stock_detail.html", {
        "row": row, "movements": movements, "next_cursor": next_cursor, "sees_card": sees_card,
        "first_page": cursor is None, "history": history_for(row),
        "can_change": scope_for(user, "parts.change_stock").covers(point),
        "can_receive": scope_for(user, "parts.receive_stock").covers(point),
        "can_count": scope_for(user, "parts.adjust_stock").covers(point),
    })


@ui_permission_required("parts.add_stock")
def stock_open(request):
    points = selectors.points_for(request.user, "parts.add_stock")
    part_id = _int_or_none(request.GET.get("part"))
    number = Part.objects.filter(pk=part_id).values_list("number", flat=True).first() if part_id else None
    form = StockOpenForm(request.POST or None, points=points, initial={"part": number or ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.stock_open(user=request.user, data={
                "part_number": data["part"], "service_point_id": data["service_point"],
                "reorder_point": data["reorder_point"], "bin_location": data["bin_location"]})
        except ApplicationError as exc:
            exc.fields = {{"part_id": "part", "service_point_id": "service_point"}.get(k, k): v
                          for k, v in exc.fields.items()}
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Stock row opened."))
            return redirect("parts:stock_detail", pk=row.pk)
    return render(request, "parts/form.html", {"form": form, "title": _("Keep a part at a service point"),
                                               "back": "/parts/stock/"})


def _row_form(request, pk: int, *, permission: str, form_class, title: str, act, initial=None):
    row = selectors.stock_get(user=request.user, pk=pk)
    if not scope_for(request.user, permission).covers(row.service_point_id):
        raise NotFoundError()  # a row the user may see but not act on here answers as missing
    form = form_class(request.POST or None, initial=initial(row) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = act(row, form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, message)
            return redirect("parts:stock_detail", pk=row.pk)
    return render(request, "parts/stock_form.html", {"form": form, "row": row, "title": title % {"part": row.part},
                                                     "back": row.get_absolute_url()})


@ui_permission_required("parts.change_stock")
def stock_edit(request, pk: int):
    def act(row, data):
        services.stock_update(user=request.user, pk=row.pk, data=data)
        return _("Saved.")

    return _row_form(request, pk, permission="parts.change_stock", form_class=StockSettingsForm,
                     title=_("Reorder point and bin of %(part)s"), act=act,
                     initial=lambda row: {"reorder_point": row.reorder_point, "bin_location": row.bin_location})


@ui_permission_required("parts.receive_stock")
def stock_receive(request, pk: int):
    def act(row, data):
        return services.stock_receipt(user=request.user, pk=row.pk, **data).message

    return _row_form(request, pk, permission="parts.receive_stock", form_class=ReceiptForm,
                     title=_("Goods receipt: %(part)s"), act=act)


@ui_permission_required("parts.adjust_stock")
def stock_count(request, pk: int):
    def act(row, data):
        movement = services.stock_count(user=request.user, pk=row.pk, **data)
        return _("Count recorded: %(on_hand)s on hand (%(change)s).") % {
            "on_hand": qty(movement.on_hand_after), "change": signed_qty(movement.quantity)}

    return _row_form(request, pk, permission="parts.adjust_stock", form_class=CountForm,
                     title=_("Stock count: %(part)s"), act=act,
                     initial=lambda row: {"counted": row.on_hand})
