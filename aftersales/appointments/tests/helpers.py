"""A service point with known capacity, staff and a customer, for the appointment rule tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aftersales.appointments.services import capacity_plan_set
from aftersales.assets.tests.factories import customer, vehicle
from aftersales.core.testing import make_org, make_user

HOURS = {str(d): [["08:30", "12:00"], ["13:30", "17:30"]] for d in range(1, 7)}


def future_weekday(isoweekday: int = 1, weeks: int = 1) -> dt.date:
    """A date of the given weekday at least ``weeks`` weeks from today."""
    day = timezone.localdate() + dt.timedelta(days=7 * weeks)
    return day + dt.timedelta(days=(isoweekday - day.isoweekday()) % 7)


def at(date: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


class Setup:
    """Point A: 60-minute slots, 2 bays, 2 technician hours a slot, Mon–Sat 08:30–12:00/13:30–17:30."""

    @classmethod
    def make_setup(cls):
        cls.org = make_org()
        cls.point = cls.org["a"]
        cls.point.opening_hours = HOURS
        cls.point.address = "上海市浦东新区张江路1号"
        cls.point.save()
        cls.manager = make_user("mgr", point=cls.point, role="point_manager")
        cls.advisor = make_user("adv", point=cls.point, role="service_advisor")
        cls.other_advisor = make_user("adv-b", point=cls.org["b"], role="service_advisor")
        capacity_plan_set(user=cls.manager, service_point_id=cls.point.pk,
                          data={"slot_minutes": 60, "bays": 2, "technician_hours": "2"})
        cls.customer = customer(cls.point, "王五")
        cls.customer.phones.create(number="13812345678", is_primary=True)
        cls.vehicle = vehicle(cls.customer, plate="沪A12345")
        cls.monday = future_weekday(1)

    def booking_data(self, start, **extra):
        return {"service_point_id": self.point.pk, "customer_id": self.customer.pk, "asset_id": self.vehicle.pk,
                "service_type": "periodic_maintenance", "starts_at": start, "estimated_minutes": 60,
                "concerns": "常规保养", **extra}
