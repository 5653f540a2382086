import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from education.imports import SchoolListInvalidError, school_list_import, write_report
from education.rules import school_year_label, school_year_of
from households.ledger.reader import LedgerUnreadableError
from households.models import Household

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入学校资助名单（.xlsx、.xls 或 .csv，按证件号码匹配在册人员）：学籍和免除、发放的资助项目。先检查全部行，"
        "任何一行有误则不写入并列出全部问题；无误则一次写入。退出码：0 已导入（或 --dry-run 检查通过），"
        "1 内容有误未写入，2 文件无法读取。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="学校名单文件")
        parser.add_argument("--school-year", type=int, default=None, help="学年的起始年份（默认：当前学年）")
        parser.add_argument("--user", default="", help="记为经办人的用户名（默认：系统）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将新增、更新多少，不写入")
        parser.add_argument("--error-report", type=Path, help="有错误时把错误清单写到这个 .xlsx 文件")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        today = timezone.localdate()
        year = options["school_year"] or school_year_of(today)
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"没有用户 {options['user']}。")
        try:
            # The command is the operator's tool on the server: every household of the district.
            result = school_list_import(
                path=path, actor=actor, households=Household.objects.all(), school_year=year,
                dry_run=options["dry_run"], today=today,
            )  # fmt: skip
        except LedgerUnreadableError as exc:
            self.stderr.write(f"无法读取 {path}：{exc}")
            sys.exit(2)
        except SchoolListInvalidError as exc:
            self.stderr.write(f"{path} 不能导入：{exc}")
            sys.exit(1)
        counts = (
            f"{school_year_label(year)} 学年，共 {result.rows} 行：学籍新增 {result.enrolments_created}、更新 "
            f"{result.enrolments_updated}、不变 {result.enrolments_unchanged}；资助记录新增 {result.benefits_created}、"
            f"不变 {result.benefits_unchanged}"
        )
        if result.errors:
            for e in result.errors[:ERRORS_SHOWN]:
                self.stderr.write(f"第 {e.row} 行 {e.column}：{e.message}" + (f"（值：{e.value}）" if e.value else ""))
            if len(result.errors) > ERRORS_SHOWN:
                self.stderr.write(f"……共 {len(result.errors)} 个问题，只显示前 {ERRORS_SHOWN} 个。")
            if options["error_report"]:
                write_report(options["error_report"], result.errors)
                self.stderr.write(f"错误清单已写到 {options['error_report']}")
            self.stderr.write(f"未写入任何数据（{counts}）。")
            sys.exit(1)
        self.stdout.write(("检查通过，未写入（--dry-run）：" if options["dry_run"] else "已导入：") + counts)
