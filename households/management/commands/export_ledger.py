from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Area, AreaLevel
from households.ledger.exporter import ledger_export
from households.models import Household
from households.selectors import default_year


class Command(BaseCommand):
    help = "导出农户台账（.xlsx），每名在册成员一行，列名与台账格式一致，可再次导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="输出的 .xlsx 文件")
        parser.add_argument("--year", type=int, default=None, help="导出哪一年的收入（默认：上一年）")
        parser.add_argument("--town", help="只导出这个镇，如 商家镇")

    def handle(self, *args: object, out: Path, year: int | None, town: str | None, **options: object) -> None:
        # The operator's command on the server: every household, or one town's.
        households = Household.objects.all()
        if town:
            area = Area.objects.filter(level=AreaLevel.TOWN, name=town).first()
            if area is None:
                known = "、".join(Area.objects.filter(level=AreaLevel.TOWN).values_list("name", flat=True))
                raise CommandError(f"没有名为“{town}”的镇。系统中的镇：{known or '（无）'}")
            households = households.filter(village__parent=area)
        count = ledger_export(out, households, year=year or default_year())
        self.stdout.write(f"已导出 {count} 人到 {out}。")
