"""Classify a search query: which lookups can possibly match it.

Only those lookups run, each on its own index (see migrations/0001_search_indexes.py):

=============  =====================================================  ======================
lookup         query shape                                            example
=============  =====================================================  ======================
name           contains a CJK character, or Latin letters only, 2+     张三, 三丰, John
pinyin         letters only, 2+                                        zhangsan, zhang
initials       letters only, 2+                                        zs, zsf
phone          4+ digits (spaces, dashes, +86 allowed)                 5678, 138 1234 5678
id_number      4+ digits, optionally ending in X (suffix or full)      1234, 12345X
plate          3+ characters of a plate: CJK province, letters, digits 京A1, A12345, 1234
vin            6–17 VIN characters (no I, O, Q): a suffix or the VIN   123456, LSVAU2180N2183294
serial         3+ letters, digits, dashes, with a digit               SN-2023, 8842
=============  =====================================================  ======================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]+$")
LETTERS = re.compile(r"^[a-z]+$")
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z .'-]*$")
ID_FRAGMENT = re.compile(r"^\d{3,17}[\dX]$")
VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{6,17}$")
PLATE_CHARS = re.compile(r"^[\u4e00-\u9fffA-Z0-9]{3,10}$")
SERIAL_CHARS = re.compile(r"^[A-Z0-9][A-Z0-9\-_/.]{2,63}$")

MIN_LENGTH = 2
MIN_PHONE_DIGITS = 4
MIN_SUBSTRING = 3  # a trigram index needs three characters
BROAD_PREFIX = 3
_INITIALS = ["b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r", "z",
             "c", "s", "y", "w"]
_FINALS = ["a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er", "ia", "ie",
           "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui", "uan", "un", "uang", "ue"]
# Every start (up to BROAD_PREFIX letters) of initial + final, and of the finals alone (an, ai, ou…).
PINYIN_STARTS = frozenset(
    syllable[:n] for syllable in [i + f for i in _INITIALS for f in _FINALS] + _FINALS
    for n in range(1, BROAD_PREFIX + 1)
)


@dataclass(frozen=True)
class SearchPlan:
    text: str            # the query, trimmed, inner white space collapsed
    compact: str         # without white space, upper case (plates, VINs, serials, ID numbers)
    letters: str         # lower case letters without white space (pinyin), "" when not letters only
    digits: str          # national phone digits, "" when the query is not a phone fragment
    lookups: frozenset[str]

    def has(self, lookup: str) -> bool:
        return lookup in self.lookups

    @property
    def broad(self) -> bool:
        """A short start of a pinyin syllable ("li", "zh", "wan") may match tens of thousands of
        customers; short initials that are not ("zs", "wy", "chy") match a few hundred."""
        return bool(self.letters) and len(self.letters) <= BROAD_PREFIX and self.letters in PINYIN_STARTS


def classify(q: str) -> SearchPlan:
    text = " ".join(q.split())
    compact = "".join(text.split()).upper()
    lookups: set[str] = set()
    letters = compact.lower() if LETTERS.match(compact.lower()) else ""
    digits = ""
    if PHONE_LIKE.match(text):
        digits = re.sub(r"\D", "", text)
        if text.startswith("+86") or (len(digits) == 13 and digits.startswith("86")):
            digits = digits[2:]
        if len(digits) >= MIN_PHONE_DIGITS:
            lookups.add("phone")
        else:
            digits = ""
    if len(compact) < MIN_LENGTH:
        return SearchPlan(text, compact, letters, digits, frozenset())
    if CJK.search(text) or LATIN_NAME.match(text):
        lookups.add("name")
    if letters:
        lookups.update({"pinyin", "initials"})
    if ID_FRAGMENT.match(compact):
        lookups.add("id_number")
    if len(compact) >= MIN_SUBSTRING and PLATE_CHARS.match(compact) and not letters:
        lookups.add("plate")
    if VIN_CHARS.match(compact):
        lookups.add("vin")
    if len(compact) >= MIN_SUBSTRING and SERIAL_CHARS.match(compact) and any(ch.isdigit() for ch in compact):
        lookups.add("serial")
    return SearchPlan(text, compact, letters, digits, frozenset(lookups))
