"""``manage.py load_demo_data``: the demo data set for ``make run`` (never in production)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aftersales.demo.loader import database_has_other_data, demo_data_loaded, load_demo_data


class Command(BaseCommand):
    help = ("Load the demo organisation, users (password = user name), customers, assets, parts, work orders, "
            "appointments and an insurance claim, once.")

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200, help="How many customer archives (default 200).")

    def handle(self, *args, customers: int, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is not allowed with these settings (DEMO_DATA_ALLOWED is off; "
                               "production never loads demo data).")
        if customers < 1 or customers > 5000:
            raise CommandError("--customers must be between 1 and 5000.")
        if demo_data_loaded():
            self.stdout.write("Demo data is already loaded; nothing to do.")
            return
        if database_has_other_data():
            self.stdout.write("This database already holds an organisation of its own; demo data is only "
                              "loaded into an empty one. Nothing done.")
            return
        started = time.monotonic()
        summary = load_demo_data(customers=customers)
        parts = ", ".join(f"{n} {what}" for what, n in summary.counts.items())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded in {time.monotonic() - started:.1f} s: {parts}. "
            "Log in as admin/admin, advisor/advisor … (see README.md)."))
