import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from households.ledger.reader import LedgerUnreadableError
from households.ledger.report import write_error_report
from housing.imports import retrofit_ledger_check, retrofit_ledger_import

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入住建部门的危房改造台账（.xlsx、.xls 或 .csv，每户一行，按户编号或证件号码对应），与网页导入相同的检查："
        "先检查全部行，任何一行有误则不写入并列出全部问题；无误则一次写入。以 --user 指定的账号办理（其管辖范围内的户）。"
        "退出码：0 已导入（或 --dry-run 检查通过），1 内容有误未写入，2 文件无法读取。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="台账文件")
        parser.add_argument("--user", required=True, help="经办人账号（住建部门账号），决定可导入哪些户并记为经办人")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将新建、更新多少，不写入")
        parser.add_argument(
            "--error-report", type=Path, help="有错误时把错误清单（行号/列/值/问题）写到这个 .xlsx 文件"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"没有账号 {options['user']}") from exc
        if not user.has_perm("housing.import_retrofits"):
            raise CommandError(f"账号 {user.username} 没有导入危房改造台账的权限")
        path: Path = options["file"]
        try:
            check = retrofit_ledger_check(path, user=user)
        except LedgerUnreadableError as exc:
            self.stderr.write(f"无法读取 {path}：{exc}")
            sys.exit(2)
        if check.errors:
            for e in check.errors[:ERRORS_SHOWN]:
                self.stderr.write(f"第 {e.row} 行 {e.column}：{e.message}" + (f"（值：{e.value}）" if e.value else ""))
            if len(check.errors) > ERRORS_SHOWN:
                self.stderr.write(f"……共 {len(check.errors)} 个问题，只显示前 {ERRORS_SHOWN} 个。")
            if options["error_report"]:
                write_error_report(options["error_report"], check.errors)
                self.stderr.write(f"错误清单已写到 {options['error_report']}")
            self.stderr.write("台账有错误，未导入任何数据。")
            sys.exit(1)
        counts = (
            f"新建 {check.count('create')} 户，更新 {check.count('update')} 户，未变化 {check.count('unchanged')} 户"
        )
        if options["dry_run"]:
            self.stdout.write(f"检查通过（未写入）：将{counts}。")
            return
        retrofit_ledger_import(check, actor=user)
        self.stdout.write(f"已导入：{counts}。")
