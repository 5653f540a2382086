"""Writes of the funds app: `<entity>_<action>(*, actor, …)`, atomic, history with who and why.

A refusal the user can fix is a `ValidationError` in Chinese naming the field. Nothing is deleted: a source, an
allocation, a beneficiary or a project is voided (作废) with a reason; a dividend run is undone (撤销) with a
reason before it is published. After a dividend run is confirmed or undone the households are reassessed
(`households.services.reassess`), since the dividends are their 财产性收入 (plan ch. 10 §1 一).
"""

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import AreaLevel, User
from common.history import record_history
from households.models import Household, HouseholdStatus
from households.services import reassess

from . import rules
from .models import (
    PAID_STATUSES,
    Allocation,
    Beneficiary,
    DividendMethod,
    DividendPayout,
    DividendRun,
    DividendStatus,
    FundSource,
    InterestSubsidy,
    Loan,
    MicroCreditRate,
    Project,
    ProjectStatus,
    Publicity,
)
from .selectors import dividend_shares, project_publicity_facts, publicity_min_days

SOURCE_FIELDS = ("name", "kind", "year", "amount", "document", "received_on", "note")
PROJECT_FIELDS = ("name", "kind", "first_year", "last_year", "area", "implementer", "target", "result")
LOAN_FIELDS = ("kind", "borrower", "household", "area", "bank", "principal", "rate", "start", "end", "poor_employed")


def _refuse(field: str | None, message: str | None) -> None:
    if message is None:
        return
    raise ValidationError({field: message} if field else message)


def _void(obj: Any, *, actor: User, reason: str, what: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": "请写明作废原因。"})
    if obj.voided_at is not None:
        raise ValidationError(f"该{what}已作废。")
    obj.voided_at = timezone.now()
    obj.void_reason = reason.strip()
    record_history(obj, actor=actor, reason=f"作废：{reason.strip()}")
    obj.save(update_fields=["voided_at", "void_reason"])


# ---- Sources ---------------------------------------------------------------------------------------------------


def _allocated(source: FundSource, *, excluding: Allocation | None = None) -> Decimal:
    allocations = source.allocations.filter(voided_at__isnull=True, project__voided_at__isnull=True)
    if excluding is not None:
        allocations = allocations.exclude(pk=excluding.pk)
    return allocations.aggregate(t=Sum("amount"))["t"] or Decimal(0)


@transaction.atomic
def source_create(*, actor: User, data: dict[str, Any]) -> FundSource:
    """Record a fund source (plan ch. 12 §3 一: 整合各类涉农资金)."""
    source = FundSource(created_by=actor, **{f: data[f] for f in SOURCE_FIELDS if f in data})
    record_history(source, actor=actor, reason="登记资金来源")
    source.save()
    return source


@transaction.atomic
def source_update(*, actor: User, source: FundSource, data: dict[str, Any], reason: str = "更正") -> FundSource:
    """Correct a source; its amount never falls below what it already gives to projects."""
    source = FundSource.objects.select_for_update().get(pk=source.pk)
    if source.voided:
        raise ValidationError("该资金来源已作废，不能修改。")
    _refuse("amount", rules.source_shrink_refusal(new_amount=data["amount"], allocated=_allocated(source)))
    for f in SOURCE_FIELDS:
        if f in data:
            setattr(source, f, data[f])
    record_history(source, actor=actor, reason=reason)
    source.save()
    return source


@transaction.atomic
def source_void(*, actor: User, source: FundSource, reason: str) -> None:
    """作废 a source recorded by mistake; refused while it still gives money to a project."""
    source = FundSource.objects.select_for_update().get(pk=source.pk)
    if _allocated(source):
        raise ValidationError("该资金来源已安排到项目，请先作废那些资金安排。")
    _void(source, actor=actor, reason=reason, what="资金来源")


# ---- Projects --------------------------------------------------------------------------------------------------


def _check_project(data: dict[str, Any]) -> None:
    if data["last_year"] < data["first_year"]:
        raise ValidationError({"last_year": "结束年度不能早于开始年度。"})
    if data["area"].level not in (AreaLevel.TOWN, AreaLevel.VILLAGE):
        raise ValidationError({"area": "项目应落在某个镇或村。"})


@transaction.atomic
def project_create(*, actor: User, data: dict[str, Any]) -> Project:
    """Register a project at 立项 (plan ch. 3 §1)."""
    _check_project(data)
    project = Project(
        created_by=actor, status=ProjectStatus.APPROVED, **{f: data[f] for f in PROJECT_FIELDS if f in data}
    )
    record_history(project, actor=actor, reason="项目立项登记")
    project.save()
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, data: dict[str, Any]) -> Project:
    _check_project(data)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.voided:
        raise ValidationError("该项目已作废，不能修改。")
    if data["area"].pk != project.area_id:
        moved = Project(area=data["area"])
        outside = [
            b.household.number
            for b in project.beneficiaries.filter(voided_at__isnull=True).select_related("household__village")
            if not _same_town(moved, b.household)
        ]
        if outside:
            raise ValidationError(
                {
                    "area": f"已有受益户不在新选的镇（{'、'.join(outside[:5])}{' 等' if len(outside) > 5 else ''}），请先移出这些受益户。"
                }
            )
    for f in PROJECT_FIELDS:
        if f in data:
            setattr(project, f, data[f])
    record_history(project, actor=actor, reason="修改项目信息")
    project.save()
    return project


@transaction.atomic
def project_advance(*, actor: User, project: Project, target: str, today: date | None = None) -> Project:
    """Move a project one step along 立项 → 公示 → 实施 → 验收 → 运营; past 公示 only after a 公示 of at least
    the set days (rules.status_change_refusal, plan ch. 12 §2 一)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.voided:
        raise ValidationError("该项目已作废。")
    refusal = rules.status_change_refusal(
        current=project.status,
        target=target,
        publicities=project_publicity_facts(project),
        today=today or timezone.localdate(),
        min_days=publicity_min_days(),
    )
    _refuse(None, refusal)
    before = project.status
    project.status = target
    record_history(project, actor=actor, reason=f"项目状态：{before} → {target}")
    project.save(update_fields=["status"])
    return project


@transaction.atomic
def project_void(*, actor: User, project: Project, reason: str) -> None:
    """作废 a project registered by mistake; refused once it has paid dividends."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.dividend_runs.filter(status__in=PAID_STATUSES).exists():
        raise ValidationError("该项目已发放分红，不能作废。")
    _void(project, actor=actor, reason=reason, what="项目")


# ---- Allocations -----------------------------------------------------------------------------------------------


@transaction.atomic
def allocation_set(*, actor: User, project: Project, source: FundSource, amount: Decimal) -> Allocation:
    """Put `amount` of a source into a project (or change what it puts in). The source's allocations never
    exceed it (rules.allocation_refusal); the source row is locked so two officers cannot overspend it together."""
    source = FundSource.objects.select_for_update().get(pk=source.pk)
    if source.voided:
        raise ValidationError({"source": "该资金来源已作废。"})
    if project.voided:
        raise ValidationError("该项目已作废。")
    current = Allocation.objects.filter(source=source, project=project, voided_at__isnull=True).first()
    _refuse(
        "amount",
        rules.allocation_refusal(
            source_amount=source.amount, allocated_elsewhere=_allocated(source, excluding=current), amount=amount
        ),
    )
    if current is None:
        current = Allocation(source=source, project=project, amount=amount, created_by=actor)
        record_history(current, actor=actor, reason="安排资金")
    else:
        record_history(current, actor=actor, reason=f"调整安排金额：{current.amount} → {amount}")
        current.amount = amount
    current.save()
    return current


@transaction.atomic
def allocation_void(*, actor: User, allocation: Allocation, reason: str) -> None:
    _void(allocation, actor=actor, reason=reason, what="资金安排")


# ---- Beneficiaries ---------------------------------------------------------------------------------------------


def _same_town(project: Project, household: Household) -> bool:
    area = project.area
    town_id = area.pk if area.level == AreaLevel.TOWN else area.parent_id
    return household.village.parent_id == town_id


@transaction.atomic
def beneficiary_add(
    *, actor: User, project: Project, household: Household, weight: Decimal = Decimal(1)
) -> Beneficiary:
    """Link a registered poor household to a project as a beneficiary (带动户, plan ch. 3 §1)."""
    if project.voided:
        raise ValidationError("该项目已作废。")
    if household.status == HouseholdStatus.REMOVED:
        raise ValidationError({"household": f"户 {household.number} 已自然减少，不能再作为受益户。"})
    if not _same_town(project, household):
        raise ValidationError({"household": f"户 {household.number} 不在项目所在的镇，不能作为该项目的受益户。"})
    if project.beneficiaries.filter(household=household, voided_at__isnull=True).exists():
        raise ValidationError({"household": f"户 {household.number} 已是该项目的受益户。"})
    if weight <= 0:
        raise ValidationError({"weight": "分红权重必须大于 0。"})
    beneficiary = Beneficiary(project=project, household=household, weight=weight, created_by=actor)
    record_history(beneficiary, actor=actor, reason="登记受益户")
    beneficiary.save()
    return beneficiary


@transaction.atomic
def beneficiary_set_weight(*, actor: User, beneficiary: Beneficiary, weight: Decimal, reason: str) -> Beneficiary:
    """The district tilts the dividend, e.g. towards households with no labour or serious illness (ch. 10 §1 一)."""
    if weight <= 0:
        raise ValidationError({"weight": "分红权重必须大于 0。"})
    record_history(beneficiary, actor=actor, reason=f"分红权重 {beneficiary.weight} → {weight}：{reason}")
    beneficiary.weight = weight
    beneficiary.save(update_fields=["weight"])
    return beneficiary


@transaction.atomic
def beneficiary_weights_tilt(*, actor: User, project: Project, tilt: Decimal) -> int:
    """Set every live beneficiary's weight by the district's tilt (rules.tilted_weight, plan ch. 10 §1 一) from
    the members' 劳动技能 and 健康状况 as registered now; returns how many weights changed."""
    from households.models import Person

    beneficiaries = list(project.beneficiaries.filter(voided_at__isnull=True).select_for_update())
    members: dict[int, list[tuple[str, str]]] = {b.household_id: [] for b in beneficiaries}
    for hid, labour, health in Person.objects.filter(household_id__in=list(members), left_reason="").values_list(
        "household_id", "labour_ability", "health"
    ):
        members[hid].append((labour, health))
    try:
        weights = {hid: rules.tilted_weight(m, tilt=tilt) for hid, m in members.items()}
    except ValueError as exc:
        raise ValidationError({"tilt": str(exc)}) from exc
    changed = 0
    for b in beneficiaries:
        if b.weight != weights[b.household_id]:
            record_history(b, actor=actor, reason=f"按倾斜办法设定分红权重：{b.weight} → {weights[b.household_id]}")
            b.weight = weights[b.household_id]
            b.save(update_fields=["weight"])
            changed += 1
    return changed


@transaction.atomic
def beneficiary_void(*, actor: User, beneficiary: Beneficiary, reason: str) -> None:
    _void(beneficiary, actor=actor, reason=reason, what="受益户")


# ---- 公示 -------------------------------------------------------------------------------------------------------


@transaction.atomic
def publicity_record(*, actor: User, project: Project, data: dict[str, Any]) -> Publicity:
    """Record a 公示 of a project, at least the set number of days long (plan ch. 12 §2 一)."""
    _refuse("end", rules.publicity_refusal(start=data["start"], end=data["end"], min_days=publicity_min_days()))
    publicity = Publicity(
        project=project,
        created_by=actor,
        **{f: data[f] for f in ("stage", "start", "end", "place", "photo", "objections") if f in data},
    )
    record_history(publicity, actor=actor, reason="登记公示")
    publicity.save()
    if project.status == ProjectStatus.APPROVED and publicity.stage == Publicity.Stage.BEFORE_APPROVAL:
        project_advance(actor=actor, project=project, target=ProjectStatus.PUBLICITY)
    return publicity


def project_operate(*, actor: User, project: Project, year: int, place: str) -> Project:
    """Record a past project's 立项公示 and 验收公示 (10 days each, in `year`) and advance it to 运营 — for a
    project entered after the fact (the plan's 2016 projects) and for the demo."""
    start, accepted = date(year, 3, 1), date(year, 11, 5)
    days = timedelta(days=publicity_min_days() - 1)
    publicity_record(
        actor=actor, project=project, data={"stage": "立项公示", "start": start, "end": start + days, "place": place}
    )
    for target, on in (("实施", start + days + timedelta(days=1)), ("验收", date(year, 11, 1))):
        project_advance(actor=actor, project=project, target=target, today=on)
    publicity_record(
        actor=actor,
        project=project,
        data={"stage": "验收公示", "start": accepted, "end": accepted + days, "place": place},
    )
    return project_advance(actor=actor, project=project, target="运营", today=accepted + days + timedelta(days=1))


# ---- Dividends -------------------------------------------------------------------------------------------------


def shares_digest(shares: list[rules.Share]) -> str:
    """A digest of the beneficiary list as previewed: confirming refuses a list that changed since."""
    text = ";".join(f"{s.key}:{s.weight}" for s in shares)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def dividend_confirm(
    *,
    actor: User,
    project: Project,
    year: int,
    income: Decimal,
    amount: Decimal,
    method: str,
    paid_on: date,
    pay_method: str,
    note: str = "",
    digest: str | None = None,
) -> DividendRun:
    """Confirm a dividend run: split `amount` among the project's beneficiaries (rules.split_dividend) and record
    each household's payout, which counts as its 财产性收入 of `year` at once (plan ch. 10 §1 一)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.voided:
        raise ValidationError("该项目已作废。")
    _refuse(None, rules.dividend_project_refusal(status=project.status))
    _refuse("amount", rules.dividend_amount_refusal(income=income, amount=amount))
    if DividendRun.objects.filter(project=project, year=year).exclude(status=DividendStatus.UNDONE).exists():
        raise ValidationError({"year": f"该项目 {year} 年已经分过红；如有错误，请先撤销原来的分配。"})
    shares = dividend_shares(project, method=method)
    if not shares:
        raise ValidationError("该项目还没有受益户，无法分红。请先登记受益户。")
    if digest is not None and digest != shares_digest(shares):
        raise ValidationError("预览之后受益户名单或权重有变化，请重新预览后再确认。")
    parts = rules.split_dividend(amount, shares)
    return _run_write(
        actor=actor,
        project=project,
        year=year,
        income=income,
        amount=amount,
        method=method,
        paid_on=paid_on,
        pay_method=pay_method,
        note=note,
        payouts=[(s.key, s.weight, parts[s.key], "") for s in shares],
    )


def _run_write(
    *,
    actor: User,
    project: Project,
    year: int,
    income: Decimal,
    amount: Decimal,
    method: str,
    paid_on: date,
    pay_method: str,
    note: str,
    payouts: list[tuple[int, Decimal, Decimal, str]],
) -> DividendRun:
    if sum(p[2] for p in payouts) != amount:  # the split rule guarantees it; an imported list must too
        raise ValidationError({"amount": "各户分红之和与分配金额不符。"})
    run = DividendRun(
        project=project,
        year=year,
        income=income,
        amount=amount,
        method=method,
        paid_on=paid_on,
        pay_method=pay_method,
        note=note,
        created_by=actor,
    )
    record_history(run, actor=actor, reason=f"确认 {year} 年分红，{len(payouts)} 户")
    run.save()
    DividendPayout.objects.bulk_create(
        DividendPayout(run=run, household_id=hid, weight=weight, amount=part, account=account)
        for hid, weight, part, account in payouts
    )
    reassess([p[0] for p in payouts], years=[year])
    return run


@transaction.atomic
def dividend_import(
    *,
    actor: User,
    project: Project,
    year: int,
    income: Decimal,
    paid_on: date,
    pay_method: str,
    payouts: list[tuple[int, Decimal, str]],
    note: str = "",
) -> DividendRun:
    """Record a payout list the bank or the town sends (household id, amount, account): every household must be
    a beneficiary of the project (rules.dividend_recipient_refusal); the list's total is the run's amount."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _refuse(None, rules.dividend_project_refusal(status=project.status))
    amount = sum((p[1] for p in payouts), Decimal(0))
    _refuse("amount", rules.dividend_amount_refusal(income=income, amount=amount))
    if DividendRun.objects.filter(project=project, year=year).exclude(status=DividendStatus.UNDONE).exists():
        raise ValidationError({"year": f"该项目 {year} 年已经分过红；如有错误，请先撤销原来的分配。"})
    weights = dict(project.beneficiaries.filter(voided_at__isnull=True).values_list("household_id", "weight"))
    numbers = dict(Household.objects.filter(pk__in=[p[0] for p in payouts]).values_list("pk", "number"))
    for hid, _amount, _account in payouts:
        _refuse(
            None,
            rules.dividend_recipient_refusal(household_number=numbers.get(hid, str(hid)), beneficiary=hid in weights),
        )
    return _run_write(
        actor=actor,
        project=project,
        year=year,
        income=income,
        amount=amount,
        method=DividendMethod.LIST,
        paid_on=paid_on,
        pay_method=pay_method,
        note=note,
        payouts=[(hid, weights[hid], part, account) for hid, part, account in payouts],
    )


@transaction.atomic
def dividend_undo(*, actor: User, run: DividendRun, reason: str) -> DividendRun:
    """Undo a confirmed run before it is published (its payouts stop counting; the households are reassessed).
    A published run is final: a mistake then is corrected by a new run after the district decides."""
    run = DividendRun.objects.select_for_update().get(pk=run.pk)
    if not reason.strip():
        raise ValidationError({"reason": "请写明撤销原因。"})
    if run.status == DividendStatus.PUBLISHED:
        raise ValidationError("分红名单已经公示，不能撤销。")
    if run.status == DividendStatus.UNDONE:
        raise ValidationError("这次分红已经撤销。")
    run.status = DividendStatus.UNDONE
    run.undone_at = timezone.now()
    run.undo_reason = reason.strip()
    record_history(run, actor=actor, reason=f"撤销分红：{reason.strip()}")
    run.save(update_fields=["status", "undone_at", "undo_reason"])
    reassess(list(run.payouts.values_list("household_id", flat=True)), years=[run.year])
    return run


@transaction.atomic
def dividend_publish(*, actor: User, run: DividendRun, on: date) -> DividendRun:
    """Publish the dividend list (公示, plan ch. 12 §2 一); from then on the run cannot be undone."""
    run = DividendRun.objects.select_for_update().get(pk=run.pk)
    if run.status != DividendStatus.CONFIRMED:
        raise ValidationError("只有已确认的分红才能公示。")
    if on < run.paid_on:
        raise ValidationError({"on": "公示日期不能早于发放日期。"})
    run.status = DividendStatus.PUBLISHED
    run.published_on = on
    record_history(run, actor=actor, reason="分红名单公示")
    run.save(update_fields=["status", "published_on"])
    return run


# ---- Loans and interest subsidies -------------------------------------------------------------------------------


@transaction.atomic
def loan_create(*, actor: User, data: dict[str, Any]) -> Loan:
    """Record a loan whose interest the district subsidises (plan ch. 12 §3 三, ch. 4 §3)."""
    if data["end"] <= data["start"]:
        raise ValidationError({"end": "到期日期应晚于放款日期。"})
    household = data.get("household")
    if (
        household is not None
        and household.village_id != data["area"].pk
        and household.village.parent_id != data["area"].pk
    ):
        raise ValidationError({"household": "贫困户不在所选的镇村。"})
    loan = Loan(created_by=actor, **{f: data[f] for f in LOAN_FIELDS if f in data})
    record_history(loan, actor=actor, reason="登记贴息贷款")
    loan.save()
    return loan


@transaction.atomic
def subsidy_record(
    *,
    actor: User,
    loan: Loan,
    year: int,
    balance: Decimal,
    months: int,
    interest_paid: Decimal,
    micro_rate: Decimal | None,
) -> InterestSubsidy:
    """Compute and record one loan's subsidy for one year (rules.interest_subsidy)."""
    if not loan.start.year <= year <= loan.end.year:
        raise ValidationError({"year": f"贷款期限是 {loan.start:%Y-%m-%d} 至 {loan.end:%Y-%m-%d}，{year} 年不在其中。"})
    if InterestSubsidy.objects.filter(loan=loan, year=year).exists():
        raise ValidationError({"year": f"该贷款 {year} 年的贴息已经登记。"})
    try:
        amount = rules.interest_subsidy(
            rules.LoanYear(kind=loan.kind, balance=balance, rate=loan.rate, months=months, interest_paid=interest_paid),
            micro_rate=micro_rate,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    subsidy = InterestSubsidy(
        loan=loan,
        year=year,
        balance=balance,
        months=months,
        interest_paid=interest_paid,
        amount=amount,
        created_by=actor,
    )
    record_history(subsidy, actor=actor, reason="登记贷款贴息")
    subsidy.save()
    return subsidy


@transaction.atomic
def micro_rate_set(*, actor: User, year: int, rate: Decimal) -> MicroCreditRate:
    if not Decimal(0) <= rate <= Decimal("0.2"):
        raise ValidationError({"rate": "贴息率应在 0 到 0.2（20%）之间，如 4.35% 填 0.0435。"})
    found = MicroCreditRate.objects.filter(year=year).first() or MicroCreditRate(year=year)
    found.rate = rate
    record_history(found, actor=actor, reason=f"设定 {year} 年小额信贷贴息率")
    found.save()
    return found
