from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.core.api import decode_cursor, encode_cursor
from aftersales.core.errors import ApplicationError
from aftersales.core.masking import mask_address, mask_email, mask_id_number, mask_phone
from aftersales.core.money import to_money
from aftersales.core.validation import clean_text_fields


def test_masking_keeps_only_what_identifies_without_revealing():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_address("浙江省杭州市西湖区文三路100号") == "浙江省杭州市****"
    assert mask_email("zhang.san@example.cn") == "z***@example.cn"
    assert mask_phone("") == ""


@given(st.text(alphabet="0123456789", min_size=8, max_size=15))
def test_a_masked_phone_never_shows_the_middle_digits(number):
    masked = mask_phone(number)
    assert len(masked) == len(number)
    assert masked[-4:] == number[-4:]
    assert "*" in masked


def test_money_rounds_half_up_to_the_cent():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money(Decimal("2.344")) == Decimal("2.34")
    with pytest.raises(ValueError):
        to_money("NaN")
    with pytest.raises(ValueError):
        to_money("abc")


def test_nul_bytes_are_refused_with_the_field_named():
    with pytest.raises(ApplicationError) as err:
        clean_text_fields({"name": "a\x00b", "city": " 上海 "})
    assert err.value.status == 422
    assert list(err.value.fields) == ["name"]
    assert clean_text_fields({"city": " 上海 "}) == {"city": "上海"}


def test_cursor_round_trip_and_garbage():
    assert decode_cursor(encode_cursor({"k": 42})) == {"k": 42}
    with pytest.raises(ApplicationError):
        decode_cursor("!!!not-base64")
