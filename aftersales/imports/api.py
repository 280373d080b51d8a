from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from aftersales.core.api import ERRORS, Page, keyset_page, require

from . import selectors, services
from .choices import ImportKind
from .schemas import ImportJobDetailOut, ImportJobOut
from .workbook import template_bytes

router = Router(tags=["imports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobFilters(Schema):
    kind: str = ""
    status: str = ""
    limit: int = 50
    cursor: str | None = None


@router.get("/imports/templates/{kind}", response=ERRORS, summary="Excel template of an import",
            openapi_extra={"responses": {"200": {"description": "An .xlsx workbook with the headers and an example",
                                                 "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def import_template(request, kind: ImportKind):
    require(request.user, "imports.view_importjob")
    response = HttpResponse(template_bytes(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="aftersales-{kind}-template.xlsx"'
    return response


@router.get("/imports", response={200: Page[ImportJobOut], **ERRORS}, summary="List import jobs")
def import_job_list(request, filters: Query[JobFilters]):
    require(request.user, "imports.view_importjob")
    qs = selectors.import_job_list(user=request.user, kind=filters.kind, status=filters.status)
    items, cursor = keyset_page(qs, limit=max(1, min(filters.limit, 200)), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.get("/imports/{pk}", response={200: ImportJobDetailOut, **ERRORS},
            summary="One import job: status, progress, the dry-run errors and the result")
def import_job_detail(request, pk: int):
    require(request.user, "imports.view_importjob")
    return selectors.import_job_get(user=request.user, pk=pk)


@router.post("/imports", response={201: ImportJobOut, **ERRORS},
             summary="Upload a customer or asset file (multipart: file, kind, service_point_id); the dry run "
                     "starts in the background")
def import_job_create(request, kind: Form[str] = "", service_point_id: Form[int | None] = None,
                      file: File[UploadedFile] = None):
    require(request.user, "imports.add_importjob")
    job = services.import_job_create(user=request.user, uploaded_file=file, kind=kind,
                                     service_point_id=service_point_id)
    return Status(201, job)


@router.post("/imports/{pk}/commit", response={202: ImportJobOut, **ERRORS},
             summary="Import a checked file (all or nothing, in the background)")
def import_job_commit(request, pk: int):
    require(request.user, "imports.add_importjob")
    services.import_job_commit_request(user=request.user, job_id=pk)
    return Status(202, selectors.import_job_get(user=request.user, pk=pk, action="add"))
