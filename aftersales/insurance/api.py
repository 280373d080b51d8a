"""The insurance claims API: claims of accident work orders, their steps, documents and timeline."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from aftersales.core.api import ERRORS, Page, keyset_page, require
from aftersales.core.inputs import invalid

from . import selectors, services
from .downloads import scan_response
from .schemas import (
    ClaimDetailOut,
    ClaimIn,
    ClaimOut,
    ClaimPatch,
    DocumentIn,
    DocumentOut,
    EventOut,
    TransitionIn,
)

router = Router(tags=["insurance"])

VIEW = "insurance.view_insuranceclaim"
CHANGE = "insurance.change_insuranceclaim"


class ClaimFilters(Schema):
    status: str = ""
    insurer: str = ""
    accident_from: date | None = None
    accident_to: date | None = None
    work_order_id: int | None = None
    open: bool = False
    limit: int = 50
    cursor: str | None = None


def _limit(value: int) -> int:
    return max(1, min(value, 200))


def _detail(user, pk):
    claim = selectors.claim_get(user=user, pk=pk)
    claim.steps = services.claim_steps(claim, user)
    return claim


@router.get("/insurance-claims", response={200: Page[ClaimOut], **ERRORS},
            summary="Insurance claims of my points, newest first (filters: state, insurer, accident dates)")
def claim_list(request, filters: Query[ClaimFilters]):
    require(request.user, VIEW)
    qs = selectors.claim_list(user=request.user, status=filters.status, insurer=filters.insurer,
                              accident_from=filters.accident_from, accident_to=filters.accident_to,
                              work_order_id=filters.work_order_id, open_only=filters.open)
    items, cursor = keyset_page(qs, limit=_limit(filters.limit), cursor=filters.cursor)
    return {"items": items, "next_cursor": cursor}


@router.post("/insurance-claims", response={201: ClaimDetailOut, **ERRORS},
             summary="Start the claim of an accident work order (confirms the policy covers the accident date)")
def claim_create(request, data: ClaimIn):
    require(request.user, "insurance.add_insuranceclaim")
    claim = services.insurance_claim_create(user=request.user, data=data.dict())
    return Status(201, _detail(request.user, claim.pk))


@router.get("/insurance-claims/{pk}", response={200: ClaimDetailOut, **ERRORS},
            summary="One claim with its documents checklist and the steps open to it (with the reasons why not)")
def claim_detail(request, pk: int):
    require(request.user, VIEW)
    return _detail(request.user, pk)


@router.patch("/insurance-claims/{pk}", response={200: ClaimDetailOut, **ERRORS},
              summary="Change a claim's details (not its state); a new assessment applies the insurer's share again")
def claim_update(request, pk: int, data: ClaimPatch):
    require(request.user, CHANGE)
    services.insurance_claim_update(user=request.user, pk=pk, data=data.dict(exclude_unset=True))
    return _detail(request.user, pk)


@router.post("/insurance-claims/{pk}/transition", response={200: ClaimDetailOut, **ERRORS},
             summary="Take the claim's next step (409 when it is not the next step or its guard says no)")
def claim_transition(request, pk: int, data: TransitionIn):
    require(request.user, CHANGE)
    payload = data.dict(exclude_unset=True)
    to, name, note = payload.pop("to", None), payload.pop("name", None), payload.pop("note", "")
    if not to and not name:
        raise invalid("to", _("Say which state to go to."))
    services.insurance_claim_transition(user=request.user, claim=pk, to=to, name=name, note=note, data=payload)
    return _detail(request.user, pk)


@router.post("/insurance-claims/{pk}/documents/{code}", response={200: DocumentOut, **ERRORS},
             summary="Tick a document received (multipart: received, received_on, required, note, file: a PDF, "
                     "JPEG or PNG scan up to 10 MB)")
def claim_document_update(request, pk: int, code: str, data: Form[DocumentIn], file: File[UploadedFile] = None):
    require(request.user, CHANGE)
    return services.insurance_claim_document_update(user=request.user, pk=pk, code=code,
                                                    data=data.dict(exclude_unset=True), uploaded_file=file)


@router.get("/insurance-claims/{pk}/documents/{code}/scan", response=ERRORS,
            summary="The document's scan (personal data: logged in the access log)",
            openapi_extra={"responses": {"200": {"description": "The scan as uploaded (PDF, JPEG or PNG)",
                                                 "content": {"application/pdf": {"schema": {"type": "string",
                                                                                            "format": "binary"}}}}}})
def claim_document_scan(request, pk: int, code: str):
    require(request.user, VIEW)
    return scan_response(user=request.user, pk=pk, code=code, channel="api")


@router.get("/insurance-claims/{pk}/events", response={200: list[EventOut], **ERRORS},
            summary="The claim's timeline: every step and document, who and when")
def claim_events(request, pk: int):
    require(request.user, VIEW)
    return list(selectors.claim_events(user=request.user, pk=pk)[:500])
