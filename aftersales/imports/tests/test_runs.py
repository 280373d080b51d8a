"""Dry run, commit and progress, through the real customer and asset services."""

import datetime as dt
from unittest import mock

from django.test import TestCase

from aftersales.assets.models import Asset
from aftersales.core.errors import ApplicationError, ConflictError
from aftersales.core.models import AuditLog
from aftersales.core.testing import bearer, make_org, make_user
from aftersales.customers.models import Customer
from aftersales.customers.services import customer_create
from aftersales.imports import services
from aftersales.imports.models import ImportJob
from aftersales.imports.progress import progress_read, progress_write
from aftersales.imports.rows import RowProcessor
from aftersales.imports.selectors import import_job_progress

from .helpers import upload

HEADER = ["姓名", "手机", "生日", "客户类别", "地址"]
GOOD = [["张三", "13812345678", "1988-06-15", "私家车", "世纪大道100号"],
        ["李四", "13912345678", "1990/1/2", "出租车", ""],
        ["王五", "021-50001234", "", "", "南京路1号"]]


class ImportRunTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.point = cls.org["a"]
        cls.advisor = make_user("advisor", point=cls.point, role="service_advisor")

    def upload_and_check(self, rows, name="customers.xlsx", kind="customers"):
        job = services.import_job_create(user=self.advisor, uploaded_file=upload(rows, name), kind=kind,
                                         service_point_id=self.point.pk)
        return services.import_job_validate(job_id=job.pk)

    def customers_at_a(self):
        return Customer.objects.filter(home_point=self.point).count()

    def test_dry_run_reports_each_bad_row_and_field_and_writes_nothing(self):
        rows = [
            HEADER,
            GOOD[0],
            ["李四", "12345", "", "", ""],                       # not a phone (service)
            ["王五", "13900000000", "15/06/1988", "", ""],        # bad date (file)
            ["赵六", "138 1234 5678", "", "", ""],                # same phone as row 2 (in the file)
            ["", "13700000000", "", "卡车", ""],                  # bad segment (file), no name (service)
        ]
        job = self.upload_and_check(rows)
        self.assertEqual(job.status, "validated")
        self.assertEqual((job.total_rows, job.processed_rows, job.valid_rows), (5, 5, 1))
        found = [(e["row"], e["field"], e["column"]) for e in job.errors]
        self.assertEqual(found, [
            (3, "phone", "手机"),
            (4, "birthday", "生日"),
            (5, "phone", "手机"),
            (6, "segment", "客户类别"),
            (6, "name", "姓名"),  # the service still checks the cells that could be read
        ])
        self.assertEqual(job.errors[2]["reason"], "The same value is already in row 2.")
        self.assertEqual(job.error_count, 5)
        self.assertEqual(Customer.objects.count(), 0)
        self.assertFalse(AuditLog.objects.filter(content_type__app_label="customers").exists())

    def test_missing_name_is_reported_by_the_service_on_the_name_column(self):
        job = self.upload_and_check([HEADER, ["", "13700000000", "", "", ""]], "c.csv")
        self.assertEqual([(e["row"], e["field"], e["column"]) for e in job.errors], [(2, "name", "姓名")])
        self.assertEqual(Customer.objects.count(), 0)

    def test_duplicate_of_an_existing_archive_names_the_phone_column(self):
        customer_create(user=self.advisor, data={"name": "老客户", "home_point_id": self.point.pk,
                                                 "phones": [{"number": "13812345678"}]})
        job = self.upload_and_check([HEADER, GOOD[0]])
        self.assertEqual([(e["row"], e["field"], e["column"]) for e in job.errors], [(2, "phone", "手机")])
        self.assertIn("has this phone", job.errors[0]["reason"])
        self.assertEqual(Customer.objects.count(), 1)

    def test_commit_creates_every_row_with_audit(self):
        job = self.upload_and_check([HEADER, *GOOD])
        self.assertEqual((job.error_count, job.valid_rows), (0, 3))
        job = services.import_job_commit(user=self.advisor, job_id=job.pk)
        self.assertEqual(job.status, "done")
        self.assertEqual(job.created_count, 3)
        created = Customer.objects.filter(pk__in=job.created_ids).order_by("pk")
        self.assertEqual([c.name for c in created], ["张三", "李四", "王五"])
        zhang = created[0]
        self.assertEqual((zhang.birthday, zhang.segment, zhang.home_point_id),
                         (dt.date(1988, 6, 15), "private", self.point.pk))
        self.assertEqual([p.number for p in zhang.phones.all()], ["13812345678"])
        self.assertEqual([a.street for a in zhang.addresses.all()], ["世纪大道100号"])
        self.assertEqual(created[2].phones.get().number, "02150001234")
        self.assertEqual(AuditLog.objects.filter(content_type__app_label="customers", action="create").count(), 3)
        self.assertEqual(AuditLog.objects.filter(content_type__app_label="imports", action="import",
                                                 object_id=str(job.pk)).count(), 1)
        self.assertEqual(import_job_progress(job=job), {"status": "done", "processed": 3, "total": 3,
                                                        "percent": 100})

    def test_commit_is_all_or_nothing(self):
        job = self.upload_and_check([HEADER, *GOOD])
        self.assertEqual(job.error_count, 0)
        # Meanwhile someone registers the third row's phone: that row now fails on commit.
        customer_create(user=self.advisor, data={"name": "抢先", "home_point_id": self.point.pk,
                                                 "phones": [{"number": "02150001234"}]})
        before = self.customers_at_a()
        job = services.import_job_commit(user=self.advisor, job_id=job.pk)
        self.assertEqual(job.status, "failed")
        self.assertEqual(self.customers_at_a(), before)  # rows 2 and 3 were rolled back too
        self.assertFalse(Customer.objects.filter(name__in=["张三", "李四", "王五"]).exists())
        self.assertEqual([(e["row"], e["column"]) for e in job.errors], [(4, "手机")])
        self.assertEqual(job.message, "1 row failed; nothing was imported.")
        self.assertEqual((job.created_count, job.created_ids), (0, []))
        self.assertFalse(AuditLog.objects.filter(content_type__app_label="imports", action="import").exists())

    def test_commit_refused_when_the_check_found_errors(self):
        job = self.upload_and_check([HEADER, GOOD[0], ["坏", "12345", "", "", ""]])
        with self.assertRaises(ApplicationError) as caught:
            services.import_job_commit(user=self.advisor, job_id=job.pk)
        self.assertEqual(caught.exception.status, 422)
        self.assertEqual(Customer.objects.count(), 0)
        job.refresh_from_db()
        self.assertEqual(job.status, "validated")

    def test_commit_twice_is_refused(self):
        job = self.upload_and_check([HEADER, GOOD[0]])
        services.import_job_commit(user=self.advisor, job_id=job.pk)
        with self.assertRaises(ConflictError):
            services.import_job_commit(user=self.advisor, job_id=job.pk)
        self.assertEqual(Customer.objects.count(), 1)

    def test_check_runs_once(self):
        job = self.upload_and_check([HEADER, GOOD[0]])
        with self.assertRaises(ConflictError):
            services.import_job_validate(job_id=job.pk)

    def test_commit_by_a_user_of_another_point_is_not_found(self):
        job = self.upload_and_check([HEADER, GOOD[0]])
        other = make_user("other", point=self.org["b"], role="service_advisor")
        with self.assertRaises(ApplicationError) as caught:
            services.import_job_commit(user=other, job_id=job.pk)
        self.assertEqual(caught.exception.status, 404)
        self.assertEqual(Customer.objects.count(), 0)

    def test_the_customer_template_imports_as_it_is(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from aftersales.imports.workbook import template_bytes

        job = services.import_job_create(
            user=self.advisor, uploaded_file=SimpleUploadedFile("t.xlsx", template_bytes("customers")),
            kind="customers", service_point_id=self.point.pk)
        job = services.import_job_validate(job_id=job.pk)
        self.assertEqual((job.valid_rows, job.errors), (1, []))

    def test_service_point_code_column(self):
        rows = [[*HEADER, "网点编码"], [*GOOD[0], "A"], [*GOOD[1], "B"]]
        job = self.upload_and_check(rows)
        self.assertEqual([(e["row"], e["field"], e["column"]) for e in job.errors],
                         [(3, "service_point_code", "网点编码")])

    def test_progress_is_written_to_the_cache_while_running(self):
        job = services.import_job_create(user=self.advisor, uploaded_file=upload([HEADER, *GOOD]),
                                         kind="customers", service_point_id=self.point.pk)
        seen = []
        real_create = RowProcessor.create

        def watching(processor, built):
            seen.append(progress_read(job.pk))
            # Another process reading the job meanwhile sees the live numbers.
            running = ImportJob.objects.get(pk=job.pk)
            seen.append(import_job_progress(job=running)["percent"])
            return real_create(processor, built)

        with mock.patch.object(RowProcessor, "create", watching):
            job = services.import_job_validate(job_id=job.pk)
        self.assertEqual(seen, [
            {"status": "validating", "processed": 0, "total": 3}, 0,
            {"status": "validating", "processed": 1, "total": 3}, 33,
            {"status": "validating", "processed": 2, "total": 3}, 66,
        ])
        self.assertEqual(progress_read(job.pk), {"status": "validated", "processed": 3, "total": 3})
        self.assertEqual((job.processed_rows, job.total_rows), (3, 3))

    def test_progress_of_a_finished_job_comes_from_the_row(self):
        job = self.upload_and_check([HEADER, GOOD[0]])
        progress_write(job_id=job.pk, status="validating", processed=0, total=99)  # stale cache entry
        self.assertEqual(import_job_progress(job=job), {"status": "validated", "processed": 1, "total": 1,
                                                        "percent": 100})


class AssetImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.point = cls.org["a"]
        cls.advisor = make_user("advisor", point=cls.point, role="service_advisor")
        cls.zhang = customer_create(user=cls.advisor, data={
            "name": "张三", "home_point_id": cls.point.pk, "id_type": "resident_id",
            "id_number": "110105198806150016", "phones": [{"number": "13812345678"}]})
        cls.li = customer_create(user=cls.advisor, data={"name": "李四", "home_point_id": cls.point.pk,
                                                         "phones": [{"number": "13912345678"}]})
        other = make_user("other", point=cls.org["b"], role="service_advisor")
        cls.stranger = customer_create(user=other, data={"name": "外人", "home_point_id": cls.org["b"].pk,
                                                         "phones": [{"number": "13700000000"}]})

    def check(self, rows):
        job = services.import_job_create(user=self.advisor, uploaded_file=upload(rows, "assets.xlsx"),
                                         kind="assets", service_point_id=self.point.pk)
        return services.import_job_validate(job_id=job.pk)

    HEADER = ["客户手机", "客户身份证号", "客户姓名", "品牌", "车型", "车架号", "车牌号", "序列号", "当前里程", "里程日期"]

    def test_owners_found_by_phone_or_id_number_and_linked_on_commit(self):
        rows = [
            self.HEADER,
            ["138-1234-5678", "", "张三", "大众", "朗逸", "LSVAU0331M2123456", "沪A12345", "", 35000, "2024-03-01"],
            ["", "110105198806150016", "", "美的", "KFR-35GW", "", "", "MD2024001", "", ""],
            ["+86 139 1234 5678", "", "", "丰田", "卡罗拉", "LSVAU0333M2123457", "", "", "", ""],
        ]
        job = self.check(rows)
        self.assertEqual(job.errors, [])
        job = services.import_job_commit(user=self.advisor, job_id=job.pk)
        self.assertEqual(job.status, "done")
        car, fridge, toyota = Asset.objects.filter(pk__in=job.created_ids).order_by("pk")
        self.assertEqual((car.owner, car.kind, car.vin, car.plate), (self.zhang, "vehicle", "LSVAU0331M2123456",
                                                                      "沪A12345"))
        self.assertEqual(list(car.readings.values_list("read_on", "value")), [(dt.date(2024, 3, 1), 35000)])
        self.assertEqual((fridge.owner, fridge.kind, fridge.serial_number), (self.zhang, "product", "MD2024001"))
        self.assertEqual(toyota.owner, self.li)
        self.assertEqual(car.service_point_id, self.point.pk)

    def test_the_asset_template_imports_as_it_is(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from aftersales.imports.workbook import template_bytes

        job = services.import_job_create(
            user=self.advisor, uploaded_file=SimpleUploadedFile("t.xlsx", template_bytes("assets")),
            kind="assets", service_point_id=self.point.pk)
        job = services.import_job_validate(job_id=job.pk)
        self.assertEqual((job.valid_rows, job.errors), (1, []))

    def test_unknown_or_invisible_owner_is_an_error_naming_the_column(self):
        rows = [
            self.HEADER,
            ["13600000000", "", "", "大众", "", "LSVAU0331M2123456", "", "", "", ""],   # nobody
            ["13700000000", "", "", "大众", "", "LSVAU0333M2123457", "", "", "", ""],   # other point's customer
            ["13812345678", "", "李四", "大众", "", "LSVAU0335M2123458", "", "", "", ""],  # wrong name
            ["", "", "", "大众", "", "LSVAU0337M2123459", "", "", "", ""],              # no owner at all
            ["13912345678", "110105198806150016", "", "大众", "", "", "", "", "", ""],   # phone and ID disagree
        ]
        job = self.check(rows)
        self.assertEqual([(e["row"], e["column"], e["reason"]) for e in job.errors], [
            (2, "客户手机", "No customer has this phone."),
            (3, "客户手机", "No customer has this phone."),
            (4, "客户姓名", "The customer found is named “张三”."),
            (5, "客户手机", "Give the owner's phone or ID number."),
            (6, "客户手机", "This phone does not belong to the customer with that ID number."),
        ])
        self.assertEqual(Asset.objects.count(), 0)

    def test_bad_vin_and_duplicate_vin_in_the_file(self):
        rows = [
            self.HEADER,
            ["13812345678", "", "", "大众", "", "LSVAU0330M2123456", "", "", "", ""],  # wrong check digit
            ["13812345678", "", "", "大众", "", "LSVAU0333M2123457", "", "", "", ""],
            ["13912345678", "", "", "大众", "", "LSVAU0333M2123457", "", "", "", ""],  # same VIN as row 3
        ]
        job = self.check(rows)
        self.assertEqual([(e["row"], e["field"], e["column"]) for e in job.errors],
                         [(2, "vin", "车架号"), (4, "vin", "车架号")])
        self.assertEqual(job.errors[1]["reason"], "The same value is already in row 3.")
        self.assertEqual(job.valid_rows, 1)
        self.assertEqual(Asset.objects.count(), 0)


class EndToEndAPITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.advisor = make_user("advisor", point=cls.org["a"], role="service_advisor")

    def test_upload_check_commit_through_the_api_with_eager_tasks(self):
        auth = bearer(self.advisor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/api/v1/imports", {
                "kind": "customers", "service_point_id": self.org["a"].pk,
                "file": upload([HEADER, *GOOD], "customers.csv")}, **auth)
        self.assertEqual(response.status_code, 201, response.content)
        job_id = response.json()["id"]
        detail = self.client.get(f"/api/v1/imports/{job_id}", **auth).json()
        self.assertEqual((detail["status"], detail["valid_rows"], detail["errors"]), ("validated", 3, []))
        self.assertEqual(detail["progress"], {"status": "validated", "processed": 3, "total": 3, "percent": 100})
        self.assertEqual(Customer.objects.count(), 0)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/api/v1/imports/{job_id}/commit", **auth)
        self.assertEqual(response.status_code, 202, response.content)
        detail = self.client.get(f"/api/v1/imports/{job_id}", **auth).json()
        self.assertEqual((detail["status"], detail["created_count"]), ("done", 3))
        self.assertEqual(sorted(Customer.objects.values_list("pk", flat=True)), sorted(detail["created_ids"]))

    def test_ui_page_after_the_check_shows_the_report(self):
        self.client.force_login(self.advisor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/imports/new/", {
                "kind": "customers", "service_point_id": self.org["a"].pk,
                "file": upload([HEADER, GOOD[0], ["坏", "12345", "", "", ""]], "c.xlsx")})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Rows with errors")
        self.assertNotContains(page, "Commit import")
        self.assertNotContains(page, "hx-trigger")
