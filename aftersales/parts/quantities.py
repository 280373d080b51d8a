"""Quantities as people write them: 10, 12.5, 0.25 (never 1E+1 or 12.50)."""

from decimal import Decimal


def qty(value) -> str:
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def signed_qty(value) -> str:
    text = qty(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"
