"""Classification of customers (A/B/C and value tiers) by the rules HQ keeps as data.

The recompute is one set-based UPDATE per call: each dimension becomes a CASE expression whose
WHEN branches are the active rules from best class to worst, so a million archives are classified
by the database in one statement, not by a loop in Python. Rules are described in ``models.py``
(``ClassificationRule``); the default set is in migration 0003.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.access import scope_for
from aftersales.core.audit import record_change, snapshot
from aftersales.core.errors import NotFoundError, PermissionDeniedError, validation_error
from aftersales.core.inputs import is_row_id
from aftersales.core.validation import clean_text_fields

from .choices import CLASS_ORDER, ClassDimension, CreditRating, FollowUpPriority
from .models import ClassificationRule, Customer
from .transactions import customer_transaction_status_refresh

RULE_FIELDS = ("dimension", "result", "description", "max_recency_days", "min_visits", "min_spend",
               "min_tenure_days", "credit_ratings", "visit_interval_days", "follow_up_priority", "strategy",
               "is_active")
MAX_DAYS = 36500


# --- the rules as SQL -------------------------------------------------------------------------------

def rule_condition(rule: ClassificationRule, now: dt.datetime) -> Q | None:
    """The rule's thresholds as a filter; None when it sets none (it then catches everyone)."""
    parts = []
    if rule.max_recency_days is not None:
        parts.append(Q(last_visit_at__gte=now - dt.timedelta(days=rule.max_recency_days)))
    if rule.min_visits is not None:
        parts.append(Q(visit_count__gte=rule.min_visits))
    if rule.min_spend is not None:
        parts.append(Q(total_spend__gte=rule.min_spend))
    if rule.min_tenure_days is not None:
        cutoff = now - dt.timedelta(days=rule.min_tenure_days)
        parts.append(Q(first_visit_at__lte=cutoff) | Q(first_visit_at__isnull=True, created_at__lte=cutoff))
    if rule.credit_ratings:
        parts.append(Q(credit_rating__in=rule.credit_ratings))
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition &= part
    return condition


def dimension_case(dimension: str, rules: list[ClassificationRule], now: dt.datetime):
    order = CLASS_ORDER[dimension]
    ordered = sorted((r for r in rules if r.dimension == dimension and r.is_active and r.result in order),
                     key=lambda r: order.index(r.result))
    whens, default = [], ""
    for rule in ordered:
        condition = rule_condition(rule, now)
        if condition is None:
            default = rule.result  # a rule without thresholds catches the rest; later rules never apply
            break
        whens.append(When(condition, then=Value(rule.result)))
    if not whens:
        return Value(default)
    return Case(*whens, default=Value(default), output_field=CharField())


def _classify(qs) -> int:
    """One UPDATE that writes only the rows whose class or tier changes (a nightly run over a million
    archives then rewrites the few that moved, not the whole table). Returns the rows changed."""
    now = timezone.now()
    rules = list(ClassificationRule.objects.filter(is_active=True))
    abc = dimension_case(ClassDimension.ABC, rules, now)
    tier = dimension_case(ClassDimension.TIER, rules, now)
    changed = qs.exclude(Q(abc_class=abc) & Q(value_tier=tier))
    return changed.update(abc_class=abc, value_tier=tier, classified_at=now)


def customers_classify_all(*, user=None, refresh: bool = True) -> dict:
    """Reclassify every archive the user may classify (all of them for the periodic job, ``user=None``).
    Returns how many were classified, how many changed class, and the count per class."""
    if user is not None and not scope_for(user, "customers.classify_customer").allowed:
        raise PermissionDeniedError()
    with transaction.atomic():
        qs = Customer.objects.all() if user is None else Customer.objects.restrict(user, "classify")
        qs = qs.filter(merged_into__isnull=True)
        if refresh:
            customer_transaction_status_refresh(customer_ids=None if user is None or
                                                scope_for(user, "customers.classify_customer").everything
                                                else qs.values_list("pk", flat=True))
        changed = _classify(qs)
        abc = dict(qs.order_by().values_list("abc_class").annotate(n=Count("id")))
        tiers = dict(qs.order_by().values_list("value_tier").annotate(n=Count("id")))
    classified = sum(abc.values())
    return {"classified": classified, "changed": changed, "abc": {k or "-": v for k, v in abc.items()},
            "tiers": {k or "-": v for k, v in tiers.items()}}


def customer_classify(*, user, pk: int) -> Customer:
    with transaction.atomic():
        if not is_row_id(pk):
            raise NotFoundError()
        customer = Customer.objects.restrict(user, "classify").select_for_update().filter(pk=pk).first()
        if customer is None:
            raise NotFoundError()
        before = {"abc_class": customer.abc_class, "value_tier": customer.value_tier}
        customer_transaction_status_refresh(customer_ids=[customer.pk])
        _classify(Customer.objects.filter(pk=customer.pk))
        customer.refresh_from_db()
        after = {"abc_class": customer.abc_class, "value_tier": customer.value_tier}
        if after != before:
            record_change(actor=user, instance=customer, action="classify", before=before, after=after)
    return customer


def strategy_for(customer: Customer) -> dict[str, ClassificationRule | None]:
    """The rules (with their service strategy) of the customer's class and tier."""
    rules = {(r.dimension, r.result): r for r in ClassificationRule.objects.filter(
        Q(dimension=ClassDimension.ABC, result=customer.abc_class)
        | Q(dimension=ClassDimension.TIER, result=customer.value_tier))}
    return {"abc": rules.get((ClassDimension.ABC, customer.abc_class)),
            "tier": rules.get((ClassDimension.TIER, customer.value_tier))}


# --- editing the rules (HQ only) ------------------------------------------------------------------------

def _require_hq(user, action: str) -> None:
    """Rules are company-wide: only a role covering all service points may change them."""
    if not scope_for(user, f"customers.{action}_classificationrule").everything:
        raise PermissionDeniedError(_("Only HQ may change the classification rules."))


def _days(errors, name, value):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit() \
            or int(value) > MAX_DAYS:
        errors[name] = [_("Enter a whole number between 0 and %(max)d.") % {"max": MAX_DAYS}]
        return None
    return int(value)


def _clean_rule(data: dict, current: ClassificationRule | None) -> dict:
    data = clean_text_fields(data)
    errors: dict[str, list[str]] = {}
    unknown = [k for k in data if k not in RULE_FIELDS]
    for key in unknown:
        errors[key] = [_("Unknown field.")]
    out: dict = {}
    dimension = data.get("dimension", current.dimension if current else None)
    if current is not None and "dimension" in data and data["dimension"] != current.dimension:
        errors["dimension"] = [_("The dimension of a rule cannot change; create a new rule.")]
    elif dimension not in ClassDimension.values:
        errors["dimension"] = [_("Choose abc or tier.")]
    else:
        out["dimension"] = dimension
    if "result" in data or current is None:
        result = data.get("result")
        if dimension in CLASS_ORDER and result not in CLASS_ORDER[dimension]:
            errors["result"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(CLASS_ORDER[dimension])}]
        else:
            out["result"] = result
    for name in ("max_recency_days", "min_visits", "min_tenure_days"):
        if name in data:
            out[name] = _days(errors, name, data[name])
    if "visit_interval_days" in data:
        value = _days(errors, "visit_interval_days", data["visit_interval_days"])
        if value is None or not 1 <= value <= 3650:
            errors["visit_interval_days"] = [_("Enter a number of days between 1 and 3650.")]
        out["visit_interval_days"] = value
    if "min_spend" in data:
        value = data["min_spend"]
        try:
            amount = None if value in (None, "") else Decimal(str(value))
        except ArithmeticError:
            amount = Decimal("NaN")
        if amount is not None and (not amount.is_finite() or amount < 0 or amount > Decimal("999999999999")):
            errors["min_spend"] = [_("Enter an amount of at least 0.")]
        out["min_spend"] = amount.quantize(Decimal("0.01")) if amount is not None and amount.is_finite() else None
    if "credit_ratings" in data:
        ratings = data["credit_ratings"] or []
        if not isinstance(ratings, list) or any(r not in CreditRating.values for r in ratings):
            errors["credit_ratings"] = [_("Choose among: %(values)s.") % {"values": ", ".join(CreditRating.values)}]
        else:
            out["credit_ratings"] = [r for r in CreditRating.values if r in ratings]
    if "follow_up_priority" in data:
        if data["follow_up_priority"] not in FollowUpPriority.values:
            errors["follow_up_priority"] = [_("Choose high, normal or low.")]
        out["follow_up_priority"] = data["follow_up_priority"]
    for name, limit in (("description", 200), ("strategy", 2000)):
        if name in data:
            text = data[name] or ""
            if not isinstance(text, str) or len(text) > limit:
                errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
            out[name] = text
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            errors["is_active"] = [_("Enter yes or no.")]
        out["is_active"] = data["is_active"]
    if errors:
        raise validation_error(_("Some fields are not valid."), errors)
    return out


def _unique(dimension: str, result: str, exclude_pk: int | None = None) -> None:
    qs = ClassificationRule.objects.filter(dimension=dimension, result=result)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise validation_error(_("This class already has a rule; change that one."),
                               {"result": [_("This class already has a rule.")]})


def classification_rule_create(*, user, data: dict) -> ClassificationRule:
    _require_hq(user, "add")
    fields = _clean_rule(data, None)
    with transaction.atomic():
        _unique(fields["dimension"], fields["result"])
        rule = ClassificationRule(**fields)
        rule.rank = CLASS_ORDER[rule.dimension].index(rule.result)
        rule.save()
        record_change(actor=user, instance=rule, action="create", before=None, after=snapshot(rule))
    return rule


def classification_rule_update(*, user, pk: int, data: dict) -> ClassificationRule:
    _require_hq(user, "change")
    with transaction.atomic():
        if not is_row_id(pk):
            raise NotFoundError()
        rule = ClassificationRule.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
        if rule is None:
            raise NotFoundError()
        fields = _clean_rule(data, rule)
        before = snapshot(rule)
        if "result" in fields:
            _unique(rule.dimension, fields["result"], exclude_pk=rule.pk)
        for key, value in fields.items():
            setattr(rule, key, value)
        rule.rank = CLASS_ORDER[rule.dimension].index(rule.result)
        rule.save()
        record_change(actor=user, instance=rule, action="update", before=before, after=snapshot(rule))
    return rule


def classification_rule_delete(*, user, pk: int) -> None:
    _require_hq(user, "delete")
    with transaction.atomic():
        if not is_row_id(pk):
            raise NotFoundError()
        rule = ClassificationRule.objects.restrict(user, "delete").select_for_update().filter(pk=pk).first()
        if rule is None:
            raise NotFoundError()
        record_change(actor=user, instance=rule, action="delete", before=snapshot(rule), after=None)
        rule.delete()
