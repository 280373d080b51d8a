"""The customer's approval page, ``/p/approve/<token>/``: no login, reached by the link sent to the
customer's phone. It shows the order number, the plate, the lines with prices and totals and the
point's name and phone — nothing else about the customer — and takes the answer: approve (typing
the name and signing) or decline. A used, expired, withdrawn or unknown link says so."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from aftersales.core.errors import ApplicationError
from aftersales.core.ui import add_errors_to_form

from ..api.orders import client_ip
from ..forms.orders import PublicApprovalForm
from ..selectors.orders import approval_summary
from ..services import approvals

# "same-origin", not "no-referrer": the token in the address still goes to no other site, but the
# browser keeps the page's origin on the form's POST. Under "no-referrer" Chromium sends
# "Origin: null", which Django's CSRF check refuses (403): the customer could not answer at all.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "same-origin"}


def _page(request, context: dict, status: int = 200):
    response = render(request, "workshop/public/approval.html", context, status=status)
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


@require_http_methods(["GET", "POST"])
def approval_page(request, token: str):
    approval = approvals.approval_by_token(token)
    state = approvals.link_state(approval)
    if state == approvals.LinkState.UNKNOWN:
        return _page(request, {"state": state, "message": approvals.LINK_MESSAGES[state]}, status=404)
    form = PublicApprovalForm(request.POST or None)
    if request.method == "POST" and state == approvals.LinkState.OPEN and form.is_valid():
        try:
            approvals.approval_decide_by_link(token=token, decision=form.cleaned_data["decision"],
                                              approver_name=form.cleaned_data["approver_name"],
                                              signature=form.cleaned_data["signature"], client_ip=client_ip(request))
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            return redirect("public:approval", token=token)
        approval = approvals.approval_by_token(token)
        state = approvals.link_state(approval)
    context = {"state": state, "summary": approval_summary(approval), "approval": approval, "form": form,
               "message": approvals.LINK_MESSAGES.get(state, "")}
    return _page(request, context, status=200 if request.method == "GET" or form.is_valid() else 422)


urlpatterns = [path("approve/<str:token>/", approval_page, name="approval")]
