"""Identity numbers: resident ID cards (居民身份证, GB 11643) and unified social credit codes (GB 32100).

Each ``normalise_*`` returns the compact upper-case number or raises ``ValueError`` whose message
is the reason, ready for a field error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from .choices import IdType

OTHER_ID = re.compile(r"^[A-Z0-9\-]{4,32}$")
PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")


def _text(raw) -> str:
    if not isinstance(raw, str):
        raise ValueError(_("Enter the number as text."))
    text = unicodedata.normalize("NFKC", raw)
    if "\x00" in text:
        raise ValueError(_("Contains a NUL character."))
    return re.sub(r"[\s\-]", "", text).upper()


def normalise_resident_id(raw: str) -> str:
    number = _text(raw)
    if len(number) != 18:
        raise ValueError(_("A resident ID number has 18 characters."))
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise ValueError(_("A resident ID number has 17 digits and a last digit or X."))
    try:
        ric.get_birth_date(number)  # the date first: a better reason than a wrong check digit
        number = ric.validate(number)
    except InvalidLength as exc:
        raise ValueError(_("A resident ID number has 18 characters.")) from exc
    except InvalidFormat as exc:
        raise ValueError(_("A resident ID number has 17 digits and a last digit or X.")) from exc
    except InvalidComponent as exc:
        raise ValueError(_("The birth date in this ID number does not exist.")) from exc
    except InvalidChecksum as exc:
        raise ValueError(_("The check digit of this ID number is wrong; check for a typing error.")) from exc
    except ValidationError as exc:
        raise ValueError(_("This is not a valid resident ID number.")) from exc
    if resident_id_birth_date(number) > timezone.localdate():
        raise ValueError(_("The birth date in this ID number is in the future."))
    return number


def resident_id_birth_date(number: str) -> dt.date:
    return ric.get_birth_date(number)


def resident_id_gender(number: str) -> str:
    """"M" or "F": the 17th digit is odd for men."""
    return "M" if int(number[16]) % 2 else "F"


def normalise_credit_code(raw: str) -> str:
    number = _text(raw)
    if len(number) != 18:
        raise ValueError(_("A unified social credit code has 18 characters."))
    try:
        return uscc.validate(number)
    except InvalidChecksum as exc:
        raise ValueError(_("The check character of this credit code is wrong; check for a typing error.")) from exc
    except ValidationError as exc:
        raise ValueError(_("A unified social credit code starts with 8 digits, then digits and capital letters "
                           "(no I, O, S, V, Z).")) from exc


def normalise_id_number(id_type: str, raw: str) -> str:
    """The number checked by the rules of its type (passports and others only by shape)."""
    if id_type == IdType.RESIDENT_ID:
        return normalise_resident_id(raw)
    if id_type == IdType.CREDIT_CODE:
        return normalise_credit_code(raw)
    number = _text(raw)
    if id_type == IdType.PASSPORT:
        if not PASSPORT.match(number):
            raise ValueError(_("A passport number has 5 to 17 letters and digits."))
        return number
    if not OTHER_ID.match(number):
        raise ValueError(_("An identity number has 4 to 32 letters, digits and dashes."))
    return number
