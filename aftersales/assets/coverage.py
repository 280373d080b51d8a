"""Which coverages of an asset are in force on a day at a distance (used by warranty checks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Asset, Coverage


@dataclass(frozen=True)
class CoverageStatus:
    coverage: Coverage
    in_force: bool
    reason: str  # why not in force; empty when it is


def status_of(coverage: Coverage, on_date: dt.date, distance: int | None) -> CoverageStatus:
    """``distance`` is the meter reading (km or hours) on that day; None when unknown (not checked)."""
    if on_date < coverage.starts_on:
        return CoverageStatus(coverage, False, _("Starts on %(day)s.") % {"day": coverage.starts_on.isoformat()})
    if on_date > coverage.ends_on:
        return CoverageStatus(coverage, False, _("Ended on %(day)s.") % {"day": coverage.ends_on.isoformat()})
    if coverage.distance_limit is not None and distance is not None and distance > coverage.distance_limit:
        return CoverageStatus(coverage, False, _("Beyond %(limit)d.") % {"limit": coverage.distance_limit})
    return CoverageStatus(coverage, True, "")


def statuses_on(coverages: Iterable[Coverage], on_date: dt.date, distance: int | None) -> list[CoverageStatus]:
    return [status_of(c, on_date, distance) for c in coverages]


def coverage_status_on(asset: Asset, on_date: dt.date, distance: int | None = None) -> list[CoverageStatus]:
    """Every coverage of ``asset`` with whether it is in force on ``on_date`` at ``distance``.

    A coverage runs from its start to its end day inclusive, and, when it has a distance limit,
    up to and including that reading. The caller has already checked that the user may see the asset.
    """
    return statuses_on(asset.coverages.order_by("kind", "-ends_on", "id"), on_date, distance)


def coverages_in_force(asset: Asset, on_date: dt.date, distance: int | None = None) -> list[Coverage]:
    return [s.coverage for s in coverage_status_on(asset, on_date, distance) if s.in_force]
