"""Writes of the assets app. Import from here: ``from aftersales.assets.services import asset_create``."""

from .assets import asset_create, asset_delete, asset_transfer, asset_update
from .coverages import (
    coverage_create,
    coverage_delete,
    coverage_update,
    maintenance_interval_create,
    maintenance_interval_delete,
    maintenance_interval_update,
)
from .readings import meter_reading_add, meter_reading_delete

__all__ = [
    "asset_create", "asset_delete", "asset_transfer", "asset_update",
    "coverage_create", "coverage_delete", "coverage_update",
    "maintenance_interval_create", "maintenance_interval_delete", "maintenance_interval_update",
    "meter_reading_add", "meter_reading_delete",
]
