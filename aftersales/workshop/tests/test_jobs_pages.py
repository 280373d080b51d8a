"""Pages of the floor: the order page's jobs card and its actions, my jobs (HTMX clocking), time corrections,
the hours report."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import JobAssignment, TimeEntry, WorkOrder

from . import factories
from ._floor_helpers import approved_order, assign, jobs_of, order_at_qc, staff_of, work

S = WorkOrderStatus
HTMX = {"HTTP_HX_REQUEST": "true"}


class OrderPageJobsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.00", "2.00"))
        self.first, self.second = jobs_of(self.order)

    def test_the_card_lists_jobs_and_offers_technicians_to_the_advisor(self):
        self.client.force_login(self.staff["advisor"])
        response = self.client.get(self.order.get_absolute_url())
        self.assertContains(response, 'id="jobs-card"')
        self.assertContains(response, f'data-job="{self.first.pk}"')
        self.assertContains(response, f'<option value="{self.staff["tech"].pk}">')
        self.assertNotContains(response, f'<option value="{self.staff["cashier"].pk}">')
        self.assertContains(response, 'id="start-repair"')

    def test_the_card_has_a_fixed_number_of_queries(self):
        self.client.force_login(self.staff["advisor"])
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.first)
        work(self.first, self.staff["tech"], 10, reason="pause")  # in repair: the same steps before and after
        self.client.get(self.order.get_absolute_url())
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.client.get(self.order.get_absolute_url())
        for _ in range(4):
            line = factories.line(self.order, status="approved")
            assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech2"], line=line)
            work(line, self.staff["tech"], 10, reason="pause")
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.order.get_absolute_url())
        self.assertEqual(len(many), len(few))

    def test_assign_from_the_order_page(self):
        self.client.force_login(self.staff["advisor"])
        url = f"/workshop/orders/{self.order.pk}/jobs/{self.first.pk}/assign/"
        response = self.client.post(url, {"technicians": [self.staff["tech"].pk, self.staff["tech2"].pk]})
        self.assertRedirects(response, f"{self.order.get_absolute_url()}#order-jobs", fetch_redirect_response=False)
        self.assertEqual(JobAssignment.objects.filter(line=self.first).count(), 2)

    def test_a_bad_assignment_shows_the_error_beside_the_field(self):
        self.client.force_login(self.staff["advisor"])
        url = f"/workshop/orders/{self.order.pk}/jobs/{self.first.pk}/assign/"
        response = self.client.post(url, {"technicians": [self.staff["cashier"].pk]})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="technicians"', status_code=422)
        self.assertFalse(JobAssignment.objects.exists())

    def test_the_technician_and_another_point_may_not_assign(self):
        url = f"/workshop/orders/{self.order.pk}/jobs/{self.first.pk}/assign/"
        self.client.force_login(self.staff["tech"])
        self.assertEqual(self.client.post(url, {"technicians": [self.staff["tech"].pk]}).status_code, 403)
        self.client.force_login(self.staff["advisor_b"])
        self.assertEqual(self.client.post(url, {"technicians": [self.staff["tech"].pk]}).status_code, 404)
        self.assertFalse(JobAssignment.objects.exists())

    def test_start_repair_from_the_order_page(self):
        self.client.force_login(self.staff["advisor"])
        url = f"/workshop/orders/{self.order.pk}/start-repair/"
        response = self.client.post(url)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Assign a technician", status_code=409)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.first)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.IN_REPAIR)

    def test_unassign_and_finish_from_the_order_page(self):
        self.client.force_login(self.staff["advisor"])
        assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech2"], line=self.first)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.second)
        url = f"/workshop/orders/{self.order.pk}/jobs/{self.first.pk}/unassign/{self.staff['tech2'].pk}/"
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertEqual(JobAssignment.objects.filter(line=self.first).count(), 1)
        work(self.first, self.staff["tech"], 20)
        finish = f"/workshop/orders/{self.order.pk}/finish-repair/"
        self.assertEqual(self.client.post(finish).status_code, 409)
        work(self.second, self.staff["tech"], 20)
        self.assertEqual(self.client.post(finish).status_code, 302)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.QUALITY_CHECK)

    def test_the_timeline_names_the_floors_events(self):
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.first)
        work(self.first, self.staff["tech"], 15)
        self.client.force_login(self.staff["advisor"])
        response = self.client.get(self.order.get_absolute_url())
        for label in ("Technicians assigned", "Clocked on", "Repair started by the first clock-on", "Job done"):
            self.assertContains(response, label)
        self.assertContains(response, "Started by the system on")

    def test_cards_render_in_every_state(self):
        self.client.force_login(self.staff["manager"])
        for status in (S.RECEPTION, S.AWAITING_APPROVAL, S.APPROVED, S.IN_REPAIR, S.QUALITY_CHECK,
                       S.READY_FOR_SETTLEMENT, S.SETTLED, S.DELIVERED, S.CANCELLED):
            with self.subTest(status=status):
                order = factories.work_order(self.org["a"], status=status)
                self.assertEqual(self.client.get(order.get_absolute_url()).status_code, 200)


class MyJobsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.00", "1.50"))
        self.first, self.second = jobs_of(self.order)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.first)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.second)
        self.client.force_login(self.staff["tech"])

    def test_the_list_shows_vehicle_concern_and_standard_hours(self):
        response = self.client.get("/workshop/jobs/")
        self.assertContains(response, self.order.asset.plate)
        self.assertContains(response, self.order.concerns)
        self.assertContains(response, "standard 1.50 h")
        self.assertContains(response, 'data-action="clock_on"', count=2)

    def test_clock_on_pause_and_done_through_htmx(self):
        response = self.client.post(f"/workshop/jobs/{self.first.pk}/clock-on/", **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "workshop/floor/_job_list.html")
        self.assertContains(response, "data-timer")
        self.assertContains(response, 'data-action="pause"')
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.IN_REPAIR)
        response = self.client.post(f"/workshop/jobs/{self.first.pk}/clock-off/", {"reason": "pause"}, **HTMX)
        self.assertContains(response, 'data-job-status="paused"')
        self.client.post(f"/workshop/jobs/{self.first.pk}/clock-on/", **HTMX)
        response = self.client.post(f"/workshop/jobs/{self.first.pk}/clock-off/", {"reason": "done"}, **HTMX)
        self.assertContains(response, "Job done")
        self.assertEqual(TimeEntry.objects.filter(line=self.first).count(), 2)
        self.first.refresh_from_db()
        self.assertEqual(self.first.job_status, JobStatus.DONE)

    def test_a_second_job_is_refused_in_the_list(self):
        self.client.post(f"/workshop/jobs/{self.first.pk}/clock-on/", **HTMX)
        response = self.client.post(f"/workshop/jobs/{self.second.pk}/clock-on/", **HTMX)
        self.assertContains(response, 'id="job-notice"')
        self.assertContains(response, self.first.description)
        self.assertEqual(TimeEntry.objects.count(), 1)

    def test_without_htmx_it_redirects_with_a_message(self):
        response = self.client.post(f"/workshop/jobs/{self.first.pk}/clock-on/")
        self.assertRedirects(response, "/workshop/jobs/", fetch_redirect_response=False)
        response = self.client.post(f"/workshop/jobs/{self.first.pk}/clock-off/", {"reason": "never"})
        self.assertEqual(response.status_code, 422)
        self.assertTrue(TimeEntry.objects.filter(ended_at__isnull=True).exists())

    def test_finish_from_the_list_once_every_job_is_done(self):
        work(self.first, self.staff["tech"], 10)
        work(self.second, self.staff["tech"], 10)
        response = self.client.get("/workshop/jobs/")
        self.assertContains(response, 'data-action="finish"', count=1)
        response = self.client.post(f"/workshop/jobs/orders/{self.order.pk}/finish/", **HTMX)
        self.assertContains(response, "ready for the quality check")
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.QUALITY_CHECK)

    def test_who_sees_the_page(self):
        for who, status in (("cashier", 403), ("inspector", 403), ("advisor", 403), ("tech_b", 200)):
            with self.subTest(who=who):
                self.client.force_login(self.staff[who])
                self.assertEqual(self.client.get("/workshop/jobs/").status_code, status)
        self.client.force_login(self.staff["tech_b"])
        self.assertEqual(self.client.post(f"/workshop/jobs/{self.first.pk}/clock-on/").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get("/workshop/jobs/").status_code, 302)
        self.assertFalse(TimeEntry.objects.exists())


class TimeCorrectionPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_manager_corrects_errors_beside_the_fields(self):
        order = approved_order(self.org["a"], self.staff["advisor"])
        line = jobs_of(order)[0]
        assign(order, self.staff["advisor"], self.staff["tech"])
        work(line, self.staff["tech"], 30, reason="pause")
        entry = TimeEntry.objects.get()
        url = f"/workshop/time-entries/{entry.pk}/edit/"
        self.client.force_login(self.staff["tech"])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.staff["manager_b"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.staff["manager"])
        start = timezone.localtime(entry.started_at)
        response = self.client.post(url, {"started_at": start.strftime("%Y-%m-%dT%H:%M"),
                                          "ended_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'data-field="ended_at"', status_code=422)
        response = self.client.post(url, {"started_at": (start - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
                                          "ended_at": timezone.localtime(entry.ended_at).strftime("%Y-%m-%dT%H:%M"),
                                          "end_reason": "pause", "note": "badge reader down"})
        self.assertEqual(response.status_code, 302)
        entry.refresh_from_db()
        self.assertEqual(entry.note, "badge reader down")


class HoursReportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)
        order_at_qc(cls.org["a"], cls.staff, hours=("1.50",))

    def test_report_and_exports(self):
        self.client.force_login(self.staff["manager"])
        response = self.client.get("/workshop/reports/technician-hours/")
        self.assertContains(response, f'data-technician="{self.staff["tech"].pk}"')
        self.assertContains(response, "150.0 %")
        for export in ("xlsx", "jobs"):
            response = self.client.get("/workshop/reports/technician-hours/", {"export": export})
            self.assertTrue(response["Content-Type"].startswith("application/vnd.openxmlformats"))
        response = self.client.get("/workshop/reports/technician-hours/", {"date_from": "2026-02-30"})
        self.assertEqual(response.status_code, 200)
        response = self.client.get("/workshop/reports/technician-hours/",
                                   {"date_from": "2020-01-01", "date_to": "2026-01-01"})
        self.assertContains(response, "at most a year")

    def test_only_managers(self):
        for who in ("tech", "cashier", "advisor", "inspector"):
            self.client.force_login(self.staff[who])
            self.assertEqual(self.client.get("/workshop/reports/technician-hours/").status_code, 403)
        self.client.force_login(self.staff["manager_b"])
        self.assertNotContains(self.client.get("/workshop/reports/technician-hours/"),
                               f'data-technician="{self.staff["tech"].pk}"')
