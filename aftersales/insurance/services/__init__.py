"""Writes of insurance claims. Import from here: ``from aftersales.insurance.services import …``."""

from .claims import insurance_claim_create, insurance_claim_update
from .documents import insurance_claim_document_update
from .transitions import claim_steps, insurance_claim_transition, locked_claim, register_effect

__all__ = [
    "claim_steps", "insurance_claim_create", "insurance_claim_document_update", "insurance_claim_transition",
    "insurance_claim_update", "locked_claim", "register_effect",
]
