"""Latency of the search box and of customer list pages on the generated data.

    .venv/bin/python -m bench.search_latency [--queries 1000] [--seed 7] [--database-url ...] [--output file]

For each user (the benchmark's HQ manager and point advisor) and each kind of query, draws
``--queries`` fragments from the data that user can see (so they hit), runs them through the real
``search_everything`` selector with a fresh user object per query (its roles loaded first and timed
on a line of their own, as every request pays that once whatever it does), and prints p50/p95/p99/max in milliseconds. List pages: the first page of customers and a
page filtered by segment, through the customer list selector, as the list view shows them. Writes a JSON file under
bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from pathlib import Path

from .django_setup import setup

KINDS = ["phone", "plate", "vin_suffix", "initials", "pinyin", "name", "serial", "id_number"]
TARGETS_MS = {"phone": 50, "plate": 50, "vin_suffix": 50, "initials": 50, "pinyin": 50,
              "list_first_page": 100, "list_filtered_page": 100}
ALL_KINDS = [*KINDS, "list_first_page", "list_filtered_page"]
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summarise(times_ms: list[float], hits: int, queries: list[str] | None = None) -> dict:
    summary = {"n": len(times_ms), "p50": round(percentile(times_ms, 50), 2),
               "p95": round(percentile(times_ms, 95), 2), "p99": round(percentile(times_ms, 99), 2),
               "max": round(max(times_ms), 2), "mean": round(statistics.fmean(times_ms), 2),
               "hit_rate": round(hits / len(times_ms), 3)}
    if queries:
        slowest = sorted(zip(times_ms, queries, strict=True), reverse=True)[:5]
        summary["slowest"] = [[q, round(ms, 1)] for ms, q in slowest]
    return summary


def sample_queries(user, rnd: random.Random, n: int) -> dict[str, list[str]]:
    """``n`` queries of each kind drawn from rows ``user`` may see."""
    from aftersales.assets.choices import AssetKind
    from aftersales.assets.models import Asset
    from aftersales.customers.models import Customer, CustomerPhone

    def pick_ids(qs, count: int) -> list[int]:
        # Random ids between the smallest and largest visible id; collect rows until we have enough.
        lo = qs.order_by("id").values_list("id", flat=True).first() or 0
        hi = qs.order_by("-id").values_list("id", flat=True).first() or 0
        found: list[int] = []
        for _ in range(50):
            if len(found) >= count or not hi:
                break
            want = [rnd.randint(lo, hi) for _ in range(count * 3)]
            found += list(qs.filter(pk__in=want).values_list("id", flat=True))
        return found[:count]

    customers = Customer.objects.restrict(user, "view")
    people = list(customers.filter(pk__in=pick_ids(customers.filter(kind="person"), n))
                  .values_list("name", "name_pinyin", "name_initials", "id_number"))
    phones = list(CustomerPhone.objects.filter(customer__in=pick_ids(customers, n)).values_list("number", flat=True))
    assets = Asset.objects.restrict(user, "view")
    vehicles = list(assets.filter(pk__in=pick_ids(assets.filter(kind=AssetKind.VEHICLE), n))
                    .values_list("vin", "plate"))
    products = list(assets.filter(pk__in=pick_ids(assets.filter(kind=AssetKind.PRODUCT), n))
                    .values_list("serial_number", flat=True))
    ids = [row[3] for row in people if row[3]]

    def fragment(text: str, lo: int, hi: int) -> str:
        size = min(rnd.randint(lo, hi), len(text))
        start = rnd.randrange(len(text) - size + 1)
        return text[start:start + size]

    def draw(pool: list, make) -> list[str]:
        return [make(rnd.choice(pool)) for _ in range(n)] if pool else []

    return {
        "phone": draw(phones, lambda p: fragment(p, 4, 6)),
        "plate": draw(vehicles, lambda v: v[1] if rnd.random() < 0.3 else fragment(v[1][1:], 4, 6).lower()),
        "vin_suffix": draw(vehicles, lambda v: v[0][-6:]),
        "initials": draw(people, lambda c: c[2]),
        "pinyin": draw(people, lambda c: c[1] if rnd.random() < 0.6 else c[1][:max(4, len(c[1]) - 3)]),
        "name": draw(people, lambda c: c[0] if rnd.random() < 0.5 else fragment(c[0], 2, 2)),
        "serial": draw(products, lambda s: fragment(s, 6, 10)),
        "id_number": draw(ids, lambda i: i[-6:]),
    }


def list_page(user, *, filtered: bool) -> int:
    """The first page of the customer list as its view builds it: ``customers.selectors.customer_list``
    (filtered by segment for the second kind), 50 rows without COUNT(*), each row masked."""
    from aftersales.core.ui import OffsetPage
    from aftersales.customers.presentation import customer_row
    from aftersales.customers.selectors import customer_list

    qs = customer_list(user=user, segment="taxi" if filtered else "")
    page = OffsetPage(qs, page=1, per_page=50)
    return len([customer_row(c) for c in page.object_list])


def show(kind: str, s: dict) -> None:
    target = TARGETS_MS.get(kind)
    verdict = "" if target is None else (f"< {target} ms ok" if s["p95"] < target else f"< {target} MISSED")
    print(f"  {kind:<20}{s['n']:>6}{s['p50']:>9.1f}{s['p95']:>9.1f}{s['p99']:>9.1f}{s['max']:>9.1f}"
          f"{s['hit_rate']:>7.0%}  {verdict}", flush=True)


def run(*, queries: int, seed: int, output: Path | None = None, kinds: list[str] | None = None) -> dict:
    from django.db import connection

    from aftersales.accounts.access import has_permission
    from aftersales.accounts.models import User
    from aftersales.assets.models import Asset, MeterReading
    from aftersales.core.runtime import freeze_startup_objects
    from aftersales.customers.models import Customer
    from aftersales.search.selectors import search_everything

    rnd = random.Random(seed)
    counts = {"customers": Customer.objects.count(), "assets": Asset.objects.count(),
              "meter_readings": MeterReading.objects.count()}
    report = {"started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "seed": seed,
              "queries_per_kind": queries, "database": connection.settings_dict["NAME"], "rows": counts,
              "targets_ms": TARGETS_MS, "users": {}}
    print(f"rows: {counts}", flush=True)
    freeze_startup_objects()  # as the server does after start-up (config/wsgi.py)
    for username in ("bench_advisor", "bench_hq"):
        user = User.objects.get(username=username)
        started = time.perf_counter()
        samples = sample_queries(user, rnd, queries)
        print(f"\n{username}: drew queries in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"  {'kind':<20}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'hits':>7}  target", flush=True)
        results = {}
        access_times: list[float] = []

        def fresh_user(user=user, access_times=access_times):
            # A new user object per query, as in a request; loading its roles (the same for every
            # endpoint, 4 small queries) is timed on its own line, not inside the search.
            fresh = User.objects.get(pk=user.pk)
            t0 = time.perf_counter()
            has_permission(fresh, "customers.view_customer")
            access_times.append((time.perf_counter() - t0) * 1000)
            return fresh

        for kind in KINDS:
            if kinds and kind not in kinds:
                continue
            times, hits = [], 0
            for q in samples[kind]:
                fresh = fresh_user()
                t0 = time.perf_counter()
                found = search_everything(user=fresh, q=q)
                times.append((time.perf_counter() - t0) * 1000)
                hits += bool(len(found))
            if times:
                results[kind] = summarise(times, hits, samples[kind])
                show(kind, results[kind])
        for kind, filtered in (("list_first_page", False), ("list_filtered_page", True)):
            if kinds and kind not in kinds:
                continue
            times = []
            for _ in range(queries):
                fresh = fresh_user()
                t0 = time.perf_counter()
                list_page(fresh, filtered=filtered)
                times.append((time.perf_counter() - t0) * 1000)
            results[kind] = summarise(times, len(times))
            show(kind, results[kind])
        results["access_rights_load"] = summarise(access_times, len(access_times))
        show("access_rights_load", results["access_rights_load"])
        report["users"][username] = results
    RESULTS_DIR.mkdir(exist_ok=True)
    output = output or RESULTS_DIR / f"search-latency-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten {output}", flush=True)
    return report


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=1000, help="queries of each kind per user")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: $BENCH_DATABASE_URL or aftersales_bench")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--kinds", default="", help=f"comma-separated subset of {', '.join(ALL_KINDS)}")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(ALL_KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    setup(args.database_url)
    return run(queries=args.queries, seed=args.seed, output=args.output, kinds=kinds)


if __name__ == "__main__":
    main()
