from django.core.management.base import BaseCommand, CommandError, CommandParser

from households.selectors import default_year
from households.services.assessment import RecomputeRunningError, assessments_recompute, recompute_run


class Command(BaseCommand):
    help = (
        "按脱贫标准重新评估每一户（人均纯收入、收入档次、未达标项、是否达标、返贫监测），只写入有变化的。"
        "与每晚 02:00 的定时任务调用同一服务；可重复运行；已有一次在运行时拒绝启动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="评估哪一年（默认：上一年）")
        parser.add_argument("--dry-run", action="store_true", help="只计算并报告会变化多少户，不写入")

    def handle(self, *args: object, year: int | None, dry_run: bool, **options: object) -> None:
        year = year or default_year()
        if dry_run:
            result = assessments_recompute(year=year, dry_run=True)
            self.stdout.write(
                f"{year} 年（--dry-run，未写入）：评估 {result.assessed} 户，将新增 {result.created}、"
                f"变化 {result.changed}、未变 {result.unchanged}。"
            )
            return
        try:
            run = recompute_run(year=year, trigger="command")
        except RecomputeRunningError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{year} 年状态重算完成：评估 {run.assessed} 户，变化 {run.changed} 户。")
