import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.assets.vin import (
    ALLOWED,
    TRANSLITERATION,
    WEIGHTS,
    VinError,
    compute_check_digit,
    decode_vin,
    with_check_digit,
)

VIN_CHARS = sorted(ALLOWED)
vins = st.text(alphabet=VIN_CHARS, min_size=17, max_size=17)
TODAY = dt.date(2026, 6, 1)


def test_the_49_cfr_565_example_vin_is_valid_and_decodes():
    info = decode_vin("1M8GDM9AXKP042788", today=TODAY)
    assert (info.check_digit_valid, info.check_digit_mandatory) == (True, True)
    assert (info.region, info.country, info.model_year) == ("North America", "United States", 1989)
    assert info.warnings == []


def test_a_tesla_shanghai_vin_decodes_maker_country_and_year():
    info = decode_vin("LRW3E7FS5PC695355", today=TODAY)
    assert info.manufacturer == "Tesla Shanghai (特斯拉上海)"
    assert (info.region, info.country, info.model_year) == ("Asia", "China", 2023)
    assert info.check_digit_valid and info.acceptable


@pytest.mark.parametrize(("wmi", "maker"), [
    ("LFV", "FAW-Volkswagen (一汽-大众)"), ("LSV", "SAIC Volkswagen (上汽大众)"), ("LSG", "SAIC-GM (上汽通用)"),
    ("LGB", "Dongfeng Nissan (东风日产)"), ("LVG", "GAC Toyota (广汽丰田)"), ("LHG", "GAC Honda (广汽本田)"),
    ("LBV", "BMW Brilliance (华晨宝马)"), ("LE4", "Beijing Benz (北京奔驰)"), ("LGX", "BYD (比亚迪)"),
    ("L6T", "Geely (吉利汽车)"), ("LVV", "Chery (奇瑞汽车)"), ("LGW", "Great Wall Motor (长城汽车)"),
    ("LS5", "Changan (长安汽车)"), ("LW4", "Li Auto (理想汽车)"), ("L1N", "XPeng (小鹏汽车)"),
    ("WVW", "Volkswagen"), ("JTD", "Toyota"), ("KMH", "Hyundai"), ("5YJ", "Tesla (Fremont)"),
])
def test_manufacturer_from_wmi(wmi, maker):
    assert decode_vin(with_check_digit(f"{wmi}AB12C0PA123456")).manufacturer == maker


def test_unknown_wmi_has_no_manufacturer_but_is_valid():
    info = decode_vin(with_check_digit("LZZZZ12C0PA123456"))
    assert info.manufacturer == "" and info.country == "China" and info.acceptable


def test_wrong_check_digit_is_refused_in_china_and_north_america():
    info = decode_vin("LSVAU2180N2183294")
    assert info.check_digit_valid is False and info.check_digit_mandatory is True and not info.acceptable
    assert info.warnings == ["The check digit (9th character) should be X, not 0."]


def test_wrong_check_digit_elsewhere_is_only_a_warning():
    info = decode_vin("WVWZZZ1JZXW000001", today=TODAY)
    assert (info.check_digit_valid, info.check_digit_mandatory, info.acceptable) == (False, False, True)
    assert info.country == "Germany" and info.region == "Europe" and info.model_year == 1999
    assert len(info.warnings) == 1 and "should be 0, not Z" in info.warnings[0]


@pytest.mark.parametrize(("raw", "code", "reason"), [
    ("LSVAU2180N218329", "length", "A VIN has 17 characters; this one has 16."),
    ("LSVAU2180N21832945", "length", "A VIN has 17 characters; this one has 18."),
    ("", "length", "A VIN has 17 characters; this one has 0."),
    ("LSVAU2180O2183294", "forbidden_letters", "A VIN never contains the letters I, O or Q (found O)."),
    ("LSVAU218QI2183294", "forbidden_letters", "A VIN never contains the letters I, O or Q (found IQ)."),
    ("LSVAU2180-2183294", "characters", "A VIN has only letters and digits, not “-”."),
    ("LSVAU2180张2183294", "characters", "A VIN has only letters and digits, not “张”."),
])
def test_malformed_vins_have_distinct_reasons(raw, code, reason):
    with pytest.raises(VinError) as caught:
        decode_vin(raw)
    assert (caught.value.code, caught.value.reason) == (code, reason)


def test_input_is_trimmed_and_upper_cased():
    assert decode_vin("  lrw3e7fs5pc695355 ").vin == "LRW3E7FS5PC695355"


@pytest.mark.parametrize(("vin", "year"), [
    ("1M8GDM9AXKP042788", 1989),          # North America, position 7 a digit: 1980–2009
    (with_check_digit("1G1ZB5ST0KF123456"), 2019),  # position 7 a letter (T): 2010–2039
    (with_check_digit("LSVAU2180N2183294"), 2022),
    (with_check_digit("WVWZZZ1JZVW000001"), 2027),  # V: 1997 or 2027; 2027 is next year → the latest
    (with_check_digit("WVWZZZ1JZWW000001"), 1998),  # W: 2028 would be after next year
])
def test_model_year(vin, year):
    assert decode_vin(vin, today=TODAY).model_year == year


def test_an_impossible_year_code_is_a_warning():
    info = decode_vin(with_check_digit("WVWZZZ1JZ0W000001"), today=TODAY)
    assert info.model_year is None
    assert info.warnings == ["The 10th character “0” is not a model-year code."]


@given(vins)
def test_any_vin_with_the_computed_check_digit_validates(vin):
    fixed = with_check_digit(vin)
    info = decode_vin(fixed)
    assert info.check_digit_valid
    assert fixed[8] == compute_check_digit(fixed)


@given(vins, st.integers(min_value=0, max_value=16), st.sampled_from(VIN_CHARS))
def test_changing_one_character_breaks_the_check_digit_unless_the_values_collide(vin, position, char):
    fixed = with_check_digit(vin)
    changed = fixed[:position] + char + fixed[position + 1:]
    same_value = TRANSLITERATION[char] == TRANSLITERATION[fixed[position]]
    if position == 8:
        assert decode_vin(changed).check_digit_valid == (char == fixed[8])
    elif same_value or WEIGHTS[position] == 0:
        assert decode_vin(changed).check_digit_valid
    else:
        # weights and value differences are below 11 (a prime), so the sum changes modulo 11
        assert not decode_vin(changed).check_digit_valid


@given(st.text(max_size=30))
def test_decoding_never_fails_other_than_with_vin_error(text):
    try:
        info = decode_vin(text)
    except VinError as exc:
        assert exc.reason
    else:
        assert len(info.vin) == 17
