"""The documents checklist: received with a date, waived, scans checked for size and type."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from aftersales.core.errors import ApplicationError
from aftersales.core.models import AuditLog
from aftersales.core.testing import make_org, make_user

from ..choices import ClaimStatus, DocumentCode
from ..models import InsuranceClaimDocument
from ..services import insurance_claim_document_update
from ..services.documents import MAX_SCAN_BYTES
from .helpers import accident_order, claim_at, pdf_upload, png_bytes, png_upload, start_claim

TODAY = timezone.localdate()


class DocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.a = cls.org["a"]
        cls.clerk = make_user("clerk", point=cls.a, role="claims_clerk")
        cls.advisor = make_user("advisor", point=cls.a, role="service_advisor")

    def setUp(self):
        self.claim = start_claim(self.clerk, accident_order(self.a))

    def update(self, code=DocumentCode.ID_CARD, user=None, file=None, **data):
        return insurance_claim_document_update(user=user or self.clerk, pk=self.claim.pk, code=code, data=data,
                                               uploaded_file=file)

    def doc(self, code=DocumentCode.ID_CARD) -> InsuranceClaimDocument:
        return InsuranceClaimDocument.objects.get(claim=self.claim, code=code)

    def assertRefused(self, field, reason=None, status=422, **kwargs):
        before = {f.attname: f.value_from_object(self.doc(kwargs.get("code", DocumentCode.ID_CARD)))
                  for f in InsuranceClaimDocument._meta.concrete_fields}
        events = self.claim.events.count()
        with self.assertRaises(ApplicationError) as ctx:
            self.update(**kwargs)
        self.assertEqual(ctx.exception.status, status)
        if field:
            self.assertIn(field, ctx.exception.fields)
        if reason:
            self.assertEqual(ctx.exception.fields[field], [reason])
        after = {f.attname: f.value_from_object(self.doc(kwargs.get("code", DocumentCode.ID_CARD)))
                 for f in InsuranceClaimDocument._meta.concrete_fields}
        self.assertEqual(after, before)
        self.assertEqual(self.claim.events.count(), events)

    def test_ticking_a_document_received_dates_it_today(self):
        doc = self.update(received=True)
        self.assertEqual((doc.received, doc.received_on, doc.updated_by), (True, TODAY, self.clerk))
        event = self.claim.events.get(kind="document")
        self.assertEqual((event.data["code"], event.data["received"]), ("id_card", True))
        self.assertEqual(AuditLog.objects.filter(content_type__model="insuranceclaimdocument", action="update").count(), 1)

    def test_a_date_can_be_given_but_not_in_the_future(self):
        self.assertEqual(self.update(received="yes", received_on="2026-01-05").received_on, dt.date(2026, 1, 5))
        self.assertRefused("received_on", "This date is in the future.", received=True,
                           received_on=TODAY + dt.timedelta(days=1))

    def test_unticking_clears_the_date(self):
        self.update(received=True)
        doc = self.update(received=False)
        self.assertEqual((doc.received, doc.received_on), (False, None))

    def test_a_scan_marks_the_document_received(self):
        doc = self.update(file=png_upload("身份证.png"))
        self.assertEqual((doc.received, doc.received_on, doc.scan_name, doc.scan_type), (True, TODAY, "身份证.png",
                                                                                          "image/png"))
        self.assertEqual(doc.scan_size, len(png_bytes()))
        self.assertTrue(doc.scan.name.startswith(f"insurance/claims/{self.claim.pk}/id_card-"))
        self.assertTrue(doc.scan.name.endswith(".png"))
        doc = self.update(code=DocumentCode.POLICY_COPY, file=pdf_upload())
        self.assertEqual(doc.scan_type, "application/pdf")

    def test_a_new_scan_replaces_the_old_one(self):
        first = self.update(file=png_upload()).scan.name
        with self.captureOnCommitCallbacks(execute=True):
            second = self.update(file=pdf_upload("id.pdf")).scan.name
        self.assertNotEqual(first, second)
        storage = self.doc().scan.storage
        self.assertFalse(storage.exists(first))
        self.assertTrue(storage.exists(second))

    def test_scans_are_checked(self):
        cases = [
            (SimpleUploadedFile("id.txt", b"hello"), "Upload a PDF, JPEG or PNG file."),
            (SimpleUploadedFile("id.exe", b"MZ\x90\x00"), "Upload a PDF, JPEG or PNG file."),
            (SimpleUploadedFile("id.png", b""), "The file is empty."),
            (SimpleUploadedFile("id.pdf", png_bytes()), "The file's name does not match its content (PNG)."),
            (SimpleUploadedFile("id.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "This image is damaged or incomplete."),
            (SimpleUploadedFile("id.pdf", b"%PDF-1.4 no end"), "This PDF is damaged or incomplete."),
            (SimpleUploadedFile("id.pdf", b"%PDF-1.4" + b" " * MAX_SCAN_BYTES), "The file is larger than 10 MB."),
        ]
        for upload, reason in cases:
            with self.subTest(reason=reason, name=upload.name):
                self.assertRefused("file", reason, file=upload)

    def test_a_file_that_says_it_is_small_but_is_not(self):
        upload = SimpleUploadedFile("id.pdf", b"%PDF-1.4" + b" " * MAX_SCAN_BYTES + b"%%EOF")
        upload.size = 10  # what the client declared
        self.assertRefused("file", "The file is larger than 10 MB.", file=upload)

    def test_a_scan_cannot_come_with_not_received(self):
        self.assertRefused("received", "A scan is uploaded: the document is received.", received=False,
                           file=png_upload())

    def test_the_note_is_checked(self):
        self.assertRefused("note", "Contains a NUL character.", note="a\x00b")
        self.assertRefused("note", "Use at most 255 characters.", note="x" * 256)
        self.assertEqual(self.update(note="复印件，原件已核对").note, "复印件，原件已核对")

    def test_unknown_documents_and_other_users(self):
        with self.assertRaises(ApplicationError) as ctx:
            self.update(code="passport", received=True)
        self.assertEqual(ctx.exception.status, 404)
        with self.assertRaises(ApplicationError) as ctx:
            self.update(user=self.advisor, received=True)
        self.assertEqual(ctx.exception.status, 404)
        self.assertFalse(self.doc().received)

    def test_documents_declared_complete_cannot_be_taken_back(self):
        claim = claim_at(self.clerk, accident_order(self.a), ClaimStatus.DOCUMENTS_COMPLETE)
        for data in ({"received": False}, {"required": False}):
            with self.assertRaises(ApplicationError) as ctx:
                insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.ID_CARD, data=data)
            self.assertEqual((ctx.exception.status, ctx.exception.code), (409, "documents_complete"))
        doc = claim.documents.get(code=DocumentCode.ID_CARD)
        self.assertEqual((doc.received, doc.required), (True, True))
        # a scan can still be added, and the invoice (needed at submission) still ticked
        self.assertTrue(insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.ID_CARD,
                                                        data={}, uploaded_file=png_upload()).scan)
        self.assertTrue(insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.REPAIR_INVOICE,
                                                        data={"received": True}).received)

    def test_a_closed_claims_documents_do_not_change(self):
        claim = claim_at(self.clerk, accident_order(self.a), ClaimStatus.WITHDRAWN)
        with self.assertRaises(ApplicationError) as ctx:
            insurance_claim_document_update(user=self.clerk, pk=claim.pk, code=DocumentCode.ID_CARD,
                                            data={"received": True})
        self.assertEqual((ctx.exception.status, ctx.exception.code), (409, "closed"))
