"""The REST API: one NinjaAPI at /api/v1/, one router per app."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from aftersales.accounts.api import auth_router
from aftersales.accounts.api import router as accounts_router
from aftersales.appointments.api import router as appointments_router
from aftersales.assets.api import router as assets_router
from aftersales.core.api import API_AUTH
from aftersales.core.errors import ApplicationError
from aftersales.crm.api import router as crm_router
from aftersales.customers.api import router as customers_router
from aftersales.imports.api import router as imports_router
from aftersales.insurance.api import router as insurance_router
from aftersales.parts.api import router as parts_router
from aftersales.search.api import router as search_router
from aftersales.warranty.api import router as warranty_router
from aftersales.workshop.api import router as workshop_router

api = NinjaAPI(
    title="Aftersales API",
    version="1",
    description="After-sales service management (售后服务管理系统). Authenticate with "
    "`POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=API_AUTH,
)

api.add_router("/auth/", auth_router)
api.add_router("/", accounts_router)
api.add_router("/", customers_router)
api.add_router("/", assets_router)
api.add_router("/", search_router)
api.add_router("/", imports_router)
api.add_router("/", crm_router)
api.add_router("/", appointments_router)
api.add_router("/", parts_router)
api.add_router("/", warranty_router)
api.add_router("/", workshop_router)
api.add_router("/", insurance_router)


def _error(request, status: int, code: str, message: str, fields=None):
    return api.create_response(request, {"code": code, "message": str(message), "fields": fields or {}},
                               status=status)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "form")]
        # Drop the schema parameter name ninja puts first for body payloads.
        name = ".".join(loc[1:] if len(loc) > 1 and loc[0] in ("data", "filters", "params") else loc) or "__all__"
        fields.setdefault(name, []).append(err.get("msg", "invalid"))
    return _error(request, 422, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "not_authenticated", _("Log in or send a valid API token."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return _error(request, 403, "permission_denied", _("You do not have permission to do this."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))
