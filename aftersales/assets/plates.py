"""Chinese motor-vehicle number plates (GA 36-2018).

* Ordinary plates: province abbreviation + issuing-authority letter + five characters (letters other
  than I and O, digits); the last may instead be a class character: 挂 学 警 港 澳 领 (京A1234学).
* New-energy plates (eight characters): small vehicles have D/F (and the extended A–K codes) as the
  first of six characters, then a letter or digit, then four digits (京AD12345, 粤BF1A234 is not: four digits must end it);
  large vehicles have five digits followed by the energy letter (沪A12345D).
* Embassy plates: 使 followed by six digits (使014578).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTER = "A-HJ-NP-Z"  # Latin capitals without I and O
ALNUM = f"[{LETTER}0-9]"
CLASS_SUFFIX = "挂学警港澳领"
# Energy codes of GA 36-2018 (D pure electric, F other; A/B/C/E and G/H/J/K extend them).
ENERGY = "A-HJK"

ORDINARY = re.compile(rf"^[{PROVINCES}][{LETTER}]{ALNUM}{{4}}(?:{ALNUM}|[{CLASS_SUFFIX}])$")
NEW_ENERGY_SMALL = re.compile(rf"^[{PROVINCES}][{LETTER}][{ENERGY}]{ALNUM}[0-9]{{4}}$")
NEW_ENERGY_LARGE = re.compile(rf"^[{PROVINCES}][{LETTER}][0-9]{{5}}[{ENERGY}]$")
EMBASSY = re.compile(r"^使[0-9]{6}$")

_SEPARATORS = re.compile(r"[\s.·•\-]")


class PlateError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_plate(raw: str | None) -> str:
    """The plate in its canonical form (upper case, no spaces or dots), or ``PlateError``."""
    plate = _SEPARATORS.sub("", raw or "").upper()
    if not plate:
        raise PlateError(_("Enter a plate number."))
    if EMBASSY.match(plate):
        return plate
    if plate[0] not in PROVINCES:
        raise PlateError(_("A plate starts with a province abbreviation such as 京, 沪 or 粤."))
    if len(plate) < 2 or not re.fullmatch(f"[{LETTER}]", plate[1]):
        raise PlateError(_("The second character is the issuing authority's letter (A–Z, not I or O)."))
    if len(plate) == 7:
        if ORDINARY.match(plate):
            return plate
        if re.search("[IO]", plate):
            raise PlateError(_("Plates never use the letters I or O."))
        raise PlateError(_("After the province and letter come five letters or digits (the last may be 挂, 学, "
                           "警, 港, 澳 or 领)."))
    if len(plate) == 8:
        if NEW_ENERGY_SMALL.match(plate) or NEW_ENERGY_LARGE.match(plate):
            return plate
        raise PlateError(_("A new-energy plate has D or F (or A–K) then a letter or digit and four digits "
                           "(京AD12345), or five digits then D or F (京A12345D)."))
    raise PlateError(_("A plate has 7 characters, or 8 for new-energy vehicles; this one has %(n)d.")
                     % {"n": len(plate)})
