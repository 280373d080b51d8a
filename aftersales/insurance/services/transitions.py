"""The only writer of ``InsuranceClaim.status``.

``insurance_claim_transition`` locks the claim, finds the pair in ``states.TRANSITIONS``, checks the
permission at the work order's point, applies the step's data, checks the guard, runs the effects
registered for the step (``apps.py``: the insurer's share on the order, the insurer's payment),
saves and writes the ``InsuranceClaimEvent``, all in one transaction: a refused step changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.inputs import as_text, invalid, is_row_id

from ..choices import ClaimStatus
from ..models import InsuranceClaim, InsuranceClaimEvent
from ..states import Transition, guard_reasons, transition_between, transition_named, transitions_from
from ._fields import apply_fields

_EFFECTS: dict[str, list[Callable]] = {}


def register_effect(name: str, effect: Callable) -> None:
    """Run ``effect(claim=…, user=…, note=…) -> dict`` inside step ``name`` (idempotent registration);
    the dict it returns is added to the event's details."""
    effects = _EFFECTS.setdefault(name, [])
    if effect not in effects:
        effects.append(effect)


def jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def locked_claim(user, pk, permission: str = "insurance.view_insuranceclaim") -> InsuranceClaim:
    """The claim row-locked for the rest of the transaction, or 404 (also outside the user's points)."""
    if not is_row_id(pk):
        raise NotFoundError()
    scope = scope_for(user, permission)
    qs = InsuranceClaim.objects.all()
    if not scope.everything:
        qs = qs.filter(InsuranceClaim.restrict_q(scope.point_ids))
    if not qs.filter(pk=pk).exists():
        raise NotFoundError()
    return (InsuranceClaim.objects.select_for_update(of=("self",))
            .select_related("work_order", "work_order__service_point", "coverage").get(pk=pk))


def _step_defaults(claim: InsuranceClaim, transition: Transition, user) -> None:
    today = timezone.localdate()
    if transition.name == "report":
        if claim.reported_at is None:
            claim.reported_at = timezone.now()
        if not claim.reported_by:
            claim.reported_by = (user.get_full_name() or user.get_username())[:100]
    elif transition.name == "assess" and claim.assessed_on is None and claim.assessed_amount is not None:
        claim.assessed_on = today
    elif transition.name == "submit" and claim.submitted_on is None and claim.claim_number:
        claim.submitted_on = today
    elif transition.name == "pay" and claim.paid_on is None and claim.paid_amount is not None:
        claim.paid_on = today


def insurance_claim_transition(*, user, claim: InsuranceClaim | int, to: str | None = None, name: str | None = None,
                               note: str = "", data: dict | None = None) -> InsuranceClaim:
    """Move the claim to ``to`` (or along the step called ``name``) with the step's ``data``."""
    with transaction.atomic():
        pk = claim if isinstance(claim, int) else claim.pk
        claim = locked_claim(user, pk)
        source = claim.status
        transition = transition_between(source, to) if to else transition_named(source, name or "")
        if transition is None:
            target = dict(ClaimStatus.choices).get(to or "", to or name or "")
            message = _("A claim in state “%(state)s” cannot go to “%(target)s”.") % {
                "state": claim.get_status_display(), "target": target}
            raise ConflictError("invalid_transition", message, {"status": [message]})
        if not scope_for(user, transition.permission).covers(claim.work_order.service_point_id):
            raise PermissionDeniedError()
        note = as_text(note, "note", max_length=500)
        if transition.note_required and not note:
            raise invalid("note", _("Say why."))
        step_data = {k: v for k, v in (data or {}).items() if v is not None}
        extra = sorted(set(step_data) - set(transition.fields))
        if extra:
            raise invalid(extra[0], _("This is not part of the step “%(step)s”.") % {"step": transition.label})
        apply_fields(claim, step_data)
        _step_defaults(claim, transition, user)
        reasons = guard_reasons(claim, transition)
        if reasons:
            raise ConflictError("guard_failed", " ".join(reasons), {"status": reasons})
        claim.status = transition.target
        if transition.target in (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN):
            claim.closed_reason = note[:255]
        details = {name: getattr(claim, name) for name in transition.fields}
        for effect in _EFFECTS.get(transition.name, []):
            details.update(effect(claim=claim, user=user, note=note) or {})
        claim.save()
        InsuranceClaimEvent.objects.create(
            claim=claim, kind=transition.name, from_status=source, to_status=transition.target,
            actor=user if getattr(user, "is_authenticated", False) else None, note=note, data=jsonable(details))
    return claim


def claim_steps(claim: InsuranceClaim, user) -> list[dict]:
    """The steps open from the claim's state, with whether the user may take them and why not."""
    steps = []
    for transition in transitions_from(claim.status):
        allowed = scope_for(user, transition.permission).covers(claim.work_order.service_point_id)
        steps.append({"transition": transition, "name": transition.name, "to": transition.target,
                      "label": str(transition.label), "allowed": allowed,
                      "reasons": guard_reasons(claim, transition) if allowed else []})
    return steps
