"""The order page's lines (HTMX inline: add, change, remove), existing damage and photos."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, NotFoundError
from aftersales.core.inputs import is_row_id
from aftersales.core.ui import add_errors_to_form, ui_permission_required
from aftersales.parts.models import Part

from ..forms.orders import LINE_FIELDS, DamageForm, LineForm, PhotoForm, part_label
from ..selectors import orders as selectors
from ..services import lines as line_services
from ..services import orders as order_services
from .orders_context import detail_context, lines_context, operations_for, steps_context


def _order(request, pk):
    try:
        return selectors.work_order_detail(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc


def _lines_section(request, pk, **kwargs):
    """The lines card for HTMX to swap in, with the steps card out of band (a first line makes the
    estimate possible). Always 200: htmx does not swap error answers; the errors are beside the fields."""
    order = _order(request, pk)
    context = lines_context(request, order, **kwargs)
    context.update(steps_context(request, order))
    return render(request, "workshop/orders/_lines_htmx.html", context)


def _errors(form, exc: ApplicationError) -> None:
    exc.fields = {LINE_FIELDS.get(name, name): reasons for name, reasons in exc.fields.items()}
    add_errors_to_form(form, exc)


def _parts_for(post) -> list[Part]:
    try:
        part_id = int(post.get("part") or 0)
    except ValueError:
        return []
    return list(Part.objects.filter(pk=part_id)) if is_row_id(part_id) else []


@ui_permission_required("workshop.view_workorder")
def lines_section(request, pk: int):
    return _lines_section(request, pk)


@require_POST
@ui_permission_required("workshop.add_workorderline")
def line_add(request, pk: int):
    order = _order(request, pk)
    form = LineForm(request.POST, operations=operations_for(order), parts=_parts_for(request.POST))
    if form.is_valid():
        try:
            line_services.line_add(user=request.user, order_id=pk, data=form.service_data())
        except ApplicationError as exc:
            _errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Line added."))
                return redirect("workshop:order_detail", pk=pk)
            return _lines_section(request, pk)
    if not request.htmx:
        return render(request, "workshop/orders/detail.html", detail_context(request, order, line_form=form),
                      status=422)
    return _lines_section(request, pk, line_form=form)


@ui_permission_required("workshop.change_workorderline")
def line_edit(request, pk: int, line_id: int):
    order = _order(request, pk)
    line = next((ln for ln in order.lines.all() if ln.pk == line_id), None)
    if line is None:
        raise Http404
    initial = {"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price,
               "pay_type": line.pay_type, "cause": line.cause}
    form = LineForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if line.operation_id or line.part_id:
            data.pop("unit_price", None)
        if line.operation_id:
            data.pop("quantity", None)
        try:
            line_services.line_update(user=request.user, order_id=pk, line_id=line_id, data=data)
        except ApplicationError as exc:
            _errors(form, exc)
            status = exc.status
        else:
            if not request.htmx:
                return redirect("workshop:order_detail", pk=pk)
            return _lines_section(request, pk)
    if not request.htmx:
        return render(request, "workshop/orders/line_edit.html", {"order": order, "line": line, "form": form},
                      status=status)
    return _lines_section(request, pk, edit_line=line, edit_form=form)


@require_POST
@ui_permission_required("workshop.delete_workorderline")
def line_delete(request, pk: int, line_id: int):
    try:
        line_services.line_remove(user=request.user, order_id=pk, line_id=line_id)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    if request.htmx:
        return _lines_section(request, pk)
    return redirect("workshop:order_detail", pk=pk)


@ui_permission_required("workshop.add_workorderline")
def part_options(request):
    """``<option>``s of catalogue parts matching the search (number or name), with the sale price."""
    q = request.GET.get("part_q", "").replace("\x00", "").strip()[:40]
    rows = []
    if q:
        rows = list(Part.objects.filter(is_active=True).filter(Q(number__istartswith=q) | Q(name__icontains=q))
                    .order_by("number")[:20])
    if not rows:
        return HttpResponse(format_html('<option value="">{}</option>', _("No part found")))
    return HttpResponse(format_html_join("", '<option value="{}">{}</option>',
                                         ((p.pk, part_label(p)) for p in rows)))


# ---- damage and photos --------------------------------------------------------------------------

@require_POST
@ui_permission_required("workshop.add_workorderdamage")
def damage_add(request, pk: int):
    order = _order(request, pk)
    form = DamageForm(request.POST)
    if form.is_valid():
        try:
            order_services.work_order_damage_add(user=request.user, order_id=pk, data=form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Damage recorded."))
            return redirect(f"{order.get_absolute_url()}#order-damage")
    return render(request, "workshop/orders/detail.html",
                  detail_context(request, order, damage_form=form, open_tab="damage"), status=422)


@require_POST
@ui_permission_required("workshop.delete_workorderdamage")
def damage_delete(request, pk: int, damage_id: int):
    try:
        order_services.work_order_damage_remove(user=request.user, order_id=pk, damage_id=damage_id)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(f"/workshop/orders/{pk}/#order-damage")


@require_POST
@ui_permission_required("workshop.add_workorderphoto")
def photo_add(request, pk: int):
    order = _order(request, pk)
    form = PhotoForm(request.POST, request.FILES, damages=list(order.damages.all()))
    if form.is_valid():
        try:
            order_services.work_order_photo_add(user=request.user, order_id=pk, image=form.cleaned_data["image"],
                                                caption=form.cleaned_data["caption"],
                                                damage_id=form.cleaned_data["damage"])
        except ApplicationError as exc:
            exc.fields = {"damage" if k == "damage_id" else k: v for k, v in exc.fields.items()}
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect(f"{order.get_absolute_url()}#order-damage")
    return render(request, "workshop/orders/detail.html",
                  detail_context(request, order, photo_form=form, open_tab="damage"), status=422)


@require_POST
@ui_permission_required("workshop.delete_workorderphoto")
def photo_delete(request, pk: int, photo_id: int):
    try:
        order_services.work_order_photo_remove(user=request.user, order_id=pk, photo_id=photo_id)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(f"/workshop/orders/{pk}/#order-damage")


urlpatterns = [
    path("orders/part-options/", part_options, name="part_options"),
    path("orders/<int:pk>/lines/", lines_section, name="order_lines"),
    path("orders/<int:pk>/lines/new/", line_add, name="order_line_add"),
    path("orders/<int:pk>/lines/<int:line_id>/edit/", line_edit, name="order_line_edit"),
    path("orders/<int:pk>/lines/<int:line_id>/delete/", line_delete, name="order_line_delete"),
    path("orders/<int:pk>/damages/new/", damage_add, name="order_damage_add"),
    path("orders/<int:pk>/damages/<int:damage_id>/delete/", damage_delete, name="order_damage_delete"),
    path("orders/<int:pk>/photos/new/", photo_add, name="order_photo_add"),
    path("orders/<int:pk>/photos/<int:photo_id>/delete/", photo_delete, name="order_photo_delete"),
]
