"""Pages of insurance claims: the list, a claim with its checklist, steps and timeline, the forms."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_permission, scope_for, sees_personal_data
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .choices import CLOSED_CLAIM_STATUSES, ClaimStatus, DocumentCode
from .downloads import scan_response
from .forms import ClaimEditForm, ClaimStartForm, DocumentForm, StepForm
from .presentation import timeline
from .services.claims import EDITABLE_IN
from .states import guard_reasons, transition_named

VIEW = "insurance.view_insuranceclaim"
ADD = "insurance.add_insuranceclaim"
CHANGE = "insurance.change_insuranceclaim"


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _clean(value: str, length: int) -> str:
    return (value or "").replace("\x00", "").strip()[:length]


EXPORT_COLUMNS = [
    (gettext_lazy("work order"), lambda c: c.work_order.number),
    (gettext_lazy("service point"), lambda c: c.work_order.service_point.name),
    (gettext_lazy("customer"), lambda c: c.work_order.customer.name),
    (gettext_lazy("vehicle"), lambda c: c.work_order.asset.plate or c.work_order.asset.vin),
    (gettext_lazy("insurer"), lambda c: c.insurer),
    (gettext_lazy("policy number"), lambda c: c.policy_number),
    (gettext_lazy("accident date"), lambda c: c.accident_date),
    (gettext_lazy("status"), lambda c: c.get_status_display()),
    (gettext_lazy("report number (报案号)"), lambda c: c.report_number),
    (gettext_lazy("assessed amount"), lambda c: c.assessed_amount),
    (gettext_lazy("deductible / customer's share"), lambda c: c.deductible),
    (gettext_lazy("paid by the insurer"), lambda c: c.work_order.insurer_amount),
    (gettext_lazy("claim number (理赔号)"), lambda c: c.claim_number),
    (gettext_lazy("submitted on"), lambda c: c.submitted_on),
    (gettext_lazy("amount received"), lambda c: c.paid_amount),
    (gettext_lazy("paid on"), lambda c: c.paid_on),
]


@ui_permission_required(VIEW)
def claim_list(request):
    status = request.GET.get("status", "")
    status = status if status in ClaimStatus.values or status == "open" else ""
    insurer = _clean(request.GET.get("insurer", ""), 100)
    accident_from = _date_or_none(request.GET.get("accident_from"))
    accident_to = _date_or_none(request.GET.get("accident_to"))
    qs = selectors.claim_list(user=request.user, status=status if status != "open" else "", insurer=insurer,
                              accident_from=accident_from, accident_to=accident_to,
                              open_only=status == "open").order_by("-id")
    if request.GET.get("export") == "xlsx":
        # Excel keeps the header labels of the translation active now.
        columns = [(str(header), getter) for header, getter in EXPORT_COLUMNS]
        return excel_response(qs.iterator(chunk_size=2000), columns, filename="insurance-claims")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "insurance/claim_list.html", {
        "page": page, "status": status, "statuses": ClaimStatus.choices, "insurer": insurer,
        "insurers": selectors.claim_insurers(user=request.user),
        "accident_from": accident_from.isoformat() if accident_from else "",
        "accident_to": accident_to.isoformat() if accident_to else "",
    })


def _document_form(doc) -> DocumentForm:
    return DocumentForm(prefix=doc.code, initial={"received": doc.received, "received_on": doc.received_on,
                                                  "required": doc.required, "note": doc.note})


def _render_detail(request, claim, *, document_forms: dict | None = None):
    user = request.user
    point_id = claim.work_order.service_point_id
    can_change = scope_for(user, CHANGE).covers(point_id) and claim.status not in CLOSED_CLAIM_STATUSES
    document_forms = document_forms or {}
    documents = [(doc, document_forms.get(doc.code) or _document_form(doc)) for doc in claim.documents.all()]
    return render(request, "insurance/claim_detail.html", {
        "claim": claim, "order": claim.work_order, "documents": documents, "can_change": can_change,
        "steps": services.claim_steps(claim, user) if can_change else [],
        "timeline": timeline(claim.events.select_related("actor").order_by("at", "id")[:500]),
        "sees_scans": sees_personal_data(user, point_id),
        "sees_order": has_permission(user, "workshop.view_workorder")
        and scope_for(user, "workshop.view_workorder").covers(point_id),
    })


@ui_permission_required(VIEW)
def claim_detail(request, pk: int):
    return _render_detail(request, selectors.claim_get(user=request.user, pk=pk))


@ui_permission_required(ADD)
def claim_create(request):
    order_id = _int_or_none(request.POST.get("order") or request.GET.get("order"))
    order = selectors.order_for_new_claim(user=request.user, pk=order_id)
    existing = selectors.claim_list(user=request.user, work_order_id=order.pk).first()
    if existing is not None:
        messages.info(request, _("This work order already has an insurance claim."))
        return redirect(existing.get_absolute_url())
    form = ClaimStartForm(request.POST or None, policies=selectors.policies_for(order),
                          initial={"accident_date": timezone.localdate(order.opened_at)})
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.insurance_claim_create(user=request.user,
                                                    data={"work_order_id": order.pk, **form.service_data()})
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Claim started: the policy covers the accident date."))
            return redirect(claim.get_absolute_url())
    return render(request, "insurance/claim_form.html", {
        "form": form, "order": order, "back": order.get_absolute_url(),
        "title": _("Insurance claim for %(order)s") % {"order": order.number},
    })


def _edit_initial(claim) -> dict:
    initial = {}
    for name in EDITABLE_IN:
        value = claim.coverage_id if name == "coverage_id" else getattr(claim, name)
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).replace(second=0, microsecond=0)
        initial[name] = value
    return initial


@ui_permission_required(CHANGE)
def claim_edit(request, pk: int):
    claim = selectors.claim_get(user=request.user, pk=pk, action="change")
    if claim.status in CLOSED_CLAIM_STATUSES:
        messages.error(request, _("This claim is closed; it can no longer be changed."))
        return redirect(claim.get_absolute_url())
    fields = [name for name, states in EDITABLE_IN.items() if claim.status in states]
    form = ClaimEditForm(request.POST or None, fields=fields, policies=selectors.policies_for(claim.work_order),
                         initial=_edit_initial(claim))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if data:
                services.insurance_claim_update(user=request.user, pk=claim.pk, data=data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved.") if data else _("Nothing was changed."))
            return redirect(claim.get_absolute_url())
    return render(request, "insurance/claim_form.html", {
        "form": form, "claim": claim, "order": claim.work_order, "back": claim.get_absolute_url(),
        "title": _("Change the claim of %(order)s") % {"order": claim.work_order.number},
    })


def _step_initial(request, claim, transition) -> dict:
    today = timezone.localdate()
    values = {name: getattr(claim, name, None) for name in transition.fields}
    defaults = {
        "reported_by": request.user.get_full_name() or request.user.get_username(),
        "reported_at": timezone.localtime().replace(second=0, microsecond=0),
        "assessed_on": today, "submitted_on": today, "paid_on": today,
        "paid_amount": claim.work_order.insurer_balance or None,
    }
    return {name: values.get(name) if values.get(name) not in (None, "") else defaults.get(name)
            for name in transition.fields}


@ui_permission_required(CHANGE)
def claim_step(request, pk: int, name: str):
    claim = selectors.claim_get(user=request.user, pk=pk, action="change")
    transition = transition_named(claim.status, name)
    if transition is None:
        messages.error(request, _("A claim in state “%(state)s” cannot take this step.") % {
            "state": claim.get_status_display()})
        return redirect(claim.get_absolute_url())
    form = StepForm(request.POST or None, transition=transition, initial=_step_initial(request, claim, transition))
    if request.method == "POST" and form.is_valid():
        note, data = form.service_data()
        try:
            services.insurance_claim_transition(user=request.user, claim=claim.pk, name=name, note=note, data=data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, str(transition.label))
            return redirect(claim.get_absolute_url())
    return render(request, "insurance/claim_step.html", {
        "form": form, "claim": claim, "transition": transition, "back": claim.get_absolute_url(),
        "reasons": [] if transition.fields else guard_reasons(claim, transition),
    })


@require_POST
@ui_permission_required(CHANGE)
def claim_document(request, pk: int, code: str):
    claim = selectors.claim_get(user=request.user, pk=pk, action="change")
    if code not in DocumentCode.values:
        raise Http404
    form = DocumentForm(request.POST, request.FILES, prefix=code)
    if form.is_valid():
        try:
            services.insurance_claim_document_update(user=request.user, pk=claim.pk, code=code,
                                                     data=form.service_data(),
                                                     uploaded_file=form.cleaned_data.get("file"))
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("%(document)s saved.") % {"document": dict(DocumentCode.choices)[code]})
            return redirect(f"{claim.get_absolute_url()}#doc-{code}")
    claim = selectors.claim_get(user=request.user, pk=pk)
    return _render_detail(request, claim, document_forms={code: form})


@ui_permission_required(VIEW)
def claim_document_scan(request, pk: int, code: str):
    return scan_response(user=request.user, pk=pk, code=code, channel="ui")
