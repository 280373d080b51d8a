"""Fill PostgreSQL with a realistic data set for the benchmarks, fast.

    .venv/bin/python -m bench.generate --customers 1000000 [--assets N] [--readings N] [--seed 42]
                                       [--database-url postgres://postgres@127.0.0.1:5432/aftersales_bench]

Runs ``migrate`` first, then in ONE transaction: empties the customer and asset tables, drops their
secondary indexes and foreign keys, loads every table with ``COPY`` (psycopg 3 ``cursor.copy``),
recreates the indexes and keys, and finally runs ANALYZE. Defaults: assets = 1.2 × customers,
meter readings = 5 × customers. Prints the time per table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .django_setup import ensure_database, setup

TABLES = ["customers_customer", "customers_customerphone", "customers_customerpointlink", "assets_asset",
          "assets_ownership", "assets_meterreading"]
BENCH_USERS = {"bench_hq": "hq_manager", "bench_advisor": "service_advisor"}


@dataclass
class Report:
    timings: list[tuple[str, int, float]] = field(default_factory=list)

    def add(self, name: str, rows: int, seconds: float) -> None:
        self.timings.append((name, rows, seconds))
        rate = f"{rows / seconds:,.0f} rows/s" if rows and seconds else ""
        print(f"  {name:<34} {rows:>11,} rows {seconds:8.1f} s  {rate}", flush=True)

    @property
    def total(self) -> float:
        return sum(t for _n, _r, t in self.timings)


def _timed(report: Report, name: str, fn: Callable[[], int]) -> int:
    start = time.perf_counter()
    rows = fn() or 0
    report.add(name, rows, time.perf_counter() - start)
    return rows


class Loader:
    """Writes rows of a Django model with COPY; columns it is not given take the field's default."""

    def __init__(self, cursor, model, now: dt.datetime) -> None:
        from django.db.models import JSONField
        from psycopg.types.json import Jsonb

        self.cursor, self.model = cursor, model
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.template: list = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()
                if isinstance(f, JSONField):
                    value = Jsonb(value)
            self.template.append(value)
        self.positions = {f.attname: i for i, f in enumerate(fields)} | {f.name: i for i, f in enumerate(fields)}

    def copy(self, names: list[str], rows: Iterable[tuple]) -> int:
        from psycopg import sql

        slots = [self.positions[n] for n in names]
        template = self.template
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, self.columns)))
        count = 0
        with self.cursor.copy(statement) as copy:
            write = copy.write_row
            for values in rows:
                row = template[:]
                for slot, value in zip(slots, values, strict=True):
                    row[slot] = value
                write(row)
                count += 1
        return count


# --- organisation and users -----------------------------------------------------------------------

def make_organisation(points: int = 50) -> dict:
    """Company → regions → ``points`` dealers (reused when they exist) and the two benchmark users."""
    from aftersales.accounts.choices import PointKind
    from aftersales.accounts.models import Membership, Role, ServicePoint, User

    from .data import CITIES, REGIONS

    def point(code: str, name: str, kind: str, parent=None, **extra) -> ServicePoint:
        obj = ServicePoint.objects.filter(code=code).first()
        if obj is None:
            obj = ServicePoint.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)
            obj.path = f"{parent.path if parent else '/'}{obj.pk}/"
            obj.save(update_fields=["path"])
        return obj

    company = point("BENCH", "基准测试汽车服务集团", PointKind.COMPANY)
    regions = [point(f"BENCH-R{i + 1}", f"{name}大区", PointKind.REGION, company) for i, name in enumerate(REGIONS)]
    dealers = []
    for i in range(points):
        province, city, _abbr = CITIES[i % len(CITIES)]
        dealers.append(point(f"BENCH-P{i + 1:03d}", f"{city}第{i // len(CITIES) + 1}服务站",
                             PointKind.DEALER, regions[i % len(regions)], province=province, city=city,
                             bays=8, technician_count=12))
    users = {}
    for username, role_code in BENCH_USERS.items():
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username, password=username, display_name=username)
        where = company if role_code == "hq_manager" else dealers[0]
        Membership.objects.get_or_create(user=user, service_point=where, role=Role.objects.get(code=role_code))
        users[username] = user
    return {"company": company, "dealers": dealers, "users": users}


# --- the big tables ---------------------------------------------------------------------------------

def _drop_secondary(cursor, tables: list[str] | None = None, *, unique: bool = False,
                    ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Drop indexes (other than primary keys and unique constraints) and foreign keys of ``tables``
    (default: TABLES), with ``unique`` also the unique constraints; return what recreates them
    (constraints in an order that puts unique ones before the foreign keys that may need them)."""
    tables = TABLES if tables is None else tables
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""", [tables])
    indexes = cursor.fetchall()
    cursor.execute("""
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE contype = ANY(%s) AND conrelid = ANY(%s::regclass[])
        ORDER BY contype DESC""", [["f", "u"] if unique else ["f"], tables])
    foreign_keys = cursor.fetchall()
    for table, name, _definition in reversed(foreign_keys):  # foreign keys before the unique keys they use
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes], foreign_keys


def generate(*, customers: int, assets: int | None = None, readings: int | None = None, seed: int = 42,
             points: int = 50, analyze: bool = True, out=sys.stdout) -> Report:
    """Load the data set through Django's default connection (PostgreSQL). Returns the timings."""
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg import sql

    from aftersales.assets.models import Asset, MeterReading, Ownership
    from aftersales.customers.models import Customer, CustomerPhone, CustomerPointLink

    from .data import Faker

    if connection.vendor != "postgresql":
        raise SystemExit("The generator needs PostgreSQL (COPY).")
    assets = round(customers * 1.2) if assets is None else assets
    readings = customers * 5 if readings is None else readings
    rnd = random.Random(seed)
    report = Report()
    now = timezone.now()
    faker = None

    def pool() -> int:
        nonlocal faker
        faker = Faker(rnd, pool_size=min(30000, max(200, customers // 10)))
        return len(faker.names)

    _timed(report, "name pool (pypinyin)", pool)
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor, for COPY
        org = make_organisation(points)
        dealers = org["dealers"]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on the tables we alter
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        _timed(report, "truncate", lambda: cursor.execute(
            f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE") and 0)
        indexes, foreign_keys = _drop_secondary(cursor)
        state = _State(rnd=rnd, faker=faker, dealers=dealers, today=now.date())
        _timed(report, "customers_customer", lambda: Loader(cursor, Customer, now).copy(
            *state.customer_rows(customers)))
        _timed(report, "customers_customerphone", lambda: Loader(cursor, CustomerPhone, now).copy(
            *state.phone_rows()))
        _timed(report, "customers_customerpointlink", lambda: Loader(cursor, CustomerPointLink, now).copy(
            *state.link_rows()))
        _timed(report, "assets_asset", lambda: Loader(cursor, Asset, now).copy(*state.asset_rows(assets)))
        _timed(report, "assets_ownership", lambda: Loader(cursor, Ownership, now).copy(*state.ownership_rows()))
        _timed(report, "assets_meterreading", lambda: Loader(cursor, MeterReading, now).copy(
            *state.reading_rows(readings)))
        for table in TABLES:
            cursor.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                                   "COALESCE((SELECT max(id) FROM {}), 0) + 1, false)").format(sql.Identifier(table)),
                           [table])

        def rebuild() -> int:
            for definition in indexes:
                started = time.perf_counter()
                cursor.execute(definition)
                print(f"    {time.perf_counter() - started:6.1f} s  {definition}", file=out, flush=True)
            for table, name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            return 0

        _timed(report, f"indexes ({len(indexes)}) and foreign keys ({len(foreign_keys)})", rebuild)
    if analyze:
        def run_analyze() -> int:
            with connection.cursor() as c:
                for table in TABLES:
                    c.execute(f"VACUUM (ANALYZE) {table}" if connection.get_autocommit() else f"ANALYZE {table}")
            return 0

        _timed(report, "vacuum / analyze", run_analyze)
    print(f"  {'total':<34} {'':>16} {report.total:8.1f} s", file=out, flush=True)
    return report


@dataclass
class _State:
    """Row factories; ids are assigned here so children can point at parents without a round trip."""

    rnd: random.Random
    faker: object
    dealers: list
    today: dt.date
    customer_points: list[int] = field(default_factory=list)
    customer_ids: list[int] = field(default_factory=list)
    asset_rows_meta: list[tuple[int, int, dt.date, bool]] = field(default_factory=list)

    def customer_rows(self, n: int):
        from aftersales.customers.choices import CustomerKind, IdType, Segment

        from .data import CITIES

        rnd, faker, dealers = self.rnd, self.faker, self.dealers
        segments = [Segment.PRIVATE] * 8 + [Segment.TAXI, Segment.INSURANCE]
        self.customer_ids = list(range(1, n + 1))
        self.customer_points = [0] * (n + 1)
        created = dt.datetime.combine(self.today, dt.time(9), tzinfo=dt.UTC)

        def rows():
            for cid in self.customer_ids:
                dealer = dealers[rnd.randrange(len(dealers))]
                self.customer_points[cid] = dealer.pk
                if rnd.random() < 0.03:
                    name, pinyin, initials = faker.organisation(CITIES[rnd.randrange(len(CITIES))][1])
                    yield (cid, CustomerKind.ORGANISATION, name, pinyin, initials, "", None, "", "",
                           rnd.choice([Segment.COMPANY, Segment.FLEET]), dealer.pk, created)
                    continue
                name, pinyin, initials, gender = faker.person()
                id_number, born = ("", None)
                if rnd.random() < 0.6:
                    id_number, born = faker.resident_id()
                yield (cid, CustomerKind.PERSON, name, pinyin, initials, gender, born,
                       IdType.RESIDENT_ID if id_number else "", id_number, segments[rnd.randrange(10)], dealer.pk,
                       created - dt.timedelta(minutes=n - cid))

        return (["id", "kind", "name", "name_pinyin", "name_initials", "gender", "birthday", "id_type", "id_number",
                 "segment", "home_point_id", "created_at"], rows())

    def phone_rows(self):
        rnd, faker = self.rnd, self.faker
        from aftersales.customers.choices import PhoneKind

        def rows():
            pid = 0
            for cid in self.customer_ids:
                first = faker.mobile()
                pid += 1
                point = self.customer_points[cid]
                yield (pid, cid, first, PhoneKind.MOBILE, True, point)
                if rnd.random() < 0.35:
                    second = faker.mobile()
                    if second != first:
                        pid += 1
                        yield (pid, cid, second, PhoneKind.MOBILE, False, point)

        return ["id", "customer_id", "number", "kind", "is_primary", "home_point_id"], rows()

    def link_rows(self):
        rnd, dealers = self.rnd, self.dealers

        def rows():
            lid = 0
            for cid in self.customer_ids:
                if rnd.random() < 0.1:
                    other = dealers[rnd.randrange(len(dealers))].pk
                    if other != self.customer_points[cid]:
                        lid += 1
                        yield (lid, cid, other, "work_order")

        return ["id", "customer_id", "service_point_id", "reason"], rows()

    def asset_rows(self, n: int):
        from aftersales.assets.choices import AssetKind, MeterUnit

        from .data import CITIES, COLOURS, PRODUCTS, VEHICLES

        rnd, faker, dealers = self.rnd, self.faker, self.dealers
        abbr_of = {d.pk: next((a for _p, c, a in CITIES if c == d.city), "京") for d in dealers}
        customers = len(self.customer_ids)

        def rows():
            for aid in range(1, n + 1):
                owner = rnd.randrange(1, customers + 1)
                point = self.customer_points[owner] if rnd.random() < 0.9 else dealers[rnd.randrange(len(dealers))].pk
                year = rnd.randrange(2015, 2026)
                sale = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randrange(360))
                sale = min(sale, self.today - dt.timedelta(days=30))
                if rnd.random() < 0.75:
                    wmi, brand, models = VEHICLES[rnd.randrange(len(VEHICLES))]
                    self.asset_rows_meta.append((aid, owner, sale, True))
                    yield (aid, AssetKind.VEHICLE, owner, point, brand, rnd.choice(models), year, sale,
                           faker.vin(wmi, year), faker.plate(abbr_of[point]), rnd.choice(COLOURS), "", None,
                           MeterUnit.KM)
                else:
                    brand, code, models = PRODUCTS[rnd.randrange(len(PRODUCTS))]
                    self.asset_rows_meta.append((aid, owner, sale, False))
                    yield (aid, AssetKind.PRODUCT, owner, point, brand, rnd.choice(models), None, sale, "", "",
                           "", faker.serial(code), sale, MeterUnit.HOURS)

        return (["id", "kind", "owner_id", "service_point_id", "brand", "model", "model_year", "sale_date", "vin",
                 "plate", "colour", "serial_number", "installation_date", "meter_unit"], rows())

    def ownership_rows(self):
        def rows():
            for aid, owner, sale, _vehicle in self.asset_rows_meta:
                yield (aid, aid, owner, sale)

        return ["id", "asset_id", "customer_id", "started_on"], rows()

    def reading_rows(self, n: int):
        """``n`` readings spread over the vehicles, rising over time from the sale date."""
        rnd, today = self.rnd, self.today
        vehicles = [(aid, sale) for aid, _o, sale, is_vehicle in self.asset_rows_meta if is_vehicle]
        if not vehicles:
            return ["id", "asset_id", "read_on", "value", "source"], iter(())
        per, extra = divmod(n, len(vehicles))

        def rows():
            rid = 0
            for index, (aid, sale) in enumerate(vehicles):
                count = per + (1 if index < extra else 0)
                span = max((today - sale).days, count)
                daily = rnd.uniform(15, 90)
                days = sorted(rnd.sample(range(1, span + 1), count)) if count else []
                for day in days:
                    rid += 1
                    yield (rid, aid, sale + dt.timedelta(days=day), int(day * daily), "work_order")

        return ["id", "asset_id", "read_on", "value", "source"], rows()


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--assets", type=int, default=None, help="default: 1.2 × customers")
    parser.add_argument("--readings", type=int, default=None, help="default: 5 × customers")
    parser.add_argument("--points", type=int, default=50, help="service points (dealers)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", default=None, help="default: $BENCH_DATABASE_URL or aftersales_bench")
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name and "test" not in name:
        raise SystemExit(f"Refusing to empty the tables of {name!r}: use a database whose name says bench.")
    print(f"database {name}: migrate", flush=True)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"  migrate {time.perf_counter() - started:.1f} s", flush=True)
    print(f"generating {args.customers:,} customers (seed {args.seed})", flush=True)
    return generate(customers=args.customers, assets=args.assets, readings=args.readings, seed=args.seed,
                    points=args.points)


if __name__ == "__main__":
    main()
