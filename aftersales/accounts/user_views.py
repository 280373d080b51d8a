"""Pages for user administration (list, detail with roles, create, edit)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.core.audit import history_for
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .access import has_permission, scope_for
from .forms import MembershipForm, UserCreateForm, UserEditForm
from .models import Role, ServicePoint


def _grantable(user):
    scope = scope_for(user, selectors.MANAGE_USERS)
    points = ServicePoint.objects.filter(is_active=True).order_by("path")
    if not scope.everything:
        points = points.filter(pk__in=scope.point_ids)
    roles = Role.objects.all() if scope.everything else Role.objects.filter(scope="point")
    return points, roles


@ui_permission_required("accounts.view_user")
def user_list(request):
    q = request.GET.get("q", "").strip().replace("\x00", "")
    qs = selectors.users_visible(user=request.user, q=q)
    if request.GET.get("export") == "xlsx":
        return excel_response(qs, [
            (_("user name"), lambda u: u.username), (_("display name"), lambda u: u.display_name),
            (_("active"), lambda u: u.is_active),
            (_("roles"), lambda u: "; ".join(f"{m.role} @ {m.service_point}" for m in u.memberships.all())),
        ], filename="users")
    page = OffsetPage(qs, page=page_number(request), per_page=50)
    return render(request, "accounts/user_list.html", {
        "page": page, "q": q, "can_manage": has_permission(request.user, selectors.MANAGE_USERS)})


@ui_permission_required("accounts.view_user")
def user_detail(request, pk: int):
    target = selectors.user_get(user=request.user, pk=pk)
    can_manage = selectors.user_get_or_none(user=request.user, pk=pk, manage=True) is not None
    form = None
    if can_manage:
        points, roles = _grantable(request.user)
        form = MembershipForm(request.POST or None, points=points, roles=roles)
        if request.method == "POST" and "remove" in request.POST:
            try:
                services.membership_remove(user=request.user, pk=pk, membership_id=int(request.POST["remove"]))
                messages.success(request, _("Role withdrawn."))
            except (ApplicationError, ValueError) as exc:
                messages.error(request, getattr(exc, "message", _("No such role.")))
            return redirect("accounts:user_detail", pk=pk)
        if request.method == "POST" and form.is_valid():
            try:
                services.membership_add(user=request.user, pk=pk, **form.cleaned_data)
            except ApplicationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, _("Role granted."))
                return redirect("accounts:user_detail", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "accounts/user_detail.html", {
        "target": target, "history": history_for(target), "form": form, "can_manage": can_manage})


@ui_permission_required(selectors.MANAGE_USERS)
def user_create(request):
    points, roles = _grantable(request.user)
    form = UserCreateForm(request.POST or None, points=points, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["memberships"] = [{"service_point_id": data.pop("service_point_id"), "role": data.pop("role")}]
        try:
            target = services.user_create(user=request.user, data=data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("User created."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@ui_permission_required(selectors.MANAGE_USERS)
def user_edit(request, pk: int):
    target = selectors.user_get(user=request.user, pk=pk, manage=True)
    initial = {f: getattr(target, f) for f in ("display_name", "email", "phone", "discount_limit_percent",
                                               "is_active")}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("password"):
            data.pop("password", None)
        try:
            services.user_update(user=request.user, pk=pk, data=data)
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("User saved."))
            return redirect("accounts:user_detail", pk=pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": str(target), "target": target})
