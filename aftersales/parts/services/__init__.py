"""Writes of the parts app. Stock changes go through ``stock`` (row locks, never below zero)."""

from .catalogue import part_create, part_delete, part_update
from .stock import (
    InsufficientStockError,
    stock_adjust,
    stock_for,
    stock_issue,
    stock_receive,
    stock_release,
    stock_reserve,
    stock_return,
)
from .stock_rows import ReceiptResult, ReservedForLine, stock_count, stock_open, stock_receipt, stock_update

__all__ = [
    "InsufficientStockError", "ReceiptResult", "ReservedForLine", "part_create", "part_delete", "part_update",
    "stock_adjust", "stock_count", "stock_for", "stock_issue", "stock_open", "stock_receipt", "stock_receive",
    "stock_release", "stock_reserve", "stock_return", "stock_update",
]
