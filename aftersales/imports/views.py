from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import has_permission
from aftersales.core.errors import ApplicationError
from aftersales.core.exports import XLSX, excel_response
from aftersales.core.ui import OffsetPage, add_errors_to_form, page_number, ui_permission_required

from . import selectors, services
from .choices import ImportKind, ImportStatus
from .forms import ImportUploadForm
from .workbook import template_bytes

ERRORS_SHOWN = 200


@ui_permission_required("imports.view_importjob")
def job_list(request):
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    qs = selectors.import_job_list(user=request.user, kind=kind, status=status)
    if request.GET.get("export") == "xlsx":
        return excel_response(qs, [
            (_("number"), lambda j: j.pk), (_("uploaded at"), lambda j: j.created_at),
            (_("kind"), lambda j: j.get_kind_display()), (_("file name"), lambda j: j.original_name),
            (_("service point"), lambda j: j.service_point.name), (_("status"), lambda j: j.get_status_display()),
            (_("rows"), lambda j: j.total_rows), (_("valid rows"), lambda j: j.valid_rows),
            (_("errors"), lambda j: j.error_count), (_("records created"), lambda j: j.created_count),
            (_("uploaded by"), lambda j: str(j.created_by or "")),
        ], filename="imports")
    page = OffsetPage(qs, page=page_number(request), per_page=25)
    return render(request, "imports/list.html", {
        "page": page, "kind": kind, "status": status, "kinds": ImportKind.choices, "statuses": ImportStatus.choices,
        "can_add": has_permission(request.user, "imports.add_importjob"),
    })


@ui_permission_required("imports.add_importjob")
def job_create(request):
    points = selectors.import_points_for_choice(user=request.user)
    initial = {"kind": request.GET.get("kind", ImportKind.CUSTOMERS)}
    form = ImportUploadForm(request.POST or None, request.FILES or None, points=points, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(user=request.user, uploaded_file=form.cleaned_data["file"],
                                             kind=form.cleaned_data["kind"],
                                             service_point_id=form.cleaned_data["service_point_id"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("File uploaded; it is being checked."))
            return redirect("imports:detail", pk=job.pk)
    return render(request, "imports/form.html", {"form": form, "kinds": ImportKind.choices})


def _list_links(kind: str) -> list[tuple[str, str]]:
    names = ([("customers:list", _("Customers"))] if kind == ImportKind.CUSTOMERS
             else [("assets:vehicle_list", _("Vehicles")), ("assets:product_list", _("Products"))])
    links = []
    for name, label in names:
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:  # noqa: PERF203 - an app without that page simply has no link
            continue
    return links


def _job_context(request, job) -> dict:
    return {
        "job": job,
        "progress": selectors.import_job_progress(job=job),
        "errors": job.errors[:ERRORS_SHOWN],
        "more_errors": max(job.error_count - min(len(job.errors), ERRORS_SHOWN), 0),
        "may_commit": selectors.import_job_may_commit(user=request.user, job=job),
        "created": selectors.import_job_created_objects(user=request.user, job=job)
        if job.status == ImportStatus.DONE else [],
        "list_links": _list_links(job.kind),
    }


@ui_permission_required("imports.view_importjob")
def job_detail(request, pk: int):
    job = selectors.import_job_get(user=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        return excel_response(job.errors, [
            (_("row"), lambda e: e.get("row")), (_("column"), lambda e: e.get("column")),
            (_("field"), lambda e: e.get("field")), (_("reason"), lambda e: e.get("reason")),
        ], filename=f"import-{job.pk}-errors")
    return render(request, "imports/detail.html", _job_context(request, job))


@ui_permission_required("imports.view_importjob")
def job_status(request, pk: int):
    """The part of the job page that changes while a worker runs (HTMX polls it every second)."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "imports/_job.html", _job_context(request, job))


@ui_permission_required("imports.add_importjob")
@require_POST
def job_commit(request, pk: int):
    try:
        services.import_job_commit_request(user=request.user, job_id=pk)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import has started."))
    return redirect("imports:detail", pk=pk)


@ui_permission_required("imports.view_importjob")
def template_download(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(template_bytes(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="aftersales-{kind}-template.xlsx"'
    return response
