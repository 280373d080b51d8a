"""Writes and checks of the warranty app."""

from .check import WarrantyVerdict, active_exclusions, line_warranty_check

__all__ = ["WarrantyVerdict", "active_exclusions", "line_warranty_check"]
