"""Writes of the education app (STYLE §5): keyword-only, atomic, `actor=` recorded in the history with the
reason; refusals are `ValidationError`s in Chinese that say what to fix. Nothing is deleted: an enrolment or a
benefit recorded in error is voided (作废) with a reason, a 留守儿童 file is closed with a reason. A write that
may change a member's school status reassesses the household (households.services.reassess)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.history import record_history
from households.models import Person
from households.selectors import default_year
from households.services import reassess

from . import rules
from .models import Benefit, Enrolment, LeftBehindChild, LoanInterest, PolicySetting, StudentLoan

ENROLMENT_FIELDS = (
    "school_year",
    "stage",
    "school",
    "grade",
    "status",
    "started_on",
    "ended_on",
    "taught_at_home",
    "note",
)
BENEFIT_FIELDS = ("item", "amount", "way", "on", "given_by")
LEFT_BEHIND_FIELDS = (
    "father_state", "father_name", "father_phone", "father_workplace",
    "mother_state", "mother_name", "mother_phone", "mother_workplace",
    "guardian_name", "guardian_relation", "guardian_phone",
    "school", "teacher_name", "teacher_phone", "cadre_name", "cadre_phone", "registered_on", "note",
)  # fmt: skip
FIRST_SCHOOL_YEAR = 2014  # the plan's 建档立卡 began in 2014


def _years_of(enrolment: Enrolment) -> list[int]:
    """The assessment years an enrolment may decide: each year whose assessment date (31 December, or today
    while the year runs) falls in its period, and the year assessed by default."""
    today = timezone.localdate()
    last = enrolment.ended_on or rules.school_year_end(enrolment.school_year)
    years = {y for y in range(enrolment.started_on.year, last.year + 1) if y <= today.year}
    return sorted(years | {default_year()})


def _reassess(enrolment: Enrolment) -> None:
    reassess([enrolment.household_id], years=_years_of(enrolment))


def _enrolment_checked(enrolment: Enrolment, *, today: date) -> None:
    """Every refusal of an enrolment, naming the field to fix."""
    person = enrolment.person
    year = enrolment.school_year
    if year < FIRST_SCHOOL_YEAR or year > rules.school_year_of(today) + 1:
        raise ValidationError(
            {"school_year": f"学年应在 {FIRST_SCHOOL_YEAR} 至 {rules.school_year_of(today) + 1} 之间（填起始年份）。"}
        )
    if enrolment.stage not in rules.STAGES:
        raise ValidationError({"stage": "请选择学段。"})
    enrolment.school = (enrolment.school or "").strip()
    if not enrolment.school:
        raise ValidationError({"school": "请填写学校名称。"})
    first, last = rules.school_year_start(year), rules.school_year_end(year)
    label = rules.school_year_label(year)
    if not first <= enrolment.started_on <= last:
        raise ValidationError({"started_on": f"起始日期应在 {label} 学年内（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）。"})
    if enrolment.ended_on is not None and not enrolment.started_on <= enrolment.ended_on <= last:
        raise ValidationError({"ended_on": f"截止日期应在起始日期之后、{last:%Y-%m-%d}（学年末）之前。"})
    if person.birth_date > enrolment.started_on:
        raise ValidationError({"started_on": f"{person.name}的出生日期晚于起始日期，请核对。"})
    if person.left_on is not None and enrolment.started_on > person.left_on:
        raise ValidationError(f"{person.name}已于 {person.left_on:%Y-%m-%d} {person.left_reason}，不能登记此后的学籍。")
    others = Enrolment.objects.valid().filter(person=person, school_year=year).exclude(pk=enrolment.pk)
    for other in others:
        if other.stage == enrolment.stage:
            raise ValidationError(
                {
                    "stage": f"{person.name}在 {label} 学年已有{other.stage}学籍（{other.school}），请修改原记录，不要重复登记。"
                }
            )
        other_last = other.ended_on or last
        this_last = enrolment.ended_on or last
        if enrolment.started_on <= other_last and other.started_on <= this_last:
            raise ValidationError(
                {
                    "started_on": f"与已有的{other.stage}学籍（{other.school}，{other.started_on:%Y-%m-%d} 起）时间重叠："
                    "学年中途升入或转入其他学段的，请先在原学籍填写截止日期。"
                }
            )


@transaction.atomic
def enrolment_record(*, actor: User, person: Person, data: dict[str, Any]) -> Enrolment:
    """Record a member's enrolment for a school year (plan ch. 5 §2): stage, school, grade, status. Reassesses
    the household: the enrolment decides the member's school status for 义务教育有保障."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    enrolment = Enrolment(person=person, household_id=person.household_id, recorded_by=actor)
    for f in ENROLMENT_FIELDS:
        if f in data:
            setattr(enrolment, f, data[f])
    if enrolment.started_on is None and enrolment.school_year:
        enrolment.started_on = rules.school_year_start(enrolment.school_year)
    _enrolment_checked(enrolment, today=timezone.localdate())
    record_history(enrolment, actor=actor, reason=data.get("reason") or "登记学籍")
    enrolment.save()
    _reassess(enrolment)
    return enrolment


@transaction.atomic
def enrolment_update(*, actor: User, enrolment: Enrolment, data: dict[str, Any], reason: str) -> Enrolment:
    """Correct an enrolment, or record what became of the student (休学, 辍学, 毕业, a stage change's end date),
    with the reason. Reassesses the household for the years before and after the change."""
    enrolment = Enrolment.objects.select_for_update().select_related("person").get(pk=enrolment.pk)
    if enrolment.is_void:
        raise ValidationError("这条学籍已作废，不能修改。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写修改原因。"})
    before = _years_of(enrolment)
    for f in ENROLMENT_FIELDS:
        if f in data and f != "school_year":  # the year is the record's identity: void and record anew
            setattr(enrolment, f, data[f])
    _enrolment_checked(enrolment, today=timezone.localdate())
    stage_items = rules.items_of(enrolment.stage)
    wrong = [b.item for b in enrolment.benefits.valid() if b.item not in stage_items]
    if wrong:
        raise ValidationError(
            {"stage": f"这条学籍已登记{'、'.join(wrong)}，不属于{enrolment.stage}阶段：请先作废这些资助记录再改学段。"}
        )
    record_history(enrolment, actor=actor, reason=reason.strip())
    enrolment.save()
    reassess([enrolment.household_id], years=sorted(set(before) | set(_years_of(enrolment))))
    return enrolment


@transaction.atomic
def enrolment_void(*, actor: User, enrolment: Enrolment, reason: str) -> Enrolment:
    """Void an enrolment recorded in error (作废), with the reason; its benefits must be voided first."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.is_void:
        raise ValidationError("这条学籍已作废。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    if enrolment.benefits.valid().exists():
        raise ValidationError("这条学籍下还有资助记录：请先逐条作废资助记录，再作废学籍。")
    enrolment.voided_at = timezone.now()
    enrolment.voided_by = actor
    enrolment.void_reason = reason.strip()
    record_history(enrolment, actor=actor, reason=f"作废：{reason.strip()}")
    enrolment.save()
    _reassess(enrolment)
    return enrolment


def _benefit_checked(benefit: Benefit, *, today: date) -> None:
    enrolment = benefit.enrolment
    if enrolment.is_void:
        raise ValidationError("这条学籍已作废，不能登记资助。")
    refusal = rules.item_refusal(enrolment.stage, benefit.item)
    if refusal:
        raise ValidationError({"item": refusal})
    amount = Decimal(benefit.amount)
    refusal = rules.amount_refusal(enrolment.stage, benefit.item, amount)
    if refusal:
        raise ValidationError({"amount": refusal})
    if benefit.on > today:
        raise ValidationError({"on": "日期不能晚于今天。"})
    earliest = date(enrolment.school_year, 6, 1)  # fees of the autumn term may be settled before 1 September
    if benefit.on < earliest:
        raise ValidationError(
            {"on": f"日期早于 {enrolment.school_year_label} 学年（{earliest:%Y-%m-%d} 之前），请核对学年。"}
        )
    benefit.given_by = (benefit.given_by or "").strip()
    if not benefit.given_by:
        raise ValidationError({"given_by": "请填写经办单位（免除费用的学校或发放补助的单位）。"})
    if benefit.item == rules.SUBSIDY_ITEM:
        # The 3,000 元 is per person and year, whichever vocational enrolment it is paid under.
        paid = sum(
            Benefit.objects.valid()
            .filter(
                enrolment__person_id=enrolment.person_id,
                enrolment__school_year=enrolment.school_year,
                item=rules.SUBSIDY_ITEM,
            )
            .exclude(pk=benefit.pk)
            .values_list("amount", flat=True),
            Decimal(0),
        )
        if paid + amount > rules.VOCATIONAL_SUBSIDY:
            raise ValidationError(
                {
                    "amount": f"本学年已发定额补助 {paid:,.2f} 元，再发 {amount:,.2f} 元将超过每人每年 "
                    f"{rules.VOCATIONAL_SUBSIDY:,.0f} 元。"
                }
            )
    if Benefit.objects.valid().filter(enrolment=enrolment, item=benefit.item).exclude(pk=benefit.pk).exists():
        raise ValidationError({"item": f"这一学籍的“{benefit.item}”已登记过；如有错误，请先作废原记录。"})


@transaction.atomic
def benefit_record(*, actor: User, enrolment: Enrolment, data: dict[str, Any]) -> Benefit:
    """Record a fee waived or a subsidy paid for an enrolment (应补即补、应免尽免 — plan ch. 5 §2 一): the amount
    the school set, the date, waived or paid, by whom."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    benefit = Benefit(enrolment=enrolment, recorded_by=actor, **{f: data[f] for f in BENEFIT_FIELDS if f in data})
    _benefit_checked(benefit, today=timezone.localdate())
    record_history(benefit, actor=actor, reason=data.get("reason") or "登记资助")
    benefit.save()
    return benefit


@transaction.atomic
def benefit_void(*, actor: User, benefit: Benefit, reason: str) -> Benefit:
    """Void a benefit recorded in error (作废), with the reason; a corrected one is then recorded anew."""
    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
    if benefit.is_void:
        raise ValidationError("这条资助记录已作废。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    benefit.voided_at = timezone.now()
    benefit.voided_by = actor
    benefit.void_reason = reason.strip()
    record_history(benefit, actor=actor, reason=f"作废：{reason.strip()}")
    benefit.save()
    return benefit


def _left_behind_checked(file: LeftBehindChild) -> None:
    child = file.child
    if not child.is_active:
        raise ValidationError(f"{child.name}已{child.left_reason}，不能建立或修改档案。")
    if file.registered_on > timezone.localdate():
        raise ValidationError({"registered_on": "建档日期不能晚于今天。"})
    verdict = rules.left_behind(
        birth_date=child.birth_date, on=file.registered_on, father=file.father_state, mother=file.mother_state
    )
    if not verdict.left_behind:
        raise ValidationError(f"{child.name}：{verdict.why}，不能建立留守儿童档案。")
    for f in ("guardian_name", "guardian_relation", "guardian_phone"):
        setattr(file, f, getattr(file, f).strip())
        if not getattr(file, f):
            raise ValidationError({f: "联系卡须有受委托监护人的姓名、关系和电话。"})


@transaction.atomic
def left_behind_open(*, actor: User, child: Person, data: dict[str, Any]) -> LeftBehindChild:
    """Open a 留守儿童 file (档案) with its contact card (联系卡) — plan ch. 5 §2 二, ch. 8 §3 一. Only a child
    the definition covers (rules.left_behind) on the registration date."""
    child = Person.objects.select_for_update().get(pk=child.pk)
    if LeftBehindChild.objects.filter(child=child, closed_on__isnull=True).exists():
        raise ValidationError(f"{child.name}已有一份在档的留守儿童档案，请修改原档案。")
    file = LeftBehindChild(
        child=child,
        household_id=child.household_id,
        recorded_by=actor,
        **{f: data[f] for f in LEFT_BEHIND_FIELDS if f in data},
    )
    _left_behind_checked(file)
    record_history(file, actor=actor, reason="建立留守儿童档案")
    file.save()
    return file


@transaction.atomic
def left_behind_update(*, actor: User, file: LeftBehindChild, data: dict[str, Any]) -> LeftBehindChild:
    """Keep a file's contacts and situation current (the card is printed from it)."""
    file = LeftBehindChild.objects.select_for_update().select_related("child").get(pk=file.pk)
    if file.closed_on is not None:
        raise ValidationError("这份档案已销档，不能修改。")
    for f in LEFT_BEHIND_FIELDS:
        if f in data:
            setattr(file, f, data[f])
    _left_behind_checked(file)
    record_history(file, actor=actor, reason="修改留守儿童档案")
    file.save()
    return file


@transaction.atomic
def left_behind_close(*, actor: User, file: LeftBehindChild, on: date, reason: str) -> LeftBehindChild:
    """Close a file (销档) with the date and reason: the child turned 16, a parent came home …"""
    file = LeftBehindChild.objects.select_for_update().get(pk=file.pk)
    if file.closed_on is not None:
        raise ValidationError("这份档案已销档。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写销档原因。"})
    if on < file.registered_on or on > timezone.localdate():
        raise ValidationError({"on": "销档日期应在建档日期之后、今天之前。"})
    file.closed_on = on
    file.close_reason = reason.strip()
    record_history(file, actor=actor, reason=f"销档：{reason.strip()}")
    file.save()
    return file


@transaction.atomic
def policy_set(*, actor: User, exited_keep_policy: bool, policy_until: int | None) -> PolicySetting:
    """The district office sets 脱贫不脱政策 for education (who keeps the entitlements after exit, and until
    which school year). Entitlements are not facts of the exit rule: nothing to reassess."""
    if policy_until is not None and policy_until < FIRST_SCHOOL_YEAR:
        raise ValidationError({"policy_until": f"政策期截至学年不能早于 {FIRST_SCHOOL_YEAR}。"})
    row = PolicySetting.objects.select_for_update().order_by("pk").first() or PolicySetting()
    row.exited_keep_policy = exited_keep_policy
    row.policy_until = policy_until
    record_history(row, actor=actor, reason="调整教育资助政策设置")
    row.save()
    return row


LOAN_FIELDS = ("bank", "contract_no", "amount", "signed_on")
INTEREST_FIELDS = ("school_year", "amount", "paid_on", "given_by")


@transaction.atomic
def loan_record(*, actor: User, person: Person, data: dict[str, Any]) -> StudentLoan:
    """Record a student's 助学贷款 (plan ch. 12 §3); the state pays its interest while the student is at school."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    loan = StudentLoan(
        person=person, household_id=person.household_id, recorded_by=actor, **{f: data[f] for f in LOAN_FIELDS}
    )
    loan.bank, loan.contract_no = loan.bank.strip(), loan.contract_no.strip()
    if not loan.bank or not loan.contract_no:
        raise ValidationError({"contract_no": "请填写经办银行和合同编号。"})
    if loan.amount <= 0:
        raise ValidationError({"amount": "贷款金额应大于 0 元。"})
    if loan.signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "签订日期不能晚于今天。"})
    if StudentLoan.objects.valid().filter(bank=loan.bank, contract_no=loan.contract_no).exists():
        raise ValidationError({"contract_no": f"{loan.bank}的合同 {loan.contract_no} 已登记，请勿重复登记。"})
    record_history(loan, actor=actor, reason="登记助学贷款")
    loan.save()
    return loan


@transaction.atomic
def loan_interest_record(*, actor: User, loan: StudentLoan, data: dict[str, Any]) -> LoanInterest:
    """Record the state's payment of a school year's interest (财政贴息) — plan ch. 12 §3."""
    loan = StudentLoan.objects.select_for_update().get(pk=loan.pk)
    if loan.is_void:
        raise ValidationError("这笔贷款已作废，不能登记贴息。")
    interest = LoanInterest(loan=loan, recorded_by=actor, **{f: data[f] for f in INTEREST_FIELDS if f in data})
    if interest.amount <= 0:
        raise ValidationError({"amount": "贴息金额应大于 0 元。"})
    if interest.paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "贴息日期不能晚于今天。"})
    if rules.school_year_end(interest.school_year) < loan.signed_on:
        raise ValidationError({"school_year": f"贷款 {loan.signed_on:%Y-%m-%d} 才签订，该学年还没有利息。"})
    interest.given_by = (interest.given_by or "").strip() or "区财政局"
    if LoanInterest.objects.valid().filter(loan=loan, school_year=interest.school_year).exists():
        label = rules.school_year_label(interest.school_year)
        raise ValidationError({"school_year": f"这笔贷款 {label} 学年的贴息已登记；如有错误，请先作废原记录。"})
    record_history(interest, actor=actor, reason="登记助学贷款贴息")
    interest.save()
    return interest


@transaction.atomic
def loan_void(*, actor: User, loan: StudentLoan, reason: str) -> StudentLoan:
    """Void a loan recorded in error, with its interest records (作废, with the reason)."""
    loan = StudentLoan.objects.select_for_update().get(pk=loan.pk)
    if loan.is_void:
        raise ValidationError("这笔贷款已作废。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    now = timezone.now()
    for interest in loan.interests.valid():
        interest.voided_at, interest.voided_by, interest.void_reason = now, actor, f"贷款作废：{reason.strip()}"
        record_history(interest, actor=actor, reason=f"作废：贷款作废（{reason.strip()}）")
        interest.save()
    loan.voided_at, loan.voided_by, loan.void_reason = now, actor, reason.strip()
    record_history(loan, actor=actor, reason=f"作废：{reason.strip()}")
    loan.save()
    return loan
