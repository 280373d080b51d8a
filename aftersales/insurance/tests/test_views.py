"""Claim pages: generated permission tests, the list's filters and export, the detail page's steps,
checklist and timeline, the forms with errors beside the fields, and the work order's partial."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase
from django.utils import timezone

from aftersales.core.choices import ServiceType
from aftersales.core.testing import StandardViewTests, make_org, make_user
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import Payment

from ..choices import ClaimStatus, DocumentCode
from ..models import InsuranceClaim
from .helpers import accident_order, claim_at, png_upload, set_order_status, start_claim
from .test_api import make_claim

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
S = ClaimStatus


class InsuranceClaimViewTests(StandardViewTests):
    model = InsuranceClaim
    list_url = "/insurance/"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.new_order = accident_order(cls.point_a)
        cls.create_url = f"/insurance/new/?order={cls.new_order.pk}"

    @classmethod
    def make_object(cls, point):
        return make_claim(point)

    def edit_url(self, obj):
        return f"/insurance/{obj.pk}/edit/"

    def form_data(self, point):
        return {"accident_date": YESTERDAY.isoformat(), "accident_place": "上海市浦东新区", "coverage_id": ""}

    def edit_data(self, obj):
        return {"coverage_id": obj.coverage_id, "accident_date": obj.accident_date.isoformat(),
                "accident_place": "上海市浦东新区华夏东路", "notes": "客户自行报案"}


class ClaimPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.technician = make_user("technician", point=cls.a, role="technician")
        cls.clerk_b = make_user("clerk_b", point=cls.b, role="claims_clerk")

    def login(self, user):
        self.client.force_login(user)

    def test_the_list_filters_and_exports(self):
        reported = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        fresh = start_claim(self.clerk, accident_order(self.a))
        InsuranceClaim.objects.filter(pk=fresh.pk).update(insurer="平安财险")
        other = start_claim(self.clerk_b, accident_order(self.b))
        self.login(self.clerk)

        response = self.client.get("/insurance/")
        self.assertContains(response, reported.get_absolute_url())
        self.assertContains(response, fresh.get_absolute_url())
        self.assertNotContains(response, other.get_absolute_url())
        self.assertContains(response, '<option value="平安财险">', html=False)
        response = self.client.get("/insurance/", {"status": "reported"})
        self.assertContains(response, reported.get_absolute_url())
        self.assertNotContains(response, fresh.get_absolute_url())
        response = self.client.get("/insurance/", {"insurer": "平安财险", "accident_from": "bad", "page": "x"})
        self.assertContains(response, fresh.get_absolute_url())
        self.assertNotContains(response, reported.get_absolute_url())
        response = self.client.get("/insurance/", {"status": "open", "accident_to": "2000-01-01"})
        self.assertContains(response, "Nothing found.")
        response = self.client.get("/insurance/", {"status": "reported", "export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        from io import BytesIO

        from openpyxl import load_workbook
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        self.assertEqual(rows[0][:3], ("work order", "service point", "customer"))
        self.assertEqual([r[0] for r in rows[1:]], [reported.work_order.number])

    def test_technicians_see_no_claims(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.login(self.technician)
        self.assertEqual(self.client.get("/insurance/").status_code, 403)
        self.assertEqual(self.client.get(claim.get_absolute_url()).status_code, 403)

    def test_an_advisor_reads_but_gets_no_buttons(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        self.login(self.advisor)
        response = self.client.get(claim.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "RDAA2026310000001")
        self.assertNotContains(response, 'id="steps"')
        self.assertNotContains(response, "/edit/")
        self.assertNotContains(response, 'enctype="multipart/form-data"')
        self.assertEqual(self.client.get(f"/insurance/{claim.pk}/step/assess/").status_code, 403)
        self.assertEqual(self.client.post(f"/insurance/{claim.pk}/documents/id_card/",
                                          {"id_card-received": "on"}).status_code, 403)
        self.assertFalse(claim.documents.filter(received=True).exists())

    def test_the_detail_shows_steps_with_reasons_checklist_and_timeline(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.ASSESSED)
        self.login(self.clerk)
        response = self.client.get(claim.get_absolute_url())
        self.assertContains(response, 'data-step="documents_complete" disabled', html=False)
        self.assertContains(response, "Documents still missing: Driving licence (驾驶证)")
        self.assertContains(response, f'href="/insurance/{claim.pk}/step/withdraw/"')
        self.assertContains(response, 'id="doc-id_card"')
        self.assertContains(response, 'data-receive="id_card"')  # one click: received today
        self.assertContains(response, '<div class="fs-5" id="insurer-amount">3500.00</div>', html=True)
        self.assertContains(response, '<div class="fs-5" id="customer-balance">1500.00</div>', html=True)
        self.assertContains(response, "Claim started: coverage confirmed")
        self.assertContains(response, "Damage assessed")
        self.assertContains(response, "insurer&#x27;s share: 3500.00")
        self.assertRegex(response.content.decode(), r"reported at: \d{4}-\d\d-\d\d \d\d:\d\d</div>")

    def test_a_step_through_its_form(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.login(self.clerk)
        url = f"/insurance/{claim.pk}/step/report/"
        response = self.client.get(url)
        self.assertContains(response, 'name="report_number"')
        self.assertContains(response, 'value="clerk"')  # reported by: defaults to the user

        response = self.client.post(url, {"report_number": "", "reported_by": "车主本人", "reported_at": "",
                                          "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the insurer&#x27;s report number (报案号).")
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).status, S.COVERAGE_CONFIRMED)

        response = self.client.post(url, {"report_number": "RDAA77", "reported_by": "车主本人",
                                          "reported_at": "2099-01-01T10:00", "note": ""})
        self.assertContains(response, '<div class="invalid-feedback d-block" data-field="reported_at">'
                                      'This time is in the future.</div>', html=True)

        response = self.client.post(url, {"report_number": "RDAA77", "reported_by": "车主本人",
                                          "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "note": "95518"})
        self.assertRedirects(response, claim.get_absolute_url(), fetch_redirect_response=False)
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.report_number, claim.reported_by), (S.REPORTED, "RDAA77", "车主本人"))

    def test_the_assessment_form_errors_sit_beside_the_fields(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        self.login(self.clerk)
        response = self.client.post(f"/insurance/{claim.pk}/step/assess/", {
            "assessed_amount": "1000", "deductible": "2000", "assessor_name": "x", "assessed_on": "", "note": ""})
        self.assertContains(response, '<div class="invalid-feedback d-block" data-field="deductible">'
                                      'The deductible cannot be more than the assessed amount.</div>', html=True)
        response = self.client.post(f"/insurance/{claim.pk}/step/assess/", {"assessed_amount": "abc"})
        self.assertContains(response, 'data-field="assessed_amount"')
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).status, S.REPORTED)

    def test_payment_form_is_capped(self):
        order = accident_order(self.a, amount="5000.00")
        claim = claim_at(self.clerk, order, S.SUBMITTED)
        self.login(self.clerk)
        response = self.client.get(f"/insurance/{claim.pk}/step/pay/")
        self.assertContains(response, 'value="3500.00"')  # the insurer's balance, proposed
        response = self.client.post(f"/insurance/{claim.pk}/step/pay/", {"paid_amount": "9999", "paid_on": ""})
        self.assertContains(response, "The insurer owes 3500.00 on this order")
        self.assertFalse(Payment.objects.exists())
        response = self.client.post(f"/insurance/{claim.pk}/step/pay/", {"paid_amount": "3500.00", "paid_on": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Payment.objects.get().amount, claim.insurer_share)

    def test_a_step_that_is_not_next_goes_back_with_a_message(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.login(self.clerk)
        response = self.client.post(f"/insurance/{claim.pk}/step/pay/", {"paid_amount": "1"}, follow=True)
        self.assertContains(response, "cannot take this step")
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).status, S.COVERAGE_CONFIRMED)

    def test_a_guarded_step_without_data_explains_itself(self):
        order = accident_order(self.a)
        claim = claim_at(self.clerk, order, S.DOCUMENTS_COMPLETE)
        self.login(self.clerk)
        response = self.client.post(f"/insurance/{claim.pk}/step/repaired_settled/", {"note": ""})
        self.assertContains(response, "The work order is not settled yet")
        set_order_status(order, WorkOrderStatus.SETTLED)
        response = self.client.post(f"/insurance/{claim.pk}/step/repaired_settled/", {"note": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).status, S.REPAIRED_SETTLED)

    def test_withdrawing_needs_a_reason(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.login(self.clerk)
        response = self.client.post(f"/insurance/{claim.pk}/step/withdraw/", {"note": ""})
        self.assertContains(response, 'data-field="note"')
        response = self.client.post(f"/insurance/{claim.pk}/step/withdraw/", {"note": "客户决定自费"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).status, S.WITHDRAWN)
        self.assertNotContains(self.client.get(claim.get_absolute_url()), 'id="steps"')
        self.assertEqual(self.client.get(f"/insurance/{claim.pk}/edit/").status_code, 302)

    def test_ticking_and_uploading_documents(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.login(self.clerk)
        url = f"/insurance/{claim.pk}/documents/id_card/"
        response = self.client.post(url, {"id_card-received": "on", "id_card-required": "on",
                                          "id_card-received_on": "2026-01-03", "id_card-note": ""})
        self.assertRedirects(response, f"{claim.get_absolute_url()}#doc-id_card", fetch_redirect_response=False)
        doc = claim.documents.get(code="id_card")
        self.assertEqual((doc.received, doc.received_on), (True, dt.date(2026, 1, 3)))

        response = self.client.post(f"/insurance/{claim.pk}/documents/driving_licence/",
                                    {"driving_licence-required": "on", "driving_licence-file": png_upload("驾驶证.png")})
        self.assertEqual(response.status_code, 302)
        doc = claim.documents.get(code="driving_licence")
        self.assertEqual((doc.received, doc.scan_name), (True, "驾驶证.png"))
        response = self.client.get(f"/insurance/{claim.pk}/documents/driving_licence/scan/")
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/png"))

        response = self.client.post(f"/insurance/{claim.pk}/documents/policy_copy/",
                                    {"policy_copy-required": "on",
                                     "policy_copy-file": SimpleUploadedFile("保单.docx", b"PK\x03\x04")})
        self.assertContains(response, '<div class="invalid-feedback d-block" data-field="policy_copy-file">'
                                      'Upload a PDF, JPEG or PNG file.</div>', html=True)
        self.assertFalse(claim.documents.get(code="policy_copy").received)
        self.assertEqual(self.client.post(f"/insurance/{claim.pk}/documents/passport/", {}).status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_other_points_pages_are_404(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.login(self.clerk_b)
        for url in (claim.get_absolute_url(), f"/insurance/{claim.pk}/edit/", f"/insurance/{claim.pk}/step/report/",
                    f"/insurance/{claim.pk}/documents/id_card/scan/", f"/insurance/{2**70}/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.post(f"/insurance/{claim.pk}/step/report/", {"report_number": "R"})
        self.assertEqual(response.status_code, 404)
        response = self.client.post(f"/insurance/{claim.pk}/documents/id_card/", {"id_card-received": "on"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).events.count(), 1)

    def test_starting_a_claim_from_the_order(self):
        order = accident_order(self.a)
        self.login(self.clerk)
        response = self.client.get(f"/insurance/new/?order={order.pk}")
        self.assertContains(response, order.asset.coverages.get().policy_number)
        response = self.client.post(f"/insurance/new/?order={order.pk}",
                                    {"accident_date": (order.asset.coverages.get().starts_on - dt.timedelta(days=1))
                                     .isoformat(), "coverage_id": ""})
        self.assertContains(response, '<div class="invalid-feedback d-block" data-field="coverage_id">'
                                      'No insurance policy of this vehicle is in force on the accident date.</div>',
                            html=True)
        response = self.client.post(f"/insurance/new/?order={order.pk}", {"accident_date": "2999-01-01"})
        self.assertContains(response, 'data-field="accident_date"')
        self.assertFalse(InsuranceClaim.objects.exists())
        response = self.client.post(f"/insurance/new/?order={order.pk}", {"accident_date": YESTERDAY.isoformat()})
        claim = InsuranceClaim.objects.get()
        self.assertRedirects(response, claim.get_absolute_url(), fetch_redirect_response=False)
        response = self.client.get(f"/insurance/new/?order={order.pk}")
        self.assertRedirects(response, claim.get_absolute_url(), fetch_redirect_response=False)

    def test_a_repair_that_is_not_an_accident_is_refused_at_the_top(self):
        order = accident_order(self.a, service_type=ServiceType.REPAIR)
        self.login(self.clerk)
        response = self.client.post(f"/insurance/new/?order={order.pk}", {"accident_date": YESTERDAY.isoformat()})
        self.assertContains(response, "Only accident repairs are claimed from an insurer.")
        self.assertEqual(self.client.get("/insurance/new/?order=abc").status_code, 404)
        self.assertEqual(self.client.get(f"/insurance/new/?order={accident_order(self.b).pk}").status_code, 404)

    def test_the_edit_form_shows_only_what_may_change_and_reassesses(self):
        order = accident_order(self.a, amount="5000.00")
        claim = claim_at(self.clerk, order, S.ASSESSED)
        self.login(self.clerk)
        response = self.client.get(f"/insurance/{claim.pk}/edit/")
        self.assertNotContains(response, 'name="accident_date"')
        self.assertContains(response, 'name="assessed_amount"')
        form = response.context["form"]
        data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
        data["reported_at"] = form.initial["reported_at"].strftime("%Y-%m-%dT%H:%M")
        response = self.client.post(f"/insurance/{claim.pk}/edit/", {**data, "deductible": "1000.00"})
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        order.refresh_from_db()
        self.assertEqual(str(order.insurer_amount), "3000.00")
        self.assertEqual(claim.events.filter(kind="reassessed").count(), 1)
        response = self.client.post(f"/insurance/{claim.pk}/edit/", {**data, "deductible": "1000.00"}, follow=True)
        self.assertContains(response, "Nothing was changed.")


class OrderPartialTests(TestCase):
    """The block the work order's page includes (``insurance/_order_claim.html`` with ``order``)."""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.technician = make_user("technician", point=cls.a, role="technician")
        cls.clerk_b = make_user("clerk_b", point=cls.org["b"], role="claims_clerk")

    def render(self, order, user):
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string("insurance/_order_claim.html", {"order": order}, request=request)

    def test_an_accident_order_without_a_claim_offers_to_start_one(self):
        order = accident_order(self.a)
        html = self.render(order, self.clerk)
        self.assertIn(f'href="/insurance/new/?order={order.pk}"', html)
        self.assertNotIn("start-claim", self.render(order, self.advisor))
        self.assertIn("No insurance claim.", self.render(order, self.advisor))
        self.assertEqual(self.render(order, self.technician).strip(), "")
        self.assertEqual(self.render(order, self.clerk_b).strip(), "")

    def test_an_order_with_a_claim_shows_its_summary(self):
        order = accident_order(self.a)
        claim = claim_at(self.clerk, order, S.ASSESSED)
        order.refresh_from_db()
        html = self.render(order, self.advisor)
        self.assertIn(claim.get_absolute_url(), html)
        self.assertIn("Damage assessed", html)
        self.assertIn("3500.00", html)
        self.assertNotIn("start-claim", html)

    def test_other_orders_cost_no_query(self):
        order = accident_order(self.a, service_type=ServiceType.REPAIR)
        self.render(order, self.clerk)  # the page has loaded the user's roles already (navigation)
        with self.assertNumQueries(0):
            html = self.render(order, self.clerk)
        self.assertEqual(html.strip(), "")

    def test_a_cancelled_accident_order_offers_nothing(self):
        order = accident_order(self.a, status=WorkOrderStatus.CANCELLED)
        self.assertNotIn("start-claim", self.render(order, self.clerk))

    def test_document_codes_are_all_listed_on_the_claim(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.client.force_login(self.clerk)
        response = self.client.get(claim.get_absolute_url())
        for code in DocumentCode.values:
            self.assertContains(response, f'id="doc-{code}"')
