"""Notifications: API and pages (generated permission tests), filters, masking, delivery."""

from django.test import TestCase

from aftersales.assets.tests.factories import customer
from aftersales.core.testing import StandardAPITests, StandardViewTests, bearer, make_org, make_user
from aftersales.crm.models import Notification
from aftersales.crm.services import notification_queue


def _notification(point, kind="appointment.reminder", phone="13812345678"):
    owner = customer(point, "钱七")
    return Notification.objects.create(service_point=point, customer=owner, kind=kind, recipient=phone,
                                       subject="提醒", body=f"尊敬的钱七 {phone} 明天见")


class NotificationAPIStandardTests(StandardAPITests):
    model = Notification
    api_url = "/api/v1/notifications"
    actions = {"list", "detail"}

    @classmethod
    def make_object(cls, point):
        return _notification(point)


class NotificationViewStandardTests(StandardViewTests):
    model = Notification
    list_url = "/crm/notifications/"

    @classmethod
    def make_object(cls, point):
        return _notification(point)


class NotificationRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_org()
        cls.point = cls.org["a"]
        cls.advisor = make_user("adv", point=cls.point, role="service_advisor")
        cls.masked = make_user("nopii", point=cls.point, perms=["crm.view_notification"], pii=False)
        cls.reminder = _notification(cls.point)
        cls.confirmation = _notification(cls.point, kind="appointment.confirmation", phone="13900001111")

    def test_filters_by_kind_status_and_customer(self):
        auth = bearer(self.advisor)
        body = self.client.get("/api/v1/notifications", {"kind": "appointment.reminder"}, **auth).json()
        self.assertEqual([i["id"] for i in body["items"]], [self.reminder.pk])
        body = self.client.get("/api/v1/notifications", {"customer_id": self.confirmation.customer_id}, **auth).json()
        self.assertEqual([i["id"] for i in body["items"]], [self.confirmation.pk])
        body = self.client.get("/api/v1/notifications", {"status": "sent"}, **auth).json()
        self.assertEqual(body["items"], [])
        self.assertEqual(self.client.get("/api/v1/notifications", {"customer_id": 2**64}, **auth).status_code, 422)
        self.assertEqual(self.client.get(f"/api/v1/notifications/{2**64}", **auth).status_code, 404)

    def test_recipient_is_masked_for_roles_without_personal_data(self):
        full = self.client.get(f"/api/v1/notifications/{self.reminder.pk}", **bearer(self.advisor)).json()
        self.assertEqual(full["recipient"], "13812345678")
        masked = self.client.get(f"/api/v1/notifications/{self.reminder.pk}", **bearer(self.masked)).json()
        self.assertEqual(masked["recipient"], "138****5678")
        self.assertNotIn("13812345678", masked["body"])
        self.client.force_login(self.masked)
        page = self.client.get(f"/crm/notifications/{self.reminder.pk}/")
        self.assertContains(page, "138****5678")
        self.assertNotContains(page, "13812345678")
        listing = self.client.get("/crm/notifications/")
        self.assertNotContains(listing, "13812345678")

    def test_page_filters(self):
        self.client.force_login(self.advisor)
        response = self.client.get("/crm/notifications/", {"kind": "appointment.confirmation", "customer": "x\x00"})
        self.assertContains(response, self.confirmation.get_absolute_url())
        self.assertNotContains(response, self.reminder.get_absolute_url())

    def test_list_query_count_does_not_grow_with_rows(self):
        auth = bearer(self.advisor)
        self.client.get("/api/v1/notifications", {"limit": 1}, **auth)
        for _ in range(5):
            _notification(self.point)
        with self.assertNumQueries(6):
            self.client.get("/api/v1/notifications", {"limit": 1}, **auth)
        with self.assertNumQueries(6):
            response = self.client.get("/api/v1/notifications", {"limit": 50}, **auth)
        self.assertEqual(len(response.json()["items"]), 7)

    def test_queued_in_a_transaction_is_delivered_after_commit_by_the_log_channel(self):
        owner = customer(self.point, "孙八")
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            row = notification_queue(kind="test.kind", subject="s", body="b", customer=owner, service_point=self.point)
        self.assertEqual(Notification.objects.get(pk=row.pk).status, "queued")
        with self.assertLogs("aftersales.notifications", "INFO") as logs:
            for callback in callbacks:
                callback()
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), ("sent", 1))
        self.assertIn(f"notification {row.pk} [test.kind]", logs.output[0])
