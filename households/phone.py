"""Phone numbers: normalise, validate, mask. Pure functions, shared by the forms and the ledger import."""

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class PhoneError(ValueError):
    """Not a phone number; the message says what is expected, in Chinese."""


def parse_phone(raw: str) -> str:
    """An 11-digit mobile or a landline with its area code, spaces removed; "" stays ""."""
    phone = "".join(unicodedata.normalize("NFKC", raw or "").split())
    if phone and not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise PhoneError("请填写 11 位手机号，或带区号的固定电话（如 0533-1234567）。")
    return phone


def mask_phone(phone: str) -> str:
    """A mobile as 138****8000; a landline keeps its area code and last 4 digits."""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    head = digits.split("-")[0] + "-" if "-" in digits else ""
    return head + "*" * max(len(digits) - len(head) - 4, 0) + digits[-4:]
