"""The document pages: /workshop/orders/<pk>/documents/… (PDFs, the panel with the status link and QR code)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.template.loader import render_to_string
from django.test import TestCase

from aftersales.core.testing import make_user

from ..choices import WorkOrderStatus
from . import factories as f

S = WorkOrderStatus


def pdf_text(content: bytes) -> str:
    """The text layer of a PDF (poppler's pdftotext)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout


class DocumentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        cls.advisor = f.staff(cls.org["a"], "service_advisor")
        cls.technician = f.staff(cls.org["a"], "technician")
        cls.advisor_b = f.staff(cls.org["b"], "service_advisor")
        cls.nobody = make_user("nobody", point=cls.org["a"], perms=["customers.view_customer"])
        cls.order = f.work_order(cls.org["a"], status=S.SETTLED, advisor=cls.advisor,
                                 lines=[{"kind": "labour", "description": "更换机油"}])
        cls.early = f.work_order(cls.org["a"], status=S.RECEPTION)

    def url(self, kind: str, order=None) -> str:
        return f"/workshop/orders/{(order or self.order).pk}/documents/{kind}.pdf"

    def test_anonymous_is_sent_to_the_login_page(self):
        for kind in ("work-order", "repair-card", "statement"):
            with self.subTest(kind=kind):
                response = self.client.get(self.url(kind))
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/login/", response["Location"])

    def test_without_permission_is_403(self):
        self.client.force_login(self.nobody)
        for kind in ("work-order", "repair-card", "statement"):
            with self.subTest(kind=kind):
                self.assertEqual(self.client.get(self.url(kind)).status_code, 403)

    def test_other_points_order_is_404(self):
        self.client.force_login(self.advisor_b)
        for kind in ("work-order", "repair-card", "statement"):
            with self.subTest(kind=kind):
                self.assertEqual(self.client.get(self.url(kind)).status_code, 404)

    def test_unknown_order_kind_or_out_of_range_id_is_404(self):
        self.client.force_login(self.advisor)
        for url in (f"/workshop/orders/{self.order.pk}/documents/invoice.pdf",
                    f"/workshop/orders/{2**63}/documents/work-order.pdf",
                    "/workshop/orders/99999999999999999999999/documents/work-order.pdf",
                    f"/workshop/orders/{self.order.pk + 1000}/documents/work-order.pdf"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_each_document_is_an_inline_pdf_named_after_the_order(self):
        self.client.force_login(self.advisor)
        for kind, title in (("work-order", "维修委托书"), ("repair-card", "修护卡"), ("statement", "结算单")):
            with self.subTest(kind=kind):
                response = self.client.get(self.url(kind))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(response["Content-Disposition"], f'inline; filename="{self.order.number}-{kind}.pdf"')
                self.assertEqual(response["Cache-Control"], "private, no-store")
                self.assertTrue(response.content.startswith(b"%PDF-"))
                text = pdf_text(response.content)
                self.assertIn(title, text)
                self.assertIn(self.order.number, text)
                self.assertIn("更换机油", text)

    def test_the_language_follows_the_user_and_the_customer_copy_is_chinese(self):
        self.client.force_login(self.advisor)
        english = pdf_text(self.client.get(self.url("work-order"), HTTP_ACCEPT_LANGUAGE="en").content)
        self.assertIn("Customer concerns", english)
        self.assertIn("Workshop copy", english)
        customer = pdf_text(self.client.get(self.url("work-order"), {"copy": "customer"},
                                            HTTP_ACCEPT_LANGUAGE="en").content)
        self.assertNotIn("Customer concerns", customer)
        self.assertNotIn("Workshop copy", customer)
        self.assertIn("维修委托书", customer)
        asked = pdf_text(self.client.get(self.url("work-order"), {"lang": "en", "copy": "customer"}).content)
        self.assertIn("Customer copy", asked)

    def test_bad_query_values_fall_back_to_the_defaults(self):
        self.client.force_login(self.advisor)
        response = self.client.get(self.url("work-order"), {"lang": "xx\x00", "copy": "<script>"},
                                   HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Workshop copy", pdf_text(response.content))

    def test_documents_not_yet_printable_answer_409_with_the_reason(self):
        self.client.force_login(self.advisor)
        for kind, reason in (("statement", "once the order has passed the quality check"),
                             ("repair-card", "once the repair has started")):
            with self.subTest(kind=kind):
                response = self.client.get(self.url(kind, self.early))
                self.assertEqual(response.status_code, 409)
                self.assertContains(response, reason, status_code=409)
                self.assertContains(response, self.early.get_absolute_url(), status_code=409)
        self.assertEqual(self.client.get(self.url("work-order", self.early)).status_code, 200)

    def test_the_statement_needs_the_right_to_see_payments(self):
        self.client.force_login(self.technician)
        self.assertEqual(self.client.get(self.url("statement")).status_code, 403)
        self.assertEqual(self.client.get(self.url("repair-card")).status_code, 200)

    def test_only_get_is_allowed(self):
        self.client.force_login(self.advisor)
        self.assertEqual(self.client.post(self.url("work-order")).status_code, 405)


class DocumentPanelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = f.org()
        cls.advisor = f.staff(cls.org["a"], "service_advisor")
        cls.technician = f.staff(cls.org["a"], "technician")
        cls.advisor_b = f.staff(cls.org["b"], "service_advisor")
        cls.nobody = make_user("nobody", point=cls.org["a"], perms=[])
        cls.order = f.work_order(cls.org["a"], status=S.IN_REPAIR)

    def panel_url(self, order=None) -> str:
        return f"/workshop/orders/{(order or self.order).pk}/documents/"

    def test_partial_on_the_order_page_loads_the_panel_and_links_the_pdfs(self):
        html = render_to_string("workshop/documents/_order_documents.html", {"order": self.order})
        self.assertIn(f'hx-get="{self.panel_url()}"', html)
        for kind in ("work-order", "repair-card", "statement"):
            self.assertIn(f"/workshop/orders/{self.order.pk}/documents/{kind}.pdf", html)

    def test_the_order_page_carries_the_documents_card(self):
        self.client.force_login(self.advisor)
        response = self.client.get(self.order.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="order-documents-card"', count=1)
        self.assertContains(response, f'hx-get="{self.panel_url()}"')

    def test_panel_for_htmx_shows_buttons_status_link_and_qr_code(self):
        self.client.force_login(self.advisor)
        response = self.client.get(self.panel_url(), HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "workshop/documents/_panel.html")
        self.assertTemplateNotUsed(response, "base.html")
        body = response.content.decode()
        link = f"http://testserver/p/status/{self.order.status_token}/"
        self.assertIn(f'value="{link}"', body)
        self.assertIn('<svg width="100%" height="100%"', body)
        self.assertIn(f'href="/workshop/orders/{self.order.pk}/documents/work-order.pdf"', body)
        self.assertIn(f'href="/workshop/orders/{self.order.pk}/documents/work-order.pdf?copy=customer"', body)
        self.assertIn(f'href="/workshop/orders/{self.order.pk}/documents/repair-card.pdf"', body)
        # in repair: no statement yet, the button is off and says why
        self.assertNotIn("statement.pdf", body)
        self.assertIn('disabled data-document="statement"', body)
        self.assertIn("once the order has passed the quality check", body)

    def test_panel_is_a_page_of_its_own_without_htmx(self):
        self.client.force_login(self.advisor)
        response = self.client.get(self.panel_url())
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "base.html")
        self.assertContains(response, self.order.number)
        self.assertContains(response, f'href="{self.order.get_absolute_url()}"')

    def test_panel_permissions(self):
        self.assertEqual(self.client.get(self.panel_url()).status_code, 302)
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get(self.panel_url()).status_code, 403)
        self.client.force_login(self.advisor_b)
        self.assertEqual(self.client.get(self.panel_url()).status_code, 404)
        self.assertEqual(self.client.get(f"/workshop/orders/{2**64}/documents/").status_code, 404)

    def test_qr_png_download(self):
        self.client.force_login(self.technician)
        response = self.client.get(f"/workshop/orders/{self.order.pk}/documents/status-qr.png")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG"))
        self.client.force_login(self.advisor_b)
        self.assertEqual(self.client.get(f"/workshop/orders/{self.order.pk}/documents/status-qr.png").status_code,
                         404)

    def test_qr_code_encodes_the_absolute_status_link(self):
        from ..documents.qr import qr_png

        self.client.force_login(self.advisor)
        content = self.client.get(f"/workshop/orders/{self.order.pk}/documents/status-qr.png").content
        self.assertEqual(content, qr_png(f"http://testserver/p/status/{self.order.status_token}/"))
        self.assertNotEqual(content, qr_png(f"http://testserver/p/status/{self.order.status_token}x/"))
