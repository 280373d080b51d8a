"""The order page's estimate and supplements put to the customer, the customer's answer recorded
(signature drawn on the screen, or a phone call), the approval link, revise and cancel."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, NotFoundError
from aftersales.core.ui import add_errors_to_form, ui_permission_required

from ..forms.orders import CancelForm, DecisionForm, NoteForm, SubmitForm
from ..selectors import orders as selectors
from ..services import approvals as services
from ..services import orders as order_services
from .orders_context import detail_context


def _order(request, pk):
    try:
        return selectors.work_order_detail(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc


def _again(request, pk, status: int = 422, **forms):
    return render(request, "workshop/orders/detail.html", detail_context(request, _order(request, pk), **forms),
                  status=status)


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _link_message(request, raw: str | None) -> None:
    if raw:
        url = _base_url(request) + services.approval_path(raw)
        messages.info(request, format_html('{} <a href="{}" id="approval-link" class="text-break">{}</a>',
                                           _("Link sent to the customer's phone; it is shown only now:"), url, url))


def _submit(request, pk: int, submit):
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _again(request, pk, submit_form=form)
    try:
        done = submit(user=request.user, order_id=pk, send_link=form.cleaned_data["send_link"],
                      note=form.cleaned_data["note"], base_url=_base_url(request))
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        if exc.status == 422 and any(k.startswith("lines.") for k in exc.fields):
            for reasons in exc.fields.values():
                for reason in reasons:
                    messages.error(request, reason)
            return redirect("workshop:order_detail", pk=pk)
        add_errors_to_form(form, exc)
        return _again(request, pk, submit_form=form, status=exc.status)
    _link_message(request, done.link)
    messages.success(request, _("Put to the customer."))
    return redirect(f"/workshop/orders/{pk}/#order-approvals")


@require_POST
@ui_permission_required("workshop.change_workorder")
def estimate_submit(request, pk: int):
    return _submit(request, pk, services.estimate_submit)


@require_POST
@ui_permission_required("workshop.change_workorder")
def supplement_submit(request, pk: int):
    return _submit(request, pk, services.supplement_submit)


@require_POST
@ui_permission_required("workshop.record_approval_workorder")
def decision(request, pk: int, approval_id: int):
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            approval = services.approval_decide(user=request.user, order_id=pk, approval_id=approval_id,
                                                data=form.cleaned_data)
        except NotFoundError as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
            return _again(request, pk, decision_form=form, decision_for=approval_id,
                          status=exc.status if exc.status != 400 else 422)
        if approval.status == "approved":
            messages.success(request, _("The customer's approval is recorded."))
        else:
            messages.warning(request, _("The customer declined; the lines stay for changes."))
        return redirect("workshop:order_detail", pk=pk)
    return _again(request, pk, decision_form=form, decision_for=approval_id)


@require_POST
@ui_permission_required("workshop.change_workorder")
def send_link(request, pk: int, approval_id: int):
    try:
        raw = services.approval_send_link(user=request.user, order_id=pk, approval_id=approval_id,
                                          base_url=_base_url(request))
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message if not exc.fields else " ".join(r for v in exc.fields.values() for r in v))
    else:
        _link_message(request, raw)
    return redirect(f"/workshop/orders/{pk}/#order-approvals")


@require_POST
@ui_permission_required("workshop.change_workorder")
def revise(request, pk: int):
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        order_services.work_order_revise(user=request.user, order_id=pk, note=note)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Back at reception: change the estimate and put it again."))
    return redirect("workshop:order_detail", pk=pk)


@require_POST
@ui_permission_required("workshop.cancel_workorder")
def cancel(request, pk: int):
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            order_services.work_order_cancel(user=request.user, order_id=pk, reason=form.cleaned_data["reason"])
        except NotFoundError as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
            return _again(request, pk, cancel_form=form, status=exc.status)
        messages.success(request, _("Work order cancelled."))
        return redirect("workshop:order_detail", pk=pk)
    return _again(request, pk, cancel_form=form)


urlpatterns = [
    path("orders/<int:pk>/estimate/", estimate_submit, name="order_submit"),
    path("orders/<int:pk>/supplement/", supplement_submit, name="order_supplement"),
    path("orders/<int:pk>/approvals/<int:approval_id>/decision/", decision, name="order_decision"),
    path("orders/<int:pk>/approvals/<int:approval_id>/link/", send_link, name="order_send_link"),
    path("orders/<int:pk>/revise/", revise, name="order_revise"),
    path("orders/<int:pk>/cancel/", cancel, name="order_cancel"),
]
