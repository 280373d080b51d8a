from celery import shared_task

from .classification import customers_classify_all


@shared_task(name="aftersales.customers.tasks.classify_all_customers")
def classify_all_customers() -> dict:
    """Nightly: refresh every archive's transaction status, then reclassify all (set-based SQL)."""
    return customers_classify_all(user=None, refresh=True)
