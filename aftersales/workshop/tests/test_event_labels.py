"""Every event the stages write on an order's timeline reads as words, not as its code."""

from django.test import SimpleTestCase

from aftersales.workshop.views.orders_context import event_label


class EventLabelTests(SimpleTestCase):
    def test_events_written_by_other_stages_have_labels(self):
        self.assertEqual(event_label("insurance_claim"), "Insurance claim started")
        self.assertEqual(event_label("insurer_share"), "Insurer's share set")
        self.assertEqual(event_label("insurer_payment"), "Payment from the insurer")
        self.assertEqual(event_label("parts_reserved"), "Parts arrived and reserved")

    def test_transitions_are_named_by_the_table(self):
        self.assertEqual(event_label("finish_repair"), "Repair finished, to quality check")
