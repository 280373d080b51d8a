"""Pinyin keys, phone numbers and identity numbers: examples and properties."""

import datetime as dt
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin
from stdnum.cn import ric, uscc

from aftersales.customers.idnumbers import (
    normalise_credit_code,
    normalise_id_number,
    normalise_resident_id,
    resident_id_birth_date,
    resident_id_gender,
)
from aftersales.customers.phones import is_mobile, normalise_phone
from aftersales.customers.pinyin import name_search_keys

# --- pinyin -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("张三", ("zhangsan", "zs")),
    ("曾小贤", ("zengxiaoxian", "zxx")),
    ("单田芳", ("shantianfang", "stf")),
    ("解晓东", ("xiexiaodong", "xxd")),
    ("欧阳娜娜", ("ouyangnana", "oynn")),
    ("John Smith", ("johnsmith", "js")),
    ("张Tony", ("zhangtony", "zt")),
    ("王 五", ("wangwu", "ww")),
    ("", ("", "")),
])
def test_name_search_keys(name, expected):
    assert name_search_keys(name) == expected


def test_surname_readings_only_for_people():
    assert name_search_keys("曾氏汽修", person=False) == ("cengshiqixiu", "csqx")
    assert name_search_keys("曾氏汽修") == ("zengshiqixiu", "zsqx")


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NAMES = st.text(alphabet=st.one_of(CJK, st.sampled_from("abcXYZ -·")), min_size=0, max_size=40)


@given(NAMES)
@settings(max_examples=200, deadline=None)
def test_pinyin_keys_are_lower_ascii_without_spaces_and_initials_are_prefix_letters(name):
    full, initials = name_search_keys(name)
    assert re.fullmatch(r"[a-z0-9]*", full)
    assert re.fullmatch(r"[a-z0-9]*", initials)
    assert len(initials) <= len(full) <= 300
    if full:
        assert full[0] == initials[0]


@given(st.text(alphabet=CJK, min_size=1, max_size=20))
@example("张嗧三")  # 嗧 has no reading in pypinyin: it cannot be typed as pinyin, so it is left out
@settings(max_examples=200, deadline=None)
def test_every_chinese_character_with_a_reading_gives_one_initial(name):
    full, initials = name_search_keys(name, person=False)
    assert len(initials) == sum(1 for ch in name if lazy_pinyin(ch)[0] != ch)


# --- phones -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("021-50001234", "02150001234"),
    ("(0755) 8888 9999", "075588889999"),
    ("010 12345678", "01012345678"),
    ("400-800-8888", "4008008888"),
])
def test_normalise_phone_accepts(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "Enter a phone number."),
    ("12812345678", "A mobile number has 11 digits and starts with 13–19."),
    ("1381234567", "A mobile number has 11 digits and starts with 13–19."),
    ("1381234567a", "A phone number has only digits, spaces, dashes and a leading +."),
    ("+1 415 555 0100", "Only Chinese numbers (+86) are accepted."),
    ("0571-8888999", "Not a valid Chinese number; give a landline with its area code, e.g. 021-50001234."),
    ("138\x0012345678", "A phone number has only digits, spaces, dashes and a leading +."),
])
def test_normalise_phone_refuses_with_reason(raw, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        normalise_phone(raw)


MOBILE = st.builds(lambda prefix, rest: f"1{prefix}{rest:08d}", st.sampled_from(["38", "39", "50", "86", "88", "77"]),
                   st.integers(0, 99_999_999))
SEPARATORS = st.sampled_from(["", " ", "-"])


@given(MOBILE, SEPARATORS, st.booleans())
@settings(max_examples=200, deadline=None)
def test_mobile_in_any_notation_normalises_to_its_eleven_digits(number, sep, country):
    written = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    if country:
        written = "+86 " + written
    assert normalise_phone(written) == number
    assert is_mobile(number)


@given(st.text(max_size=25))
@settings(max_examples=300, deadline=None)
def test_normalise_phone_either_returns_digits_or_raises_value_error(raw):
    try:
        result = normalise_phone(raw)
    except ValueError as exc:
        assert str(exc)
    else:
        assert result.isdigit() and 5 <= len(result) <= 16
        assert normalise_phone(result) == result  # idempotent


# --- identity numbers -------------------------------------------------------------------------------


def test_resident_id_normalised_and_decoded():
    assert normalise_resident_id("110105 1949 1231 002x") == "11010519491231002X"
    assert resident_id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert resident_id_gender("11010519491231002X") == "F"
    assert resident_id_gender("110101199003071233") == "M"


@pytest.mark.parametrize(("raw", "reason"), [
    ("12345", "A resident ID number has 18 characters."),
    ("1101051949123100XX", "A resident ID number has 17 digits and a last digit or X."),
    ("110105194913310028", "The birth date in this ID number does not exist."),
    ("110105194912310021", "The check digit of this ID number is wrong"),
])
def test_resident_id_refused_with_reason(raw, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        normalise_resident_id(raw)


def test_resident_id_born_in_the_future_is_refused():
    body = f"110101{dt.date.today().year + 1}0101123"
    with pytest.raises(ValueError, match="in the future"):
        normalise_resident_id(body + ric.calc_check_digit(body + "0"))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)), st.integers(0, 999))
@settings(max_examples=200, deadline=None)
def test_any_well_formed_resident_id_is_accepted_and_a_changed_digit_is_caught(born, seq):
    body = f"110101{born:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assert normalise_resident_id(number) == number
    assert resident_id_birth_date(number) == born
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValueError):
        normalise_resident_id(wrong)


def test_credit_code():
    assert normalise_credit_code("91110000600037341l") == "91110000600037341L"
    with pytest.raises(ValueError, match="check character"):
        normalise_credit_code("91110000600037341M")
    with pytest.raises(ValueError, match="18 characters"):
        normalise_credit_code("9111000060003734")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8),
       st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
@settings(max_examples=200, deadline=None)
def test_credit_code_with_its_check_character_is_accepted(head, tail):
    body = head + tail
    number = body + uscc.calc_check_digit(body)
    assert normalise_credit_code(number) == number
    with pytest.raises(ValueError):
        normalise_credit_code("I" + number[1:])


def test_passport_and_other_ids_checked_by_shape():
    assert normalise_id_number("passport", "e1234 5678") == "E12345678"
    with pytest.raises(ValueError, match="passport"):
        normalise_id_number("passport", "E1")
