"""GB 11643 ID numbers, as a parameter table (no database)."""

from datetime import date

import pytest

from households.idnumber import IdNumberError, mask_id_number, parse_id_number
from households.phone import mask_phone

TODAY = date(2026, 11, 30)
VALID = "11010519491231002X"  # the standard's own example: born 1949-12-31, female


@pytest.mark.parametrize(
    ("raw", "number", "birth", "sex"),
    [
        pytest.param(VALID, VALID, date(1949, 12, 31), "女", id="valid"),
        pytest.param("11010519491231002x", VALID, date(1949, 12, 31), "女", id="lowercase x stored as X"),
        pytest.param(" 110105 1949 1231 002X ", VALID, date(1949, 12, 31), "女", id="spaces removed"),
        pytest.param("１１０１０５１９４９１２３１００２Ｘ", VALID, date(1949, 12, 31), "女", id="full-width"),
        pytest.param("110105\u300019491231002X", VALID, date(1949, 12, 31), "女", id="full-width space"),
        pytest.param("370303198403120011", "370303198403120011", date(1984, 3, 12), "男", id="male"),
    ],
)
def test_valid_numbers(raw: str, number: str, birth: date, sex: str) -> None:
    parsed = parse_id_number(raw, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth, sex)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("110105194912310021", "校验位", id="wrong check digit"),
        pytest.param("110105194902300025", "出生日期 1949-02-30 不存在", id="impossible date"),
        pytest.param("110105203001010026", "晚于今天", id="future date"),
        pytest.param("110105491231002", "15 位的旧身份证号码", id="15-digit"),
        pytest.param("3.70306198403121e+17", "存成了数字", id="scientific notation from a numeric cell"),
        pytest.param("37030619840312", "应为 18 位", id="too short"),
        pytest.param("11010519491231X02X", "只能是数字", id="letter inside"),
        pytest.param("", "请填写证件号码", id="empty"),
    ],
)
def test_invalid_numbers(raw: str, message: str) -> None:
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(raw, today=TODAY)


def test_born_today_is_accepted() -> None:
    first17 = "37030320261130001"
    from households.idnumber import check_digit

    assert parse_id_number(first17 + check_digit(first17), today=TODAY).birth_date == TODAY


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (VALID, "110105********002X"),
        ("12345", "*****"),
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800138000", "138****8000"),
        ("0533-1234567", "0533-***4567"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked
