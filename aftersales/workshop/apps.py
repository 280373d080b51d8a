from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "aftersales.workshop"
    label = "workshop"
    verbose_name = _("Workshop")

    def ready(self) -> None:
        from aftersales.customers.transactions import register_transaction_source

        from .services import stock
        from .services.transitions import register_effect
        from .transactions import work_order_business

        register_transaction_source("work_orders", work_order_business)
        register_effect("approve", stock.order_reserve_parts)
        register_effect("finish_repair", stock.order_issue_parts)
        register_effect("cancel", stock.order_release_parts)

        from .services import qc

        register_effect("qc_fail", qc.order_send_jobs_back)
