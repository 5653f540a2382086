import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from funds.imports import LedgerUnreadableError, import_payouts, write_error_report
from funds.models import PayMethod
from funds.selectors import project_queryset

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入一个项目某年度的资产收益分红发放名单（.xlsx、.xls 或 .csv；表头需有“证件号码”或“户编号”，以及"
        "“分红金额”）。先检查全部行：名单上的每户都必须是该项目的受益户；任何一行有误则不写入并列出全部问题。"
        "退出码：0 已导入（或 --dry-run 检查通过），1 内容有误未写入，2 文件无法读取。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="发放名单文件")
        parser.add_argument("--project", type=int, required=True, help="项目编号（项目页面地址中的数字）")
        parser.add_argument("--year", type=int, required=True, help="收益年度")
        parser.add_argument("--income", required=True, help="项目当年收益（元）")
        parser.add_argument("--paid-on", required=True, help="发放日期，如 2025-12-20")
        parser.add_argument("--pay-method", default=PayMethod.BANK, choices=PayMethod.values, help="发放方式")
        parser.add_argument("--user", required=True, help="以哪个用户的名义导入（记录操作人，也决定可见范围）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--error-report", type=Path, help="有错误时把错误清单写到这个 .xlsx 文件")

    def handle(self, *args: object, **options: object) -> None:
        try:
            actor = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"没有用户 {options['user']}。") from None
        if not actor.has_perm("funds.add_dividendrun"):
            raise CommandError(f"用户 {actor.username} 没有登记分红的权限。")
        project = project_queryset(actor).filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(f"用户 {actor.username} 的范围内没有编号为 {options['project']} 的项目。")
        try:
            income = Decimal(options["income"])
            paid_on = date.fromisoformat(options["paid_on"])
        except (InvalidOperation, ValueError):
            raise CommandError("--income 应为金额，--paid-on 应为 YYYY-MM-DD 日期。") from None
        path: Path = options["file"]
        try:
            check, run = import_payouts(
                path, actor=actor, project=project, year=options["year"], income=income, paid_on=paid_on,
                pay_method=options["pay_method"], dry_run=options["dry_run"],
            )  # fmt: skip
        except LedgerUnreadableError as exc:
            self.stderr.write(f"无法读取 {path}：{exc}")
            sys.exit(2)
        except ValidationError as exc:
            self.stderr.write(f"{path} 不能导入：{'；'.join(exc.messages)}")
            sys.exit(1)
        if check.errors:
            for e in check.errors[:ERRORS_SHOWN]:
                self.stderr.write(f"第 {e.row} 行 {e.column}：{e.message}" + (f"（值：{e.value}）" if e.value else ""))
            if len(check.errors) > ERRORS_SHOWN:
                self.stderr.write(f"……共 {len(check.errors)} 个问题，只显示前 {ERRORS_SHOWN} 个。")
            if options["error_report"]:
                write_error_report(options["error_report"], check.errors)
                self.stderr.write(f"错误报告已写入 {options['error_report']}")
            self.stderr.write("名单有错误，未写入任何数据。")
            sys.exit(1)
        verb = "检查通过，将导入" if run is None else "已导入"
        self.stdout.write(
            f"{verb}：{project.name} {options['year']} 年分红 {len(check.payouts)} 户，合计 {check.total:,.2f} 元；"
            f"另有 {check.missing} 户受益户不在名单中。"
        )
