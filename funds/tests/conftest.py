"""Fixtures of the funds tests: a 财政 officer, an education officer, a project with beneficiaries."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Area, Role, User
from conftest import make_user
from funds import services
from funds.models import FundSource, Project, SourceKind
from households.models import Household, Relation
from households.selectors import default_year
from households.services import income_set, standard_set
from households.tests.factories import make_household, member

YEAR = default_year()


@pytest.fixture
def fiona(areas: dict[str, Area]) -> User:
    """A 财政 officer: writes funds records district-wide."""
    return make_user("fiona", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="finance")


@pytest.fixture
def eddie(areas: dict[str, Area]) -> User:
    """An education officer: reads funds records, writes none."""
    return make_user("eddie", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="education")


@pytest.fixture
def standard(db: None) -> None:
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(4800))


@pytest.fixture
def source(dora: User) -> FundSource:
    return services.source_create(
        actor=dora,
        data={"name": "中央财政专项扶贫资金", "kind": SourceKind.CENTRAL, "year": 2016, "amount": Decimal(500000),
              "document": "鲁财农指〔2016〕1号"},
    )  # fmt: skip


@pytest.fixture
def project(areas: dict[str, Area], dora: User, source: FundSource) -> Project:
    """A 商家镇 asset-income project with 200,000 yuan of the source."""
    project = services.project_create(
        actor=dora,
        data={"name": "商家镇光伏电站", "kind": "资产收益", "first_year": 2016, "last_year": 2016,
              "area": areas["商家镇"], "implementer": "商家镇人民政府", "target": "年收益不低于 8%"},
    )  # fmt: skip
    services.allocation_set(actor=dora, project=project, source=source, amount=Decimal(200000))
    return project


def insured(name: str, relation: str = Relation.HEAD, **fields: object) -> dict:
    return member(name, relation, medical_insurance=True, **fields)


@pytest.fixture
def near_line(areas: dict[str, Area], dora: User, standard: None) -> Household:
    """A 商家村 household just under the line: 2 members, 7,000 yuan → 3,500 a head against 3,609, every
    guarantee met. 300 yuan of dividends lift it to 3,650."""
    household = make_household(
        village=areas["商家村"], actor=dora, number="SJ-NEAR", house_grade="A", safe_water=True,
        members=[insured("甲"), insured("乙", Relation.SPOUSE, male=False)],
    )  # fmt: skip
    income_set(actor=dora, household=household, year=YEAR, data={"wage": Decimal(7000)})
    return household


@pytest.fixture
def other(areas: dict[str, Area], dora: User) -> Household:
    return make_household(village=areas["李家村"], actor=dora, number="SJ-OTHER")


@pytest.fixture
def mengshui_household(areas: dict[str, Area], dora: User) -> Household:
    return make_household(village=areas["萌水村"], actor=dora, number="MS-001")


@pytest.fixture
def mengshui_project(areas: dict[str, Area], dora: User) -> Project:
    return services.project_create(
        actor=dora,
        data={"name": "萌水镇大棚", "kind": "产业", "first_year": 2017, "last_year": 2018, "area": areas["萌水镇"],
              "implementer": "萌水镇人民政府"},
    )  # fmt: skip


@pytest.fixture
def shared(project: Project, near_line: Household, other: Household, dora: User) -> Project:
    """The project, in operation, with two beneficiaries: the near-line household and another."""
    services.project_operate(actor=dora, project=project, year=2016, place="镇政府公示栏")
    services.beneficiary_add(actor=dora, project=project, household=near_line)
    services.beneficiary_add(actor=dora, project=project, household=other)
    return project


def confirm(project: Project, actor: User, *, amount: str = "600", year: int = YEAR, **extra: object) -> object:
    return services.dividend_confirm(
        actor=actor, project=project, year=year, income=Decimal(amount) * 2, amount=Decimal(amount),
        method=extra.pop("method", "平均分配"), paid_on=date(year, 12, 20), pay_method="银行转账", **extra,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    """Uploads (payout lists, 公示 photos) go to a temporary folder, never the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
