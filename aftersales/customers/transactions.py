"""The derived transaction status of archives: first/last visit, visits, spend, balance, open orders.

Apps that hold the customer's business (work orders, on-site service) register a *source*: a function
returning a queryset grouped by customer with exactly these annotations::

    WorkOrder.objects.filter(...).values("customer_id").annotate(
        first_visit_at=Min("opened_at"), last_visit_at=Max("opened_at"), visit_count=Count("id"),
        total_spend=Sum("paid_total"), outstanding_balance=Sum("balance"),
        open_orders=Count("id", filter=Q(status__in=OPEN)))

``customer_transaction_status_refresh`` then recomputes the columns with set-based UPDATEs (one for
a single source; with several, one to reset and one per source), never a loop over all customers; a
handful of archives (after a check-in or a settlement) are read in one grouped query and written row
by row, which is much cheaper than the set-based statement. Without sources every value is zero/empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Case, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from .models import Customer

SOURCE_FIELDS = ("first_visit_at", "last_visit_at", "visit_count", "total_spend", "outstanding_balance",
                 "open_orders")
_SOURCES: dict[str, Callable[[], QuerySet]] = {}


def register_transaction_source(name: str, aggregate: Callable[[], QuerySet]) -> None:
    """Add (or replace) a source of business; call it from the app's ``AppConfig.ready``."""
    _SOURCES[name] = aggregate


def unregister_transaction_source(name: str) -> None:
    _SOURCES.pop(name, None)


def transaction_sources() -> dict[str, Callable[[], QuerySet]]:
    return dict(_SOURCES)


def _sub(source: QuerySet, name: str, output_field=None) -> Subquery:
    return Subquery(source.filter(customer_id=OuterRef("pk")).values(name)[:1], output_field=output_field)


DEFAULTS = {"first_visit_at": None, "last_visit_at": None, "visit_count": 0, "total_spend": 0,
            "outstanding_balance": 0, "open_orders": 0}


def _not_default() -> Q:
    return (Q(first_visit_at__isnull=False) | Q(last_visit_at__isnull=False) | ~Q(visit_count=0)
            | ~Q(total_spend=0) | ~Q(outstanding_balance=0) | ~Q(open_orders=0))


# Up to this many archives (a check-in, a settlement, a merge) are refreshed row by row, see _refresh_few.
FEW_CUSTOMERS = 20


def customer_transaction_status_refresh(*, customer_ids: Iterable[int] | None = None) -> int:
    """Recompute the transaction status of the given customers (all when None); returns rows written.

    Only archives with business (in a source) or with stale non-zero values are written, so the
    nightly run does not rewrite a million idle archives.
    """
    ids = list(customer_ids) if customer_ids is not None else None
    if ids is not None and len(ids) <= FEW_CUSTOMERS and len(_SOURCES) == 1:
        return _refresh_few(ids, next(iter(_SOURCES.values()))())
    money, count = DecimalField(max_digits=14, decimal_places=2), IntegerField()
    with transaction.atomic():
        base = Customer.objects.all() if ids is None else Customer.objects.filter(pk__in=ids)
        sources = [aggregate() for aggregate in _SOURCES.values()]
        if ids is not None:
            # Aggregate only these customers' business: otherwise the "has business" test below
            # groups every row of the source (a hashed subplan over all work orders).
            sources = [source.filter(customer_id__in=ids) for source in sources]
        if len(sources) == 1:
            # The usual case (work orders): absolute values in one statement.
            source = sources[0]
            return base.filter(Q(pk__in=source.values("customer_id")) | _not_default()).update(
                first_visit_at=_sub(source, "first_visit_at"), last_visit_at=_sub(source, "last_visit_at"),
                visit_count=Coalesce(_sub(source, "visit_count", count), 0),
                total_spend=Coalesce(_sub(source, "total_spend", money), 0, output_field=money),
                outstanding_balance=Coalesce(_sub(source, "outstanding_balance", money), 0, output_field=money),
                open_orders=Coalesce(_sub(source, "open_orders", count), 0),
            )
        written = base.filter(_not_default()).update(**DEFAULTS)
        for source in sources:  # several sources: start from zero and add each one
            first, last = _sub(source, "first_visit_at"), _sub(source, "last_visit_at")
            written += base.filter(pk__in=source.values("customer_id")).update(
                first_visit_at=Case(When(first_visit_at__isnull=True, then=first),
                                    When(first_visit_at__gt=first, then=first), default=F("first_visit_at")),
                last_visit_at=Case(When(last_visit_at__isnull=True, then=last),
                                   When(last_visit_at__lt=last, then=last), default=F("last_visit_at")),
                visit_count=F("visit_count") + Coalesce(_sub(source, "visit_count", count), 0),
                total_spend=F("total_spend") + Coalesce(_sub(source, "total_spend", money), 0, output_field=money),
                outstanding_balance=F("outstanding_balance") + Coalesce(
                    _sub(source, "outstanding_balance", money), 0, output_field=money),
                open_orders=F("open_orders") + Coalesce(_sub(source, "open_orders", count), 0),
            )
    return written


def _refresh_few(ids: list[int], source: QuerySet) -> int:
    """The same values as the set-based UPDATE, for a handful of archives and one source, at a fraction of
    its cost (the UPDATE with six correlated subqueries is slow to build and to run): the archives are
    locked, their business is read in one grouped query (which, run after the lock is granted, sees every
    order committed before) and each archive with business or with stale values gets its row written."""
    with transaction.atomic():
        current = {row["pk"]: row for row in Customer.objects.select_for_update().filter(pk__in=ids)
                   .order_by("pk").values("pk", *SOURCE_FIELDS)}
        if not current:
            return 0
        business = {row["customer_id"]: row for row in source.filter(customer_id__in=list(current))}
        written = 0
        for pk, row in current.items():
            found = business.get(pk)
            if found is None and all(row[name] == DEFAULTS[name] for name in SOURCE_FIELDS):
                continue  # idle and already zero: not rewritten
            values = {name: (found[name] if found[name] is not None or name.endswith("_at") else DEFAULTS[name])
                      for name in SOURCE_FIELDS} if found is not None else DEFAULTS
            written += Customer.objects.filter(pk=pk).update(**values)
    return written
