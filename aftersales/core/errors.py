"""The one error type that services raise.

The API turns it into ``{"code", "message", "fields": {name: [reasons]}}`` with a 4xx status; the UI
into messages beside the fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError as DjangoValidationError


class ApplicationError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        fields: Mapping[str, Sequence[str] | str] | None = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.fields: dict[str, list[str]] = {
            name: [str(r) for r in ([reasons] if isinstance(reasons, str) else reasons)]
            for name, reasons in (fields or {}).items()
        }
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFoundError(ApplicationError):
    """Also raised for rows outside the user's service points, so existence does not leak."""

    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class PermissionDeniedError(ApplicationError):
    status = 403

    def __init__(self, message: str = "You do not have permission to do this.") -> None:
        super().__init__("permission_denied", message)


class ConflictError(ApplicationError):
    status = 409


def validation_error(message: str, fields: Mapping[str, Sequence[str] | str]) -> ApplicationError:
    return ApplicationError("invalid", message, fields, status=422)


def from_django_validation_error(exc: DjangoValidationError, message: str = "Invalid input.") -> ApplicationError:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for err in errors for m in err.messages] for name, errors in exc.error_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    return validation_error(message, fields)
