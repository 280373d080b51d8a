"""Search keys for names: full pinyin ("zhangsan") and initials ("zs"), lower case, no spaces or tones.

pypinyin reads a character by its most common pronunciation, which is wrong for several surnames
(曾 is "zeng" as a surname, not "ceng"). pypinyin has no surname style in the version we use, so the
readings of common polyphonic surnames are listed here and applied to the start of a person's name.
"""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin

# Compound surnames first: they are matched before single characters.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "万俟": ("mo", "qi"), "尉迟": ("yu", "chi"), "单于": ("chan", "yu"), "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"), "令狐": ("ling", "hu"), "宇文": ("yu", "wen"), "欧阳": ("ou", "yang"),
    "曾": ("zeng",), "单": ("shan",), "解": ("xie",), "仇": ("qiu",), "朴": ("piao",), "查": ("zha",),
    "区": ("ou",), "盖": ("ge",), "缪": ("miao",), "翟": ("zhai",), "乐": ("yue",), "秘": ("bi",),
    "覃": ("qin",), "种": ("chong",), "繁": ("po",), "员": ("yun",), "召": ("shao",), "折": ("she",),
    "藏": ("zang",), "黑": ("he",), "宿": ("su",), "褚": ("chu",), "句": ("gou",), "贲": ("ben",),
    "柏": ("bai",), "薄": ("bo",), "重": ("chong",), "尉": ("wei",), "能": ("nai",), "纪": ("ji",),
    "沈": ("shen",), "任": ("ren",), "华": ("hua",), "冼": ("xian",), "阚": ("kan",), "隗": ("wei",),
    "眭": ("sui",), "训": ("xun",), "朝": ("chao",), "过": ("guo",), "那": ("na",), "祭": ("zhai",),
}

PINYIN_MAX = 300
INITIALS_MAX = 100


def _surname(name: str) -> tuple[str, tuple[str, ...]]:
    for length in (2, 1):
        reading = SURNAME_READINGS.get(name[:length])
        if reading is not None and len(name) > length:  # a lone character is not read as a surname
            return name[length:], reading
    return name, ()


def _syllables(text: str) -> list[str]:
    """Pinyin per Chinese character; runs of Latin letters and digits stay whole, lower-cased."""
    out: list[str] = []
    for part in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: [chunk]):
        word = "".join(ch for ch in part.lower() if ch.isascii() and ch.isalnum())
        if not word:
            continue
        # Latin runs ("John Smith") come back as one chunk: split on anything that is not a letter/digit.
        if part.isascii() and not part.isalnum():
            out.extend(w for w in "".join(c if c.isalnum() else " " for c in part.lower()).split() if w)
        else:
            out.append(word)
    return out


def name_search_keys(name: str, *, person: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) of a name. ``person`` applies surname readings to the first characters."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return "", ""
    rest, surname = _surname(text) if person else (text, ())
    syllables = [*surname, *_syllables(rest)]
    full = "".join(syllables)[:PINYIN_MAX]
    initials = "".join(s[0] for s in syllables)[:INITIALS_MAX]
    return full, initials
