"""Writes and checks of the warranty app."""

from .check import WarrantyVerdict, active_exclusions, line_warranty_check
from .exclusions import (
    DEFAULT_EXCLUSIONS,
    exclusion_create,
    exclusion_defaults_install,
    exclusion_delete,
    exclusion_update,
)

__all__ = [
    "DEFAULT_EXCLUSIONS", "WarrantyVerdict", "active_exclusions", "exclusion_create", "exclusion_defaults_install",
    "exclusion_delete", "exclusion_update", "line_warranty_check",
]
