"""The inspection pack (迎检资料) of a town or village for a year, as an xlsx workbook or a PDF, and one
household's complete file (户档) as a PDF — plan ch. 12 §2 (督查考核、第三方评估).

Both read the same sections (`pack_sections`): summary, households, persons, assessments with gaps, pairings
and visits, measures, exit cases with their 公示 dates, and the open problems. ID numbers are always masked
(the pack is handed to inspectors); phones too. Text cells that start with = + - @ are stored as text.
The PDF uses the system's Noto CJK font (Debian `fonts-noto-cjk`), found with fc-match; without one the
build fails with a Chinese message that says what to install.
"""

import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Area
from households.idnumber import mask_id_number
from households.models import ExitCase, Household, HouseholdAssessment, HouseholdIncome, Person, Relation
from households.phone import mask_phone
from households.rules import age_on

from .models import AreaFigures, InspectionPack, PackFormat, PackStatus, Problem
from .rules import RULES_BY_CODE
from .selectors import area_households

DISTRICT_TITLE = "淄博文昌湖省级旅游度假区扶贫开发领导小组办公室"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NO_FONT = (
    "服务器上没有找到中文字体，无法生成 PDF。请系统管理员安装 Noto CJK 字体"
    "（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重试；Excel 格式不受影响。"
)


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[Any]]
    widths: list[float]  # relative column widths for the PDF


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _money(value: Decimal | None) -> Any:
    return "" if value is None else value


def pack_sections(area: Area, year: int, *, today: date | None = None) -> list[Section]:
    """Every section of the pack for the households filed under `area`, in a fixed number of queries."""
    from assistance.models import Measure, Pairing, Visit

    today = today or timezone.localdate()
    households = area_households(area)
    ids = households.values("pk")
    figures = AreaFigures.objects.filter(area=area, year=year).first()
    counts = households.order_by().values("status").annotate(n=Count("pk"))
    persons = Person.objects.active().filter(household__in=ids)
    summary_rows: list[list[Any]] = [
        ["区域", area.full_name],
        ["年度", year],
        ["户数", sum(r["n"] for r in counts)],
        ["人数（在册）", persons.count()],
        *[[f"{r['status']}户数", r["n"]] for r in counts.order_by("status")],
    ]
    assessments = HouseholdAssessment.objects.filter(year=year, household__in=ids)
    summary_rows += [
        ["达到脱贫标准户数", assessments.filter(meets_standard=True).count()],
        ["返贫监测户数", assessments.filter(watch=True).count()],
        ["待核实疑点", Problem.objects.filter(cleared_at__isnull=True, state="open", household__in=ids).count()],
    ]
    if figures is not None:
        summary_rows.append(
            ["统计看板数字计算时间", timezone.localtime(figures.computed_at).strftime("%Y-%m-%d %H:%M")]
        )
    summary_rows.append(["本资料生成时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    sections = [Section("汇总", ["项目", "数值"], summary_rows, [2, 3])]

    by_household = {a.household_id: a for a in assessments}
    hh_rows = []
    for h in (
        households.select_related("village__parent")
        .annotate(n=Count("members", filter=Q(members__left_reason="")))
        .order_by("village__code", "number")
    ):
        a = by_household.get(h.pk)
        hh_rows.append(
            [
                h.number,
                h.village.name,
                h.n,
                h.attribute,
                h.main_cause,
                h.status,
                h.exit_year or "",
                mask_phone(h.phone) if h.phone else "",
                _money(a.per_capita) if a else "",
                a.band if a else "",
                (a.gaps or "无") if a else "未评估",
            ]
        )
    sections.append(
        Section(
            "贫困户",
            [
                "户编号",
                "行政村",
                "人数",
                "属性",
                "致贫原因",
                "状态",
                "脱贫年度",
                "电话",
                "人均纯收入",
                "收入档次",
                "未达标项",
            ],
            hh_rows,
            [3, 2, 1, 2, 2, 1.5, 1.5, 2, 2, 2, 3],
        )
    )
    as_of = min(date(year, 12, 31), today)
    person_rows = [
        [
            p.household.number,
            p.name,
            mask_id_number(p.id_number),
            p.relation,
            p.sex,
            age_on(p.birth_date, as_of),
            p.school_status,
            p.health,
            p.labour_ability,
            _yes_no(p.medical_insurance),
        ]
        for p in persons.select_related("household").order_by("household__village__code", "household__number", "pk")
    ]
    sections.append(
        Section(
            "家庭成员",
            ["户编号", "姓名", "证件号码", "与户主关系", "性别", "年龄", "在校情况", "健康", "劳动技能", "基本医保"],
            person_rows,
            [3, 1.5, 3, 1.5, 1, 1, 1.5, 2, 2.5, 1.2],
        )
    )
    sections.append(
        Section(
            "脱贫标准评估",
            ["户编号", "人均纯收入", "收入档次", "达到脱贫标准", "未达标项", "返贫监测", "计算时间"],
            [
                [
                    a.household.number,
                    _money(a.per_capita),
                    a.band,
                    _yes_no(a.meets_standard),
                    a.gaps,
                    _yes_no(a.watch),
                    timezone.localtime(a.computed_at).strftime("%Y-%m-%d"),
                ]
                for a in assessments.select_related("household").order_by("household__number")
            ],
            [3, 2, 2, 1.5, 4, 1.5, 2],
        )
    )
    pairing_rows = [
        [
            p.household.number,
            p.cadre.name,
            p.cadre.rank,
            p.cadre.unit,
            _d(p.started_on),
            _d(p.ended_on),
            p.end_reason,
        ]
        for p in Pairing.objects.filter(household__in=ids)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=year))
        .select_related("household", "cadre")
        .order_by("household__number", "started_on")
    ]
    sections.append(
        Section(
            "结对帮扶",
            ["户编号", "帮扶责任人", "类别", "单位", "结对日期", "解除日期", "解除原因"],
            pairing_rows,
            [3, 1.5, 1.5, 3, 2, 2, 1.5],
        )
    )
    visit_rows = [
        [v.household.number, _d(v.visited_on), v.cadre.name, v.found, v.agreed]
        for v in Visit.objects.filter(household__in=ids, visited_on__year=year)
        .select_related("household", "cadre")
        .order_by("household__number", "visited_on")
    ]
    sections.append(
        Section(
            "走访记录", ["户编号", "走访日期", "走访干部", "了解到的情况", "商定的事项"], visit_rows, [3, 2, 1.5, 5, 4]
        )
    )
    measure_rows = [
        [
            m.household.number,
            m.kind,
            m.item,
            m.description,
            _money(m.amount),
            _d(m.done_on),
            m.department or (m.cadre.name if m.cadre else ""),
        ]
        for m in Measure.objects.filter(household__in=ids, year=year)
        .select_related("household", "cadre")
        .order_by("household__number", "done_on")
    ]
    sections.append(
        Section(
            "帮扶措施",
            ["户编号", "类别", "项目", "措施内容", "金额（元）", "落实日期", "责任部门/干部"],
            measure_rows,
            [3, 1.2, 2, 5, 1.5, 2, 2],
        )
    )
    exit_rows = [
        [
            c.household.number,
            c.get_stage_display(),
            c.income_year,
            _d(c.deliberation_date),
            c.attendance,
            _d(c.publicity_start),
            _d(c.publicity_end),
        ]
        for c in ExitCase.objects.filter(household__in=ids)
        .filter(Q(income_year=year) | Q(created_at__year=year))
        .select_related("household")
        .order_by("household__number", "created_at")
    ]
    sections.append(
        Section(
            "退出程序",
            ["户编号", "环节", "评估年度", "民主评议日期", "参会人数", "公示开始", "公示结束"],
            exit_rows,
            [3, 2.5, 1.5, 2, 1.2, 2, 2],
        )
    )
    problem_rows = [
        [
            p.rule,
            RULES_BY_CODE[p.rule].title if p.rule in RULES_BY_CODE else "",
            p.household.number,
            p.detail,
            p.get_state_display(),
        ]
        for p in Problem.objects.filter(household__in=ids, cleared_at__isnull=True)
        .exclude(state="fixed")
        .select_related("household")
        .order_by("rule", "household__number")
    ]
    sections.append(
        Section("未解决疑点", ["规则", "名称", "户编号", "疑点内容", "状态"], problem_rows, [1, 3, 3, 6, 1.2])
    )
    return sections


# ---- xlsx -----------------------------------------------------------------------------------------------


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.number_format = "@"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # shown as typed, never run as a formula
    return cell


def write_xlsx(sections: list[Section], *, title: str) -> bytes:
    """One sheet per section, the title row above the header row, numbers as numbers, text as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for section in sections:
        sheet = book.create_sheet(section.title[:31])
        for index, width in enumerate(section.widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = max(8, width * 6)
        head = _xlsx_cell(sheet, f"{title} · {section.title}")
        head.font = Font(bold=True, size=13)
        sheet.append([head])
        header = []
        for name in section.header:
            cell = _xlsx_cell(sheet, name)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in section.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ---- PDF ------------------------------------------------------------------------------------------------


@cache
def cjk_font() -> tuple[str, int]:
    """The system's Noto Sans CJK SC (file, index in the collection), by fc-match, else the Debian path."""
    fc_match = shutil.which("fc-match")
    try:
        found = subprocess.run(  # noqa: S603 — a fixed command, no user input
            [fc_match or "/usr/bin/fc-match", "-f", "%{file}|%{index}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        path, _sep, index = found.partition("|")
        if path and "CJK" in path and Path(path).exists():
            return path, int(index or 0)
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    fallback = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if fallback.exists():
        return str(fallback), 2  # SC in Debian's collection
    raise RuntimeError(NO_FONT)


def _pdf(title: str) -> Any:
    from fpdf import FPDF

    class PackPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", size=8)
            self.cell(0, 6, f"{title}    第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")

    path, index = cjk_font()
    pdf = PackPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("文昌湖区扶贫对象管理系统")
    pdf.add_font("cjk", "", path, collection_font_number=index)
    bold = path.replace("Regular", "Bold")  # table headings are bold; the regular face where no bold exists
    pdf.add_font("cjk", "B", bold if Path(bold).exists() else path, collection_font_number=index)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages()
    return pdf


def _table(pdf: Any, section: Section) -> None:
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 9, section.title, new_x="LMARGIN", new_y="NEXT")
    if not section.rows:
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 7, "（无）", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    pdf.set_font("cjk", size=8)
    total = sum(section.widths)
    widths = tuple(pdf.epw * w / total for w in section.widths)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5, first_row_as_headings=True) as table:
        table.row([str(h) for h in section.header])
        for row in section.rows:
            table.row(["" if v is None else str(v) for v in row])
    pdf.ln(3)


def write_pdf(
    sections: list[Section], *, title: str, subtitle: str, progress: Callable[[int], None] | None = None
) -> bytes:
    """The pack as a landscape A4 PDF: the district's title, the area and year, then each section as a table;
    page numbers "第 n 页 / 共 N 页" in the footer."""
    pdf = _pdf(title)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, DISTRICT_TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 10, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for index, section in enumerate(sections):
        _table(pdf, section)
        if progress:
            progress(index)
    return bytes(pdf.output())


# ---- the build job --------------------------------------------------------------------------------------


def pack_path(pack: InspectionPack) -> Path:
    return Path(settings.MEDIA_ROOT) / pack.stored_file


def pack_build(*, pack_id: int) -> InspectionPack:
    """Build one requested pack and store the file under MEDIA_ROOT/packs/ (not served by the web server; the
    download view checks the scope and audits). Progress is written on the row as each section is done."""
    pack = InspectionPack.objects.select_related("area__parent").get(pk=pack_id)
    if pack.status == PackStatus.DONE:
        return pack

    def step(progress: int, stage: str) -> None:
        InspectionPack.objects.filter(pk=pack.pk).update(status=PackStatus.RUNNING, progress=progress, stage=stage)

    try:
        step(5, "正在读取数据")
        sections = pack_sections(pack.area, pack.year)
        step(40, "正在写入文件")
        title = f"{pack.area.full_name} {pack.year} 年迎检资料"
        if pack.format == PackFormat.PDF:
            content = write_pdf(
                sections,
                title=title,
                subtitle=title,
                progress=lambda i: step(40 + 55 * (i + 1) // len(sections), f"正在排版：{sections[i].title}"),
            )
        else:
            content = write_xlsx(sections, title=title)
        relative = f"packs/{pack.pk}-{uuid.uuid4().hex}.{pack.format}"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except Exception as exc:
        pack.status, pack.error = (
            PackStatus.FAILED,
            (str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}")[:500],
        )
        pack.finished_at = timezone.now()
        pack.save(update_fields=["status", "error", "finished_at"])
        if not isinstance(exc, RuntimeError):
            raise
        return pack
    pack.status, pack.progress, pack.stage, pack.stored_file = PackStatus.DONE, 100, "已完成", relative
    pack.finished_at = timezone.now()
    pack.save(update_fields=["status", "progress", "stage", "stored_file", "finished_at"])
    return pack


# ---- 户档 -------------------------------------------------------------------------------------------------


def household_sections(household: Household, *, year: int) -> list[Section]:
    """One household's complete file: its record, members, incomes, assessment, pairings, visits, measures,
    exit cases, status changes and problems."""
    from assistance.models import Measure, Pairing, Visit
    from households.selectors import household_assessment

    as_of = min(date(year, 12, 31), timezone.localdate())
    verdict = household_assessment(household, year=year)
    head = household.members.filter(relation=Relation.HEAD, left_reason="").first()
    record = [
        ["户编号", household.number],
        ["户主", head.name if head else ""],
        ["区域", household.village.full_name],
        ["自然村", household.natural_village],
        ["贫困户属性", household.attribute],
        ["主要致贫原因", household.main_cause],
        ["识别年度", household.registration_year or ""],
        ["脱贫属性", household.status],
        ["脱贫年度", household.exit_year or ""],
        ["住房安全等级", household.house_grade],
        ["安全饮水", _yes_no(household.safe_water)],
        ["联系电话", mask_phone(household.phone) if household.phone else ""],
        [f"{year} 年评估", verdict.words],
    ]
    members = [
        [
            p.name,
            mask_id_number(p.id_number),
            p.relation,
            p.sex,
            age_on(p.birth_date, as_of),
            p.education,
            p.school_status,
            p.health,
            p.labour_ability,
            _yes_no(p.medical_insurance),
            p.left_reason,
        ]
        for p in household.members.order_by("pk")
    ]
    incomes = [
        [
            i.year,
            _money(i.wage),
            _money(i.business),
            _money(i.property_income),
            _money(i.transfer),
            _money(i.business_cost),
            _money(i.per_capita_given),
        ]
        for i in HouseholdIncome.objects.filter(household=household).order_by("-year")
    ]
    pairings = [
        [p.cadre.name, p.cadre.rank, p.cadre.unit, _d(p.started_on), _d(p.ended_on), p.end_reason]
        for p in Pairing.objects.filter(household=household).select_related("cadre").order_by("started_on")
    ]
    visits = [
        [_d(v.visited_on), v.cadre.name, v.found, v.agreed]
        for v in Visit.objects.filter(household=household).select_related("cadre").order_by("-visited_on")
    ]
    measures = [
        [m.year, m.kind, m.item, m.description, _money(m.amount), _d(m.done_on)]
        for m in Measure.objects.filter(household=household).order_by("-year", "done_on")
    ]
    exits = [
        [
            c.get_stage_display(),
            c.income_year,
            _d(c.deliberation_date),
            c.attendance,
            _d(c.publicity_start),
            _d(c.publicity_end),
        ]
        for c in ExitCase.objects.filter(household=household).order_by("created_at")
    ]
    changes = [
        [timezone.localtime(c.at).strftime("%Y-%m-%d"), c.from_status or "—", c.to_status, c.reason]
        for c in household.status_changes.order_by("at")
    ]
    problems = [
        [p.rule, p.detail, p.get_state_display(), p.note]
        for p in Problem.objects.filter(household=household, cleared_at__isnull=True).order_by("rule")
    ]
    return [
        Section("基本情况", ["项目", "内容"], record, [2, 8]),
        Section("家庭成员", ["姓名", "证件号码", "关系", "性别", "年龄", "文化程度", "在校情况", "健康", "劳动技能", "基本医保", "减少原因"], members, [1.5, 3, 1.2, 0.8, 0.8, 1.5, 1.5, 1.5, 2, 1, 1]),
        Section("年度收入（元）", ["年度", "工资性", "生产经营性", "财产性", "转移性", "生产经营性支出", "台账人均纯收入"], incomes, [1, 2, 2, 2, 2, 2, 2]),
        Section("结对帮扶", ["帮扶责任人", "类别", "单位", "结对日期", "解除日期", "解除原因"], pairings, [1.5, 1.5, 3, 2, 2, 1.5]),
        Section("走访记录", ["走访日期", "走访干部", "了解到的情况", "商定的事项"], visits, [1.5, 1.5, 5, 4]),
        Section("帮扶措施", ["年度", "类别", "项目", "措施内容", "金额（元）", "落实日期"], measures, [1, 1.2, 2, 5, 1.5, 2]),
        Section("退出程序", ["环节", "评估年度", "民主评议", "参会人数", "公示开始", "公示结束"], exits, [2.5, 1.2, 2, 1.2, 2, 2]),
        Section("状态变更", ["日期", "原状态", "新状态", "原因"], changes, [1.5, 1.5, 1.5, 6]),
        Section("数据疑点", ["规则", "疑点内容", "状态", "说明"], problems, [1, 6, 1.2, 4]),
    ]  # fmt: skip


def household_file_pdf(household: Household, *, year: int, title: str) -> bytes:
    """The household's file (户档) as a PDF, ID numbers masked, page numbers in the footer."""
    sections = household_sections(household, year=year)
    return write_pdf(
        sections, title=f"{title} · 户档 {household.number}", subtitle=f"建档立卡贫困户户档 · {household.number}"
    )
