"""Throughput of the whole workshop flow over the REST API: orders carried through every state per second.

    .venv/bin/python -m bench.workshop_throughput [--clients 4] [--seconds 60] [--workers 4] [--database-url ...]
    .venv/bin/python -m bench.workshop_throughput --count-queries [--show-sql]   # one order, SQL per step

Starts gunicorn (``--workers`` processes, the production server of ``make run``) on a free port against
the benchmark database, with Redis as the cache when ``REDIS_URL`` is set. Each of ``--clients`` client
threads works at a dealer of its own, with the API tokens of that dealer's advisor, technician, quality
inspector and cashier, and carries order after order through every state, one request per step:

    POST /work-orders (reception with mileage and two lines: a labour operation and a part)
    POST …/estimate → POST …/approvals/{id}/decision (signed on screen; the part is reserved)
    POST …/lines/{id}/assignments → POST /jobs/{id}/clock-on (starts the repair) → POST /jobs/{id}/clock-off (done)
    POST …/finish-repair (the part is issued) → POST …/inspections (every check ok: quality check passed)
    POST …/settle (two payments: WeChat Pay and cash) → POST …/deliver

Orders are counted when delivered; the first ``--warmup`` seconds are not counted. Prints orders per
second, requests per second and p50/p95 per step, and writes a JSON file under bench/results/.
Run it after ``bench.generate`` and ``bench.workshop_generate`` (for the staff, the catalogue and the
history the target is measured on).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .django_setup import DEFAULT_DATABASE_URL, setup
from .search_latency import percentile

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
CHECKS = ["Road test", "No warning lights", "Fluid levels", "Customer's concern resolved", "Vehicle clean"]
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
             "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 180) -> None:
    """Until the server answers /healthz (or SystemExit when it died or never answered)."""
    deadline = time.perf_counter() + seconds
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.perf_counter() > deadline or server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.5)


def start_server(url: str, *, workers: int, settings: str = "config.settings.local",
                 env: dict[str, str] | None = None) -> tuple[int, subprocess.Popen]:
    """gunicorn (the production server of ``make run``) on a free port against ``url``, once it answers."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--preload", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings, "DEBUG": "0",
                       "LOG_LEVEL": "WARNING", **(env or {})})
    try:
        _wait_for(port, server)
    except SystemExit:
        server.terminate()
        raise
    return port, server


def run_clients(server: subprocess.Popen, clients: list[threading.Thread]) -> None:
    """Start the client threads, wait for them all, and stop the server in any case."""
    try:
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    finally:
        server.terminate()
        server.wait(timeout=30)


def prepare(clients: int) -> list[dict]:
    """Per client: a dealer, its staff's tokens, vehicles with their last reading, a labour operation, a part."""
    from django.db.models import Max

    from aftersales.accounts.models import Membership
    from aftersales.accounts.tokens import api_token_issue
    from aftersales.assets.models import Asset
    from aftersales.core.choices import ServiceType
    from aftersales.parts.models import Part
    from aftersales.workshop.models import LabourOperation, QcChecklist

    QcChecklist.objects.get_or_create(service_type=ServiceType.PERIODIC_MAINTENANCE, service_point=None,
                                      defaults={"name": "Periodic maintenance", "items": CHECKS})
    items = QcChecklist.objects.get(service_type=ServiceType.PERIODIC_MAINTENANCE, service_point=None).items
    op = LabourOperation.objects.filter(code="BOP-001").first()
    part = Part.objects.filter(number="BP-0001").first()
    if op is None or part is None:
        raise SystemExit("Generate the workshop history first: python -m bench.workshop_generate")
    setups = []
    for index in range(clients):
        people = {}
        for role in ("service_advisor", "technician", "qc_inspector", "cashier"):
            membership = Membership.objects.filter(user__username=f"bench_{role}_{index + 1:03d}_1").select_related(
                "user", "service_point").first()
            if membership is None:
                raise SystemExit(f"No benchmark {role} at dealer {index + 1}: run bench.workshop_generate.")
            people[role] = membership
        point = people["service_advisor"].service_point
        vehicles = list(Asset.objects.filter(service_point=point, kind="vehicle").annotate(
            last=Max("readings__value")).values_list("id", "last")[:3000])
        setups.append({
            "point_id": point.pk, "vehicles": [[pk, last or 0] for pk, last in vehicles],
            "operation_id": op.pk, "part_id": part.pk, "checks": items,
            "technician_id": people["technician"].user_id,
            "tokens": {role: api_token_issue(user=m.user, name="bench")[1] for role, m in people.items()},
        })
    return setups


class Client(threading.Thread):
    def __init__(self, *, port: int, setup: dict, stop_at: float, count_from: float, seed: int):
        super().__init__(daemon=True)
        self.port, self.setup, self.stop_at, self.count_from = port, setup, stop_at, count_from
        self.rnd = random.Random(seed)
        self.delivered = 0
        self.requests = 0
        self.errors: list[str] = []
        self.times: dict[str, list[float]] = {}

    def call(self, conn, role: str, step: str, path: str, body: dict) -> dict:
        payload = json.dumps(body)
        headers = {"Authorization": f"Bearer {self.setup['tokens'][role]}", "Content-Type": "application/json"}
        started = time.perf_counter()
        conn.request("POST", f"/api/v1{path}", body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if started >= self.count_from:
            self.times.setdefault(step, []).append(elapsed)
            self.requests += 1
        if response.status >= 300:
            raise RuntimeError(f"{step}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else {}

    def one_order(self, conn) -> None:
        s = self.setup
        vehicle = s["vehicles"][self.rnd.randrange(len(s["vehicles"]))]
        vehicle[1] += self.rnd.randint(800, 6000)
        order = self.call(conn, "service_advisor", "reception", "/work-orders", {
            "service_point_id": s["point_id"], "asset_id": vehicle[0], "service_type": "periodic_maintenance",
            "mileage": vehicle[1], "fuel_level": 50, "concerns": "保养到期",
            "lines": [{"kind": "labour", "operation_id": s["operation_id"]},
                      {"kind": "part", "part_id": s["part_id"], "quantity": "1"}]})
        pk = order["id"]
        labour = next(line["id"] for line in order["lines"] if line["kind"] == "labour")
        submitted = self.call(conn, "service_advisor", "estimate", f"/work-orders/{pk}/estimate", {})
        self.call(conn, "service_advisor", "approval", f"/work-orders/{pk}/approvals/{submitted['approval']['id']}/decision",
                  {"decision": "approve", "method": "signature", "approver_name": "车主", "signature": SIGNATURE})
        self.call(conn, "service_advisor", "assign", f"/work-orders/{pk}/lines/{labour}/assignments",
                  {"technician_ids": [s["technician_id"]]})
        self.call(conn, "technician", "clock_on", f"/jobs/{labour}/clock-on", {})
        self.call(conn, "technician", "clock_off", f"/jobs/{labour}/clock-off", {"reason": "done"})
        self.call(conn, "technician", "finish_repair", f"/work-orders/{pk}/finish-repair", {})
        self.call(conn, "qc_inspector", "inspection", f"/work-orders/{pk}/inspections",
                  {"results": [{"item": item, "ok": True} for item in s["checks"]]})
        total = order["total_a"]
        half = f"{float(total) / 2:.2f}"
        rest = f"{float(total) - float(half):.2f}"
        self.call(conn, "cashier", "settle", f"/work-orders/{pk}/settle", {"payments": [
            {"method": "wechat", "amount": half}, {"method": "cash", "amount": rest}]})
        self.call(conn, "service_advisor", "deliver", f"/work-orders/{pk}/deliver", {})

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.perf_counter() < self.stop_at:
            started = time.perf_counter()
            try:
                self.one_order(conn)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure and goes on
                self.errors.append(str(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if len(self.errors) > 20:
                    return
                continue
            if started >= self.count_from and time.perf_counter() < self.stop_at:
                self.delivered += 1


class QueryCounter(Client):
    """One order carried through in this process by Django's test client, counting the SQL of each step
    (``--count-queries``): where the time of a request goes, without a server."""

    def __init__(self, *, setup: dict, show_sql: bool = False):
        super().__init__(port=0, setup=setup, stop_at=0, count_from=0, seed=0)
        self.show_sql = show_sql
        self.queries: dict[str, int] = {}

    def call(self, conn, role: str, step: str, path: str, body: dict) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = conn.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json",
                                 headers={"Authorization": f"Bearer {self.setup['tokens'][role]}"})
        if response.status_code >= 300:
            raise RuntimeError(f"{step}: {response.status_code} {response.content[:300]!r}")
        self.queries[step] = len(captured)
        if self.show_sql:
            print(f"--- {step}: {len(captured)} queries")
            for query in captured:
                print("   ", query["sql"][:240])
        return response.json() if response.content else {}


def count_queries(setup_: dict, *, show_sql: bool) -> dict[str, int]:
    from django.test import Client as DjangoClient

    QueryCounter(setup=setup_).one_order(DjangoClient())  # warm the per-process caches (content types, …)
    counter = QueryCounter(setup=setup_, show_sql=show_sql)
    counter.one_order(DjangoClient())
    for step, n in counter.queries.items():
        print(f"  {step:<14} {n:3d} queries")
    print(f"  {'order':<14} {sum(counter.queries.values()):3d} queries in {len(counter.queries)} requests")
    return counter.queries


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", default=None)
    parser.add_argument("--count-queries", action="store_true",
                        help="carry one order through in this process and print the SQL queries per step")
    parser.add_argument("--show-sql", action="store_true", help="with --count-queries: print each query")
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if args.count_queries:  # Django's test client asks for the host "testserver"
        os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost") + ",testserver"
    setup(url)
    setups = prepare(args.clients)
    if args.count_queries:
        return {"queries": count_queries(setups[0], show_sql=args.show_sql)}
    port, server = start_server(url, workers=args.workers)
    now = time.perf_counter()
    count_from, stop_at = now + args.warmup, now + args.warmup + args.seconds
    clients = [Client(port=port, setup=s, stop_at=stop_at, count_from=count_from, seed=i)
               for i, s in enumerate(setups)]
    run_clients(server, clients)
    delivered = sum(c.delivered for c in clients)
    requests = sum(c.requests for c in clients)
    errors = [e for c in clients for e in c.errors]
    steps: dict[str, list[float]] = {}
    for c in clients:
        for step, times in c.times.items():
            steps.setdefault(step, []).extend(times)
    result = {
        "clients": args.clients, "workers": args.workers, "seconds": args.seconds,
        "orders_delivered": delivered, "orders_per_second": round(delivered / args.seconds, 2),
        "requests_per_second": round(requests / args.seconds, 1), "errors": errors[:20],
        "steps_ms": {step: {"n": len(t), "p50": round(percentile(t, 50), 1), "p95": round(percentile(t, 95), 1)}
                     for step, t in steps.items()},
        "load_average": os.getloadavg(),
    }
    print(f"{delivered} orders delivered in {args.seconds:.0f} s by {args.clients} clients "
          f"({args.workers} gunicorn workers): {result['orders_per_second']} orders/s, "
          f"{result['requests_per_second']} requests/s (target ≥ 50 orders/s)")
    for step, figures in result["steps_ms"].items():
        print(f"  {step:<14} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  (n={figures['n']})")
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}", file=sys.stderr)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = Path(args.output) if args.output else RESULTS_DIR / f"workshop-throughput-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {out}")
    return result


if __name__ == "__main__":
    main()
