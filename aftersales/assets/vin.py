"""Vehicle identification numbers: ISO 3779 structure, the 49 CFR 565 / GB 16735 check digit, decoding.

The check digit (position 9) is mandatory for North America (first character 1–5) and China (L);
elsewhere many makers put another character there, so a wrong one is only a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .wmi import country_of, manufacturer_of, region_of

VIN_LENGTH = 17
ALLOWED = set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Model-year codes in order from 1980 (and again from 2010, 2040); I, O, Q, U, Z and 0 are never used.
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
MANDATORY_FIRST = set("12345L")


class VinError(ValueError):
    """A VIN that is not even well formed. ``code`` is stable, ``reason`` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class VinInfo:
    vin: str
    well_formed: bool
    check_digit_valid: bool
    check_digit_mandatory: bool
    region: str
    country: str
    manufacturer: str
    model_year: int | None
    warnings: list[str] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        """Well formed, and the check digit is right wherever it has to be."""
        return self.well_formed and (self.check_digit_valid or not self.check_digit_mandatory)


def normalise_vin(raw: str | None) -> str:
    return (raw or "").strip().upper()


def check_structure(vin: str) -> None:
    """Raise ``VinError`` with a distinct reason for each way a VIN can be malformed."""
    if len(vin) != VIN_LENGTH:
        raise VinError("length", _("A VIN has 17 characters; this one has %(n)d.") % {"n": len(vin)})
    if not re.fullmatch(r"[A-Z0-9]{17}", vin):
        bad = "".join(sorted({c for c in vin if not ("A" <= c <= "Z" or "0" <= c <= "9")}))
        raise VinError("characters", _("A VIN has only letters and digits, not “%(chars)s”.") % {"chars": bad})
    forbidden = "".join(sorted({c for c in vin if c in "IOQ"}))
    if forbidden:
        raise VinError("forbidden_letters",
                       _("A VIN never contains the letters I, O or Q (found %(chars)s).") % {"chars": forbidden})


def compute_check_digit(vin: str) -> str:
    """The check digit for positions 1–8 and 10–17 of ``vin`` (position 9 is ignored): "0"–"9" or "X"."""
    vin = normalise_vin(vin)
    if len(vin) != VIN_LENGTH or any(c not in TRANSLITERATION for c in vin):
        raise VinError("length" if len(vin) != VIN_LENGTH else "characters", _("Not a 17-character VIN."))
    total = sum(TRANSLITERATION[c] * w for c, w in zip(vin, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def with_check_digit(vin: str) -> str:
    """``vin`` with position 9 replaced by the correct check digit."""
    vin = normalise_vin(vin)
    return vin[:8] + compute_check_digit(vin) + vin[9:]


def model_year(vin: str, *, today: dt.date | None = None) -> int | None:
    code = vin[9]
    if code not in YEAR_CODES:
        return None
    offset = YEAR_CODES.index(code)
    if vin[0] in "12345":
        # North America: a digit in position 7 means 1980–2009, a letter 2010–2039.
        return 1980 + offset + (0 if vin[6].isdigit() else 30)
    latest = (today or dt.date.today()).year + 1
    year = 1980 + offset
    while year + 30 <= latest:
        year += 30
    return year


def decode_vin(vin: str, *, today: dt.date | None = None) -> VinInfo:
    """Decode a VIN; raise ``VinError`` when it is malformed (length, characters, I/O/Q)."""
    vin = normalise_vin(vin)
    check_structure(vin)
    warnings: list[str] = []
    mandatory = vin[0] in MANDATORY_FIRST
    expected = compute_check_digit(vin)
    valid = vin[8] == expected
    if not valid:
        message = _("The check digit (9th character) should be %(expected)s, not %(actual)s.") % {
            "expected": expected, "actual": vin[8]}
        if not mandatory:
            message = _("%(message)s Makers outside China and North America need not use it.") % {"message": message}
        warnings.append(message)
    year = model_year(vin, today=today)
    if year is None:
        warnings.append(_("The 10th character “%(code)s” is not a model-year code.") % {"code": vin[9]})
    return VinInfo(
        vin=vin, well_formed=True, check_digit_valid=valid, check_digit_mandatory=mandatory,
        region=region_of(vin[0]), country=country_of(vin[:3]), manufacturer=manufacturer_of(vin[:3]),
        model_year=year, warnings=warnings,
    )
