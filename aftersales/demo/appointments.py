"""Demo appointments: capacity plans, the public holidays of 2027, a history of arrivals, this week's bookings.

- Capacity: the 4S stores take appointments 08:30–17:30 Monday to Saturday in 60-minute slots
  (Shanghai 10 bays and 10 technician hours a slot, Hangzhou 7 and 7); the appliance network points
  09:00–18:00 Monday to Saturday (4 and 3 bays).
- Holidays, company-wide: the statutory days off of 2027 (元旦 1 January; 春节 除夕–初三, 5–8 February;
  清明 5 April; 劳动节 1–2 May; 端午 9 June; 中秋 15 September; 国庆 1–3 October). The State Council's
  bridging days and make-up working days are published each year and entered as holidays and
  capacity overrides then.
- History: 13 weeks of arrived appointments with weekday × hour seasonality (Monday and Saturday
  mornings busy). History cannot be booked through ``appointment_book`` (it refuses the past), so
  these rows are written as an import of past visits would be, each with its "arrive" event.
- This week: bookings from tomorrow on through ``appointment_book`` and some confirmed through
  ``appointment_confirm`` (each confirmation queues the customer's message), as the advisors would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from aftersales.appointments.choices import AppointmentChannel, AppointmentStatus
from aftersales.appointments.models import Appointment, AppointmentEvent
from aftersales.appointments.services import (
    appointment_book,
    appointment_confirm,
    capacity_plan_set,
    holiday_create,
)
from aftersales.assets.models import Asset
from aftersales.core.errors import ApplicationError
from aftersales.core.sequences import next_number

STORE_HOURS = {str(d): [["08:30", "17:30"]] for d in range(1, 7)}
NETWORK_HOURS = {str(d): [["09:00", "18:00"]] for d in range(1, 7)}
PLANS = {  # point code: (hours, bays, technician hours per slot, mean arrivals per open day, booker)
    "SH-PD-4S": (STORE_HOURS, 10, Decimal("10"), 26, "advisor"),
    "HZ-XH-4S": (STORE_HOURS, 7, Decimal("7"), 17, "advisor2"),
    "GZ-TH-NP": (NETWORK_HOURS, 4, Decimal("3"), 6, "hotline"),
    "BJ-CY-NP": (NETWORK_HOURS, 3, Decimal("3"), 5, "hotline"),
}
HOLIDAYS_2027 = [
    (dt.date(2027, 1, 1), "元旦"),
    (dt.date(2027, 2, 5), "春节（除夕）"), (dt.date(2027, 2, 6), "春节（初一）"),
    (dt.date(2027, 2, 7), "春节（初二）"), (dt.date(2027, 2, 8), "春节（初三）"),
    (dt.date(2027, 4, 5), "清明节"),
    (dt.date(2027, 5, 1), "劳动节"), (dt.date(2027, 5, 2), "劳动节"),
    (dt.date(2027, 6, 9), "端午节"),
    (dt.date(2027, 9, 15), "中秋节"),
    (dt.date(2027, 10, 1), "国庆节"), (dt.date(2027, 10, 2), "国庆节"), (dt.date(2027, 10, 3), "国庆节"),
]
WEEKDAY = {1: 1.45, 2: 1.0, 3: 0.9, 4: 0.9, 5: 1.05, 6: 1.35}
HOUR_WEIGHT = {8: 1.7, 9: 1.9, 10: 1.5, 11: 1.1, 12: 0.5, 13: 0.9, 14: 1.0, 15: 0.9, 16: 0.7, 17: 0.3}
MORNING_PEAK = {1: 1.35, 6: 1.3}
SERVICE_MIX = ["periodic_maintenance"] * 6 + ["repair"] * 3 + ["first_maintenance", "inspection", "accident"]
NETWORK_MIX = ["repair"] * 3 + ["installation", "periodic_maintenance"]
HISTORY_WEEKS = 13


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _history(*, rng, point, assets, mean, today, tz, counts) -> None:
    hours = [h for h in HOUR_WEIGHT if point.code.endswith("4S") or 9 <= h < 18]
    rows = []
    for back in range(HISTORY_WEEKS * 7, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.isoweekday() == 7:
            continue
        peak = MORNING_PEAK.get(day.isoweekday(), 1.0)
        weights = {h: HOUR_WEIGHT[h] * (peak if h < 12 else 1.0) for h in hours}
        total = sum(weights.values())
        trend = 0.9 + 0.1 * (HISTORY_WEEKS * 7 - back) / (HISTORY_WEEKS * 7)
        for hour, weight in weights.items():
            for _ in range(_poisson(rng, mean * WEEKDAY[day.isoweekday()] * trend * weight / total)):
                asset = rng.choice(assets)
                start = dt.datetime.combine(day, dt.time(hour, 30 if hour == 8 else rng.choice((0, 30))), tzinfo=tz)
                minutes = rng.choice((60, 60, 90, 120))
                number = next_number(f"appointment:{point.code}:{start.year}")
                rows.append(Appointment(
                    number=f"YY{point.code}{start:%y}{number:05d}"[:32], service_point=point,
                    customer_id=asset.owner_id, asset=asset,
                    service_type=rng.choice(SERVICE_MIX if point.code.endswith("4S") else NETWORK_MIX),
                    channel=rng.choice([AppointmentChannel.PHONE, AppointmentChannel.PHONE, AppointmentChannel.WALK_IN]),
                    starts_at=start, ends_at=start + dt.timedelta(minutes=minutes), estimated_minutes=minutes,
                    status=AppointmentStatus.ARRIVED, arrived_at=start + dt.timedelta(minutes=rng.randrange(-10, 20)),
                    confirmed_at=start - dt.timedelta(days=1)))
    created = Appointment.objects.bulk_create(rows, batch_size=1000)
    AppointmentEvent.objects.bulk_create(
        [AppointmentEvent(appointment=a, kind="arrive", from_status="confirmed", to_status="arrived",
                          note="history") for a in created], batch_size=1000)
    counts["past arrivals"] += len(created)


def _this_week(*, rng, point, assets, user, plan_hours, today, tz, counts) -> None:
    for ahead in range(1, 8):
        day = today + dt.timedelta(days=ahead)
        ranges = plan_hours.get(str(day.isoweekday()))
        if not ranges:
            continue
        first = int(ranges[0][0][:2])
        starts = [dt.datetime.combine(day, dt.time(h, int(ranges[0][0][3:])), tzinfo=tz)
                  for h in range(first, int(ranges[0][1][:2]) - 1)]
        for _ in range(rng.randrange(2, 6) if point.code.endswith("4S") else rng.randrange(0, 3)):
            asset = rng.choice(assets)
            try:
                booked = appointment_book(user=user, data={
                    "service_point_id": point.pk, "customer_id": asset.owner_id, "asset_id": asset.pk,
                    "service_type": rng.choice(SERVICE_MIX if point.code.endswith("4S") else NETWORK_MIX),
                    "channel": rng.choice(["phone", "phone", "portal"]), "starts_at": rng.choice(starts),
                    "estimated_minutes": rng.choice((60, 60, 120)), "concerns": rng.choice(
                        ["常规保养", "更换机油机滤", "刹车异响", "空调不制冷", "年检前检测", "仪表故障灯亮"]),
                    "estimated_price": rng.choice(["380.00", "680.00", "1200.00", None])})
            except ApplicationError:
                continue
            counts["bookings this week"] += 1
            if rng.random() < 0.5:
                appointment_confirm(user=user, pk=booked.pk)
                counts["confirmed"] += 1


def create_appointments_demo(*, rng: random.Random, org: dict, today: dt.date) -> dict[str, int]:
    counts = dict.fromkeys(("capacity plans", "holidays", "past arrivals", "bookings this week", "confirmed"), 0)
    admin, points, users = org["admin"], org["points"], org["users"]
    for date, name in HOLIDAYS_2027:
        holiday_create(user=admin, data={"service_point_id": None, "date": date, "name": name})
        counts["holidays"] += 1
    tz = timezone.get_default_timezone()
    for code, (hours, bays, tech, mean, booker) in PLANS.items():
        point = points[code]
        capacity_plan_set(user=admin, service_point_id=point.pk,
                          data={"slot_minutes": 60, "bays": bays, "technician_hours": tech, "opening_hours": hours})
        counts["capacity plans"] += 1
        assets = list(Asset.objects.filter(owner__home_point=point, is_active=True).only("id", "owner_id")[:400])
        if not assets:
            continue
        _history(rng=rng, point=point, assets=assets, mean=mean, today=today, tz=tz, counts=counts)
        _this_week(rng=rng, point=point, assets=assets, user=users.get(booker, admin), plan_hours=hours,
                   today=today, tz=tz, counts=counts)
    return counts
