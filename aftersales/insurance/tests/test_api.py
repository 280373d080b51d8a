"""The insurance claims API: generated permission tests, steps, documents, scans, timeline, lists."""

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from aftersales.core.models import AccessLog
from aftersales.core.testing import StandardAPITests, bearer, make_org, make_user
from aftersales.workshop.choices import WorkOrderStatus
from aftersales.workshop.models import Payment, WorkOrder

from ..choices import DOCUMENT_RULES, ClaimStatus, DocumentCode
from ..models import InsuranceClaim, InsuranceClaimDocument
from .helpers import accident_order, claim_at, pdf_upload, png_upload, set_order_status, start_claim

URL = "/api/v1/insurance-claims"
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
S = ClaimStatus


def make_claim(point, **fields) -> InsuranceClaim:
    order = accident_order(point)
    policy = order.asset.coverages.get(kind="insurance")
    claim = InsuranceClaim.objects.create(work_order=order, coverage=policy, insurer=policy.provider,
                                          policy_number=policy.policy_number, accident_date=YESTERDAY, **fields)
    InsuranceClaimDocument.objects.bulk_create([
        InsuranceClaimDocument(claim=claim, code=code, required=DOCUMENT_RULES[code][0]) for code in DocumentCode.values])
    return claim


class InsuranceClaimAPITests(StandardAPITests):
    model = InsuranceClaim
    api_url = URL
    actions = {"list", "detail", "create", "update"}

    @classmethod
    def make_object(cls, point):
        return make_claim(point)

    def create_payload(self, point):
        return {"work_order_id": accident_order(point).pk, "accident_date": YESTERDAY.isoformat(),
                "accident_place": "上海市浦东新区川沙路", "accident_description": "倒车时撞上立柱"}

    def update_payload(self):
        return {"accident_place": "上海市浦东新区华夏东路", "notes": "客户要求原厂件"}

    def bad_payload(self):
        return {"work_order_id": accident_order(self.point_a).pk, "accident_date": "2999-01-01"}, "accident_date"


class ClaimAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a, cls.b = cls.org["a"], cls.org["b"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.manager = make_user("manager", point=cls.a, role="point_manager")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")
        cls.technician = make_user("technician", point=cls.a, role="technician")
        cls.cashier = make_user("cashier", point=cls.a, role="cashier")
        cls.clerk_b = make_user("clerk_b", point=cls.b, role="claims_clerk")
        cls.hq = make_user("hq", point=cls.org["hq"], role="hq_manager")

    def call(self, method, url, user=None, data=None):
        headers = bearer(user) if user else {}
        body = json.dumps(data, default=str) if data is not None else None
        return getattr(self.client, method)(url, data=body, content_type="application/json", **headers)

    def upload(self, claim, code, user=None, **data):
        headers = bearer(user) if user else {}
        return self.client.post(f"{URL}/{claim.pk}/documents/{code}", data=data, **headers)

    def claim_state(self, claim):
        claim = InsuranceClaim.objects.get(pk=claim.pk)
        return claim.status, claim.events.count(), claim.report_number, claim.assessed_amount, claim.paid_amount

    # roles
    def test_who_sees_and_who_works_claims(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        for user in (self.clerk, self.manager, self.advisor, self.hq):
            self.assertEqual(self.call("get", f"{URL}/{claim.pk}", user).status_code, 200, user)
        for user in (self.technician, self.cashier):
            self.assertEqual(self.call("get", URL, user).status_code, 403, user)
            self.assertEqual(self.call("get", f"{URL}/{claim.pk}", user).status_code, 403, user)
        self.assertEqual(self.call("get", f"{URL}/{claim.pk}", self.clerk_b).status_code, 404)
        order = accident_order(self.a)
        response = self.call("post", URL, self.advisor, {"work_order_id": order.pk, "accident_date": str(YESTERDAY)})
        self.assertEqual(response.status_code, 403)
        response = self.call("post", URL, self.manager, {"work_order_id": order.pk, "accident_date": str(YESTERDAY)})
        self.assertEqual(response.status_code, 201, response.content)

    # transitions
    def test_a_step_over_the_api_returns_the_claim_with_its_next_steps(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        response = self.call("post", f"{URL}/{claim.pk}/transition", self.clerk,
                             {"to": "reported", "report_number": "RDAA2026", "note": "电话报案"})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["report_number"]), ("reported", "RDAA2026"))
        self.assertEqual([s["name"] for s in body["steps"]], ["assess", "reject", "withdraw"])
        assess = body["steps"][0]
        self.assertEqual((assess["allowed"], assess["reasons"]), (True, ["Enter the assessed amount (定损金额)."]))
        self.assertEqual(assess["fields"], ["assessor_name", "assessed_on", "assessed_amount", "deductible",
                                            "assessment_notes"])

    def test_skipping_over_the_api_is_409_and_changes_nothing(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        before = self.claim_state(claim)
        response = self.call("post", f"{URL}/{claim.pk}/transition", self.clerk, {"to": "paid", "paid_amount": "10"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "invalid_transition")
        response = self.call("post", f"{URL}/{claim.pk}/transition", self.clerk, {"to": "reported"})
        self.assertEqual((response.status_code, response.json()["code"]), (409, "guard_failed"))
        self.assertEqual(self.claim_state(claim), before)

    def test_transition_denials_change_nothing(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        url = f"{URL}/{claim.pk}/transition"
        before = self.claim_state(claim)
        payload = {"to": "reported", "report_number": "R1"}
        self.assertEqual(self.call("post", url, None, payload).status_code, 401)
        self.assertEqual(self.call("post", url, self.advisor, payload).status_code, 403)
        self.assertEqual(self.call("post", url, self.technician, payload).status_code, 403)
        self.assertEqual(self.call("post", url, self.clerk_b, payload).status_code, 404)
        self.assertEqual(self.call("post", f"{URL}/{2**70}/transition", self.clerk, payload).status_code, 404)
        self.assertEqual(self.claim_state(claim), before)

    def test_bad_transition_input_is_422(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        url = f"{URL}/{claim.pk}/transition"
        before = self.claim_state(claim)
        cases = [
            ({}, "to"),
            ({"to": "assessed", "assessed_amount": "abc"}, "assessed_amount"),
            ({"to": "assessed", "assessed_amount": "-5"}, "assessed_amount"),
            ({"to": "assessed", "assessed_amount": "1.234"}, "assessed_amount"),
            ({"to": "assessed", "assessed_amount": "100", "assessed_on": "2026-13-01"}, "assessed_on"),
            ({"to": "assessed", "assessed_amount": "100", "assessor_name": "王\x00"}, "assessor_name"),
            ({"to": "assessed", "assessed_amount": 1e20}, "assessed_amount"),
            ({"to": "assessed", "assessed_amount": True}, "assessed_amount"),
            ({"to": "assessed", "note": 5}, "note"),
        ]
        for payload, field in cases:
            with self.subTest(payload=payload):
                response = self.call("post", url, self.clerk, payload)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["fields"])
        self.assertEqual(self.claim_state(claim), before)

    def test_the_whole_claim_over_the_api(self):
        order = accident_order(self.a, amount="8000.00")
        response = self.call("post", URL, self.clerk, {"work_order_id": order.pk, "accident_date": str(YESTERDAY)})
        self.assertEqual(response.status_code, 201, response.content)
        pk = response.json()["id"]
        url = f"{URL}/{pk}/transition"

        def step(payload, expect=200):
            response = self.call("post", url, self.clerk, payload)
            self.assertEqual(response.status_code, expect, response.content)
            return response.json()

        step({"to": "reported", "report_number": "RDAA2026310000009"})
        body = step({"to": "assessed", "assessed_amount": "7000.00", "deductible": "700.00", "assessor_name": "定损员"})
        self.assertEqual((body["insurer_share"], body["order_insurer_amount"], body["order_balance"]),
                         ("6300.00", "6300.00", "1700.00"))
        for doc in body["documents"]:
            if doc["required"] and doc["stage"] == "documents":
                self.assertEqual(self.upload(InsuranceClaim(pk=pk), doc["code"], self.clerk, received="true")
                                 .status_code, 200)
        step({"to": "documents_complete"})
        step({"to": "repaired_settled"}, expect=409)
        set_order_status(order, WorkOrderStatus.SETTLED)
        step({"to": "repaired_settled"})
        self.assertEqual(self.upload(InsuranceClaim(pk=pk), "repair_invoice", self.clerk, file=pdf_upload("发票.pdf"))
                         .status_code, 200)
        step({"to": "submitted", "claim_number": "CLM-88"})
        body = step({"to": "paid", "paid_amount": "6300.01"}, expect=422)
        self.assertIn("paid_amount", body["fields"])
        body = step({"to": "paid", "paid_amount": "6300.00", "note": "到账"})
        self.assertEqual((body["status"], body["paid_amount"], body["order_insurer_balance"], body["order_balance"]),
                         ("paid", "6300.00", "0.00", "1700.00"))
        self.assertEqual(body["steps"], [])
        self.assertEqual(Payment.objects.get(work_order=order).reference, "CLM-88")
        events = self.call("get", f"{URL}/{pk}/events", self.clerk).json()
        self.assertEqual([e["kind"] for e in events if e["kind"] != "document"],
                         ["created", "report", "assess", "documents_complete", "repaired_settled", "submit", "pay"])
        self.assertEqual(events[-1]["note"], "到账")
        self.assertEqual(events[-1]["actor_name"], "clerk")

    # patch
    def test_patch_changes_details_not_the_state(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        response = self.call("patch", f"{URL}/{claim.pk}", self.clerk, {"status": "paid", "notes": "x"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["status"], response.json()["notes"]), ("coverage_confirmed", "x"))

    def test_patch_of_a_locked_field_is_409_and_of_a_bad_value_422(self):
        claim = claim_at(self.clerk, accident_order(self.a), S.ASSESSED)
        response = self.call("patch", f"{URL}/{claim.pk}", self.clerk, {"accident_date": str(YESTERDAY)})
        self.assertEqual((response.status_code, response.json()["code"]), (409, "locked"))
        response = self.call("patch", f"{URL}/{claim.pk}", self.clerk, {"deductible": "99999"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("deductible", response.json()["fields"])
        response = self.call("patch", f"{URL}/{claim.pk}", self.advisor, {"notes": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(InsuranceClaim.objects.get(pk=claim.pk).notes, "")

    def test_the_assessment_patched_applies_the_share_again(self):
        order = accident_order(self.a, amount="5000.00")
        claim = claim_at(self.clerk, order, S.ASSESSED)
        response = self.call("patch", f"{URL}/{claim.pk}", self.clerk, {"assessed_amount": "3000.00"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual((response.json()["order_insurer_amount"], response.json()["order_balance"]),
                         ("2500.00", "2500.00"))

    # documents
    def test_documents_over_the_api(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        response = self.upload(claim, "id_card", self.clerk, received="true", received_on="2026-01-02", note="原件已核")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual({k: response.json()[k] for k in ("code", "received", "received_on", "note", "has_scan")},
                         {"code": "id_card", "received": True, "received_on": "2026-01-02", "note": "原件已核",
                          "has_scan": False})
        response = self.upload(claim, "driving_licence", self.clerk, file=png_upload("驾驶证.png"))
        self.assertEqual((response.status_code, response.json()["has_scan"], response.json()["scan_name"]),
                         (200, True, "驾驶证.png"))

    def test_document_refusals(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.assertEqual(self.upload(claim, "id_card", None, received="true").status_code, 401)
        self.assertEqual(self.upload(claim, "id_card", self.advisor, received="true").status_code, 403)
        self.assertEqual(self.upload(claim, "id_card", self.clerk_b, received="true").status_code, 404)
        self.assertEqual(self.upload(claim, "passport", self.clerk, received="true").status_code, 404)
        response = self.upload(claim, "id_card", self.clerk, file=SimpleUploadedFile("id.gif", b"GIF89a"))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"file": ["Upload a PDF, JPEG or PNG file."]})
        response = self.upload(claim, "id_card", self.clerk, received="maybe")
        self.assertEqual(response.status_code, 422)
        self.assertIn("received", response.json()["fields"])
        response = self.upload(claim, "id_card", self.clerk, received_on="yesterday")
        self.assertEqual(response.status_code, 422)
        self.assertFalse(claim.documents.filter(received=True).exists())

    def test_a_scan_is_shown_to_those_who_see_personal_data_and_logged(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.upload(claim, "id_card", self.clerk, file=png_upload())
        url = f"{URL}/{claim.pk}/documents/id_card/scan"

        response = self.call("get", url, self.advisor)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(b"".join(response.streaming_content).startswith(b"\x89PNG"))
        log = AccessLog.objects.get(object_id=str(claim.documents.get(code="id_card").pk))
        self.assertEqual((log.user, log.channel, log.unmasked), (self.advisor, "api", True))
        masked = make_user("masked", point=self.a, perms=["insurance.view_*"], pii=False)
        self.assertEqual(self.call("get", url, masked).status_code, 403)
        self.assertEqual(self.call("get", url, self.clerk_b).status_code, 404)
        self.assertEqual(self.call("get", url, self.technician).status_code, 403)
        self.assertEqual(self.call("get", f"{URL}/{claim.pk}/documents/vehicle_licence/scan", self.clerk).status_code,
                         404)
        self.assertEqual(AccessLog.objects.count(), 1)

    # events and lists
    def test_events_of_another_point_are_404(self):
        claim = start_claim(self.clerk, accident_order(self.a))
        self.assertEqual(self.call("get", f"{URL}/{claim.pk}/events", self.clerk_b).status_code, 404)
        self.assertEqual(self.call("get", f"{URL}/{claim.pk}/events", self.advisor).json()[0]["kind"], "created")

    def test_list_filters(self):
        reported = claim_at(self.clerk, accident_order(self.a), S.REPORTED)
        fresh = start_claim(self.clerk, accident_order(self.a))
        withdrawn = claim_at(self.clerk, accident_order(self.a), S.WITHDRAWN)
        InsuranceClaim.objects.filter(pk=fresh.pk).update(insurer="平安财险", accident_date=dt.date(2026, 1, 10))

        def ids(**params):
            response = self.client.get(URL, params, **bearer(self.clerk))
            self.assertEqual(response.status_code, 200, response.content)
            return [item["id"] for item in response.json()["items"]]

        self.assertEqual(ids(), [withdrawn.pk, fresh.pk, reported.pk])
        self.assertEqual(ids(status="reported"), [reported.pk])
        self.assertEqual(ids(insurer="平安财险"), [fresh.pk])
        self.assertEqual(ids(accident_to="2026-01-31"), [fresh.pk])
        self.assertEqual(ids(accident_from="2026-02-01"), [withdrawn.pk, reported.pk])
        self.assertEqual(ids(open="true"), [fresh.pk, reported.pk])
        self.assertEqual(ids(work_order_id=fresh.work_order_id), [fresh.pk])
        self.assertEqual(ids(work_order_id=2**70), [])
        self.assertEqual(ids(limit=2), [withdrawn.pk, fresh.pk])
        response = self.client.get(URL, {"limit": 2}, **bearer(self.clerk))
        response = self.client.get(URL, {"limit": 2, "cursor": response.json()["next_cursor"]}, **bearer(self.clerk))
        self.assertEqual([i["id"] for i in response.json()["items"]], [reported.pk])
        self.assertEqual(self.client.get(URL, {"cursor": "!!"}, **bearer(self.clerk)).status_code, 422)
        self.assertEqual(self.client.get(URL, {"accident_from": "2026-02-30"}, **bearer(self.clerk)).status_code, 422)

    def test_the_list_costs_the_same_queries_for_more_claims(self):
        for _n in range(3):
            start_claim(self.clerk, accident_order(self.a))
        headers = bearer(self.clerk)
        self.client.get(URL, **headers)  # the token's first use is stamped once
        # token, memberships, permissions, content types, point tree, the page
        with self.assertNumQueries(6):
            self.assertEqual(len(self.client.get(URL, **headers).json()["items"]), 3)
        for _n in range(4):
            start_claim(self.clerk, accident_order(self.a))
        with self.assertNumQueries(6):
            self.assertEqual(len(self.client.get(URL, **headers).json()["items"]), 7)

    def test_detail_of_a_huge_id_is_404(self):
        self.assertEqual(self.call("get", f"{URL}/{2**70}", self.clerk).status_code, 404)
        self.assertEqual(self.call("get", f"{URL}/0", self.clerk).status_code, 404)
        self.assertEqual(self.call("get", f"{URL}/abc", self.clerk).status_code, 422)

    def test_create_refusals_name_the_field(self):
        order = accident_order(self.a)
        cases = [
            ({"work_order_id": 2**70, "accident_date": str(YESTERDAY)}, "work_order_id", 422),
            ({"work_order_id": order.pk, "accident_date": "not a date"}, "accident_date", 422),
            ({"work_order_id": order.pk, "accident_date": str(YESTERDAY), "coverage_id": 2**70}, "coverage_id", 422),
            ({"work_order_id": order.pk, "accident_date": str(YESTERDAY), "accident_place": "a\x00"},
             "accident_place", 422),
            ({"work_order_id": "x", "accident_date": str(YESTERDAY)}, "work_order_id", 422),
        ]
        for payload, field, status in cases:
            with self.subTest(payload=payload):
                response = self.call("post", URL, self.clerk, payload)
                self.assertEqual(response.status_code, status, response.content)
                self.assertIn(field, response.json()["fields"])
        self.assertFalse(InsuranceClaim.objects.exists())
        self.assertEqual(WorkOrder.objects.get(pk=order.pk).events.count(), 0)
