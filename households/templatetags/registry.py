"""Display helpers for the registry templates: masking and the ledger's yes/no."""

from datetime import date

from django import template
from django.utils import timezone

from households.idnumber import mask_id_number
from households.phone import mask_phone
from households.rules import age_on

register = template.Library()


@register.filter
def mask_id(number: str) -> str:
    """370303********1234 — ID numbers are never shown whole on a page."""
    return mask_id_number(number or "")


@register.filter(name="mask_phone")
def mask_phone_filter(phone: str) -> str:
    """138****8000."""
    return mask_phone(phone or "")


@register.filter
def yes_no(value: bool | None) -> str:
    """是 / 否 / 未填写, for the ledger's yes-no facts."""
    return {True: "是", False: "否"}.get(value, "未填写")


@register.filter
def age(birth: date) -> int:
    return age_on(birth, timezone.localdate())


@register.filter
def yuan(value: object) -> str:
    """Money with thousands separators and no trailing zeros beyond cents: 3,609.50."""
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"
