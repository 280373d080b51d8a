"""Chinese phone numbers: mobiles, landlines with their area code, 400/800 service numbers.

``normalise_phone`` returns the national digits as dialled inside China: 13812345678 for a mobile,
02150001234 for a Shanghai landline (trunk prefix 0 kept), 4008008888 for a service number.
It raises ``ValueError`` whose message is the reason, ready for a field error.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberType

ALLOWED_CHARACTERS = re.compile(r"^\+?[0-9\s\-().]+$")
ACCEPTED_TYPES = {
    PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST,
}
MOBILE_TYPES = {PhoneNumberType.MOBILE}


def _parse(raw: str) -> phonenumbers.PhoneNumber:
    if not isinstance(raw, str):
        raise ValueError(_("Enter the phone number as text."))
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise ValueError(_("Enter a phone number."))
    if "\x00" in text or not ALLOWED_CHARACTERS.match(text):
        raise ValueError(_("A phone number has only digits, spaces, dashes and a leading +."))
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5 or len(digits) > 16:
        raise ValueError(_("A phone number has 7 to 12 digits (with the area code for a landline)."))
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_("This is not a phone number.")) from exc
    if number.country_code != 86:
        raise ValueError(_("Only Chinese numbers (+86) are accepted."))
    return number


def normalise_phone(raw: str) -> str:
    number = _parse(raw)
    if not phonenumbers.is_valid_number(number):
        digits = phonenumbers.national_significant_number(number)
        if digits.startswith("1"):
            raise ValueError(_("A mobile number has 11 digits and starts with 13–19."))
        raise ValueError(_("Not a valid Chinese number; give a landline with its area code, e.g. 021-50001234."))
    if phonenumbers.number_type(number) not in ACCEPTED_TYPES:
        raise ValueError(_("Premium-rate and special numbers cannot be a customer's phone."))
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", national)


def is_mobile(number: str) -> bool:
    """Whether a normalised number is a mobile (for the phone's kind)."""
    try:
        return phonenumbers.number_type(phonenumbers.parse(number, "CN")) in MOBILE_TYPES
    except phonenumbers.NumberParseException:
        return False
