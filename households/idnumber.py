"""Resident ID numbers (公民身份号码, GB 11643-1999): normalise, validate, derive sex and birth date, mask.

Pure functions: no database, the date of "today" is a parameter.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class IdNumberError(ValueError):
    """The number is not a valid ID number; the message says, in Chinese, what to fix."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "男" or "女", the ledger's words


def normalise_id_number(raw: str) -> str:
    """Full-width to half-width, all white space (incl. the full-width space) removed, `x` upper-cased."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: date) -> IdNumber:
    """Validate an 18-character ID number and return it with the birth date and sex it encodes.

    Refused, each with its own message: scientific notation (the number was typed into a numeric cell and
    has lost digits), the old 15-digit form, a wrong length or character, a wrong check digit, a birth date
    that does not exist or lies in the future.
    """
    number = normalise_id_number(raw)
    if not number:
        raise IdNumberError("请填写证件号码。")
    if _SCIENTIFIC.match(number):
        raise IdNumberError("证件号码被存成了数字，末几位已经丢失：请把该列设为“文本”格式后重新录入完整的 18 位号码。")
    if len(number) == 15 and number.isdigit():
        raise IdNumberError("这是 15 位的旧身份证号码，请录入 18 位的公民身份号码。")
    if len(number) != 18:
        raise IdNumberError(f"证件号码应为 18 位，现在是 {len(number)} 位，请核对。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError("证件号码前 17 位只能是数字，最后一位是数字或 X。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(
            f"证件号码中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在，请核对。"
        ) from None
    if birth > today:
        raise IdNumberError(f"证件号码中的出生日期 {birth:%Y-%m-%d} 晚于今天，请核对。")
    if birth.year < 1880:
        raise IdNumberError(f"证件号码中的出生年份 {birth.year} 不合理，请核对。")
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError("证件号码校验位不对（最后一位），多半是某一位录错了，请对照身份证核对。")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdNumber(number=number, birth_date=birth, sex=sex)


def mask_id_number(number: str) -> str:
    """First 6 and last 4 characters shown: 370303********1234."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
