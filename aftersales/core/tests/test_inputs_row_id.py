"""The one row-id check every module uses on ids from paths and forms (``core.inputs.is_row_id``)."""

from __future__ import annotations

import pytest

from aftersales.core.inputs import MAX_ROW_ID, is_row_id


@pytest.mark.parametrize("value", [1, 42, MAX_ROW_ID])
def test_a_positive_bigint_can_be_a_row_id(value):
    assert is_row_id(value)


@pytest.mark.parametrize("value", [0, -1, MAX_ROW_ID + 1, 2**64, True, False, "1", 1.0, None, [1]])
def test_anything_else_cannot(value):
    assert not is_row_id(value)
