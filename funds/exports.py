"""资金使用台账 for the audit office (plan ch. 12 §4 一: 强化审计监督检查，对扶贫资金实施全过程监督).

Two sheets from the same scoped selectors as the screens: the money source → project, and the dividends
project → household. ID numbers are masked unless the user holds `households.export_full_ledger`; text that
Excel would run as a formula is escaped; every export is audited.
"""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from households.idnumber import mask_id_number
from households.selectors import household_queryset

from .imports import escape_cell
from .models import PAID_STATUSES, DividendPayout
from .selectors import _heads, ledger_rows, project_queryset

LEDGER_HEADER = (
    "资金年度", "资金名称", "资金类别", "文号", "资金总额（元）", "项目名称", "项目类别", "项目年度", "所在镇村",
    "实施单位", "项目状态", "本来源安排（元）", "项目总投资（元）", "受益户数", "受益人数", "累计分红（元）",
)  # fmt: skip
PAYOUT_HEADER = ("项目名称", "收益年度", "户编号", "户主", "证件号码", "分红金额（元）", "发放日期", "发放方式", "状态")


def _cell(value: object) -> object:
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, Decimal):
        return float(value)  # openpyxl writes numbers; money kept to the fen by the number format
    return value


def fund_ledger(user: User, *, year: int | None = None) -> bytes:
    """The workbook's bytes; audited."""
    full = user.has_perm("households.export_full_ledger")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资金使用台账"
    sheet.append(LEDGER_HEADER)
    rows = ledger_rows(user, year=year)
    for row in rows:
        sheet.append([_cell(v) for v in row.values()])
    payouts = workbook.create_sheet("分红发放明细")
    payouts.append(PAYOUT_HEADER)
    projects = project_queryset(user).filter(voided_at__isnull=True)
    if year is not None:
        projects = projects.filter(first_year__lte=year, last_year__gte=year)
    found = list(
        DividendPayout.objects.filter(
            run__project__in=projects, run__status__in=PAID_STATUSES, household__in=household_queryset(user)
        )
        .select_related("run", "run__project", "household")
        .order_by("run__project__name", "run__year", "household__number")
    )
    heads, _persons = _heads([p.household_id for p in found])
    for p in found:
        name, number = heads.get(p.household_id, ("", ""))
        payouts.append(
            [
                _cell(p.run.project.name),
                p.run.year,
                _cell(p.household.number),
                _cell(name),
                number if full else mask_id_number(number),
                float(p.amount),
                p.run.paid_on,
                p.run.pay_method,
                p.run.status,
            ]
        )
    for ws in (sheet, payouts):
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "A2"
    for col in ("E", "L", "M", "P"):
        for c in sheet[col][1:]:
            c.number_format = "#,##0.00"
    for c in payouts["F"][1:]:
        c.number_format = "#,##0.00"
    for c in payouts["G"][1:]:
        c.number_format = "yyyy-mm-dd"
    out = BytesIO()
    workbook.save(out)
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type="funds.project",
        summary=f"导出资金使用台账{f'（{year} 年）' if year else ''}：{len(rows)} 条资金安排、{len(found)} 条分红发放"
        f"{'，含完整证件号码' if full else ''}",
    )
    return out.getvalue()
