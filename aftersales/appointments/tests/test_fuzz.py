"""Whatever is sent to the booking and action endpoints, the answer is never a 500 and a refusal writes nothing."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from aftersales.appointments.models import Appointment
from aftersales.core.testing import bearer

from .helpers import Setup, at

VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                   st.sampled_from(["2027-02-30T09:30", "2027-03-01T09:30:00+08:00", "\x00", "1e400", "-1", ""]),
                   st.lists(st.integers(), max_size=3))
FIELDS = ["service_point_id", "customer_id", "asset_id", "service_type", "channel", "concerns", "advisor_id",
          "starts_at", "estimated_minutes", "estimated_price", "overbook"]


class FuzzTests(Setup, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_setup()
        cls.auth = bearer(cls.advisor)

    def base(self):
        return {"service_point_id": self.point.pk, "customer_id": self.customer.pk, "asset_id": self.vehicle.pk,
                "service_type": "repair", "starts_at": at(self.monday, 9, 30).isoformat(), "estimated_minutes": 60}

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(field=st.sampled_from(FIELDS), value=VALUES)
    def test_booking_never_500(self, field, value):
        payload = {**self.base(), field: value}
        before = Appointment.objects.count()
        response = self.client.post("/api/v1/appointments", data=json.dumps(payload, default=str),
                                    content_type="application/json", **self.auth)
        self.assertLess(response.status_code, 500, response.content)
        if response.status_code != 201:
            self.assertEqual(Appointment.objects.count(), before)
            self.assertIn("code", response.json())

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(action=st.sampled_from(["confirm", "reschedule", "cancel", "no-show", "arrive"]),
           body=st.dictionaries(st.sampled_from(["starts_at", "reason", "note", "estimated_minutes", "overbook"]),
                                VALUES, max_size=3),
           pk=st.one_of(st.integers(min_value=-5, max_value=2**66), st.just(0)))
    def test_actions_never_500(self, action, body, pk):
        response = self.client.post(f"/api/v1/appointments/{abs(pk)}/{action}", data=json.dumps(body, default=str),
                                    content_type="application/json", **self.auth)
        self.assertLess(response.status_code, 500, response.content)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(params=st.dictionaries(st.sampled_from(["service_point_id", "date", "duration_minutes", "from_date",
                                                   "customer_id", "status", "q", "cursor", "limit"]),
                                  st.text(max_size=12), max_size=4),
           url=st.sampled_from(["/api/v1/appointments", "/api/v1/appointment-slots",
                                "/api/v1/appointments/recommendations", "/appointments/", "/appointments/all/",
                                "/appointments/recommendations/", "/appointments/capacity/"]))
    def test_reads_never_500(self, params, url):
        self.client.force_login(self.advisor)
        response = self.client.get(url, params, **self.auth)
        self.assertLess(response.status_code, 500, response.content[:500])
