"""The default rule set (HQ edits it afterwards in Customers → Classification rules).

A/B/C (A = good credit, long relationship, frequent, large amounts):
  A  visited within 365 days, ≥ 6 visits, ≥ ¥20,000 spent, customer ≥ 2 years, credit good or normal
     → contact every 90 days, high follow-up priority
  B  visited within 540 days, ≥ 2 visits, ≥ ¥3,000 spent, credit not "cash only"
     → every 180 days, normal priority
  C  everyone else → every 365 days, low priority
Value tiers (金牌/银牌/铜牌/铁牌/铅牌):
  gold    within 180 days, ≥ 10 visits, ≥ ¥50,000      → every 60 days, high
  silver  within 365 days, ≥ 5 visits, ≥ ¥20,000       → every 90 days, high
  bronze  within 365 days, ≥ 2 visits, ≥ ¥5,000        → every 180 days, normal
  iron    within 730 days, ≥ 1 visit                   → every 270 days, normal
  lead    everyone else                                → every 365 days, low
"""

from decimal import Decimal

from django.db import migrations

DEFAULT_RULES = [
    # dimension, result, rank, recency, visits, spend, tenure, ratings, interval, priority, strategy
    ("abc", "A", 0, 365, 6, Decimal("20000"), 730, ["good", "normal"], 90, "high",
     "Personal advisor; quarterly care call; priority booking and courtesy car."),
    ("abc", "B", 1, 540, 2, Decimal("3000"), None, ["good", "normal", "watch"], 180, "normal",
     "Maintenance reminders and a follow-up call after every visit."),
    ("abc", "C", 2, None, None, None, None, [], 365, "low", "Reminders by SMS or WeChat; yearly win-back offer."),
    ("tier", "gold", 0, 180, 10, Decimal("50000"), None, [], 60, "high",
     "Service manager visits twice a year; birthday and holiday care; free inspections."),
    ("tier", "silver", 1, 365, 5, Decimal("20000"), None, [], 90, "high", "Quarterly care message; loyalty offers."),
    ("tier", "bronze", 2, 365, 2, Decimal("5000"), None, [], 180, "normal", "Maintenance reminders; seasonal campaigns."),
    ("tier", "iron", 3, 730, 1, None, None, [], 270, "normal", "Reminders before maintenance falls due."),
    ("tier", "lead", 4, None, None, None, None, [], 365, "low", "Yearly win-back invitation."),
]


def create_defaults(apps, schema_editor):
    Rule = apps.get_model("customers", "ClassificationRule")
    for dim, result, rank, recency, visits, spend, tenure, ratings, interval, priority, strategy in DEFAULT_RULES:
        Rule.objects.get_or_create(dimension=dim, result=result, defaults={
            "rank": rank, "max_recency_days": recency, "min_visits": visits, "min_spend": spend,
            "min_tenure_days": tenure, "credit_ratings": ratings, "visit_interval_days": interval,
            "follow_up_priority": priority, "strategy": strategy,
        })


def remove_defaults(apps, schema_editor):
    Rule = apps.get_model("customers", "ClassificationRule")
    for dim, result, *_rest in DEFAULT_RULES:
        Rule.objects.filter(dimension=dim, result=result).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_classification_rules")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
