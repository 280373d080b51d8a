"""API of the floor: assignments, start/finish of the repair, my jobs, clocking, time entries, hours report."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from aftersales.workshop.choices import JobStatus, WorkOrderStatus
from aftersales.workshop.models import JobAssignment, TimeEntry, WorkOrder

from . import factories
from ._floor_helpers import ApiCalls, approved_order, assign, jobs_of, staff_of, work

S = WorkOrderStatus
API = "/api/v1"


class AssignmentApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"])
        self.line = jobs_of(self.order)[0]
        self.url = f"{API}/work-orders/{self.order.pk}/lines/{self.line.pk}/assignments"

    def test_assign_returns_the_job(self):
        response = self.api("post", self.url, self.staff["advisor"], {"technician_ids": [self.staff["tech"].pk]})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["line_id"], body["job_status"]), (self.line.pk, "waiting"))
        self.assertEqual([a["technician"]["id"] for a in body["assignments"]], [self.staff["tech"].pk])
        self.assertEqual(body["standard_hours"], "1.00")

    def test_denied_and_bad_requests_assign_nobody(self):
        tech = self.staff["tech"].pk
        cases = [
            (None, {"technician_ids": [tech]}, 401),
            (self.staff["tech"], {"technician_ids": [tech]}, 403),
            (self.staff["cashier"], {"technician_ids": [tech]}, 403),
            (self.staff["advisor_b"], {"technician_ids": [tech]}, 404),
            (self.staff["advisor"], {"technician_ids": []}, 422),
            (self.staff["advisor"], {"technician_ids": ["x"]}, 422),
            (self.staff["advisor"], {"technician_ids": [2**64]}, 422),
            (self.staff["advisor"], {"technician_ids": [self.staff["cashier"].pk]}, 422),
            (self.staff["advisor"], {}, 422),
        ]
        for user, body, status in cases:
            with self.subTest(user=user, body=body):
                self.assertEqual(self.api("post", self.url, user, body).status_code, status)
        self.assertFalse(JobAssignment.objects.exists())

    def test_unknown_ids_in_the_path_are_404(self):
        for url in (f"{API}/work-orders/{2**64}/lines/{self.line.pk}/assignments",
                    f"{API}/work-orders/{self.order.pk}/lines/{2**64}/assignments"):
            self.assertEqual(self.api("post", url, self.staff["advisor"],
                                      {"technician_ids": [self.staff["tech"].pk]}).status_code, 404)

    def test_unassign(self):
        assign(self.order, self.staff["advisor"], self.staff["tech"], self.staff["tech2"])
        url = f"{self.url}/{self.staff['tech2'].pk}"
        self.assertEqual(self.api("delete", url, self.staff["tech"]).status_code, 403)
        self.assertEqual(self.api("delete", url, self.staff["advisor_b"]).status_code, 404)
        self.assertEqual(JobAssignment.objects.count(), 2)
        self.assertEqual(self.api("delete", url, self.staff["advisor"]).status_code, 204)
        self.assertEqual(self.api("delete", url, self.staff["advisor"]).status_code, 404)
        self.assertEqual(list(JobAssignment.objects.values_list("technician_id", flat=True)), [self.staff["tech"].pk])

    def test_start_repair(self):
        url = f"{API}/work-orders/{self.order.pk}/start-repair"
        response = self.api("post", url, self.staff["advisor"], {})
        self.assertEqual((response.status_code, response.json()["code"]), (409, "guard_failed"))
        assign(self.order, self.staff["advisor"], self.staff["tech"])
        self.assertEqual(self.api("post", url, self.staff["tech"], {}).status_code, 403)
        self.assertEqual(self.api("post", url, self.staff["advisor_b"], {}).status_code, 404)
        self.assertEqual(self.api("post", url, None, {}).status_code, 401)
        self.assertEqual(self.api("post", url, self.staff["advisor"], {"note": "x" * 501}).status_code, 422)
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.APPROVED)
        response = self.api("post", url, self.staff["advisor"], {"note": "bay 2"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], S.IN_REPAIR)


class ClockApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def setUp(self):
        self.order = approved_order(self.org["a"], self.staff["advisor"], hours=("1.00", "2.00"))
        self.job, self.job2 = jobs_of(self.order)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.job)
        assign(self.order, self.staff["advisor"], self.staff["tech"], line=self.job2)
        self.tech = self.staff["tech"]

    def test_clock_on_pause_on_again_and_done(self):
        on = self.api("post", f"{API}/jobs/{self.job.pk}/clock-on", self.tech, {})
        self.assertEqual(on.status_code, 200, on.content)
        self.assertEqual((on.json()["job_status"], on.json()["order_status"]), ("in_progress", S.IN_REPAIR))
        self.assertIsNotNone(on.json()["clocked_on_since"])
        off = self.api("post", f"{API}/jobs/{self.job.pk}/clock-off", self.tech, {"reason": "pause", "note": "parts"})
        self.assertEqual((off.status_code, off.json()["job_status"]), (200, "paused"))
        self.assertIsNone(off.json()["clocked_on_since"])
        self.api("post", f"{API}/jobs/{self.job.pk}/clock-on", self.tech, {})
        done = self.api("post", f"{API}/jobs/{self.job.pk}/clock-off", self.tech, {"reason": "done"})
        self.assertEqual(done.json()["job_status"], "done")
        self.assertEqual(TimeEntry.objects.filter(line=self.job).count(), 2)

    def test_second_job_is_a_409_naming_the_first(self):
        self.api("post", f"{API}/jobs/{self.job.pk}/clock-on", self.tech, {})
        response = self.api("post", f"{API}/jobs/{self.job2.pk}/clock-on", self.tech, {})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "already_clocked_on")
        self.assertIn(self.job.description, response.json()["message"])

    def test_denied_and_bad_clocking_writes_nothing(self):
        url = f"{API}/jobs/{self.job.pk}/clock-on"
        self.assertEqual(self.api("post", url, None, {}).status_code, 401)
        self.assertEqual(self.api("post", url, self.staff["cashier"], {}).status_code, 403)
        self.assertEqual(self.api("post", url, self.staff["inspector"], {}).status_code, 403)
        self.assertEqual(self.api("post", url, self.staff["tech_b"], {}).status_code, 404)
        self.assertEqual(self.api("post", url, self.staff["tech2"], {}).status_code, 403, "not assigned")
        self.assertEqual(self.api("post", f"{API}/jobs/{2**64}/clock-on", self.tech, {}).status_code, 404)
        self.assertEqual(self.api("post", url, self.tech, {"note": "\x00"}).status_code, 422)
        self.assertFalse(TimeEntry.objects.exists())
        self.assertEqual(WorkOrder.objects.get(pk=self.order.pk).status, S.APPROVED)
        off = f"{API}/jobs/{self.job.pk}/clock-off"
        self.assertEqual(self.api("post", off, self.tech, {"reason": "lunch"}).status_code, 422)
        self.assertEqual(self.api("post", off, self.tech, {}).status_code, 422)
        self.assertEqual(self.api("post", off, self.tech, {"reason": "pause"}).status_code, 409)

    def test_my_jobs(self):
        work(self.job, self.tech, 30, reason="pause")
        other = approved_order(self.org["a"], self.staff["advisor"])
        assign(other, self.staff["advisor"], self.staff["tech2"])
        response = self.api("get", f"{API}/jobs", self.tech)
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual([i["line_id"] for i in items], [self.job.pk, self.job2.pk])
        self.assertEqual((items[0]["my_hours"], items[0]["job_status"]), ("0.50", "paused"))
        self.assertEqual(items[0]["plate"], self.order.asset.plate)
        self.assertEqual(items[0]["concerns"], self.order.concerns)

    def test_managers_see_a_technicians_jobs_others_may_not(self):
        url = f"{API}/jobs?technician_id={self.tech.pk}"
        response = self.api("get", url, self.staff["manager"])
        self.assertEqual(len(response.json()["items"]), 2)
        self.assertEqual(self.api("get", url, self.staff["tech2"]).status_code, 403)
        self.assertEqual(self.api("get", url, self.staff["cashier"]).status_code, 403)
        self.assertEqual(self.api("get", f"{API}/jobs", self.staff["cashier"]).status_code, 403)
        self.assertEqual(self.api("get", f"{API}/jobs", None).status_code, 401)
        self.assertEqual(self.api("get", f"{API}/jobs?technician_id={2**64}", self.staff["manager"]).status_code, 422)
        self.assertEqual(self.api("get", f"{API}/jobs?technician_id={self.tech.pk}",
                                  self.staff["manager_b"]).json()["items"], [], "another point's jobs are not shown")

    def test_my_jobs_query_count_is_pinned(self):
        for _ in range(3):
            order = approved_order(self.org["a"], self.staff["advisor"])
            assign(order, self.staff["advisor"], self.tech, self.staff["tech2"])
        headers = self.__dict__.setdefault("_tokens", {})
        self.api("get", f"{API}/jobs", self.tech)  # token made, warm
        with self.assertNumQueries(7):  # token, 4 × the user's roles and points, the jobs, their technicians
            response = self.client.get(f"{API}/jobs", **headers[self.tech.pk])
        self.assertEqual(len(response.json()["items"]), 5)

    def test_time_entries_list_and_correction(self):
        work(self.job, self.tech, 40, reason="pause")
        entry = TimeEntry.objects.get()
        listed = self.api("get", f"{API}/time-entries?work_order_id={self.order.pk}", self.staff["advisor"])
        self.assertEqual([e["id"] for e in listed.json()["items"]], [entry.pk])
        self.assertEqual(listed.json()["items"][0]["hours"], "0.67")
        self.assertEqual(self.api("get", f"{API}/time-entries", self.staff["tech_b"]).json()["items"], [])
        self.assertEqual(self.api("get", f"{API}/time-entries?line_id={2**64}", self.tech).status_code, 422)
        url = f"{API}/time-entries/{entry.pk}"
        start = (entry.ended_at - dt.timedelta(minutes=60)).isoformat()
        self.assertEqual(self.api("patch", url, self.tech, {"started_at": start}).status_code, 403)
        self.assertEqual(self.api("patch", url, self.staff["manager_b"], {"started_at": start}).status_code, 404)
        self.assertEqual(self.api("patch", url, self.staff["manager"], {"started_at": "noon"}).status_code, 422)
        self.assertEqual(TimeEntry.objects.get().seconds, entry.seconds)
        response = self.api("patch", url, self.staff["manager"], {"started_at": start, "note": "fixed"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["hours"], response.json()["note"]), ("1.00", "fixed"))

    def test_time_entries_query_count_is_pinned(self):
        for line in (self.job, self.job2):
            work(line, self.tech, 10, reason="pause")
        self.api("get", f"{API}/time-entries", self.staff["manager"])  # token made
        with self.assertNumQueries(6):  # token, 4 × roles and points, the entries with technician and order
            response = self.client.get(f"{API}/time-entries", **self._tokens[self.staff["manager"].pk])
        self.assertEqual(len(response.json()["items"]), 2)

    def test_finish_repair(self):
        url = f"{API}/work-orders/{self.order.pk}/finish-repair"
        work(self.job, self.tech, 30)
        response = self.api("post", url, self.tech, {})
        self.assertEqual(response.status_code, 409)
        self.assertIn("Not every job is done", response.json()["message"])
        work(self.job2, self.tech, 30)
        self.assertEqual(self.api("post", url, self.staff["cashier"], {}).status_code, 403)
        self.assertEqual(self.api("post", url, self.staff["tech_b"], {}).status_code, 404)
        response = self.api("post", url, self.tech, {})
        self.assertEqual((response.status_code, response.json()["status"]), (200, S.QUALITY_CHECK))


class HoursReportTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = factories.org()
        cls.staff = staff_of(cls.org)

    def test_standard_vs_clocked_per_technician_and_job(self):
        tech, tech2 = self.staff["tech"], self.staff["tech2"]
        order = approved_order(self.org["a"], self.staff["advisor"], hours=("2.00", "1.00"))
        shared, single = jobs_of(order)
        assign(order, self.staff["advisor"], tech, tech2, line=shared)
        assign(order, self.staff["advisor"], tech, line=single)
        work(shared, tech, 60, reason="pause")
        work(shared, tech2, 90, reason="done")   # shared: 2.00 std → 1.00 each; tech 1.0 h, tech2 1.5 h
        work(single, tech, 30)                    # single: 1.00 std, 0.5 h
        response = self.api("get", f"{API}/reports/technician-hours", self.staff["manager"])
        self.assertEqual(response.status_code, 200, response.content)
        rows = {r["technician_id"]: r for r in response.json()["technicians"]}
        self.assertEqual((rows[tech.pk]["jobs"], rows[tech.pk]["standard_hours"], rows[tech.pk]["clocked_hours"],
                          rows[tech.pk]["efficiency_percent"]), (2, "2.00", "1.50", "133.3"))
        self.assertEqual((rows[tech2.pk]["standard_hours"], rows[tech2.pk]["clocked_hours"],
                          rows[tech2.pk]["efficiency_percent"]), ("1.00", "1.50", "66.7"))
        jobs = {j["line_id"]: j for j in response.json()["jobs"]}
        self.assertEqual((jobs[shared.pk]["standard_hours"], jobs[shared.pk]["actual_hours"]), ("2.00", "2.50"))
        self.assertEqual(len(jobs[shared.pk]["technicians"]), 2)

    def test_period_point_and_permissions(self):
        order = approved_order(self.org["a"], self.staff["advisor"])
        assign(order, self.staff["advisor"], self.staff["tech"])
        work(jobs_of(order)[0], self.staff["tech"], 30)
        url = f"{API}/reports/technician-hours"
        yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
        self.assertEqual(self.api("get", f"{url}?date_to={yesterday}", self.staff["manager"]).json()["technicians"], [])
        self.assertEqual(self.api("get", url, self.staff["manager_b"]).json()["technicians"], [])
        self.assertEqual(len(self.api("get", url, self.staff["hq"]).json()["technicians"]), 1)
        self.assertEqual(self.api("get", url, self.staff["tech"]).status_code, 403)
        self.assertEqual(self.api("get", url, self.staff["cashier"]).status_code, 403)
        self.assertEqual(self.api("get", url, None).status_code, 401)
        self.assertEqual(self.api("get", f"{url}?date_from=2025-02-30", self.staff["manager"]).status_code, 422)
        self.assertEqual(self.api("get", f"{url}?date_from=2025-03-01&date_to=2025-02-01",
                                  self.staff["manager"]).status_code, 422)
        self.assertEqual(self.api("get", f"{url}?date_from=2020-01-01&date_to=2025-01-01",
                                  self.staff["manager"]).status_code, 422)
        self.assertEqual(self.api("get", f"{url}?service_point_id={2**64}", self.staff["manager"]).status_code, 422)
        self.assertEqual(JobAssignment.objects.get().standard_share, Decimal("1.00"))
        self.assertEqual(JobAssignment.objects.get().line.job_status, JobStatus.DONE)
