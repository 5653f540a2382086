"""python manage.py refresh_reports [--year Y] — recount the dashboard's figures and rerun the problem lists."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports.services import figures_refresh, problems_run


class Command(BaseCommand):
    help = (
        "重新计算统计看板的各级数字（按年度、区域存储）并运行数据疑点核查规则。"
        "夜间任务在状态重算后自动运行；导入台账或重算后也会自动运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="统计年度（默认：上一年）")
        parser.add_argument("--dry-run", action="store_true", help="只运行疑点核查并报告数量，不写入")

    def handle(self, *args: Any, year: int | None, dry_run: bool, **options: Any) -> None:
        if dry_run:
            from households.selectors import default_year

            result = problems_run(year=year or default_year(), dry_run=True)
            self.stdout.write(
                f"（试运行）疑点 {result.found} 条：新发现 {result.new}，重新打开 {result.reopened}，将消除 {result.cleared}"
            )
            return
        run = figures_refresh(year=year, trigger="命令行")
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.year} 年：已计算 {run.areas} 个区域；疑点新发现 {run.problems_new}，"
                f"消除 {run.problems_cleared}，待核实 {run.problems_open}"
            )
        )
