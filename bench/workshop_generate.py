"""Add a workshop history to the benchmark data set: millions of work orders with their children.

    .venv/bin/python -m bench.workshop_generate --orders 5000000 [--open-per-point 40] [--seed 43]
                                                [--database-url postgres://postgres@127.0.0.1:5432/aftersales_bench]

Runs on top of ``bench.generate`` (customers, assets and readings loaded). In ONE transaction it
empties the workshop and appointment tables, drops their secondary indexes and foreign keys and
fills them with ``INSERT … SELECT`` inside PostgreSQL (random draws with ``setseed``; Python would
need hours for ~90 M rows):

* ``--orders`` historical work orders over the last five years (weekday × hour seasonality), 98.5 %
  delivered and 1.5 % cancelled, each with 2–5 lines (labour from a catalogue at the point's rate,
  parts from a catalogue), the approved estimate, each labour job's technician and clocked time, a
  passed quality check, one or two payments, and the timeline event of every transition;
* ``--open-per-point`` orders per dealer opened in the last three days in every open state, so the
  day board has real columns, and ``--appointments-per-point`` of today's appointments;

then recreates the indexes and keys, moves the sequences on and runs ANALYZE. Columns the generator
does not name take the model field's default, so new fields with defaults need no change here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal

import psycopg

from .django_setup import ensure_database, setup
from .generate import Report, _drop_secondary, _timed

TABLES = [
    "workshop_workorder", "workshop_workorderline", "workshop_workorderevent", "workshop_approval",
    "workshop_jobassignment", "workshop_timeentry", "workshop_qcinspection", "workshop_payment",
    "appointments_appointment", "appointments_appointmentevent",
]
OPERATIONS = [
    ("BOP-001", "更换机油机滤", "maintenance", "0.5"), ("BOP-002", "更换空气滤清器", "maintenance", "0.3"),
    ("BOP-003", "更换空调滤清器", "maintenance", "0.3"), ("BOP-004", "四轮定位", "chassis", "1.0"),
    ("BOP-005", "更换前刹车片", "chassis", "1.2"), ("BOP-006", "更换后刹车片", "chassis", "1.2"),
    ("BOP-007", "更换火花塞", "engine", "0.8"), ("BOP-008", "电脑检测", "diagnosis", "0.5"),
    ("BOP-009", "更换蓄电池", "electrical", "0.4"), ("BOP-010", "更换正时皮带", "engine", "3.5"),
    ("BOP-011", "空调系统检修", "air_conditioning", "1.5"), ("BOP-012", "前保险杠喷漆", "paint", "4.0"),
    ("BOP-013", "更换雨刮片", "maintenance", "0.2"), ("BOP-014", "变速箱油更换", "transmission", "1.0"),
    ("BOP-015", "发动机异响检查", "diagnosis", "1.0"), ("BOP-016", "更换轮胎", "chassis", "0.6"),
]
PARTS = [
    ("BP-0001", "机油滤清器", "filter", "68.00", False), ("BP-0002", "空气滤清器", "filter", "96.00", False),
    ("BP-0003", "空调滤清器", "filter", "88.00", False), ("BP-0004", "全合成机油 5W-30 4L", "fluid", "398.00", False),
    ("BP-0005", "前刹车片", "brake", "560.00", True), ("BP-0006", "后刹车片", "brake", "480.00", True),
    ("BP-0007", "火花塞", "engine", "75.00", True), ("BP-0008", "蓄电池 60Ah", "electrical", "780.00", False),
    ("BP-0009", "正时皮带套件", "engine", "1280.00", False), ("BP-0010", "雨刮片", "wiper", "128.00", True),
    ("BP-0011", "变速箱油 4L", "fluid", "520.00", False), ("BP-0012", "轮胎 225/45R17", "tyre", "760.00", True),
]
STAFF = (("service_advisor", 3), ("technician", 6), ("qc_inspector", 1), ("cashier", 1))
# The work order's life: (step, from, to, event kind, minutes after reception)
STEPS = [(0, "", "reception", "opened", 0), (1, "reception", "awaiting_approval", "submit_estimate", 20),
         (2, "awaiting_approval", "approved", "approve", 35), (3, "approved", "in_repair", "start_repair", 50),
         (4, "in_repair", "quality_check", "finish_repair", 170), (5, "quality_check", "ready_for_settlement",
                                                                   "qc_pass", 190),
         (6, "ready_for_settlement", "settled", "settle", 230), (7, "settled", "delivered", "deliver", 250)]
DEPTH = {"reception": 0, "awaiting_approval": 1, "approved": 2, "in_repair": 3, "quality_check": 4,
         "ready_for_settlement": 5, "settled": 6, "delivered": 7, "cancelled": 1}
OPEN_STATES = ["reception", "awaiting_approval", "approved", "in_repair", "quality_check", "ready_for_settlement"]


def _catalogue(dealers) -> None:
    """Labour operations, parts, generous stock per dealer, and staff per dealer (reused when present)."""
    from aftersales.accounts.models import Membership, Role, User
    from aftersales.demo.organisation import demo_password_hash  # cheap hashes: 550 users in seconds
    from aftersales.parts.models import Part, Stock
    from aftersales.workshop.models import LabourOperation

    ops = [LabourOperation.objects.get_or_create(code=code, defaults={
        "name": name, "category": cat, "standard_hours": Decimal(hours)})[0] for code, name, cat, hours in OPERATIONS]
    parts = [Part.objects.get_or_create(number=number, defaults={
        "name": name, "category": cat, "sale_price": Decimal(price), "cost_price": Decimal(price) * Decimal("0.6"),
        "is_wear_part": wear})[0] for number, name, cat, price, wear in PARTS]
    have = set(Stock.objects.filter(part__in=parts, service_point__in=dealers).values_list("part_id",
                                                                                          "service_point_id"))
    Stock.objects.bulk_create([Stock(part=p, service_point=d, on_hand=Decimal(10_000_000), reorder_point=Decimal(10))
                               for d in dealers for p in parts if (p.pk, d.pk) not in have])
    roles = {code: Role.objects.get(code=code) for code, _n in STAFF}
    for index, dealer in enumerate(dealers):
        if not dealer.labour_rate:
            dealer.labour_rate = Decimal("280.00")
            dealer.save(update_fields=["labour_rate"])
        for code, count in STAFF:
            for n in range(count):
                username = f"bench_{code}_{index + 1:03d}_{n + 1}"
                user = User.objects.filter(username=username).first() or User.objects.create(
                    username=username, password=demo_password_hash(username), display_name=username)
                Membership.objects.get_or_create(user=user, service_point=dealer, role=roles[code])
    return ops, parts


def _staging(cursor, dealers, orders: int, open_per_point: int, seed: float) -> None:
    """Temporary tables of the draws every insert reads (dropped at commit), each made in one pass."""
    import json

    codes = [d.code for d in dealers]
    # Only constants of this module and numbers are formatted in; the rest are query parameters.
    sql = f"""
    SELECT setseed({seed});
    CREATE TEMP TABLE b_dealer ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY code) AS idx, id, code, labour_rate AS rate
      FROM accounts_servicepoint WHERE code = ANY(%(codes)s);
    CREATE TEMP TABLE b_staff ON COMMIT DROP AS
      SELECT m.service_point_id AS point_id, r.code AS role,
             row_number() OVER (PARTITION BY m.service_point_id, r.code ORDER BY u.id) AS idx, u.id AS user_id
      FROM accounts_membership m JOIN accounts_role r ON r.id = m.role_id JOIN accounts_user u ON u.id = m.user_id
      WHERE u.username LIKE 'bench\\_%%' AND m.service_point_id IN (SELECT id FROM b_dealer);
    CREATE UNIQUE INDEX ON b_staff (point_id, role, idx);
    CREATE TEMP TABLE b_asset ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY id) AS rn,
             row_number() OVER (PARTITION BY service_point_id ORDER BY id) AS point_rn,
             id, owner_id, service_point_id AS point_id, kind = 'vehicle' AS is_vehicle
      FROM assets_asset WHERE service_point_id IN (SELECT id FROM b_dealer);
    CREATE UNIQUE INDEX ON b_asset (rn);
    CREATE UNIQUE INDEX ON b_asset (point_id, point_rn);
    CREATE TEMP TABLE b_op ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY code) AS idx, id, name, standard_hours AS hours
      FROM workshop_labouroperation WHERE code LIKE 'BOP-%%';
    CREATE TEMP TABLE b_part ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY number) AS idx, id, name, sale_price AS price
      FROM parts_part WHERE number LIKE 'BP-%%';
    -- the draws of each order: history (five years, morning peak; half of the Sundays move to Monday)
    -- followed by the open orders of every dealer (the last three days, every open state in turn)
    CREATE TEMP TABLE b_draw ON COMMIT DROP AS
      SELECT g AS id, 1 + floor(random() * (SELECT count(*) FROM b_asset))::bigint AS arn, 0::bigint AS dealer_idx,
             0 AS point_rn, 1 + floor(random() * 1825)::int AS days_back,
             (ARRAY[8,8,8,9,9,9,9,10,10,10,11,11,13,13,14,14,14,15,15,16,16,17])[1 + floor(random() * 22)::int]
               AS hour, floor(random() * 60)::int AS minute,
             CASE WHEN random() < 0.015 THEN 'cancelled' ELSE 'delivered' END AS state,
             2 + floor(random() * 4)::int AS n_lines, random() AS r
      FROM generate_series(1, %(orders)s) g
      UNION ALL
      SELECT %(orders)s + (d.idx - 1) * %(open)s + n, 0, d.idx, 1 + (n * 37) %% 50, n %% 3, 8 + n %% 9, (n * 7) %% 60,
             (ARRAY{OPEN_STATES!r})[1 + n %% 6], 2 + n %% 4, random()
      FROM b_dealer d CROSS JOIN generate_series(1, %(open)s) n;
    CREATE TEMP TABLE b_order ON COMMIT DROP AS
      SELECT x.id, x.state, x.n_lines, x.r, a.point_id, a.owner_id AS customer_id, a.id AS asset_id, a.is_vehicle,
             x.days_back, x.hour, x.minute
      FROM b_draw x JOIN b_asset a ON a.rn = x.arn WHERE x.dealer_idx = 0
      UNION ALL
      SELECT x.id, x.state, x.n_lines, x.r, a.point_id, a.owner_id, a.id, a.is_vehicle, x.days_back, x.hour, x.minute
      FROM b_draw x JOIN b_dealer od ON od.idx = x.dealer_idx
      JOIN b_asset a ON a.point_id = od.id AND a.point_rn = x.point_rn WHERE x.dealer_idx > 0;
    """  # noqa: S608
    cursor.execute(sql, {"codes": codes, "orders": orders, "open": open_per_point})
    cursor.execute("""
    CREATE TEMP TABLE b_order2 ON COMMIT DROP AS
      SELECT o.id, o.state, o.n_lines, o.r, o.point_id, o.customer_id, o.asset_id, o.is_vehicle, d.rate,
             (%(depth)s::jsonb ->> o.state)::int AS depth, s.user_id AS advisor_id,
             ((CASE WHEN o.days_back > 0 AND extract(isodow FROM o.day) = 7 AND o.r < 0.5
                    THEN o.day + interval '1 day' ELSE o.day END)
               + make_interval(hours => o.hour, mins => o.minute)) AT TIME ZONE 'Asia/Shanghai' AS opened_at
      FROM (SELECT *, date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - make_interval(days => days_back) AS day
            FROM b_order) o
      JOIN b_dealer d ON d.id = o.point_id
      JOIN b_staff s ON s.point_id = o.point_id AND s.role = 'service_advisor' AND s.idx = 1 + floor(o.r * 3)::int;
    DROP TABLE b_order;
    ALTER TABLE b_order2 RENAME TO b_order;
    CREATE UNIQUE INDEX ON b_order (id);
    -- the lines: the first is labour, the others labour (35 %%) or a part
    CREATE TEMP TABLE b_line ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY x.order_id, x.seq) AS id, x.order_id, x.seq, x.kind,
             CASE WHEN x.kind = 'labour' THEN op.hours ELSE x.qty END AS quantity,
             CASE WHEN x.kind = 'labour' THEN x.rate ELSE p.price END AS unit_price,
             round(CASE WHEN x.kind = 'labour' THEN op.hours * x.rate ELSE x.qty * p.price END, 2) AS amount,
             CASE WHEN x.kind = 'labour' THEN op.name ELSE p.name END AS description,
             CASE WHEN x.kind = 'labour' THEN op.id END AS operation_id,
             CASE WHEN x.kind = 'part' THEN p.id END AS part_id,
             x.pay_type, x.depth, x.state, x.advisor_id, x.opened_at, x.point_id, x.technician_id
      FROM (SELECT o.id AS order_id, s AS seq, o.rate, o.depth, o.state, o.advisor_id, o.opened_at, o.point_id,
                   CASE WHEN s = 1 OR random() < 0.35 THEN 'labour' ELSE 'part' END AS kind,
                   1 + floor(random() * 16)::int AS op_idx, 1 + floor(random() * 12)::int AS part_idx,
                   (ARRAY[1, 1, 1, 2, 4])[1 + floor(random() * 5)::int] AS qty,
                   CASE WHEN random() < 0.08 THEN 'C' WHEN random() < 0.01 THEN 'D' ELSE 'A' END AS pay_type,
                   t.user_id AS technician_id
            FROM b_order o CROSS JOIN LATERAL generate_series(1, o.n_lines) s
            JOIN b_staff t ON t.point_id = o.point_id AND t.role = 'technician' AND t.idx = 1 + (o.id + s) %% 6) x
      JOIN b_op op ON op.idx = x.op_idx JOIN b_part p ON p.idx = x.part_idx;
    CREATE TEMP TABLE b_total ON COMMIT DROP AS
      SELECT order_id, coalesce(sum(amount) FILTER (WHERE pay_type = 'A'), 0) AS a,
             coalesce(sum(amount) FILTER (WHERE pay_type = 'B'), 0) AS b,
             coalesce(sum(amount) FILTER (WHERE pay_type = 'C'), 0) AS c,
             coalesce(sum(amount) FILTER (WHERE pay_type = 'D'), 0) AS d
      FROM b_line GROUP BY order_id;
    CREATE UNIQUE INDEX ON b_total (order_id);
    CREATE TEMP TABLE b_steps (step int, from_status text, to_status text, kind text, minutes int) ON COMMIT DROP;
    """, {"depth": json.dumps(DEPTH)})
    cursor.executemany("INSERT INTO b_steps VALUES (%s, %s, %s, %s, %s)", STEPS)
    for table in ("b_order", "b_line", "b_total", "b_asset", "b_staff"):
        cursor.execute(f"ANALYZE {table}")


def insert_select(cursor, model, exprs: dict[str, str], source: str, now) -> int:
    """``INSERT INTO <model> SELECT …``: named columns from SQL expressions, every other one its default."""
    from django.db.models import JSONField
    from psycopg.types.json import Jsonb

    columns, select, defaults = [], [], []
    for f in model._meta.concrete_fields:
        expr = exprs.get(f.attname) or exprs.get(f.name)
        if expr is None and f.primary_key:
            continue  # the sequence numbers it
        columns.append(f'"{f.column}"')
        if expr is not None:
            select.append(expr)
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
            if isinstance(f, JSONField):
                value = Jsonb(value)
        select.append("%s")
        defaults.append(value)
    unknown = set(exprs) - {f.attname for f in model._meta.concrete_fields} - {f.name for f in
                                                                               model._meta.concrete_fields}
    if unknown:
        raise SystemExit(f"{model._meta.db_table} has no columns {sorted(unknown)}: update the generator.")
    statement = (f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(select)} '
                 f"{source}")
    cursor.execute(statement.replace("%", "%%").replace("%%s", "%s"), defaults)
    return cursor.rowcount


def _fill(cursor, report: Report, now, appointments: int) -> None:
    from aftersales.appointments.models import Appointment, AppointmentEvent
    from aftersales.workshop import models as w

    ts = "o.opened_at + make_interval(mins => {m})"
    at = {s: ts.format(m=m) for s, _a, _b, _k, m in STEPS}
    _timed(report, "workshop_workorder", lambda: insert_select(cursor, w.WorkOrder, {
        "id": "o.id", "number": "'B' || lpad(o.id::text, 10, '0')", "service_point_id": "o.point_id",
        "customer_id": "o.customer_id", "asset_id": "o.asset_id", "advisor_id": "o.advisor_id",
        "service_type": "(ARRAY['periodic_maintenance','periodic_maintenance','periodic_maintenance','repair',"
                        "'repair','first_maintenance','inspection','accident'])[1 + floor(o.r * 8)::int]",
        "status": "o.state", "opened_at": "o.opened_at", "promised_at": at[4],
        "mileage_in": "CASE WHEN o.is_vehicle THEN 3000 + floor(o.r * 150000)::int END",
        "fuel_level": "(ARRAY[25, 50, 75, 100])[1 + floor(o.r * 4)::int]",
        "concerns": "(ARRAY['保养到期','刹车有异响','空调不凉','发动机故障灯亮','方向盘抖动',''])[1 + (o.id % 6)]",
        "labour_rate": "o.rate", "total_a": "t.a", "total_b": "t.b", "total_c": "t.c", "total_d": "t.d",
        "amount_due": "t.a", "paid_total": "CASE WHEN o.depth >= 6 AND o.state <> 'cancelled' THEN t.a ELSE 0 END",
        "balance": "CASE WHEN o.depth >= 6 AND o.state <> 'cancelled' THEN 0 ELSE t.a END",
        "settled_at": f"CASE WHEN o.depth >= 6 AND o.state <> 'cancelled' THEN {at[6]} END",
        "delivered_at": f"CASE WHEN o.state = 'delivered' THEN {at[7]} END",
        "cancelled_at": f"CASE WHEN o.state = 'cancelled' THEN {at[2]} END",
        "cancel_reason": "CASE WHEN o.state = 'cancelled' THEN '客户取消' ELSE '' END",
        "old_parts": "CASE WHEN o.state = 'delivered' THEN 'left' ELSE '' END",
        "status_token": "md5(o.id::text || o.r::text) || md5(o.r::text || o.id::text)",
        "created_by_id": "o.advisor_id", "created_at": "o.opened_at",
        "updated_at": "o.opened_at + make_interval(mins => 250)",
    }, "FROM b_order o JOIN b_total t ON t.order_id = o.id", now))
    approved = "(l.depth >= 2 AND l.state <> 'cancelled')"
    issued = "(l.depth >= 4 AND l.state <> 'cancelled')"
    _timed(report, "workshop_workorderline", lambda: insert_select(cursor, w.WorkOrderLine, {
        "id": "l.id", "work_order_id": "l.order_id", "sequence": "l.seq", "kind": "l.kind",
        "operation_id": "l.operation_id", "part_id": "l.part_id", "description": "l.description",
        "quantity": "l.quantity", "unit_price": "l.unit_price", "amount": "l.amount", "pay_type": "l.pay_type",
        "cause": "CASE WHEN l.kind = 'labour' THEN 'maintenance' ELSE 'fault' END",
        "status": f"CASE WHEN {approved} THEN 'approved' WHEN l.state = 'cancelled' THEN 'declined' "
                  "ELSE 'proposed' END",
        "warranty_status": "CASE WHEN l.pay_type = 'C' THEN 'covered' ELSE 'not_checked' END",
        "job_status": f"CASE WHEN l.kind <> 'labour' THEN '' WHEN {issued} THEN 'done' "
                      "WHEN l.depth = 3 THEN 'in_progress' ELSE 'waiting' END",
        "actual_hours": f"CASE WHEN l.kind = 'labour' AND {issued} THEN round(l.quantity * 1.1, 2) ELSE 0 END",
        "done_at": f"CASE WHEN l.kind = 'labour' AND {issued} THEN l.opened_at + interval '170 minutes' END",
        "stock_state": f"CASE WHEN l.kind <> 'part' THEN '' WHEN {issued} THEN 'issued' WHEN {approved} "
                       "THEN 'reserved' ELSE '' END",
        "issued_quantity": f"CASE WHEN l.kind = 'part' AND {issued} THEN l.quantity ELSE 0 END",
        "reserved_quantity": f"CASE WHEN l.kind = 'part' AND {approved} AND NOT {issued} THEN l.quantity ELSE 0 END",
        "added_by_id": "l.advisor_id", "added_at": "l.opened_at",
    }, "FROM b_line l", now))
    _timed(report, "workshop_workorderevent", lambda: insert_select(cursor, w.WorkOrderEvent, {
        "work_order_id": "o.id", "kind": "s.kind", "from_status": "s.from_status", "to_status": "s.to_status",
        "actor_id": "o.advisor_id", "at": "o.opened_at + make_interval(mins => s.minutes)",
    }, "FROM b_order o JOIN b_steps s ON s.step <= o.depth", now))
    _timed(report, "workshop_approval", lambda: insert_select(cursor, w.Approval, {
        "work_order_id": "o.id", "kind": "'estimate'", "sequence": "1",
        "status": "CASE WHEN o.state = 'cancelled' THEN 'withdrawn' WHEN o.depth >= 2 THEN 'approved' "
                  "ELSE 'pending' END",
        "amount": "t.a", "method": "CASE WHEN o.depth >= 2 AND o.state <> 'cancelled' THEN "
                                   "(ARRAY['signature','signature','phone','link'])[1 + (o.id % 4)] ELSE '' END",
        "approver_name": "CASE WHEN o.depth >= 2 AND o.state <> 'cancelled' THEN '车主' ELSE '' END",
        "decided_at": f"CASE WHEN o.depth >= 2 AND o.state <> 'cancelled' THEN {at[2]} END",
        "recorded_by_id": "o.advisor_id", "created_at": at[1], "created_by_id": "o.advisor_id",
    }, "FROM b_order o JOIN b_total t ON t.order_id = o.id WHERE o.depth >= 1", now))
    labour_done = "FROM b_line l WHERE l.kind = 'labour' AND l.depth >= 3 AND l.state <> 'cancelled'"
    _timed(report, "workshop_jobassignment", lambda: insert_select(cursor, w.JobAssignment, {
        "line_id": "l.id", "technician_id": "l.technician_id", "assigned_by_id": "l.advisor_id",
        "assigned_at": "l.opened_at + interval '50 minutes'", "service_point_id": "l.point_id",
        "clocked_seconds": "CASE WHEN l.depth >= 4 THEN round(l.quantity * 1.1 * 3600)::int ELSE 0 END",
        "standard_share": "CASE WHEN l.depth >= 4 THEN l.quantity ELSE 0 END",
        "done_at": "CASE WHEN l.depth >= 4 THEN l.opened_at + interval '170 minutes' END",
    }, labour_done, now))
    _timed(report, "workshop_timeentry", lambda: insert_select(cursor, w.TimeEntry, {
        "line_id": "l.id", "technician_id": "l.technician_id", "started_at": "l.opened_at + interval '50 minutes'",
        "ended_at": "CASE WHEN l.depth >= 4 THEN l.opened_at + interval '50 minutes' "
                    "+ make_interval(secs => round(l.quantity * 1.1 * 3600)::int) END",
        "end_reason": "CASE WHEN l.depth >= 4 THEN 'done' ELSE 'pause' END",
        "seconds": "CASE WHEN l.depth >= 4 THEN round(l.quantity * 1.1 * 3600)::int ELSE 0 END",
    }, labour_done + " AND l.depth >= 4", now))
    _timed(report, "workshop_qcinspection", lambda: insert_select(cursor, w.QcInspection, {
        "work_order_id": "o.id", "passed": "true",
        "inspector_id": "(SELECT user_id FROM b_staff s WHERE s.point_id = o.point_id AND s.role = 'qc_inspector' "
                        "AND s.idx = 1)",
        "results": """'[{"item": "Road test", "ok": true, "note": ""}]'::jsonb""", "inspected_at": at[5],
    }, "FROM b_order o WHERE o.depth >= 5 AND o.state <> 'cancelled'", now))
    _timed(report, "workshop_payment", lambda: insert_select(cursor, w.Payment, {
        "work_order_id": "o.id", "payer": "'customer'",
        "method": "(ARRAY['wechat','wechat','alipay','card','cash','transfer'])[1 + ((o.id + n) % 6)]",
        "amount": "CASE WHEN o.r < 0.8 THEN t.a WHEN n = 1 THEN round(t.a / 2, 2) ELSE t.a - round(t.a / 2, 2) END",
        "received_by_id": "(SELECT user_id FROM b_staff s WHERE s.point_id = o.point_id AND s.role = 'cashier' "
                          "AND s.idx = 1)",
        "received_at": at[6],
    }, "FROM b_order o JOIN b_total t ON t.order_id = o.id CROSS JOIN generate_series(1, 2) n "
       "WHERE o.depth >= 6 AND o.state <> 'cancelled' AND t.a > 0 AND (n = 1 OR o.r >= 0.8)", now))
    _timed(report, "appointments_appointment", lambda: insert_select(cursor, Appointment, {
        "number": "'BAP' || lpad((d.idx * 1000 + n)::text, 9, '0')", "service_point_id": "d.id",
        "customer_id": "a.owner_id", "asset_id": "a.id", "service_type": "'periodic_maintenance'",
        "channel": "'phone'", "advisor_id": "(SELECT user_id FROM b_staff s WHERE s.point_id = d.id "
                                            "AND s.role = 'service_advisor' AND s.idx = 1 + n % 3)",
        "starts_at": "(date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') + make_interval(hours => 8 + n % 9, "
                     "mins => 30 * (n % 2))) AT TIME ZONE 'Asia/Shanghai'",
        "ends_at": "(date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') + make_interval(hours => 9 + n % 9, "
                   "mins => 30 * (n % 2))) AT TIME ZONE 'Asia/Shanghai'",
        "estimated_minutes": "60", "status": "'confirmed'",
    }, f"FROM b_dealer d CROSS JOIN generate_series(1, {int(appointments)}) n "  # noqa: S608 (a number)
       "JOIN LATERAL (SELECT * FROM b_asset a WHERE a.point_id = d.id ORDER BY a.rn OFFSET n LIMIT 1) a ON true",
        now))
    _timed(report, "appointments_appointmentevent", lambda: insert_select(cursor, AppointmentEvent, {
        "appointment_id": "ap.id", "kind": "'booked'", "to_status": "'booked'", "actor_id": "ap.advisor_id",
        "at": "ap.starts_at - interval '2 days'",
    }, "FROM appointments_appointment ap", now))


def generate(*, orders: int, open_per_point: int = 40, appointments_per_point: int = 30, seed: int = 43,
             analyze: bool = True, out=sys.stdout) -> Report:
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg import sql

    from aftersales.accounts.models import ServicePoint

    if connection.vendor != "postgresql":
        raise SystemExit("The generator needs PostgreSQL.")
    report = Report()
    now = timezone.now()
    dealers = list(ServicePoint.objects.filter(code__startswith="BENCH-P").order_by("code"))
    if not dealers:
        raise SystemExit("Load the base data set first: python -m bench.generate")
    fresh_session = not connection.in_atomic_block  # a test runs inside its own transaction
    if fresh_session:
        connection.close()  # temp_buffers can only be raised before the session's first temporary table
    with transaction.atomic(), connection.cursor() as wrapper:
        # a client-side binding cursor on the same connection and transaction: the generator sends several
        # statements at once, which a server-side prepared statement (the settings' default) refuses
        cursor = psycopg.ClientCursor(wrapper.cursor.connection)
        if fresh_session:
            cursor.execute("SET temp_buffers = '2GB'")
        _timed(report, "catalogue, stock and staff", lambda: _catalogue(dealers) and 0)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        _timed(report, "truncate", lambda: cursor.execute(
            f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE") and 0)
        indexes, foreign_keys = _drop_secondary(cursor, TABLES, unique=True)
        _timed(report, "draws (temporary tables)", lambda: _staging(
            cursor, dealers, orders, open_per_point, (seed % 1000) / 1000) or 0)
        _fill(cursor, report, now, appointments_per_point)
        for table in TABLES:
            cursor.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                                   "COALESCE((SELECT max(id) FROM {}), 0) + 1, false)").format(sql.Identifier(table)),
                           [table])

        def rebuild() -> int:
            for definition in indexes:
                began = time.perf_counter()
                cursor.execute(definition)
                print(f"    {time.perf_counter() - began:6.1f} s  {definition}", file=out, flush=True)
            for table, name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            return 0

        _timed(report, f"indexes ({len(indexes)}) and constraints ({len(foreign_keys)})", rebuild)
    if analyze:
        def run_analyze() -> int:
            with connection.cursor() as c:
                for table in TABLES:
                    c.execute(f"VACUUM (ANALYZE) {table}" if connection.get_autocommit() else f"ANALYZE {table}")
            return 0

        _timed(report, "vacuum / analyze", run_analyze)
    print(f"  {'total':<34} {'':>16} {report.total:8.1f} s", file=out, flush=True)
    return report


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=5_000_000)
    parser.add_argument("--open-per-point", type=int, default=40)
    parser.add_argument("--appointments-per-point", type=int, default=30)
    parser.add_argument("--seed", type=int, default=43)
    parser.add_argument("--database-url", default=None, help="default: $BENCH_DATABASE_URL or aftersales_bench")
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name and "test" not in name:
        raise SystemExit(f"Refusing to empty the tables of {name!r}: use a database whose name says bench.")
    call_command("migrate", interactive=False, verbosity=0)
    print(f"database {name}: generating {args.orders:,} work orders (seed {args.seed})", flush=True)
    started = dt.datetime.now()
    report = generate(orders=args.orders, open_per_point=args.open_per_point,
                      appointments_per_point=args.appointments_per_point, seed=args.seed)
    print(f"  finished in {(dt.datetime.now() - started).total_seconds():.0f} s", flush=True)
    return report


if __name__ == "__main__":
    main()
