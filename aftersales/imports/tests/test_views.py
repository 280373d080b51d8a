"""UI: generated list/detail/create permission tests, the polling fragment, commit button, templates."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from aftersales.core.testing import StandardViewTests, make_org, make_user
from aftersales.imports.models import ImportJob

from .helpers import CUSTOMER_HEADER, make_job, upload


class ImportJobViewTests(StandardViewTests):
    model = ImportJob
    list_url = "/imports/"
    create_url = "/imports/new/"
    # Uploading customers also needs the right to add customers at the point.
    permission_patterns = ["imports.*", "customers.add_customer", "customers.view_customer"]

    @classmethod
    def make_object(cls, point):
        return make_job(point, cls.permitted)

    def form_data(self, point):
        return {"kind": "customers", "service_point_id": point.pk,
                "file": upload([CUSTOMER_HEADER, ["张三", "13812345678", "", "", "", ""]], "c.xlsx")}


class ImportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")
        cls.viewer = make_user("viewer", point=cls.org["a"], perms=["imports.view_importjob"])

    def test_upload_form_errors_beside_the_field_and_nothing_written(self):
        self.client.force_login(self.advisor)
        response = self.client.post("/imports/new/", {"kind": "customers", "service_point_id": self.org["a"].pk,
                                                      "file": SimpleUploadedFile("x.pdf", b"%PDF")})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["file"], ["Upload an Excel (.xlsx) or CSV (.csv) file."])
        self.assertEqual(ImportJob.objects.count(), 0)

    def test_upload_refused_without_the_right_to_add_what_the_file_holds(self):
        importer = make_user("importer", point=self.org["a"], perms=["imports.*"])
        self.client.force_login(importer)
        response = self.client.post("/imports/new/", {"kind": "assets", "service_point_id": self.org["a"].pk,
                                                      "file": upload([["品牌"], ["大众"]], "a.csv")})
        self.assertEqual(response.context["form"].errors["service_point_id"],
                         ["You may not add these records at this service point."])
        self.assertEqual(ImportJob.objects.count(), 0)

    def test_upload_form_offers_only_points_where_the_user_may_import(self):
        self.client.force_login(self.advisor)
        response = self.client.get("/imports/new/")
        choices = [value for value, _label in response.context["form"].fields["service_point_id"].choices]
        self.assertEqual(choices, [self.org["a"].pk])

    def test_running_job_polls_and_finished_job_does_not(self):
        self.client.force_login(self.viewer)
        running = make_job(self.org["a"], self.advisor, status="validating")
        page = self.client.get(f"/imports/{running.pk}/")
        self.assertContains(page, f'hx-get="/imports/{running.pk}/status/"')
        self.assertContains(page, 'hx-trigger="every 1s"')
        fragment = self.client.get(f"/imports/{running.pk}/status/")
        self.assertEqual(fragment.status_code, 200)
        self.assertContains(fragment, 'id="job-body"')
        self.assertNotContains(fragment, "<html")
        done = make_job(self.org["a"], self.advisor, status="done")
        self.assertNotContains(self.client.get(f"/imports/{done.pk}/"), "hx-trigger")

    def test_commit_button_only_without_errors_and_with_add_permission(self):
        clean = make_job(self.org["a"], self.advisor)
        broken = make_job(self.org["a"], self.advisor, error_count=1, valid_rows=0,
                          errors=[{"row": 3, "field": "phone", "column": "手机", "reason": "Not a phone."}])
        self.client.force_login(self.advisor)
        self.assertContains(self.client.get(f"/imports/{clean.pk}/"), "Commit import")
        page = self.client.get(f"/imports/{broken.pk}/")
        self.assertNotContains(page, "Commit import")
        self.assertContains(page, "<td>手机</td><td>Not a phone.</td>", html=False)
        self.client.force_login(self.viewer)
        self.assertNotContains(self.client.get(f"/imports/{clean.pk}/"), "Commit import")

    def test_commit_post_needs_add_permission(self):
        job = make_job(self.org["a"], self.advisor)
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.post(f"/imports/{job.pk}/commit/").status_code, 403)
        job.refresh_from_db()
        self.assertIsNone(job.commit_requested_at)

    def test_commit_get_is_not_allowed(self):
        job = make_job(self.org["a"], self.advisor)
        self.client.force_login(self.advisor)
        self.assertEqual(self.client.get(f"/imports/{job.pk}/commit/").status_code, 405)

    def test_error_report_downloads_as_excel(self):
        job = make_job(self.org["a"], self.advisor, error_count=1, valid_rows=0,
                       errors=[{"row": 3, "field": "phone", "column": "手机", "reason": "Not a phone."}])
        self.client.force_login(self.viewer)
        response = self.client.get(f"/imports/{job.pk}/", {"export": "xlsx"})
        self.assertTrue(response["Content-Type"].startswith("application/vnd.openxmlformats"))

    def test_template_download_ui(self):
        self.client.force_login(self.viewer)
        response = self.client.get("/imports/template/assets.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("aftersales-assets-template.xlsx", response["Content-Disposition"])
        self.assertEqual(self.client.get("/imports/template/parts.xlsx").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get("/imports/template/assets.xlsx").status_code, 302)
