"""Helpers for server-rendered views: permission gates, errors beside fields, pages without COUNT(*)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .errors import ApplicationError, NotFoundError, PermissionDeniedError


def ui_permission_required(permission: str):
    """Login first (redirect), then the model-level permission (403), NotFoundError → 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from aftersales.accounts.access import has_permission

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_permission(request.user, permission):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFoundError as exc:
                raise Http404 from exc
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc

        return wrapper

    return decorator


def add_errors_to_form(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a service's error beside the fields it names, the rest at the top of the form."""
    placed = False
    for name, reasons in error.fields.items():
        for reason in reasons:
            if name in form.fields:
                form.add_error(name, reason)
                placed = True
            else:
                form.add_error(None, reason)
                placed = True
    if not placed:
        form.add_error(None, error.message)


class BootstrapFormMixin:
    """Adds Bootstrap classes to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class OffsetPage:
    """A page of rows found by fetching one row more than shown: "next" without counting."""

    def __init__(self, qs, *, page: int, per_page: int):
        self.number = max(page, 1)
        rows = list(qs[(self.number - 1) * per_page: self.number * per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1

    def __iter__(self):
        return iter(self.object_list)

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1
