"""Latency of the advisor's day board and of work-order detail pages on the generated workshop history.

    .venv/bin/python -m bench.workshop_latency [--requests 1000] [--seed 11] [--database-url ...] [--output file]

Every request goes through the whole Django stack in this process (middleware, session, the view, the
template), as Django's test client sends it, by a user logged in with a session; as in a server worker,
each user's client has answered once before and the start-up objects are frozen (``config/wsgi.py``): the day board
(``/workshop/``) of a random dealer's advisor, the HQ manager's day board filtered to a random dealer,
and the detail page (``/workshop/orders/<id>/``) of a random work order of the history, opened by an
advisor of that order's dealer. Prints p50/p95/p99/max in milliseconds and the number of SQL queries
per page; writes a JSON file under bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time
from pathlib import Path

from .django_setup import setup
from .search_latency import percentile

TARGETS_MS = {"day_board_advisor": 100, "day_board_hq_point": 100, "work_order_detail": 100}
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _summary(times: list[float], queries: list[int]) -> dict:
    return {"n": len(times), "p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2),
            "p99": round(percentile(times, 99), 2), "max": round(max(times), 2),
            "queries_min": min(queries), "queries_max": max(queries)}


def measure(*, requests: int, seed: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.models import Membership, User
    from aftersales.core.runtime import freeze_startup_objects
    from aftersales.workshop.models import WorkOrder

    rnd = random.Random(seed)
    advisors = {m.service_point_id: m.user for m in Membership.objects.filter(
        user__username__startswith="bench_service_advisor_", user__username__endswith="_1").select_related("user")}
    if not advisors:
        raise SystemExit("Generate the workshop history first: python -m bench.workshop_generate")
    hq = User.objects.get(username="bench_hq")
    clients: dict[int, Client] = {}

    def client_for(user) -> Client:
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    last_id = WorkOrder.objects.order_by("-id").values_list("id", flat=True).first()
    sample_ids = [rnd.randint(1, last_id) for _ in range(requests * 2)]
    points_of = dict(WorkOrder.objects.filter(pk__in=sample_ids).values_list("id", "service_point_id"))
    detail_ids = [pk for pk in sample_ids if points_of.get(pk) in advisors][:requests]
    dealer_ids = list(advisors)

    # Like a server worker: every user's client (Django's test client loads the middleware on its first
    # request) has answered once, and what start-up loaded is out of the collector's way (config/wsgi.py).
    for user in [*advisors.values(), hq]:
        client_for(user).get("/workshop/")
    freeze_startup_objects()

    def run(kind: str, make_request) -> dict:
        times, queries = [], []
        for i in range(requests + 20):
            user, url = make_request(i)
            client = client_for(user)
            connection.queries_log.clear()  # the log keeps 9,000 queries: a full one would count none
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{kind}: {url} answered {response.status_code}")
            if i >= 20:  # the first ones warm the caches
                times.append(elapsed)
                queries.append(len(ctx.captured_queries))
        result = _summary(times, queries)
        print(f"  {kind:<22} p50 {result['p50']:7.1f}  p95 {result['p95']:7.1f}  p99 {result['p99']:7.1f}  "
              f"max {result['max']:7.1f} ms   queries {result['queries_min']}–{result['queries_max']}"
              f"   (target p95 < {TARGETS_MS[kind]} ms)", flush=True)
        return result

    def board(i):
        point = dealer_ids[rnd.randrange(len(dealer_ids))]
        return advisors[point], "/workshop/"

    def hq_board(i):
        return hq, f"/workshop/?point={dealer_ids[rnd.randrange(len(dealer_ids))]}"

    def detail(i):
        pk = detail_ids[i % len(detail_ids)]
        return advisors[points_of[pk]], f"/workshop/orders/{pk}/"

    orders = WorkOrder.objects.count()
    print(f"{orders:,} work orders, {len(advisors)} dealers; {requests} requests of each kind", flush=True)
    return {"work_orders": orders, "requests": requests, "seed": seed,
            "results": {"day_board_advisor": run("day_board_advisor", board),
                        "day_board_hq_point": run("day_board_hq_point", hq_board),
                        "work_order_detail": run("work_order_detail", detail)}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"
    setup(args.database_url)
    from django.conf import settings

    # Pages name their static files; without collectstatic's manifest they are served by name.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    result = measure(requests=args.requests, seed=args.seed)
    result["load_average"] = os.getloadavg()
    RESULTS_DIR.mkdir(exist_ok=True)
    out = Path(args.output) if args.output else RESULTS_DIR / f"workshop-latency-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {out}")
    return result


if __name__ == "__main__":
    main()
