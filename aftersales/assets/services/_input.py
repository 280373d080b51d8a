"""The asset services use the shared input coercion of ``core.inputs``."""

from aftersales.core.inputs import MAX_METER_VALUE, as_bool, as_date, as_int, as_text, invalid

__all__ = ["MAX_METER_VALUE", "as_bool", "as_date", "as_int", "as_text", "invalid"]
