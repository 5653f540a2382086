"""The funds services against the database: a dividend raises a household's per-capita income and flips its
verdict at the line (through reassess and through the nightly recompute); money reconciles source → project →
household with the plan's own figures (ch. 3 §1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Area, User
from funds import services
from funds.models import DividendStatus, FundSource, Project, ProjectStatus, SourceKind
from funds.rules import PLAN_TARGETS
from funds.selectors import household_funds, plan_rows
from households.models import Household, HouseholdAssessment, Person
from households.selectors import household_assessment
from households.services.assessment import assessments_recompute

from .conftest import YEAR, confirm

pytestmark = pytest.mark.django_db


def stored(household: Household) -> HouseholdAssessment:
    return HouseholdAssessment.objects.get(household=household, year=YEAR)


def test_a_dividend_flips_the_verdict_at_once(
    shared: Project, near_line: Household, dora: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    assessments_recompute(year=YEAR)
    before = stored(near_line)
    assert (before.per_capita, before.meets_standard, before.gaps) == (Decimal("3500.00"), False, "收入")

    with django_capture_on_commit_callbacks(execute=True):
        confirm(shared, dora, amount="600")  # 300 to each of the two households → +150 a head

    after = stored(near_line)
    assert (after.per_capita, after.meets_standard, after.gaps) == (Decimal("3650.00"), True, "")
    view = household_assessment(near_line, year=YEAR)
    assert ("收入", "资产收益分红 300.00 元（扶贫资金台账，计入财产性收入）") in view.sources


def test_the_nightly_recompute_sees_a_dividend_and_its_undoing(
    shared: Project, near_line: Household, dora: User
) -> None:
    assessments_recompute(year=YEAR)
    run = confirm(shared, dora, amount="600")  # on-commit reassessment not run: the recompute must find it
    assessments_recompute(year=YEAR)
    assert stored(near_line).meets_standard is True

    services.dividend_undo(actor=dora, run=run, reason="金额录错")
    assessments_recompute(year=YEAR)
    assert stored(near_line).meets_standard is False
    assert stored(near_line).per_capita == Decimal("3500.00")


def test_a_dividend_up_to_the_line_but_not_above_does_not_flip(
    shared: Project, near_line: Household, dora: User
) -> None:
    confirm(shared, dora, amount="436")  # 218 each → +109 a head → 3,609.00: equal to the line, not above it
    assessments_recompute(year=YEAR)
    assert (stored(near_line).per_capita, stored(near_line).meets_standard) == (Decimal("3609.00"), False)


def test_a_dividend_of_another_year_does_not_count(shared: Project, near_line: Household, dora: User) -> None:
    confirm(shared, dora, amount="600", year=YEAR - 1)
    assessments_recompute(year=YEAR)
    assert stored(near_line).meets_standard is False


def test_a_published_run_cannot_be_undone(shared: Project, dora: User) -> None:
    run = confirm(shared, dora)
    services.dividend_publish(actor=dora, run=run, on=date(YEAR, 12, 25))
    with pytest.raises(ValidationError, match="已经公示，不能撤销"):
        services.dividend_undo(actor=dora, run=run, reason="想撤")
    run.refresh_from_db()
    assert run.status == DividendStatus.PUBLISHED


def test_one_run_per_project_and_year_until_undone(shared: Project, dora: User) -> None:
    run = confirm(shared, dora)
    with pytest.raises(ValidationError, match="已经分过红"):
        confirm(shared, dora)
    services.dividend_undo(actor=dora, run=run, reason="重新分配")
    again = confirm(shared, dora, amount="700")
    assert again.payouts.count() == 2
    assert run.payouts.count() == 2  # the undone run keeps its rows: nothing is deleted


def test_a_weighted_run_tilts_and_adds_up(shared: Project, near_line: Household, other: Household, dora: User) -> None:
    benefit = near_line.fund_benefits.get()
    services.beneficiary_set_weight(actor=dora, beneficiary=benefit, weight=Decimal("2"), reason="无劳动能力")
    run = confirm(shared, dora, amount="100", method="按权重分配")
    amounts = dict(run.payouts.values_list("household__number", "amount"))
    assert amounts == {"SJ-NEAR": Decimal("66.67"), "SJ-OTHER": Decimal("33.33")}


def test_preview_digest_refuses_a_changed_list(shared: Project, dora: User, areas: dict[str, Area]) -> None:
    from funds.selectors import dividend_shares
    from households.tests.factories import make_household

    digest = services.shares_digest(dividend_shares(shared, method="平均分配"))
    services.beneficiary_add(actor=dora, project=shared, household=make_household(village=areas["东坡村"], actor=dora))
    with pytest.raises(ValidationError, match="重新预览"):
        confirm(shared, dora, digest=digest)


def test_dividends_only_to_beneficiaries_in_an_imported_list(
    shared: Project, near_line: Household, mengshui_household: Household, dora: User
) -> None:
    with pytest.raises(ValidationError, match="MS-001 不是该项目的受益户"):
        services.dividend_import(
            actor=dora, project=shared, year=YEAR, income=Decimal(1000), paid_on=date(YEAR, 12, 1),
            pay_method="银行转账", payouts=[(near_line.pk, Decimal(300), ""), (mengshui_household.pk, Decimal(300), "")],
        )  # fmt: skip
    assert not shared.dividend_runs.exists()


def test_a_beneficiary_lives_in_the_projects_town(shared: Project, mengshui_household: Household, dora: User) -> None:
    with pytest.raises(ValidationError, match="不在项目所在的镇"):
        services.beneficiary_add(actor=dora, project=shared, household=mengshui_household)


def test_allocations_never_exceed_the_source(project: Project, source: FundSource, dora: User, areas: dict) -> None:
    second = services.project_create(
        actor=dora,
        data={"name": "李家村养殖", "kind": "产业", "first_year": 2016, "last_year": 2016, "area": areas["李家村"],
              "implementer": "李家村委会"},
    )  # fmt: skip
    services.allocation_set(actor=dora, project=second, source=source, amount=Decimal(300000))
    with pytest.raises(ValidationError, match=r"只剩 300,000\.00 元，不能再安排 300,000\.01 元"):
        services.allocation_set(actor=dora, project=second, source=source, amount=Decimal("300000.01"))
    # lowering the first project's share frees money for the second
    services.allocation_set(actor=dora, project=project, source=source, amount=Decimal(150000))
    services.allocation_set(actor=dora, project=second, source=source, amount=Decimal(350000))
    with pytest.raises(ValidationError, match="不能改为少于"):
        services.source_update(actor=dora, source=source, data={"name": source.name, "amount": Decimal(499999)})


def test_a_project_moves_past_publicity_only_after_ten_days(project: Project, dora: User) -> None:
    with pytest.raises(ValidationError, match="只有 9 天"):
        services.publicity_record(
            actor=dora, project=project,
            data={"stage": "立项公示", "start": date(2016, 3, 1), "end": date(2016, 3, 9), "place": "镇政府公示栏"},
        )  # fmt: skip
    services.publicity_record(
        actor=dora, project=project,
        data={"stage": "立项公示", "start": date(2016, 3, 1), "end": date(2016, 3, 10), "place": "镇政府公示栏"},
    )  # fmt: skip
    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLICITY
    with pytest.raises(ValidationError, match="才结束"):
        services.project_advance(actor=dora, project=project, target="实施", today=date(2016, 3, 10))
    services.project_advance(actor=dora, project=project, target="实施", today=date(2016, 3, 11))
    assert project.history.first().history_change_reason == "项目状态：公示 → 实施"


def test_a_longer_setting_is_obeyed_and_a_shorter_one_ignored(project: Project, dora: User, settings: object) -> None:
    settings.FUNDS_PUBLICITY_DAYS = 5  # shorter than the plan's 10: refused, 10 still applies
    with pytest.raises(ValidationError, match="至少要 10 天"):
        services.publicity_record(
            actor=dora, project=project,
            data={"stage": "立项公示", "start": date(2016, 3, 1), "end": date(2016, 3, 6), "place": "公示栏"},
        )  # fmt: skip
    settings.FUNDS_PUBLICITY_DAYS = 15
    with pytest.raises(ValidationError, match="至少要 15 天"):
        services.publicity_record(
            actor=dora, project=project,
            data={"stage": "立项公示", "start": date(2016, 3, 1), "end": date(2016, 3, 10), "place": "公示栏"},
        )  # fmt: skip


def test_interest_subsidy_per_loan_and_year(areas: dict[str, Area], dora: User) -> None:
    loan = services.loan_create(
        actor=dora,
        data={"kind": "经营主体贷款", "borrower": "商家镇某合作社", "area": areas["商家镇"], "bank": "农商银行",
              "principal": Decimal(1000000), "rate": Decimal("0.0435"), "start": date(2016, 1, 1),
              "end": date(2018, 12, 31), "poor_employed": 12},
    )  # fmt: skip
    subsidy = services.subsidy_record(
        actor=dora, loan=loan, year=2016, balance=Decimal(1000000), months=12, interest_paid=Decimal(43500),
        micro_rate=None,
    )  # fmt: skip
    assert subsidy.amount == Decimal("30000.00")
    with pytest.raises(ValidationError, match="已经登记"):
        services.subsidy_record(
            actor=dora, loan=loan, year=2016, balance=Decimal(1), months=1, interest_paid=Decimal(1), micro_rate=None
        )
    with pytest.raises(ValidationError, match="不在其中"):
        services.subsidy_record(
            actor=dora, loan=loan, year=2019, balance=Decimal(1), months=1, interest_paid=Decimal(1), micro_rate=None
        )


# ---- The plan's figures, reconciled at every level ---------------------------------------------------------------


def _households(village: Area, prefix: str, *, pairs: int, singles: int) -> list[Household]:
    """`pairs` two-person and `singles` one-person households, written in bulk (hundreds of them)."""
    made = Household.objects.bulk_create(
        Household(number=f"{prefix}{i:04d}", village=village, attribute="一般贫困户", main_cause="因病")
        for i in range(pairs + singles)
    )
    people = []
    for i, household in enumerate(made):
        people.append(Person(household=household, name="户主", id_number=f"X{prefix}{i}", relation="户主", sex="男",
                             birth_date=date(1960, 1, 1)))  # fmt: skip
        if i < pairs:
            people.append(Person(household=household, name="配偶", id_number=f"Y{prefix}{i}", relation="配偶",
                                 sex="女", birth_date=date(1962, 1, 1)))  # fmt: skip
    Person.objects.bulk_create(people)
    return made


def _period(
    dora: User,
    town: Area,
    households: list[Household],
    *,
    sources: list[tuple[int, str, str]],
    projects: int,
    year: int,
) -> list[Project]:
    made_sources = [
        services.source_create(
            actor=dora, data={"name": name, "kind": SourceKind.CENTRAL, "year": y, "amount": Decimal(a)}
        )
        for y, name, a in sources
    ]
    made = []
    for i in range(projects):
        project = services.project_create(
            actor=dora,
            data={"name": f"{year} 资产收益项目 {i + 1}", "kind": "资产收益", "first_year": year, "last_year": year,
                  "area": town, "implementer": "镇政府"},
        )  # fmt: skip
        for s in made_sources:
            services.allocation_set(actor=dora, project=project, source=s, amount=s.amount / projects)
        services.project_operate(actor=dora, project=project, year=year, place="公示栏")
        for household in households[i::projects]:
            services.beneficiary_add(actor=dora, project=project, household=household)
        made.append(project)
    # One household shares in two projects: it counts once among the households the plan counts.
    services.beneficiary_add(actor=dora, project=made[1], household=households[0])
    return made


def test_the_plans_money_reconciles_source_to_project_to_household(
    areas: dict[str, Area], dora: User, bob: User
) -> None:
    town = areas["商家镇"]
    first = _households(areas["商家村"], "A", pairs=217, singles=57)  # 274 households, 491 persons
    second = _households(areas["李家村"], "B", pairs=93, singles=136)  # 229 households, 322 persons
    p2016 = _period(
        dora, town, first, projects=12, year=2016,
        sources=[(2016, "中央", "1200000"), (2016, "省级", "600000"), (2016, "市级", "600000"), (2016, "区级", "600000")],
    )  # fmt: skip
    p2017 = _period(
        dora, town, second, projects=4, year=2017, sources=[(2017, "中央", "1555000"), (2018, "整合", "1555000")]
    )
    for i, project in enumerate([*p2016, *p2017]):
        confirm(project, dora, amount=f"{10000 + i * 1234.57:.2f}", year=2017)

    rows = plan_rows(dora)
    for row, target in zip(rows, PLAN_TARGETS, strict=True):
        assert (row.projects, row.households, row.persons) == (target.projects, target.households, target.persons)
        assert row.sources == row.invested == target.amount  # source side = project side = the plan
        assert row.dividends == row.payouts  # project side = household side
        assert row.reconciled
    # the household side added up household by household equals the projects' runs
    total = sum(sum(household_funds(h).by_year.values(), Decimal(0)) for h in [*first, *second])
    assert total == rows[0].dividends + rows[1].dividends
    assert household_funds(first[0]).benefits[1].project == p2016[1]  # the shared household sees both projects
    # a town clerk of the other town sees none of it
    assert [(r.projects, r.households, r.invested) for r in plan_rows(bob)] == [(0, 0, 0), (0, 0, 0)]


def test_the_tilt_weighs_households_without_labour_or_with_serious_illness(
    shared: Project, near_line: Household, other: Household, dora: User
) -> None:
    near_line.members.update(labour_ability="无劳动力")
    assert services.beneficiary_weights_tilt(actor=dora, project=shared, tilt=Decimal("1.5")) == 1
    weights = dict(shared.beneficiaries.values_list("household__number", "weight"))
    assert weights == {"SJ-NEAR": Decimal("1.50"), "SJ-OTHER": Decimal("1.00")}
    run = confirm(shared, dora, amount="250", method="按权重分配")
    assert dict(run.payouts.values_list("household__number", "amount")) == {
        "SJ-NEAR": Decimal("150.00"), "SJ-OTHER": Decimal("100.00"),
    }  # fmt: skip
    assert services.beneficiary_weights_tilt(actor=dora, project=shared, tilt=Decimal("1.5")) == 0  # idempotent


def test_a_project_not_yet_operating_pays_no_dividend(project: Project, near_line: Household, dora: User) -> None:
    services.beneficiary_add(actor=dora, project=project, household=near_line)
    with pytest.raises(ValidationError, match="进入“运营”（验收公示期满）后才有收益可分"):
        confirm(project, dora)


def test_a_project_cannot_move_away_from_its_beneficiaries(shared: Project, dora: User, areas: dict[str, Area]) -> None:
    data = {f: getattr(shared, f) for f in ("name", "kind", "first_year", "last_year", "implementer")}
    with pytest.raises(ValidationError, match="已有受益户不在新选的镇（SJ-NEAR、SJ-OTHER）"):
        services.project_update(actor=dora, project=shared, data={**data, "area": areas["萌水镇"]})
    services.project_update(actor=dora, project=shared, data={**data, "area": areas["商家村"]})  # same town: fine
