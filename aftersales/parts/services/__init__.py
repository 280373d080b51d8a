"""Writes of the parts app. Stock changes go through ``stock`` (row locks, never below zero)."""

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

__all__ = [
    "InsufficientStockError", "stock_adjust", "stock_for", "stock_issue", "stock_receive", "stock_release",
    "stock_reserve", "stock_return",
]
