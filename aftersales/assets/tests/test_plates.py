import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.assets.plates import PROVINCES, PlateError, normalise_plate


@pytest.mark.parametrize(("raw", "expected"), [
    ("京A12345", "京A12345"),
    ("沪 a·c1234", "沪AC1234"),          # spaces, middle dot, lower case
    ("粤B.8H8H8", "粤B8H8H8"),
    ("苏E 1234学", "苏E1234学"),         # driving school
    ("鲁B1234挂", "鲁B1234挂"),          # trailer
    ("粤Z1234港", "粤Z1234港"),          # Hong Kong cross-border
    ("粤Z1234澳", "粤Z1234澳"),
    ("京A1234警", "京A1234警"),
    ("沪A1234领", "沪A1234领"),          # consulate
    ("京AD12345", "京AD12345"),          # small new-energy, pure electric
    ("粤BF12345", "粤BF12345"),          # small new-energy, other
    ("浙AD1A234", None),                 # refused below: the last four must be digits
    ("沪A12345D", "沪A12345D"),          # large new-energy
    ("川A12345F", "川A12345F"),
    ("使014578", "使014578"),            # embassy
])
def test_valid_plates_are_normalised(raw, expected):
    if expected is None:
        with pytest.raises(PlateError):
            normalise_plate(raw)
    else:
        assert normalise_plate(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "Enter a plate number."),
    ("A12345", "A plate starts with a province abbreviation such as 京, 沪 or 粤."),
    ("港A12345", "A plate starts with a province abbreviation such as 京, 沪 or 粤."),
    ("京112345", "The second character is the issuing authority's letter (A–Z, not I or O)."),
    ("京I12345", "The second character is the issuing authority's letter (A–Z, not I or O)."),
    ("京A1O345", "Plates never use the letters I or O."),
    ("京A123", "A plate has 7 characters, or 8 for new-energy vehicles; this one has 5."),
    ("京A1234567", "A plate has 7 characters, or 8 for new-energy vehicles; this one has 9."),
    ("京A12学45", "After the province and letter come five letters or digits (the last may be 挂, 学, 警, 港, 澳 or 领)."),
    ("京AZ12345", "A new-energy plate has D or F (or A–K) then a letter or digit and four digits (京AD12345), "
                  "or five digits then D or F (京A12345D)."),
    ("京A1234Z5", "A new-energy plate has D or F (or A–K) then a letter or digit and four digits (京AD12345), "
                  "or five digits then D or F (京A12345D)."),
])
def test_bad_plates_are_refused_with_a_reason(raw, reason):
    with pytest.raises(PlateError) as caught:
        normalise_plate(raw)
    assert caught.value.reason == reason


@given(st.sampled_from(PROVINCES), st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"), st.integers(0, 99999))
def test_every_province_letter_and_number_makes_a_valid_plate(province, letter, number):
    plate = f"{province}{letter}{number:05d}"
    assert normalise_plate(f" {plate.lower()} ") == plate


@given(st.text(max_size=12))
def test_normalising_never_fails_other_than_with_plate_error(text):
    try:
        assert normalise_plate(text)
    except PlateError as exc:
        assert exc.reason
