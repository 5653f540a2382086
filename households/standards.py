"""两线合一 (plan ch. 8): the rural 低保 line is merged with the poverty line, so a year's two lines should be
equal. The district may still decide otherwise, so a difference is accepted and named, never refused.

Pure: no database. The command, the admin and the standards page all word the warning here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


def yuan_text(value: Decimal) -> str:
    """3,609 or 3,609.50: thousands separators, cents only when there are any."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def merged_lines_warning(*, year: int, poverty_line: Decimal, dibao_line: Decimal) -> str | None:
    """The sentence that says a year's 低保 line differs from its poverty line, or None when they are equal."""
    if poverty_line == dibao_line:
        return None
    return _(
        "%(year)s 年农村低保标准（%(dibao)s 元）与扶贫标准（%(poverty)s 元）不一致。"
        "按规划第八章“两线合一”，两条线应相同，请核对。"
    ) % {"year": year, "dibao": yuan_text(dibao_line), "poverty": yuan_text(poverty_line)}


@dataclass(frozen=True)
class StandardRow:
    """One year's lines as the standards page shows them."""

    year: int
    poverty_line: Decimal
    dibao_line: Decimal
    warning: str | None


def standard_row(*, year: int, poverty_line: Decimal, dibao_line: Decimal) -> StandardRow:
    return StandardRow(
        year=year,
        poverty_line=poverty_line,
        dibao_line=dibao_line,
        warning=merged_lines_warning(year=year, poverty_line=poverty_line, dibao_line=dibao_line),
    )
