"""Display helpers of the funds pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(rate: Decimal | None) -> str:
    """0.0435 → 4.35%."""
    if rate is None or rate == "":
        return "—"
    return f"{Decimal(rate) * 100:.2f}%"
