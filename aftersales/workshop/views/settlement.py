"""The cashier's pages (orders to settle and open balances, the settlement screen with discount,
payments in several methods and the settle button), the managers' discount decisions, and delivery."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import scope_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from ..choices import DiscountStatus, WorkOrderStatus
from ..forms.floor import DecisionForm, DeliveryForm, DiscountForm, PaymentForm, SettleForm
from ..selectors import floor as selectors
from ..selectors.orders import customer_label
from ..services import delivery as delivery_services
from ..services import settlement as services
from ..services.transitions import guard_reasons
from ..states import transition_named

S = WorkOrderStatus


def _covered(request, order, permission: str) -> None:
    if not scope_for(request.user, permission).covers(order.service_point_id):
        raise Http404


def _raise_denials(exc: ApplicationError) -> None:
    if exc.status in (403, 404):
        raise exc


# ---- the cashier's list -------------------------------------------------------------------------

@ui_permission_required("workshop.settle_workorder")
def cashier(request):
    view = "balances" if request.GET.get("view") == "balances" else "ready"
    qs = selectors.cashier_queue(user=request.user, view=view)
    if request.GET.get("export") == "xlsx":
        columns = [(_("work order"), lambda o: o.number), (_("plate"), lambda o: o.asset.plate),
                   (_("customer"), lambda o: customer_label(request.user, o)), (_("status"), lambda o: o.get_status_display()),
                   (_("amount due"), lambda o: o.amount_due), (_("paid"), lambda o: o.paid_total),
                   (_("customer balance"), lambda o: o.balance), (_("settled at"), lambda o: o.settled_at)]
        return excel_response(qs.iterator(chunk_size=2000), columns, filename="cashier")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    for order in page:
        order.customer_label = customer_label(request.user, order)
    return render(request, "workshop/settlement/cashier.html", {"page": page, "view": view})


# ---- the settlement screen ----------------------------------------------------------------------

def _screen(request, order, *, status: int = 200, **forms):
    user = request.user
    credit = selectors.customer_credit(order)
    transition = transition_named(order.status, "settle")
    blockers = guard_reasons(order, transition, user) if transition else []
    ready = order.status == S.READY_FOR_SETTLEMENT
    payable = order.status in (S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED)
    context = {
        "order": order, "customer_label": customer_label(user, order),
        "totals": [("A", _("customer-paid (A)"), order.total_a), ("B", _("service contract (B)"), order.total_b),
                   ("C", _("warranty (C)"), order.total_c), ("D", _("internal (D)"), order.total_d)],
        "payments": list(order.payments.select_related("received_by").order_by("received_at", "id")),
        "discounts": list(order.discount_requests.select_related("requested_by", "decided_by")
                          .order_by("-requested_at", "-id")[:10]),
        "credit": credit, "blockers": blockers, "ready": ready,
        "can_discount": ready and scope_for(user, "workshop.add_discountrequest").covers(order.service_point_id),
        "can_pay": payable and order.balance > 0 and scope_for(user, "workshop.add_payment").covers(order.service_point_id),
        "can_settle": ready and scope_for(user, "workshop.settle_workorder").covers(order.service_point_id),
        "limit": user.discount_limit_percent,
        "can_approve": scope_for(user, "workshop.approve_discount_workorder").covers(order.service_point_id),
        "discount_form": forms.get("discount_form") or DiscountForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(initial={"amount": order.balance, "method": "wechat"}),
        "settle_form": forms.get("settle_form") or SettleForm(), "settle_error": forms.get("settle_error", ""),
    }
    return render(request, "workshop/settlement/settle.html", context, status=status)


def _order(request, pk: int, permission: str = "workshop.add_payment"):
    order = selectors.order_get(user=request.user, pk=pk)
    _covered(request, order, permission)
    return order


@ui_permission_required("workshop.add_payment")
def cashier_order(request, pk: int):
    return _screen(request, _order(request, pk))


@require_POST
@ui_permission_required("workshop.add_discountrequest")
def discount(request, pk: int):
    order = _order(request, pk, "workshop.add_discountrequest")
    form = DiscountForm(request.POST)
    if form.is_valid():
        try:
            row = services.discount_give(user=request.user, order_id=pk, **form.service_data())
        except ApplicationError as exc:
            _raise_denials(exc)
            exc.fields = {"value" if name in ("amount", "percent") else name: r for name, r in exc.fields.items()}
            add_errors_to_form(form, exc)
            return _screen(request, _order(request, pk), status=exc.status, discount_form=form)
        if row.status == DiscountStatus.PENDING:
            messages.warning(request, _("The discount is above your limit: it waits for a manager."))
        else:
            messages.success(request, _("Discount of %(amount)s applied.") % {"amount": row.amount})
        return redirect("workshop:cashier_order", pk=pk)
    return _screen(request, order, status=422, discount_form=form)


@require_POST
@ui_permission_required("workshop.add_payment")
def payment(request, pk: int):
    order = _order(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            row = services.payment_record(user=request.user, order_id=pk, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            _raise_denials(exc)
            add_errors_to_form(form, exc)
            return _screen(request, _order(request, pk), status=exc.status, payment_form=form)
        messages.success(request, _("%(method)s %(amount)s received.") % {"method": row.get_method_display(),
                                                                             "amount": row.amount})
        return redirect("workshop:cashier_order", pk=pk)
    return _screen(request, order, status=422, payment_form=form)


@require_POST
@ui_permission_required("workshop.settle_workorder")
def settle(request, pk: int):
    order = _order(request, pk, "workshop.settle_workorder")
    form = SettleForm(request.POST)
    form.is_valid()
    try:
        services.work_order_settle(user=request.user, order_id=pk, note=form.cleaned_data.get("note", ""))
    except ApplicationError as exc:
        _raise_denials(exc)
        return _screen(request, order, status=exc.status, settle_form=form, settle_error=exc.message)
    messages.success(request, _("Order %(order)s settled.") % {"order": order.number})
    return redirect("workshop:cashier_order", pk=pk)


# ---- discount decisions -------------------------------------------------------------------------

@ui_permission_required("workshop.approve_discount_workorder")
def discount_requests(request):
    scope = scope_for(request.user, "workshop.approve_discount_workorder")
    pending = selectors.discount_request_list(user=request.user, status=DiscountStatus.PENDING)
    decided = selectors.discount_request_list(user=request.user, status="").exclude(status=DiscountStatus.PENDING)
    if not scope.everything:
        pending = pending.filter(work_order__service_point_id__in=scope.point_ids)
        decided = decided.filter(work_order__service_point_id__in=scope.point_ids)
    page = OffsetPage(pending, page=page_number(request), per_page=50)
    for row in page:
        row.customer_label = customer_label(request.user, row.work_order)
    return render(request, "workshop/settlement/discount_requests.html", {
        "page": page, "decided": list(decided[:20]), "form": DecisionForm()})


@require_POST
@ui_permission_required("workshop.approve_discount_workorder")
def discount_decide(request, pk: int):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject."))
        return redirect("workshop:discount_requests")
    try:
        row = services.discount_decide(user=request.user, pk=pk, approve=services.as_approve(form.cleaned_data["decision"]),
                                       note=form.cleaned_data["note"])
    except ApplicationError as exc:
        _raise_denials(exc)
        messages.error(request, exc.message)
        return redirect("workshop:discount_requests")
    if row.status == DiscountStatus.APPROVED:
        messages.success(request, _("Discount approved for %(order)s.") % {"order": row.work_order.number})
    else:
        messages.info(request, _("Discount rejected for %(order)s.") % {"order": row.work_order.number})
    return redirect("workshop:discount_requests")


# ---- delivery -----------------------------------------------------------------------------------

@ui_permission_required("workshop.deliver_workorder")
def order_deliver(request, pk: int):
    order = _order(request, pk, "workshop.deliver_workorder")
    proposal = selectors.delivery_proposal(order)
    initial = {"notes": proposal.summary, "next_service_date": proposal.next_service_date,
               "next_service_mileage": proposal.next_service_mileage}
    form = DeliveryForm(request.POST or None, initial=initial, parts=proposal.parts)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                delivery_services.work_order_deliver(user=request.user, order_id=pk, data=form.service_data())
            except ApplicationError as exc:
                _raise_denials(exc)
                names = {f"old_parts.{i}.disposition": name for i, (name, _line) in enumerate(form.part_fields)}
                exc.fields = {names.get(name, name): r for name, r in exc.fields.items()}
                add_errors_to_form(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Order %(order)s delivered.") % {"order": order.number})
                return redirect(order.get_absolute_url())
    return render(request, "workshop/settlement/deliver.html", {
        "order": order, "form": form, "proposal": proposal, "settled": order.status == S.SETTLED,
        "customer_label": customer_label(request.user, order)}, status=status)


urlpatterns = [
    path("cashier/", cashier, name="cashier"),
    path("cashier/<int:pk>/", cashier_order, name="cashier_order"),
    path("cashier/<int:pk>/discount/", discount, name="cashier_discount"),
    path("cashier/<int:pk>/payment/", payment, name="cashier_payment"),
    path("cashier/<int:pk>/settle/", settle, name="cashier_settle"),
    path("discounts/", discount_requests, name="discount_requests"),
    path("discounts/<int:pk>/decide/", discount_decide, name="discount_decide"),
    path("orders/<int:pk>/deliver/", order_deliver, name="order_deliver"),
]
