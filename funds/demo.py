"""The funds part of `seed_demo`: the plan's investment-return projects with the plan's own money (ch. 3 §1:
2016, 3,000,000 yuan in 12 projects; 2017–2018, 3,110,000 yuan in 4), their sources, the demo households as
beneficiaries, 公示, last year's dividends of the 2016 projects, a donation-funded project and two subsidised
loans. Deterministic and idempotent: a second run finds the demo's first source and adds nothing.

The demo has 150 households, fewer than the plan's 274 + 229: the 规划对照 page shows that gap honestly.
"""

from datetime import date
from decimal import Decimal

from accounts.models import Area, AreaLevel, User
from households.models import Household, HouseholdStatus
from households.selectors import default_year

from . import services
from .models import FundSource, Project, ProjectKind, SourceKind

MARK = "演示数据"
SOURCES_2016 = (
    ("中央财政专项扶贫资金", SourceKind.CENTRAL, "1200000", "财农〔2016〕12号"),
    ("省级财政专项扶贫资金", SourceKind.PROVINCE, "600000", "鲁财农指〔2016〕8号"),
    ("市级财政专项扶贫资金", SourceKind.CITY, "600000", "淄财农〔2016〕21号"),
    ("区级财政专项扶贫资金", SourceKind.DISTRICT, "600000", "文财〔2016〕5号"),
)
SOURCES_LATER = (
    (2017, "中央财政专项扶贫资金", SourceKind.CENTRAL, "1555000", "财农〔2017〕9号"),
    (2018, "统筹整合涉农资金", SourceKind.INTEGRATED, "1555000", "文财〔2018〕3号"),
)
PROJECTS_2016 = (
    "光伏扶贫电站", "冬暖式大棚", "乡村旅游民宿", "农产品冷库", "花卉育苗基地", "标准化厂房",
)  # fmt: skip
PROJECTS_LATER = ("光伏扶贫电站二期", "文旅服务中心商铺")


def _town_households(town: Area) -> list[Household]:
    return list(
        Household.objects.filter(village__parent=town).exclude(status=HouseholdStatus.REMOVED).order_by("number")
    )


def _project(
    actor: User, *, name: str, year: int, last: int, town: Area, sources: list[FundSource], each: Decimal
) -> Project:
    project = services.project_create(
        actor=actor,
        data={
            "name": name, "kind": ProjectKind.ASSET_INCOME, "first_year": year, "last_year": last, "area": town,
            "implementer": f"{town.name}人民政府",
            "target": "年收益率不低于 8%，收益用于带动建档立卡贫困户增收",
            "result": "已建成运营，收益按年分配给受益户",
        },
    )  # fmt: skip
    for source in sources:
        services.allocation_set(actor=actor, project=project, source=source, amount=each)
    return project


def _project_2016(actor: User, *, name: str, town: Area, sources: list[FundSource]) -> Project:
    """A 2016 project: 100,000 of the central source and 50,000 of each other, 250,000 in all."""
    project = _project(actor, name=name, year=2016, last=2016, town=town, sources=[], each=Decimal(0))
    for source in sources:
        amount = Decimal(100000) if source.kind == SourceKind.CENTRAL else Decimal(50000)
        services.allocation_set(actor=actor, project=project, source=source, amount=amount)
    return project


def seed_funds_demo(actor: User) -> str:
    """One line for seed_demo's output."""
    if FundSource.objects.filter(note=MARK).exists():
        return "扶贫资金：演示数据已存在，未重复添加"
    towns = list(Area.objects.filter(level=AreaLevel.TOWN).order_by("code"))
    if not towns:
        return "扶贫资金：没有镇，未添加演示数据"
    year = default_year()
    first = [
        services.source_create(
            actor=actor,
            data={
                "name": n,
                "kind": k,
                "year": 2016,
                "amount": Decimal(a),
                "document": d,
                "note": MARK,
                "received_on": date(2016, 2, 15),
            },
        )
        for n, k, a, d in SOURCES_2016
    ]
    later = [
        services.source_create(
            actor=actor, data={"name": n, "kind": k, "year": y, "amount": Decimal(a), "document": d, "note": MARK}
        )
        for y, n, k, a, d in SOURCES_LATER
    ]
    projects: list[Project] = []
    runs = 0
    # 12 projects of 2016 (6 per town), each 100,000 + 50,000 × 3 = 250,000 yuan.
    for i in range(12):
        town = towns[i % len(towns)]
        name = f"{town.name}{PROJECTS_2016[i // len(towns) % len(PROJECTS_2016)]}"
        projects.append(_project_2016(actor, name=name, town=town, sources=first))
    # 4 projects of 2017–2018 (2 per town), each 388,750 + 388,750 = 777,500 yuan.
    for i in range(4):
        town = towns[i % len(towns)]
        name = f"{town.name}{PROJECTS_LATER[i // len(towns) % len(PROJECTS_LATER)]}"
        projects.append(
            _project(actor, name=name, year=2017, last=2018, town=town, sources=later, each=Decimal("388750"))
        )
    for town in towns:
        households = _town_households(town)
        mine = [p for p in projects if p.area_id == town.pk]
        early = [p for p in mine if p.first_year == 2016]
        late = [p for p in mine if p.first_year == 2017]
        for i, household in enumerate(households):
            services.beneficiary_add(actor=actor, project=early[i % len(early)], household=household)
            if late and i % 3 == 0:
                services.beneficiary_add(actor=actor, project=late[(i // 3) % len(late)], household=household)
    for project in projects:
        services.project_operate(
            actor=actor, project=project, year=project.first_year, place="镇政府公示栏及项目所在村公示栏"
        )
    for project in [p for p in projects if p.first_year == 2016]:
        if not project.beneficiaries.exists():
            continue
        services.dividend_confirm(
            actor=actor, project=project, year=year, income=Decimal(20000), amount=Decimal(16000),
            method="平均分配", paid_on=date(year, 12, 20), pay_method="惠民一卡通", note=MARK,
        )  # fmt: skip
        runs += 1
    donation = services.source_create(
        actor=actor,
        data={
            "name": "慈心一日捐",
            "kind": SourceKind.DONATION,
            "year": year,
            "amount": Decimal("86500"),
            "note": MARK,
        },
    )
    road = services.project_create(
        actor=actor,
        data={"name": f"{towns[0].name}村内道路硬化", "kind": ProjectKind.INFRASTRUCTURE, "first_year": year,
              "last_year": year, "area": towns[0], "implementer": f"{towns[0].name}人民政府"},
    )  # fmt: skip
    services.allocation_set(actor=actor, project=road, source=donation, amount=Decimal("80000"))
    services.loan_create(
        actor=actor,
        data={"kind": "经营主体贷款", "borrower": f"{towns[0].name}果蔬专业合作社", "area": towns[0], "bank": "农商银行",
              "principal": Decimal(1000000), "rate": Decimal("0.0435"), "start": date(year, 1, 10),
              "end": date(year + 2, 1, 9), "poor_employed": 15},
    )  # fmt: skip
    return (
        f"扶贫资金：资金来源 {len(first) + len(later) + 1} 笔，项目 {len(projects) + 1} 个，"
        f"{year} 年分红 {runs} 次，贴息贷款 1 笔"
    )
