from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "aftersales.insurance"
    label = "insurance"
    verbose_name = _("Insurance claims")

    def ready(self) -> None:
        from .services import money
        from .services.transitions import register_effect

        # The claim's steps that move money on the work order (see services/money.py).
        register_effect("assess", money.claim_apply_share)
        register_effect("reject", money.claim_remove_share)
        register_effect("withdraw", money.claim_remove_share)
        register_effect("pay", money.claim_record_payment)
