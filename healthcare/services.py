"""Writes of the health records. Each is atomic, keyword-only, takes `actor=` and records it in the history; each
refusal is a `ValidationError` in Chinese. A write that changes 基本医疗 reassesses the household
(households.services.reassess)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.history import record_history
from households.models import Person
from households.services import reassess

from .models import AidSetting, DisabilityService, Expense, Illness, Insurance, InsuranceKind
from .rules import Aid, ExpenseFigures, expense_refusal, medical_aid, special_cap_refusal
from .selectors import aid_person, granted_in_year, special_cap

EXPENSE_FIELDS = (
    "visited_on", "hospital", "level", "inpatient", "total", "in_scope", "basic_paid", "critical_paid",
    "pay_after", "one_stop", "settlement_number",
)  # fmt: skip
ILLNESS_FIELDS = (
    "kind", "disease", "diagnosis", "diagnosed_on", "causes_poverty", "treatment_plan", "doctor", "treated_on",
    "family_doctor",
)  # fmt: skip


def _not_future(day: date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(f"{what}不能晚于今天。")


def _present(person: Person) -> None:
    if person.left_reason:
        raise ValidationError(f"{person.name}已{person.get_left_reason_display()}减少，不能再登记。")


# ---- insurance ------------------------------------------------------------------------------------------


@transaction.atomic
def insurance_record(
    *,
    actor: User,
    person: Person,
    year: int,
    kind: str = InsuranceKind.BASIC,
    insured: bool = True,
    payer: str = "",
    premium: Decimal | None = None,
    enrolled_on: date | None = None,
    source: str = "",
    reassess_now: bool = True,
) -> tuple[Insurance, str]:
    """Record a person's enrolment for a year (plan ch. 6 §2); an existing record of the same year and kind is
    corrected. Returns the record and "created", "updated" or "unchanged". The basic insurance decides
    基本医疗有保障, so the household is reassessed for that year."""
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": f"年度 {year} 不合理。"})
    _not_future(enrolled_on, "参保日期")
    found = Insurance.objects.select_for_update().filter(person=person, year=year, kind=kind, voided=False).first()
    values = {"insured": insured, "payer": payer, "premium": premium, "enrolled_on": enrolled_on, "source": source}
    if found is None:
        record = Insurance(person=person, household_id=person.household_id, year=year, kind=kind, created_by=actor)
        outcome = "created"
    else:
        record = found
        same = all(getattr(found, k) == v for k, v in values.items() if k != "source")
        if same:
            return found, "unchanged"
        outcome = "updated"
    for name, value in values.items():
        setattr(record, name, value)
    record_history(record, actor=actor, reason="登记参保" if outcome == "created" else "更正参保")
    record.save()
    if kind == InsuranceKind.BASIC and reassess_now:
        reassess([person.household_id], years=[year])
    return record, outcome


@transaction.atomic
def insurance_void(*, actor: User, insurance: Insurance, reason: str) -> Insurance:
    """Void a wrong insurance record with a reason (nothing is deleted); the household is reassessed."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    record = Insurance.objects.select_for_update().get(pk=insurance.pk)
    if record.voided:
        raise ValidationError("该参保记录已作废。")
    record.voided, record.void_reason = True, reason.strip()
    record_history(record, actor=actor, reason=f"作废：{reason.strip()}")
    record.save()
    if record.kind == InsuranceKind.BASIC:
        reassess([record.household_id], years=[record.year])
    return record


# ---- expenses and their aid -----------------------------------------------------------------------------


def _figures(data: dict[str, Any]) -> ExpenseFigures:
    return ExpenseFigures(
        total=data["total"],
        in_scope=data["in_scope"],
        basic=data.get("basic_paid") or Decimal(0),
        critical=data.get("critical_paid") or Decimal(0),
    )


def expense_aid(*, person: Person, data: dict[str, Any], exclude: int | None = None) -> Aid:
    """The aid an expense would get, computed as it will be saved (the form's preview and the save call this):
    the rules' refusal of impossible figures first."""
    figures = _figures(data)
    refusal = expense_refusal(figures)
    if refusal:
        raise ValidationError(refusal)
    on = data["visited_on"]
    return medical_aid(
        figures,
        aid_person(person, on=on),
        granted_before=granted_in_year(person.pk, on.year, exclude=exclude),
        special_cap=special_cap(on.year),
    )


def _apply_aid(expense: Expense, aid: Aid) -> None:
    expense.aid_group = str(aid.group or "")
    expense.aid_rate = aid.rate
    expense.aid_base = aid.base
    expense.aid = aid.amount
    expense.aid_words = aid.words[:300]


def _lock_person(person: Person) -> Person:
    # One person's expenses are recorded one after the other, so two clerks cannot both use the same room
    # under the yearly cap.
    return Person.objects.select_for_update().select_related("household").get(pk=person.pk)


@transaction.atomic
def expense_record(*, actor: User, person: Person, data: dict[str, Any]) -> Expense:
    """Record a visit or settlement and grant its medical aid (plan ch. 6 §2 一): min(rate × base, cap − aid
    already granted to the person in the calendar year)."""
    person = _lock_person(person)
    _present(person)
    _not_future(data["visited_on"], "就诊/结算日期")
    number = (data.get("settlement_number") or "").strip()
    if number and Expense.objects.filter(settlement_number=number, voided=False).exists():
        raise ValidationError({"settlement_number": f"结算单号 {number} 已登记过，请勿重复登记。"})
    aid = expense_aid(person=person, data=data)
    expense = Expense(person=person, household_id=person.household_id, created_by=actor)
    for name in EXPENSE_FIELDS:
        if name in data:
            setattr(expense, name, data[name])
    expense.settlement_number = number
    _apply_aid(expense, aid)
    record_history(expense, actor=actor, reason="登记医疗费用")
    expense.save()
    return expense


@transaction.atomic
def expense_void(*, actor: User, expense: Expense, reason: str) -> Expense:
    """Void a wrong expense with a reason. Its aid no longer counts towards the person's cap for expenses
    recorded afterwards; the aid of expenses already recorded stays as granted (it has been paid out)."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    record = Expense.objects.select_for_update().get(pk=expense.pk)
    if record.voided:
        raise ValidationError("该费用记录已作废。")
    record.voided, record.void_reason = True, reason.strip()
    record_history(record, actor=actor, reason=f"作废：{reason.strip()}")
    record.save()
    return record


@transaction.atomic
def aid_cap_set(*, actor: User, year: int, cap: Decimal) -> AidSetting:
    """Set the 低保/特困 yearly cap of a year; refused below 15,000 (plan ch. 6 §2 一 "不低于1.5万元")."""
    refusal = special_cap_refusal(cap)
    if refusal:
        raise ValidationError({"special_cap": refusal})
    setting = AidSetting.objects.select_for_update().filter(year=year).first() or AidSetting(year=year)
    setting.special_cap = cap
    record_history(setting, actor=actor, reason="设置医疗救助封顶线")
    setting.save()
    return setting


# ---- illnesses and disability services ------------------------------------------------------------------


@transaction.atomic
def illness_record(*, actor: User, person: Person, data: dict[str, Any]) -> Illness:
    """Record a chronic or major illness (plan ch. 6 §2 二、四: 分类救治, 一人一法)."""
    person = _lock_person(person)
    _present(person)
    _not_future(data["diagnosed_on"], "确诊日期")
    _not_future(data.get("treated_on"), "救治日期")
    if data.get("treated_on") and data["treated_on"] < data["diagnosed_on"]:
        raise ValidationError({"treated_on": "救治日期不能早于确诊日期。"})
    if data.get("disease") == "其他" and not (data.get("diagnosis") or "").strip():
        raise ValidationError({"diagnosis": "病种为“其他”时请填写诊断。"})
    illness = Illness(person=person, household_id=person.household_id, created_by=actor)
    for name in ILLNESS_FIELDS:
        if name in data:
            setattr(illness, name, data[name])
    record_history(illness, actor=actor, reason="登记患病")
    illness.save()
    return illness


ILLNESS_CHANGES = ("treatment_plan", "doctor", "treated_on", "family_doctor", "causes_poverty", "diagnosis")


@transaction.atomic
def illness_update(*, actor: User, illness: Illness, data: dict[str, Any]) -> Illness:
    """Follow an illness: its plan (一人一法), doctor, the family-doctor contract and the day it was treated
    (the "442" schedule, plan ch. 6)."""
    record = Illness.objects.select_for_update().get(pk=illness.pk)
    for name in ILLNESS_CHANGES:
        if name in data:
            setattr(record, name, data[name])
    _not_future(record.treated_on, "救治日期")
    if record.treated_on and record.treated_on < record.diagnosed_on:
        raise ValidationError({"treated_on": "救治日期不能早于确诊日期。"})
    record_history(record, actor=actor, reason="更新救治情况")
    record.save()
    return record


@transaction.atomic
def illness_void(*, actor: User, illness: Illness, reason: str) -> Illness:
    """Void a wrong illness record with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    record = Illness.objects.select_for_update().get(pk=illness.pk)
    record.voided, record.void_reason = True, reason.strip()
    record_history(record, actor=actor, reason=f"作废：{reason.strip()}")
    record.save()
    return record


@transaction.atomic
def disability_service_record(*, actor: User, person: Person, data: dict[str, Any]) -> DisabilityService:
    """Record what a disabled member received from a programme (plan ch. 8 §3 二)."""
    person = _lock_person(person)
    if not person.disability_grade:
        raise ValidationError(f"{person.name}没有登记残疾等级，不能登记残疾人帮扶项目。")
    _not_future(data["received_on"], "享受日期")
    service = DisabilityService(person=person, household_id=person.household_id, created_by=actor)
    for name in ("programme", "received_on", "amount", "note"):
        if name in data:
            setattr(service, name, data[name])
    record_history(service, actor=actor, reason="登记残疾人帮扶项目")
    service.save()
    return service
