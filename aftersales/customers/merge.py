"""Merging a duplicate archive (source) into the one that stays (target).

Everything that points at the source is moved by walking the model's reverse relations, so a
relation added by a later app (work orders, complaints, …) moves without changing this code. Rows
that would break a unique constraint on the target (the same phone twice, the same point link) are
duplicates by definition and are dropped; a one-to-one relation held by both refuses the merge.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _

from aftersales.core.audit import record_change
from aftersales.core.errors import NotFoundError, validation_error
from aftersales.core.inputs import is_row_id

from .models import Customer, CustomerPhone, CustomerPointLink
from .transactions import customer_transaction_status_refresh

# Blank fields of the target that the source may fill.
FILLABLE = ("contact_person", "gender", "birthday", "wechat", "email", "preferences", "preferred_hours", "notes")


def _unique_sets(model, field_name: str) -> list[list[str]]:
    """Other fields that, with ``field_name``, must be unique on ``model`` (unconditional constraints)."""
    sets = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None \
                and field_name in (constraint.fields or ()):
            sets.append([f for f in constraint.fields if f != field_name])
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append([f for f in together if f != field_name])
    return sets


def _move_relation(rel, source: Customer, target: Customer) -> int:
    model, fk = rel.related_model, rel.field
    manager = model._base_manager
    rows = manager.filter(**{fk.name: source})
    if rel.one_to_one:
        if rows.exists() and manager.filter(**{fk.name: target}).exists():
            raise validation_error(
                _("Both archives have a %(what)s; resolve it before merging.") % {"what": model._meta.verbose_name},
                {"source_id": [_("Both archives have a %(what)s.") % {"what": model._meta.verbose_name}]})
        return rows.update(**{fk.name: target})
    for others in _unique_sets(model, fk.name):
        if not others:
            continue
        # Drop the source's rows that the target already has (same values in the rest of the constraint).
        clash = manager.filter(**{fk.name: target}).values_list(*others)
        keys = {tuple(v) for v in clash}
        for pk, *values in rows.values_list("pk", *others):
            if tuple(values) in keys:
                manager.filter(pk=pk).delete()
    return rows.update(**{fk.name: target})


def customer_merge(*, user, source_id: int, target_id: int) -> Customer:
    if source_id == target_id:
        raise validation_error(_("Choose two different archives."),
                               {"source_id": [_("An archive cannot be merged into itself.")]})
    if not is_row_id(target_id):
        raise NotFoundError()
    if not is_row_id(source_id):
        raise validation_error(_("Unknown customer."), {"source_id": [_("Unknown customer.")]})
    with transaction.atomic():
        visible = Customer.objects.restrict(user, "merge").select_for_update()
        pair = {c.pk: c for c in visible.filter(pk__in=[source_id, target_id])}
        if target_id not in pair:
            raise NotFoundError()
        if source_id not in pair:
            raise validation_error(_("Unknown customer."), {"source_id": [_("Unknown customer.")]})
        source, target = pair[source_id], pair[target_id]
        for archive, name in ((source, "source_id"), (target, "target_id")):
            if archive.merged_into_id:
                raise validation_error(_("This archive was already merged."),
                                       {name: [_("This archive was already merged into #%(id)s.")
                                               % {"id": archive.merged_into_id}]})
        moved: dict[str, int] = {}
        for rel in Customer._meta.related_objects:
            if rel.many_to_many or rel.related_model is Customer and rel.field.name != "referred_by":
                continue
            accessor = rel.get_accessor_name() or rel.name
            count = _move_relation(rel, source, target)
            if count:
                moved[accessor] = count
        # The target must not end up referring to itself.
        if target.referred_by_id == source.pk:
            target.referred_by_id = source.referred_by_id if source.referred_by_id != target.pk else None
        Customer.objects.filter(pk=target.pk, referred_by_id=target.pk).update(referred_by=None)
        Customer.objects.filter(merged_into=source).update(merged_into=target)
        CustomerPhone.objects.filter(customer=target).update(home_point_id=target.home_point_id)
        # Staff of the source's home point keep seeing the customer.
        if source.home_point_id != target.home_point_id:
            CustomerPointLink.objects.get_or_create(customer=target, service_point_id=source.home_point_id,
                                                    defaults={"reason": "merge"})
        target_before = {f: getattr(target, f) for f in FILLABLE}
        for name in FILLABLE:
            if getattr(target, name) in ("", None) and getattr(source, name) not in ("", None):
                setattr(target, name, getattr(source, name))
        if not target.id_number and source.id_number:
            target.id_type, target.id_number = source.id_type, source.id_number
            target_before.update(id_type="", id_number="")
            source.id_number, source.id_type = "", ""  # one ID number stays with one living archive
        if not target.referred_by_id and source.referred_by_id and source.referred_by_id != target.pk:
            target.referred_by_id = source.referred_by_id
        target.marketing_consent = target.marketing_consent or source.marketing_consent
        target.save()
        source.is_active = False
        source.merged_into = target
        source.referred_by = None
        source.save()
        customer_transaction_status_refresh(customer_ids=[source.pk, target.pk])
        note = ", ".join(f"{k}: {v}" for k, v in sorted(moved.items()))
        record_change(actor=user, instance=source, action="merge", before={"merged_into_id": None},
                      after={"merged_into_id": target.pk, "moved": moved},
                      note=_("Merged into #%(id)s") % {"id": target.pk})
        record_change(actor=user, instance=target, action="merge",
                      before={k: _jsonable(v) for k, v in target_before.items()},
                      after={**{k: _jsonable(getattr(target, k)) for k in target_before}, "merged_from_id": source.pk,
                             "moved": moved},
                      note=(_("Merged from #%(id)s") % {"id": source.pk}) + (f" ({note})" if note else ""))
    target.refresh_from_db()
    return target


def _jsonable(value):
    from aftersales.core.audit import _jsonable as to_json

    return to_json(value)
