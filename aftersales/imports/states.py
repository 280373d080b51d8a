"""The import job's transition table: (from, to). Only ``import_job_transition`` changes status."""

from .choices import ImportStatus as S

TRANSITIONS: frozenset[tuple[str, str]] = frozenset({
    (S.UPLOADED, S.VALIDATING),
    (S.UPLOADED, S.FAILED),
    (S.VALIDATING, S.VALIDATED),
    (S.VALIDATING, S.FAILED),
    (S.VALIDATED, S.IMPORTING),
    (S.IMPORTING, S.DONE),
    (S.IMPORTING, S.FAILED),
})


def allowed(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS
