"""API: generated list/detail permission tests, explicit multipart upload and commit tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from aftersales.core.models import AuditLog
from aftersales.core.testing import StandardAPITests, bearer, make_org, make_user
from aftersales.imports.models import ImportJob
from aftersales.imports.parsing import open_table

from .helpers import CUSTOMER_HEADER, make_job, upload


class ImportJobAPITests(StandardAPITests):
    model = ImportJob
    api_url = "/api/v1/imports"
    actions = {"list", "detail"}

    @classmethod
    def make_object(cls, point):
        return make_job(point, cls.permitted)


class ImportUploadAPITests(TestCase):
    url = "/api/v1/imports"

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")
        cls.viewer = make_user("viewer", point=cls.org["a"], perms=["imports.view_importjob"])
        cls.nobody = make_user("nobody", point=cls.org["a"], perms=[])

    def post(self, user, data):
        headers = bearer(user) if user else {}
        return self.client.post(self.url, data, **headers)

    def payload(self, point=None, file=None, kind="customers"):
        return {"kind": kind, "service_point_id": (point or self.org["a"]).pk,
                "file": file or upload([CUSTOMER_HEADER, ["张三", "13812345678", "", "", "", ""]])}

    def assert_nothing_written(self):
        self.assertEqual(ImportJob.objects.count(), 0)
        self.assertFalse(AuditLog.objects.filter(content_type__app_label="imports").exists())

    def test_anonymous_is_401(self):
        self.assertEqual(self.post(None, self.payload()).status_code, 401)
        self.assert_nothing_written()

    def test_without_permission_is_403(self):
        response = self.post(self.nobody, self.payload())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "permission_denied")
        self.assert_nothing_written()

    def test_view_permission_alone_cannot_upload(self):
        self.assertEqual(self.post(self.viewer, self.payload()).status_code, 403)
        self.assert_nothing_written()

    def test_other_point_is_422_naming_the_point(self):
        response = self.post(self.advisor, self.payload(point=self.org["b"]))
        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(list(response.json()["fields"]), ["service_point_id"])
        self.assert_nothing_written()

    def test_wrong_kind_is_422_naming_kind(self):
        response = self.post(self.advisor, self.payload(kind="parts"))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"kind": ["Choose customers or assets."]})
        self.assert_nothing_written()

    def test_missing_file_is_422_naming_file(self):
        data = self.payload()
        del data["file"]
        response = self.post(self.advisor, data)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"file": ["Choose a file."]})
        self.assert_nothing_written()

    def test_bad_files_are_422_naming_file(self):
        cases = [
            (SimpleUploadedFile("scan.pdf", b"%PDF-1.4"), "Upload an Excel (.xlsx) or CSV (.csv) file."),
            (SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0"), "Old .xls files are not supported; save the "
                                                                 "sheet as .xlsx or .csv."),
            (SimpleUploadedFile("fake.xlsx", b"name,phone\n"), "This is not a valid .xlsx file."),
            (SimpleUploadedFile("empty.csv", b""), "The file is empty."),
            (SimpleUploadedFile("blank.csv", b"\n\n,,\n"), "The file has no header row."),
            (upload([["姓名"]], "only-header.csv"), "The file has a header row but no data rows."),
            (upload([["手机"], ["13812345678"]], "no-name.csv"), "Required columns are missing: 姓名 / name *."),
        ]
        for file, reason in cases:
            with self.subTest(file=file.name):
                response = self.post(self.advisor, self.payload(file=file))
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response.json()["fields"], {"file": [reason]})
        self.assert_nothing_written()

    def test_file_over_20_mb_is_422(self):
        big = SimpleUploadedFile("big.csv", b"a" * (20 * 1024 * 1024 + 1))
        response = self.post(self.advisor, self.payload(file=big))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["fields"], {"file": ["The file is larger than 20 MB; split it into "
                                                              "several files."]})
        self.assert_nothing_written()

    @override_settings(IMPORT_MAX_ROWS=2)
    def test_too_many_rows_is_422(self):
        for name in ("many.csv", "many.xlsx"):
            with self.subTest(name=name):
                file = upload([["姓名"], ["a"], ["b"], ["c"]], name)
                response = self.post(self.advisor, self.payload(file=file))
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["fields"]["file"],
                                 ["The file has more than 2 rows; split it into several files."])
        self.assert_nothing_written()

    def test_upload_creates_a_job_with_audit_and_queues_the_check(self):
        with self.captureOnCommitCallbacks() as callbacks:
            response = self.post(self.advisor, self.payload(file=upload(
                [[*CUSTOMER_HEADER, "爱好"], ["张三", "13812345678", "", "", "", "", "钓鱼"]], "c.csv")))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        job = ImportJob.objects.get(pk=body["id"])
        self.assertEqual((body["status"], body["kind"], body["file_name"], body["file_format"]),
                         ("uploaded", "customers", "c.csv", "csv"))
        self.assertEqual(body["unknown_headers"], ["爱好"])
        self.assertEqual(body["total_rows"], 1)
        self.assertEqual((job.created_by, job.service_point), (self.advisor, self.org["a"]))
        self.assertEqual(len(callbacks), 1)  # the dry run, queued after the commit
        self.assertEqual(AuditLog.objects.filter(object_id=str(job.pk), action="create",
                                                 content_type__app_label="imports").count(), 1)
        stored = job.file.open("rb").read()
        self.assertEqual(set(open_table(stored, "csv", "customers").headers),
                         {"name", "phone", "id_number", "birthday", "segment", "street"})

    def test_template_download(self):
        for kind in ("customers", "assets"):
            response = self.client.get(f"/api/v1/imports/templates/{kind}", **bearer(self.viewer))
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response["Content-Type"].startswith("application/vnd.openxmlformats"))
            table = open_table(response.content, "xlsx", kind)
            self.assertEqual(table.unknown_headers, [])
        self.assertEqual(self.client.get("/api/v1/imports/templates/parts", **bearer(self.viewer)).status_code, 422)
        self.assertEqual(self.client.get("/api/v1/imports/templates/customers",
                                         **bearer(self.nobody)).status_code, 403)
        self.assertEqual(self.client.get("/api/v1/imports/templates/customers").status_code, 401)


class CommitEndpointTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")
        cls.viewer = make_user("viewer", point=cls.org["a"], perms=["imports.view_importjob"])
        cls.job_b = make_job(cls.org["b"], cls.advisor)

    def test_commit_anonymous_401_viewer_403_other_point_404(self):
        job = make_job(self.org["a"], self.advisor)
        url = f"/api/v1/imports/{job.pk}/commit"
        self.assertEqual(self.client.post(url).status_code, 401)
        self.assertEqual(self.client.post(url, **bearer(self.viewer)).status_code, 403)
        self.assertEqual(self.client.post(f"/api/v1/imports/{self.job_b.pk}/commit",
                                          **bearer(self.advisor)).status_code, 404)
        job.refresh_from_db()
        self.assertIsNone(job.commit_requested_at)

    def test_commit_of_a_job_with_errors_is_422(self):
        job = make_job(self.org["a"], self.advisor, error_count=2, valid_rows=0,
                       errors=[{"row": 2, "field": "name", "column": "姓名", "reason": "x"}])
        response = self.client.post(f"/api/v1/imports/{job.pk}/commit", **bearer(self.advisor))
        self.assertEqual(response.status_code, 422)
        self.assertIn("errors", response.json()["fields"])

    def test_commit_of_a_job_still_checking_is_409(self):
        job = make_job(self.org["a"], self.advisor, status="validating")
        response = self.client.post(f"/api/v1/imports/{job.pk}/commit", **bearer(self.advisor))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["fields"], {"status": ["validating"]})

    def test_commit_request_queues_once(self):
        job = make_job(self.org["a"], self.advisor)
        with self.captureOnCommitCallbacks() as callbacks:
            response = self.client.post(f"/api/v1/imports/{job.pk}/commit", **bearer(self.advisor))
        self.assertEqual(response.status_code, 202, response.content)
        self.assertIsNotNone(response.json()["commit_requested_at"])
        self.assertEqual(len(callbacks), 1)
        again = self.client.post(f"/api/v1/imports/{job.pk}/commit", **bearer(self.advisor))
        self.assertEqual(again.status_code, 409)


class ListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")

    def count_queries(self, auth):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/api/v1/imports", **auth)
        self.assertEqual(response.status_code, 200)
        return len(queries), len(response.json()["items"])

    def test_list_query_count_does_not_grow_with_rows(self):
        auth = bearer(self.advisor)
        make_job(self.org["a"], self.advisor)
        self.count_queries(auth)  # warm caches (content types, token use stamp)
        few, n_few = self.count_queries(auth)
        for status in ("uploaded", "validating", "done", "failed"):
            make_job(self.org["a"], self.advisor, status=status)
        many, n_many = self.count_queries(auth)
        self.assertEqual((n_few, n_many), (1, 5))
        self.assertEqual(few, many)


class TaskTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")

    def test_commit_task_that_cannot_start_lets_the_user_try_again(self):
        from django.utils import timezone

        from aftersales.imports.tasks import commit_import_job

        job = make_job(self.org["a"], self.advisor, error_count=1, valid_rows=0, commit_requested_at=timezone.now())
        self.assertEqual(commit_import_job.delay(job.pk, self.advisor.pk).get(), "skipped")
        job.refresh_from_db()
        self.assertIsNone(job.commit_requested_at)
        self.assertEqual(job.message, "Correct the file and upload it again: the check found errors.")

    def test_validate_task_of_a_job_already_checked_is_skipped(self):
        from aftersales.imports.tasks import validate_import_job

        job = make_job(self.org["a"], self.advisor)
        self.assertEqual(validate_import_job.delay(job.pk).get(), "skipped")
        job.refresh_from_db()
        self.assertEqual(job.status, "validated")
