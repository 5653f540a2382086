import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from accounts.models import Area
from households.ledger.importer import (
    LedgerInvalidError,
    LedgerUnreadableError,
    ledger_import,
)
from households.ledger.report import write_error_report
from households.selectors import default_year

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入农户台账（.xlsx、.xls 或 .csv，格式见台账格式说明）。先检查全部行，任何一行有误则不写入，"
        "并列出全部问题；无误则一次写入。退出码：0 已导入（或 --dry-run 检查通过），1 内容有误未写入，2 文件无法读取。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="台账文件")
        parser.add_argument("--year", type=int, default=None, help="收入数据所属年度（默认：上一年）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将新增、更新多少，不写入")
        parser.add_argument("--error-report", type=Path, help="有错误时把错误清单写到这个 .xlsx 文件")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        year = options["year"] or default_year()
        try:
            # The command is the operator's tool on the server: it may write to every area.
            result = ledger_import(
                path=path, actor=None, areas=Area.objects.all(), year=year, dry_run=options["dry_run"]
            )
        except LedgerUnreadableError as exc:
            self.stderr.write(f"无法读取 {path}：{exc}")
            sys.exit(2)
        except LedgerInvalidError as exc:
            self.stderr.write(f"{path} 不能导入：{exc}")
            sys.exit(1)

        if result.unknown_columns:
            self.stdout.write(f"已忽略不认识的列：{'、'.join(result.unknown_columns)}")
        if result.blank_rows or result.totals_rows:
            self.stdout.write(f"已跳过空行 {result.blank_rows} 行、合计行 {result.totals_rows} 行。")
        for line in result.missing_members:
            self.stdout.write(f"注意：{line}（未删除，请核实后在系统中办理减少）")
        for line in result.notes:
            self.stdout.write(f"注意：{line}")
        for line in result.extension_summaries:
            self.stdout.write(line)
        if result.errors:
            for e in result.errors[:ERRORS_SHOWN]:
                self.stderr.write(f"第 {e.row} 行 {e.column}：{e.message}" + (f"（值：{e.value}）" if e.value else ""))
            if len(result.errors) > ERRORS_SHOWN:
                self.stderr.write(f"……共 {len(result.errors)} 个问题，只显示前 {ERRORS_SHOWN} 个。")
            if options["error_report"]:
                write_error_report(options["error_report"], result.errors)
                self.stderr.write(f"错误清单已写入 {options['error_report']}")
            self.stdout.write(f"有 {len(result.errors)} 个问题，未写入任何数据。按现状将会——{result.summary()}")
            sys.exit(1)
        prefix = "检查通过（--dry-run，未写入）。将会——" if options["dry_run"] else f"导入完成（{year} 年收入）。"
        self.stdout.write(prefix + result.summary())
