from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from households.services import standard_set
from households.standards import merged_lines_warning


def _money(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CommandError(f"“{value}”不是有效的金额（元）。") from None


class Command(BaseCommand):
    help = "设定某一年度的市定扶贫标准和农村低保标准（元/人·年）。已有该年度则更新。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="年度，如 2017")
        parser.add_argument("--poverty-line", required=True, type=_money, help="扶贫标准，元/人·年")
        parser.add_argument("--dibao-line", required=True, type=_money, help="农村低保标准，元/人·年")

    def handle(self, *args: object, year: int, poverty_line: Decimal, dibao_line: Decimal, **options: object) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不合理。")
        try:
            standard = standard_set(year=year, poverty_line=poverty_line, dibao_line=dibao_line)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"已设定 {standard}。")
        # 两线合一 (plan ch. 8): accepted, since the district may decide so, but never silently.
        warning = merged_lines_warning(year=year, poverty_line=poverty_line, dibao_line=dibao_line)
        if warning:
            self.stderr.write(self.style.WARNING(f"注意：{warning}"))
