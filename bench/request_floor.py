"""The ceiling of this machine for the workshop flow's requests, whatever the services do.

    .venv/bin/python -m bench.request_floor [--statements 16] [--clients 4] [--workers 4] [--seconds 30]

The throughput target (``bench.workshop_throughput``: ≥ 50 orders per second, ten requests per order)
asks for 500 requests per second. This benchmark serves requests that cost only what every step of the
flow must pay with no ORM at all: the same gunicorn workers, the project's whole middleware stack, the
API token checked through the cache, one django-ninja operation with a JSON body and a JSON answer, one
transaction with ``--statements`` hand-written statements on the order's row (a ``SELECT … FOR UPDATE``,
reads of its lines, and updates of the row, in the proportions of the real steps), and the commit.
Its requests per second divided by ten is the most orders per second the flow could reach on this
machine if the services cost nothing beyond those statements.

Each client works on an order of its own at its own dealer (rows are not shared, as in the real run);
the updates write the value the row already holds, so the benchmark database is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import threading
import time
from pathlib import Path

from .django_setup import DEFAULT_DATABASE_URL, setup
from .search_latency import percentile
from .workshop_throughput import run_clients, start_server

RESULTS_DIR = Path(__file__).resolve().parent / "results"

# The URL configuration the benchmark's server answers (``DJANGO_SETTINGS_MODULE=bench.floor_settings``).
urlpatterns: list = []

if os.environ.get("DJANGO_SETTINGS_MODULE") == "bench.floor_settings":
    from ninja import Schema

    class StepIn(Schema):
        note: str = ""

    class StepOut(Schema):
        id: int
        status: str
        lines: int


def _build_urls() -> None:
    from django.db import connection, transaction
    from django.urls import path
    from ninja import NinjaAPI

    from aftersales.core import views as core_views
    from aftersales.core.api import API_AUTH

    api = NinjaAPI(urls_namespace="floor", auth=API_AUTH)

    statements = int(os.environ.get("FLOOR_STATEMENTS", "16"))

    @api.post("/orders/{order_id}/step", response=StepOut)
    def step(request, order_id: int, payload: StepIn):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id, status, service_point_id FROM workshop_workorder WHERE id = %s FOR UPDATE",
                           [order_id])
            pk, status, _point = cursor.fetchone()
            lines = 0
            for index in range(statements - 1):
                if index % 2:
                    cursor.execute("UPDATE workshop_workorder SET status = %s WHERE id = %s", [status, pk])
                else:
                    cursor.execute("SELECT id, kind, amount FROM workshop_workorderline WHERE work_order_id = %s",
                                   [pk])
                    lines = len(cursor.fetchall())
        return {"id": pk, "status": status, "lines": lines}

    urlpatterns.extend([path("api/v1/", api.urls), path("healthz", core_views.healthz)])


if os.environ.get("DJANGO_SETTINGS_MODULE") == "bench.floor_settings":
    _build_urls()


class FloorClient(threading.Thread):
    def __init__(self, *, port: int, token: str, order_id: int, stop_at: float, count_from: float):
        super().__init__(daemon=True)
        self.port, self.token, self.order_id = port, token, order_id
        self.stop_at, self.count_from = stop_at, count_from
        self.times: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        body = json.dumps({"note": "floor"})
        while time.perf_counter() < self.stop_at:
            started = time.perf_counter()
            conn.request("POST", f"/api/v1/orders/{self.order_id}/step", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                self.errors.append(f"{response.status} {data[:200]!r}")
                if len(self.errors) > 20:
                    return
                continue
            json.loads(data)
            if started >= self.count_from and time.perf_counter() < self.stop_at:
                self.times.append((time.perf_counter() - started) * 1000)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--statements", type=int, default=16, help="SQL statements per request")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    setup(url)
    from aftersales.accounts.models import Membership
    from aftersales.accounts.tokens import api_token_issue
    from aftersales.workshop.models import WorkOrder

    clients_setup = []
    for index in range(args.clients):
        membership = Membership.objects.filter(
            user__username=f"bench_service_advisor_{index + 1:03d}_1").select_related("user").first()
        if membership is None:
            raise SystemExit("Generate the workshop history first: python -m bench.workshop_generate")
        order_id = WorkOrder.objects.filter(service_point_id=membership.service_point_id).order_by(
            "-id").values_list("id", flat=True).first()
        clients_setup.append((api_token_issue(user=membership.user, name="bench floor")[1], order_id))
    port, server = start_server(url, workers=args.workers, settings="bench.floor_settings",
                                env={"FLOOR_STATEMENTS": str(args.statements)})
    now = time.perf_counter()
    count_from, stop_at = now + args.warmup, now + args.warmup + args.seconds
    clients = [FloorClient(port=port, token=token, order_id=order_id, stop_at=stop_at, count_from=count_from)
               for token, order_id in clients_setup]
    run_clients(server, clients)
    times = [t for c in clients for t in c.times]
    errors = [e for c in clients for e in c.errors]
    per_second = len(times) / args.seconds
    result = {
        "clients": args.clients, "workers": args.workers, "seconds": args.seconds,
        "statements_per_request": args.statements, "requests_per_second": round(per_second, 1),
        "orders_per_second_ceiling": round(per_second / 10, 1),
        "p50_ms": round(percentile(times, 50), 2) if times else None,
        "p95_ms": round(percentile(times, 95), 2) if times else None,
        "errors": errors[:20], "load_average": os.getloadavg(),
    }
    print(f"{len(times)} requests in {args.seconds:.0f} s ({args.statements} statements each, {args.clients} clients, "
          f"{args.workers} workers): {result['requests_per_second']} requests/s, p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms; ten requests per order: at most {result['orders_per_second_ceiling']} "
          f"orders/s (target 50)")
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"request-floor-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"written to {out}")
    return result


if __name__ == "__main__":
    main()
