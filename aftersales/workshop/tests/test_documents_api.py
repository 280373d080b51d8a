"""GET /api/v1/work-orders/{id}/documents/{kind}, …/status-link, …/status-qr."""

from __future__ import annotations

from django.test import TestCase

from aftersales.core.models import AccessLog
from aftersales.core.testing import bearer, make_user

from ..choices import WorkOrderStatus
from . import factories as f
from .test_documents_pages import pdf_text

S = WorkOrderStatus
KINDS = ("work-order", "repair-card", "statement")


class DocumentAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        cls.advisor = f.staff(cls.org["a"], "service_advisor")
        cls.technician = f.staff(cls.org["a"], "technician")
        cls.advisor_b = f.staff(cls.org["b"], "service_advisor")
        cls.hq = f.staff(cls.org["hq"], "hq_manager")
        cls.nobody = make_user("nobody", point=cls.org["a"], perms=["customers.view_customer"])
        cls.order = f.work_order(cls.org["a"], status=S.DELIVERED, advisor=cls.advisor,
                                 lines=[{"kind": "labour", "description": "更换机油"}])
        cls.early = f.work_order(cls.org["a"], status=S.APPROVED)

    def get(self, url, user=None, **params):
        return self.client.get(url, params, **(bearer(user) if user else {}))

    def url(self, kind, order=None):
        return f"/api/v1/work-orders/{(order or self.order).pk}/documents/{kind}"

    def test_anonymous_is_401(self):
        for url in [self.url(k) for k in KINDS] + [f"/api/v1/work-orders/{self.order.pk}/status-link",
                                                    f"/api/v1/work-orders/{self.order.pk}/status-qr"]:
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["code"], "not_authenticated")

    def test_without_permission_is_403(self):
        for url in [self.url(k) for k in KINDS] + [f"/api/v1/work-orders/{self.order.pk}/status-link"]:
            with self.subTest(url=url):
                response = self.get(url, self.nobody)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["code"], "permission_denied")

    def test_other_point_and_unknown_ids_are_404(self):
        for url in [self.url(k) for k in KINDS] + [f"/api/v1/work-orders/{self.order.pk}/status-link",
                                                    f"/api/v1/work-orders/{self.order.pk}/status-qr"]:
            with self.subTest(url=url):
                self.assertEqual(self.get(url, self.advisor_b).status_code, 404)
        for pk in (2**63, 10**25, 0, -5):
            with self.subTest(pk=pk):
                response = self.get(f"/api/v1/work-orders/{pk}/documents/work-order", self.advisor)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")

    def test_pdf_for_each_kind(self):
        for user in (self.advisor, self.hq):
            for kind, title in zip(KINDS, ("维修委托书", "修护卡", "结算单"), strict=True):
                with self.subTest(user=user.username, kind=kind):
                    response = self.get(self.url(kind), user, lang="zh-hans")
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response["Content-Type"], "application/pdf")
                    self.assertEqual(response["Content-Disposition"],
                                     f'inline; filename="{self.order.number}-{kind}.pdf"')
                    text = pdf_text(response.content)
                    self.assertIn(title, text)
                    self.assertIn("更换机油", text)

    def test_english_on_request(self):
        text = pdf_text(self.get(self.url("statement"), self.advisor, lang="en").content)
        self.assertIn("Amount due", text)
        text = pdf_text(self.client.get(self.url("statement"), HTTP_ACCEPT_LANGUAGE="en", **bearer(self.advisor)).content)
        self.assertIn("Amount due", text)

    def test_bad_input_is_422_naming_the_field(self):
        for url, params, field in ((self.url("invoice"), {}, "kind"),
                                   (self.url("work-order"), {"lang": "fr"}, "lang"),
                                   (self.url("work-order"), {"copy": "both"}, "copy"),
                                   (self.url("work-order"), {"lang": "en\x00"}, "lang"),
                                   ("/api/v1/work-orders/abc/documents/work-order", {}, "pk")):
            with self.subTest(url=url, params=params):
                response = self.get(url, self.advisor, **params)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response.json()["code"], "invalid")
                self.assertIn(field, response.json()["fields"])

    def test_not_yet_printable_is_409_and_logs_nothing(self):
        for kind in ("repair-card", "statement"):
            with self.subTest(kind=kind):
                response = self.get(self.url(kind, self.early), self.advisor)
                self.assertEqual(response.status_code, 409)
                body = response.json()
                self.assertEqual(body["code"], "document_unavailable")
                self.assertIn("kind", body["fields"])
        self.assertEqual(AccessLog.objects.count(), 0)

    def test_statement_without_the_right_to_see_payments_is_403(self):
        self.assertEqual(self.get(self.url("statement"), self.technician).status_code, 403)
        self.assertEqual(self.get(self.url("repair-card"), self.technician).status_code, 200)

    def test_status_link_and_qr(self):
        response = self.get(f"/api/v1/work-orders/{self.order.pk}/status-link", self.technician)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"number": self.order.number,
                                           "url": f"http://testserver/p/status/{self.order.status_token}/"})
        qr = self.get(f"/api/v1/work-orders/{self.order.pk}/status-qr", self.technician)
        self.assertEqual(qr.status_code, 200)
        self.assertEqual(qr["Content-Type"], "image/png")
        self.assertTrue(qr.content.startswith(b"\x89PNG"))

    def test_openapi_documents_the_binary_responses_and_errors(self):
        spec = self.client.get("/api/v1/openapi.json").json()
        operation = spec["paths"]["/api/v1/work-orders/{pk}/documents/{kind}"]["get"]
        self.assertEqual(operation["responses"]["200"]["content"],
                         {"application/pdf": {"schema": {"type": "string", "format": "binary"}}})
        for status in ("401", "403", "404", "409", "422"):
            self.assertIn(status, operation["responses"])
        qr = spec["paths"]["/api/v1/work-orders/{pk}/status-qr"]["get"]
        self.assertIn("image/png", qr["responses"]["200"]["content"])
