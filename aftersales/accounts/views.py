from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .access import has_permission
from .choices import PointKind
from .forms import ServicePointForm
from .models import ApiToken
from .tokens import api_token_issue, api_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@ui_permission_required("accounts.view_servicepoint")
def point_list(request):
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    qs = selectors.service_point_list(user=request.user, q=q, kind=kind if kind in PointKind.values else "")
    if request.GET.get("export") == "xlsx":
        return excel_response(qs, [
            (_("code"), lambda p: p.code), (_("name"), lambda p: p.name), (_("kind"), lambda p: p.get_kind_display()),
            (_("parent"), lambda p: p.parent.name if p.parent else ""), (_("city"), lambda p: p.city),
            (_("address"), lambda p: p.address), (_("phone"), lambda p: p.phone), (_("service bays"), lambda p: p.bays),
        ], filename="service-points")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "accounts/point_list.html", {
        "page": page, "q": q, "kind": kind, "kinds": PointKind.choices,
        "can_add": has_permission(request.user, "accounts.add_servicepoint"),
    })


@ui_permission_required("accounts.view_servicepoint")
def point_detail(request, pk: int):
    point = selectors.service_point_get(user=request.user, pk=pk)
    return render(request, "accounts/point_detail.html", {
        "point": point, "history": history_for(point),
        "can_change": has_permission(request.user, "accounts.change_servicepoint"),
    })


@ui_permission_required("accounts.add_servicepoint")
def point_create(request):
    parents = selectors.service_points_for_choice(user=request.user, action="add")
    form = ServicePointForm(request.POST or None, parent_choices=parents)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.service_point_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Service point created."))
            return redirect("accounts:point_detail", pk=point.pk)
    return render(request, "accounts/point_form.html", {"form": form, "title": _("New service point")})


@ui_permission_required("accounts.change_servicepoint")
def point_edit(request, pk: int):
    point = selectors.service_point_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(point, f) for f in services.POINT_FIELDS}
    initial["brands"] = ", ".join(point.brands)
    initial["skills"] = ", ".join(point.skills)
    form = ServicePointForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_point_update(user=request.user, pk=pk, **form.cleaned_data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Service point saved."))
            return redirect("accounts:point_detail", pk=pk)
    return render(request, "accounts/point_form.html", {"form": form, "title": point.name, "point": point})


@ui_permission_required("accounts.delete_servicepoint")
def point_delete(request, pk: int):
    point = selectors.service_point_get(user=request.user, pk=pk, action="delete")
    if request.method == "POST":
        try:
            services.service_point_delete(user=request.user, pk=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:point_detail", pk=pk)
        messages.success(request, _("Service point deleted."))
        return redirect("accounts:point_list")
    return render(request, "accounts/confirm_delete.html", {"object": point})


def token_list(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                api_token_revoke(actor=request.user, token_id=int(request.POST["revoke"]))
                messages.success(request, _("Token revoked."))
            except (ApplicationError, ValueError):
                messages.error(request, _("No such token."))
        else:
            name = request.POST.get("name", "").strip().replace("\x00", "")[:100]
            _token, new_token = api_token_issue(user=request.user, name=name or "ui")
    tokens = ApiToken.objects.filter(user=request.user)[:100]
    return render(request, "accounts/token_list.html", {"tokens": tokens, "new_token": new_token})
