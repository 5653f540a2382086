"""The sector apps' figures on the dashboard (issue 15: "as each sector app lands"). Reports depends on the
sector apps, never the other way round (DESIGN §3), so the figures are defined here, one query each, per
village; `figures.py` sums them up the tree and stores them with the rest of the year's figures."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db.models import Aggregate, Count, QuerySet, Sum

from .figures import SectorFigure, register_figure


def _by_village(records: QuerySet, aggregate: Aggregate) -> dict[int, int | Decimal]:
    """One query: `aggregate` of the records per village of their household."""
    rows = records.values("household__village_id").annotate(n=aggregate).values_list("household__village_id", "n")
    return {village: value or 0 for village, value in rows}


def retrofits_accepted(year: int, as_of: date) -> Mapping[int, int]:
    """危房改造 cases accepted (验收合格 or 入住) — plan ch. 7."""
    from housing.models import RetrofitCase, Stage

    cases = RetrofitCase.objects.filter(voided_at__isnull=True, stage__in=(Stage.ACCEPTED, Stage.OCCUPIED))
    return _by_village(cases, Count("pk"))


def retrofits_open(year: int, as_of: date) -> Mapping[int, int]:
    """危房改造 cases planned or under way, not yet accepted."""
    from housing.models import RetrofitCase, Stage

    cases = RetrofitCase.objects.filter(
        voided_at__isnull=True, stage__in=(Stage.PLANNED, Stage.STARTED, Stage.COMPLETED)
    )
    return _by_village(cases, Count("pk"))


def students_supported(year: int, as_of: date) -> Mapping[int, int]:
    """Students of the school year that starts in `year` with a subsidy paid or a fee waived — plan ch. 5 §2."""
    from education.models import Enrolment

    enrolments = Enrolment.objects.filter(
        voided_at__isnull=True, school_year=year, benefits__voided_at__isnull=True, benefits__isnull=False
    )
    return _by_village(enrolments, Count("person", distinct=True))


def dividends_paid(year: int, as_of: date) -> Mapping[int, Decimal]:
    """资产收益分红 paid to households for `year`, yuan — plan ch. 10."""
    from funds.models import PAID_STATUSES, DividendPayout

    payouts = DividendPayout.objects.filter(run__year=year, run__status__in=PAID_STATUSES)
    return _by_village(payouts, Sum("amount"))


def dividend_households(year: int, as_of: date) -> Mapping[int, int]:
    """Households that received a dividend for `year`."""
    from funds.models import PAID_STATUSES, DividendPayout

    payouts = DividendPayout.objects.filter(run__year=year, run__status__in=PAID_STATUSES, amount__gt=0)
    return _by_village(payouts, Count("household", distinct=True))


def persons_insured(year: int, as_of: date) -> Mapping[int, int]:
    """Members with a basic medical insurance record for `year` that says insured — plan ch. 6 §2."""
    from healthcare.models import Insurance, InsuranceKind

    records = Insurance.objects.filter(voided=False, year=year, kind=InsuranceKind.BASIC, insured=True)
    return _by_village(records, Count("person", distinct=True))


def medical_aid(year: int, as_of: date) -> Mapping[int, Decimal]:
    """Medical aid granted on the year's expenses, yuan — plan ch. 6 §2."""
    from healthcare.models import Expense

    expenses = Expense.objects.filter(voided=False, visited_on__year=year)
    return _by_village(expenses, Sum("aid"))


def register() -> None:
    register_figure(SectorFigure("health_insured", "基本医保参保人数", "行业部门", persons_insured, unit="人"))
    register_figure(SectorFigure("health_aid", "医疗救助", "行业部门", medical_aid, unit="元"))
    register_figure(SectorFigure("housing_accepted", "危房改造已验收", "行业部门", retrofits_accepted, unit="户"))
    register_figure(SectorFigure("housing_open", "危房改造在办", "行业部门", retrofits_open, unit="户"))
    register_figure(SectorFigure("education_supported", "受资助学生", "行业部门", students_supported, unit="人"))
    register_figure(SectorFigure("funds_dividend_households", "分红到户", "行业部门", dividend_households, unit="户"))
    register_figure(SectorFigure("funds_dividends", "资产收益分红", "行业部门", dividends_paid, unit="元"))
