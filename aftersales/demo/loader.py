"""Loads the demo data set once: organisation, users, customers, vehicles, appliances, readings, coverages.

Everything is created through the apps' services (so audit rows, pinyin keys and validation are
the real ones) inside one transaction: a failure leaves nothing half-loaded. A fixed seed makes
every run produce the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from aftersales.accounts.models import ServicePoint

from .organisation import COMPANY_CODE, create_organisation

SEED = 20261122


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)


def demo_data_loaded() -> bool:
    return ServicePoint.objects.filter(code=COMPANY_CODE).exists()


def database_has_other_data() -> bool:
    """An organisation that is not the demo's: never mix demo records into real ones."""
    return ServicePoint.objects.exclude(code=COMPANY_CODE).filter(parent__isnull=True).exists()


def load_demo_data(*, customers: int = 200, today: dt.date | None = None) -> DemoSummary:
    """Everything in one transaction, in the order the stages need each other: the organisation and
    the archives, the parts catalogue with stock and the warranty exclusions (work orders draw on
    them), the labour catalogue and work orders at every stage, the floor (checklists, clocked work),
    an accident repair under an insurance claim, and the appointment capacity, history and bookings."""
    from .appointments import create_appointments_demo
    from .archives import create_archives
    from .floor import create_floor_demo
    from .insurance import create_insurance_demo
    from .parts import create_parts_demo
    from .warranty import create_warranty_demo
    from .workshop import create_workshop_demo

    rng = random.Random(SEED)
    today = today or timezone.localdate()
    with transaction.atomic():
        org = create_organisation()
        counts = create_archives(rng=rng, org=org, customers=customers, today=today)
        for stage in (create_parts_demo, create_warranty_demo, create_workshop_demo, create_floor_demo,
                      create_insurance_demo, create_appointments_demo):
            counts.update(stage(rng=rng, org=org, today=today))
    return DemoSummary(counts={"service points": len(org["points"]), "users": len(org["users"]), **counts})
