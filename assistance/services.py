"""Writes of the assistance app. Each is atomic, keyword-only, takes `actor=` and records it; each refusal is a
`ValidationError` in Chinese, worded by the rules (rules.py) so every page says the same thing."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from households.models import Household

from .models import Cadre, EndReason, Measure, Pairing, PairingQuota, Visit
from .rules import (
    MeasureFacts,
    end_refusal,
    grade_refusal,
    handover_refusal,
    measure_department_refusal,
    measure_problems,
    pairing_refusal,
    rank_of_grade,
    welfare_job_pay,
)
from .selectors import cadre_load, pairing_quotas

CADRE_FIELDS = (
    "name", "sex", "unit", "unit_type", "rank", "grade", "phone", "first_secretary", "work_team", "active", "note",
)  # fmt: skip
VISIT_FIELDS = ("cadre", "visited_on", "found", "agreed", "photo")
MEASURE_FIELDS = (
    "year", "kind", "item", "person", "description", "amount", "months", "monthly_pay", "interest_subsidy",
    "done_on", "cadre", "department",
)  # fmt: skip


def _record(obj: Any, *, actor: User | None, reason: str = "") -> None:
    # django-simple-history reads these when the object is saved.
    obj._history_user = actor
    obj._change_reason = reason


def _not_future(day: date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(f"{what}不能晚于今天。")


def _cadre_checked(cadre: Cadre) -> None:
    if cadre.grade and not cadre.rank:
        cadre.rank = rank_of_grade(cadre.grade) or ""
    refusal = grade_refusal(rank=cadre.rank, grade=cadre.grade)
    if refusal:
        raise ValidationError(refusal)
    cadre.name = cadre.name.strip()
    if not cadre.name:
        raise ValidationError("请填写干部姓名。")
    if cadre.phone and Cadre.objects.filter(name=cadre.name, phone=cadre.phone).exclude(pk=cadre.pk).exists():
        raise ValidationError(f"已有同名同电话的干部“{cadre.name}”（{cadre.phone}），请勿重复登记。")


@transaction.atomic
def cadre_create(*, actor: User, data: dict[str, Any]) -> Cadre:
    """Register a cadre (帮扶干部) in the district's roster."""
    cadre = Cadre(**{f: data[f] for f in CADRE_FIELDS if f in data})
    _cadre_checked(cadre)
    _record(cadre, actor=actor, reason="登记干部")
    cadre.save()
    return cadre


@transaction.atomic
def cadre_update(*, actor: User, cadre: Cadre, data: dict[str, Any]) -> Cadre:
    """Correct a cadre's record; a cadre who leaves is set inactive (在岗 否), never deleted."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    for f in CADRE_FIELDS:
        if f in data:
            setattr(cadre, f, data[f])
    _cadre_checked(cadre)
    _record(cadre, actor=actor, reason="修改干部信息")
    cadre.save()
    return cadre


@transaction.atomic
def quota_set(*, actor: User, rank: str, households: int) -> PairingQuota:
    """Set how many households a cadre of `rank` may take (rule 7's configurable quota)."""
    if households < 1:
        raise ValidationError("结对户数上限至少为 1 户。")
    quota = PairingQuota.objects.select_for_update().filter(rank=rank).first() or PairingQuota(rank=rank)
    quota.households = households
    _record(quota, actor=actor, reason="调整结对户数上限")
    quota.save()
    return quota


def _locked_household(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def _check_pairable(cadre: Cadre, *, household: Household, current: Pairing | None) -> None:
    # The cadre row is locked (after the household, in every service), so two clerks pairing the same cadre at
    # once are counted one after the other.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    refusal = pairing_refusal(
        cadre=cadre_load(cadre),
        household_status=household.status,
        current_cadre=current.cadre.name if current is not None else None,
        quotas=pairing_quotas(),
    )
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def pairing_create(*, actor: User | None, household: Household, cadre: Cadre, started_on: date) -> Pairing:
    """Pair a household with its responsible cadre (结对帮扶, plan ch. 9 §1), within the cadre's quota."""
    _not_future(started_on, "结对日期")
    household = _locked_household(household)
    current = household.pairings.active().select_related("cadre").first()
    _check_pairable(cadre, household=household, current=current)
    pairing = Pairing(cadre=cadre, household=household, started_on=started_on, created_by=actor)
    _record(pairing, actor=actor, reason="结对")
    pairing.save()
    return pairing


@transaction.atomic
def pairing_handover(
    *,
    actor: User | None,
    pairing: Pairing,
    successor: Cadre,
    on: date,
    reason: str,
    note: str = "",
) -> Pairing:
    """Hand a household over from its cadre to a successor in one step: the old pairing ends and the new one
    starts on the same day, so the household is never without a cadre (rule 7). Returns the new pairing."""
    _not_future(on, "交接日期")
    household = _locked_household(pairing.household)
    pairing = Pairing.objects.select_for_update().select_related("cadre").get(pk=pairing.pk)
    if pairing.ended_on is not None:
        raise ValidationError("这条结对已经解除，请刷新页面。")
    if on < pairing.started_on:
        raise ValidationError(f"交接日期不能早于原结对日期 {pairing.started_on:%Y-%m-%d}。")
    if not reason:
        raise ValidationError("请选择更换原因。")
    refusal = handover_refusal(current_cadre_id=pairing.cadre_id, successor_id=successor.pk)
    if refusal:
        raise ValidationError(refusal)
    _check_pairable(successor, household=household, current=None)
    pairing.ended_on, pairing.end_reason, pairing.end_note, pairing.ended_by = on, reason, note.strip()[:200], actor
    _record(pairing, actor=actor, reason=f"交接给{successor.name}：{reason}")
    pairing.save()
    new = Pairing(cadre=successor, household=household, started_on=on, created_by=actor)
    _record(new, actor=actor, reason=f"接替{pairing.cadre.name}：{reason}")
    new.save()
    pairing.successor = new
    _record(pairing, actor=actor, reason=f"交接给{successor.name}：{reason}")
    pairing.save(update_fields=["successor"])
    return new


@transaction.atomic
def pairing_end(*, actor: User, pairing: Pairing, on: date, note: str = "") -> Pairing:
    """End a pairing without a successor: only once the household has exited or was removed (rule 7)."""
    _not_future(on, "解除日期")
    household = _locked_household(pairing.household)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.ended_on is not None:
        raise ValidationError("这条结对已经解除，请刷新页面。")
    refusal = end_refusal(household_status=household.status, successor=False)
    if refusal:
        raise ValidationError(refusal)
    if on < pairing.started_on:
        raise ValidationError(f"解除日期不能早于结对日期 {pairing.started_on:%Y-%m-%d}。")
    pairing.ended_on, pairing.ended_by, pairing.end_note = on, actor, note.strip()[:200]
    pairing.end_reason = EndReason.EXITED if household.status == "已脱贫" else EndReason.REMOVED
    _record(pairing, actor=actor, reason=f"解除结对：{pairing.end_reason}")
    pairing.save()
    return pairing


@transaction.atomic
def visit_record(*, actor: User, household: Household, data: dict[str, Any]) -> Visit:
    """Record a cadre's visit to a household (走访记录)."""
    _not_future(data["visited_on"], "走访日期")
    visit = Visit(household=household, recorded_by=actor, **{f: data[f] for f in VISIT_FIELDS if f in data})
    if not visit.found.strip():
        raise ValidationError("请填写走访了解到的情况。")
    _record(visit, actor=actor, reason="走访登记")
    visit.save()
    return visit


def _check_department(actor: User, department: str) -> None:
    sector = actor.sector if Role.SECTOR_OFFICER in actor.roles else ""
    refusal = measure_department_refusal(officer_sector=sector, department=department)
    if refusal:
        raise ValidationError({"department": refusal})


def _measure_checked(measure: Measure) -> None:
    if measure.person is not None and measure.person.household_id != measure.household_id:
        raise ValidationError("受益成员必须是本户成员。")
    problems = measure_problems(
        MeasureFacts(
            kind=measure.kind,
            item=measure.item,
            has_person=measure.person is not None,
            amount=measure.amount,
            months=measure.months,
            monthly_pay=measure.monthly_pay,
            interest_subsidy=measure.interest_subsidy,
            has_cadre=measure.cadre is not None,
            department=measure.department,
        )
    )
    if problems:
        by_field: dict[str, list[str]] = {}
        for field, message in problems:
            by_field.setdefault(field, []).append(message)
        raise ValidationError(by_field)
    if measure.item == "公益岗位" and measure.amount is None:
        measure.amount = welfare_job_pay(measure.months, measure.monthly_pay)
    _not_future(measure.done_on, "落实日期")


@transaction.atomic
def measure_add(*, actor: User, household: Household, data: dict[str, Any]) -> Measure:
    """Record a measure taken for a household (帮扶措施, 一户一策)."""
    measure = Measure(household=household, recorded_by=actor, **{f: data[f] for f in MEASURE_FIELDS if f in data})
    _check_department(actor, measure.department)
    _measure_checked(measure)
    _record(measure, actor=actor, reason="登记帮扶措施")
    measure.save()
    return measure


@transaction.atomic
def measure_update(*, actor: User, measure: Measure, data: dict[str, Any]) -> Measure:
    """Correct a recorded measure; the history keeps what it said before."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _check_department(actor, measure.department)  # not another department's measure
    for f in MEASURE_FIELDS:
        if f in data:
            setattr(measure, f, data[f])
    _check_department(actor, measure.department)
    _measure_checked(measure)
    _record(measure, actor=actor, reason="修改帮扶措施")
    measure.save()
    return measure
