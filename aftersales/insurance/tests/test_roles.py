"""Who may do what with claims, for every default role: the API and the pages agree."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.accounts.roles import DEFAULT_ROLES
from aftersales.core.testing import bearer, make_org, make_user

from ..models import InsuranceClaim
from .helpers import accident_order, start_claim

WORK = {"hq_manager", "point_manager", "claims_clerk"}
READ = WORK | {"service_advisor"}


class RoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.users = {code: make_user(f"u-{code}", point=cls.org["hq"] if DEFAULT_ROLES[code]["scope"] == "all"
                                     else cls.a, role=code) for code in DEFAULT_ROLES}
        cls.claim = start_claim(cls.users["claims_clerk"], accident_order(cls.a))

    def test_every_default_role(self):
        self.assertEqual(set(DEFAULT_ROLES) - READ, {"hotline_agent", "dispatcher", "technician", "qc_inspector",
                                                     "parts_clerk", "cashier"})
        for code, user in self.users.items():
            with self.subTest(role=code):
                headers = bearer(user)
                expected_read = 200 if code in READ else 403
                self.assertEqual(self.client.get("/api/v1/insurance-claims", **headers).status_code, expected_read)
                self.assertEqual(self.client.get(f"/api/v1/insurance-claims/{self.claim.pk}", **headers).status_code,
                                 expected_read)
                self.client.force_login(user)
                self.assertEqual(self.client.get("/insurance/").status_code, expected_read)
                self.assertEqual(self.client.get(self.claim.get_absolute_url()).status_code, expected_read)
                response = self.client.patch(f"/api/v1/insurance-claims/{self.claim.pk}", data={"notes": code},
                                             content_type="application/json", **headers)
                self.assertEqual(response.status_code, 200 if code in WORK else 403, response.content)
                response = self.client.post("/api/v1/insurance-claims", content_type="application/json", data={
                    "work_order_id": accident_order(self.a).pk,
                    "accident_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, **headers)
                self.assertEqual(response.status_code, 201 if code in WORK else 403, response.content)
        notes_by = InsuranceClaim.objects.get(pk=self.claim.pk).notes
        self.assertIn(notes_by, WORK)
