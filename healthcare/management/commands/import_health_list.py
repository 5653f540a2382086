"""Import a department's list from the command line: the same service as the browser (healthcare.imports)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from healthcare.imports import SPECS, ListInvalidError, apply_list, check_list
from households.ledger.reader import LedgerUnreadableError
from households.ledger.report import write_error_report


class Command(BaseCommand):
    help = (
        "导入医保部门参保名单（--kind insurance）或医院结算名单（--kind settlement），按证件号码匹配在册人员。"
        "先检查每一行，全部正确才写入；有错误时什么都不写，退出码 1，可用 --error-report 输出错误清单。"
        "文件无法读取时退出码 2。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=sorted(SPECS), required=True)
        parser.add_argument("--actor", required=True, help="以哪个账号的名义导入（按其管辖范围匹配人员）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--error-report", type=Path, help="有错误时写出的错误清单（.xlsx：行号/列/值/问题）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = User.objects.get(username=options["actor"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"没有账号 {options['actor']}。") from None
        run = check_list if options["dry_run"] else apply_list
        try:
            plan = run(options["file"], kind=options["kind"], actor=actor)
        except LedgerUnreadableError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(2) from None
        except ListInvalidError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(1) from None
        if plan.errors:
            for e in plan.errors[:50]:
                self.stderr.write(f"第 {e.row} 行 {e.column}：{e.value} — {e.message}")
            if options["error_report"]:
                write_error_report(options["error_report"], plan.errors)
            self.stderr.write(f"{len(plan.errors)} 处错误，未导入任何数据。")
            raise SystemExit(1)
        verb = "将" if options["dry_run"] else "已"
        self.stdout.write(
            f"{plan.spec.title}：{verb}新增 {plan.created} 条，{verb}更新 {plan.updated} 条，未变化 {plan.unchanged} 条。"
        )
