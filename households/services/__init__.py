"""Writes to the registry. Each service is atomic, keyword-only, takes `actor=` and records it.

Views and commands call these; nothing else writes households or persons. A problem the user can fix is a
`ValidationError` with a Chinese message naming the field or the member.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Area, User
from accounts.selectors import villages_in_scope
from common.history import record_history
from households.idnumber import mask_id_number
from households.models import (
    Household,
    HouseholdIncome,
    HouseholdStatus,
    HouseholdStatusChange,
    LeftReason,
    Person,
    PovertyStandard,
    Relation,
)
from households.rules import IncomeFacts, StatusWay, manual_status_choices, status_change_refusal
from households.selectors import default_year, shown_value
from households.tasks import reassess_households_task

HOUSEHOLD_FIELDS = (
    "number",
    "village",
    "natural_village",
    "attribute",
    "main_cause",
    "registration_year",
    "phone",
    "house_grade",
    "dilapidated",
    "safe_water",
    "enough_food",
    "enough_clothing",
)
PERSON_FIELDS = (
    "name",
    "id_number",
    "national_number",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "taught_at_home",
    "labour_ability",
    "work_status",
    "work_months",
    "medical_insurance",
    "critical_illness_insurance",
    "pension_insurance",
    "dibao",
    "tekun",
)

# The registry's facts the exit rule reads (DESIGN §5 rules 3–4): changing one needs a reason in the change log.
VERDICT_HOUSEHOLD_FIELDS = ("house_grade", "dilapidated", "safe_water", "enough_food", "enough_clothing")
VERDICT_PERSON_FIELDS = (
    "birth_date",
    "education",
    "school_status",
    "disability_grade",
    "taught_at_home",
    "medical_insurance",
)
EDIT_REASON = "修改"


def _reason_for_verdict_facts(reason: str, changed: list[str], *, model: type) -> str:
    """The reason an edit of facts that decide the verdict must carry (issue 17: "修改" alone says nothing)."""
    reason = reason.strip()
    if changed and not reason:
        names = "、".join(dict.fromkeys(str(model._meta.get_field(f).verbose_name) for f in changed))
        raise ValidationError(
            {"change_reason": f"修改了影响脱贫判定的信息（{names}），请填写修改原因（如“入户核实”“部门数据”）。"}
        )
    return reason or EDIT_REASON


# The statuses the district office may set by hand from each status (the status form's choices); the
# decision itself is rules.status_change_refusal's.
MANUAL_TRANSITIONS = {
    status: tuple(HouseholdStatus(to) for to in manual_status_choices(status)) for status in HouseholdStatus
}


def _check_village(*, actor: User, village: Area) -> None:
    """A household may only be filed under a village in the actor's scope (a tampered form ends here)."""
    if not villages_in_scope(actor).filter(pk=village.pk).exists():
        raise PermissionDenied("该行政村不在您的管辖范围内。")


def _check_members(*, household: Household | None, members: list[dict[str, Any]]) -> None:
    """The household's active members after the change: exactly one 户主, each ID number once, and no ID
    number that belongs to an active person of another household."""
    heads = [m for m in members if m["relation"] == Relation.HEAD]
    if len(heads) != 1:
        raise ValidationError(f"每户必须有且只有一名户主，现在有 {len(heads)} 名。请把其中一人的“与户主关系”设为户主。")
    counts = Counter(m["id_number"] for m in members)
    dupes = [n for n, c in counts.items() if c > 1]
    if dupes:
        raise ValidationError(f"证件号码 {mask_id_number(dupes[0])} 在本户中出现了不止一次。")
    taken = Person.objects.active().filter(id_number__in=list(counts)).select_related("household")
    if household is not None and household.pk:
        taken = taken.exclude(household=household)
    clash = taken.first()
    if clash is not None:
        raise ValidationError(
            f"证件号码 {mask_id_number(clash.id_number)}（{clash.name}）已登记在另一户"
            f"（户编号 {clash.household.number}）。同一人只能在一户中在册；如确属迁入，请先在原户办理迁出。"
        )


def reassess(household_ids: list[int], *, years: list[int] | None = None) -> None:
    """Reassess households by the rules once the current transaction commits (DESIGN §5, the same rules and
    code as the nightly job). Any app calls this after its own writes that change a fact of the exit rule;
    `years` defaults to the year assessed by default (last year). Outside a transaction it runs at once (or is
    queued at once, with Celery on Redis)."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    for year in years or [default_year()]:
        transaction.on_commit(lambda year=year: reassess_households_task.delay(ids, year))


def _person_from(data: dict[str, Any], *, household: Household, actor: User, reason: str) -> Person:
    person = Person(household=household, **{f: data[f] for f in PERSON_FIELDS if f in data})
    record_history(person, actor=actor, reason=reason)
    return person


def _backfill_reason(status: str, exit_year: int | None) -> str:
    suffix = f"（{exit_year} 年脱贫）" if exit_year else ""
    return f"建档立卡，按台账补录为{status}{suffix}"


@transaction.atomic
def household_create(*, actor: User, data: dict[str, Any], members: list[dict[str, Any]]) -> Household:
    """Register a poor household (建档立卡) with its members.

    It starts as 未脱贫. A ledger of earlier years may bring `status` and `exit_year` (a household that
    exited in 2017 is filed as 已脱贫 with its year); the browser form never does.
    """
    _check_village(actor=actor, village=data["village"])
    _check_members(household=None, members=members)
    status = data.get("status") or HouseholdStatus.IN_POVERTY
    exit_year = data.get("exit_year")
    if status == HouseholdStatus.EXITED and exit_year is None:
        raise ValidationError("已脱贫的农户必须填写脱贫年度。")
    if status == HouseholdStatus.IN_POVERTY and exit_year is not None:
        raise ValidationError("未脱贫的农户不能有脱贫年度。")
    if status_change_refusal("", status, way=StatusWay.REGISTRATION):
        raise ValidationError(f"不能以“{status}”状态建档。")
    household = Household(**{f: data[f] for f in HOUSEHOLD_FIELDS if f in data})
    household.status, household.exit_year = status, exit_year
    record_history(household, actor=actor, reason="建档")
    household.save()
    for m in members:
        _person_from(m, household=household, actor=actor, reason="建档").save()
    HouseholdStatusChange.objects.create(
        household=household,
        from_status="",
        to_status=household.status,
        reason="建档立卡" if status == HouseholdStatus.IN_POVERTY else _backfill_reason(status, exit_year),
        actor=actor,
    )
    reassess([household.pk])
    return household


class ConcurrentEditError(ValidationError):
    """Someone else changed the household since the form was opened; nothing was written."""


def household_edit_token(household: Household) -> str:
    """A fingerprint of what the edit page shows: the household's fields and its members'. The page carries it;
    a save whose fingerprint no longer matches the stored data is refused (optimistic concurrency), so one
    clerk's save never silently overwrites another's change, or an import's."""
    values = [repr(getattr(household, f if f != "village" else "village_id")) for f in HOUSEHOLD_FIELDS]
    for person in household.members.active().order_by("pk"):
        values.append(repr((person.pk, *(getattr(person, f) for f in PERSON_FIELDS))))
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]


@transaction.atomic
def household_update(
    *,
    actor: User,
    household: Household,
    data: dict[str, Any],
    members: list[dict[str, Any]],
    reason: str = "",
    edit_token: str | None = None,
) -> Household:
    """Correct a household and its active members, and add new members, in one step.

    A change of a fact the exit rule reads (house, water, food and clothing; a member's birth date, education,
    school, disability or insurance) needs a `reason`, written to the change log with the old and new values.

    `members` is every active member after the change: a dict with `pk` updates that member, one without
    creates a new one. An active member missing from `members` is refused: members leave by
    `person_leave`, with a reason, never by being dropped from a form.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    if edit_token is not None and edit_token != household_edit_token(household):
        raise ConcurrentEditError("该记录已被他人修改，您的修改未保存。")
    if "village" in data and data["village"].pk != household.village_id:
        _check_village(actor=actor, village=data["village"])
    current = {p.pk: p for p in household.members.active()}
    given = {m["pk"] for m in members if m.get("pk")}
    if given - set(current):
        raise ValidationError("要修改的成员不在本户或已减少，请刷新页面后重试。")
    if set(current) - given:
        raise ValidationError("成员不能在修改页删除；请用“成员减少”登记死亡、迁出或婚出。")
    _check_members(household=household, members=members)

    changed = [f for f in HOUSEHOLD_FIELDS if f in data and getattr(household, f) != data[f]]
    member_changes = [
        f
        for m in members
        if m.get("pk")
        for f in VERDICT_PERSON_FIELDS
        if f in m and getattr(current[m["pk"]], f) != m[f]
    ]
    verdict_changes = [f for f in changed if f in VERDICT_HOUSEHOLD_FIELDS]
    reason = _reason_for_verdict_facts(reason, verdict_changes, model=Household)
    if member_changes:
        reason = _reason_for_verdict_facts("" if reason == EDIT_REASON else reason, member_changes, model=Person)
    if changed:
        for f in changed:
            setattr(household, f, data[f])
        record_history(household, actor=actor, reason=reason)
        household.save()

    # Members who stop being 户主 are written first: the one-head constraint is checked row by row.
    existing = sorted((m for m in members if m.get("pk")), key=lambda m: m["relation"] == Relation.HEAD)
    for m in existing:
        person = current[m["pk"]]
        diff = [f for f in PERSON_FIELDS if f in m and getattr(person, f) != m[f]]
        if diff:
            for f in diff:
                setattr(person, f, m[f])
            record_history(person, actor=actor, reason=reason)
            person.save()
    for m in members:
        if not m.get("pk"):
            _person_from(m, household=household, actor=actor, reason="新增成员").save()
    reassess([household.pk])
    return household


@transaction.atomic
def person_add(*, actor: User, household: Household, data: dict[str, Any]) -> Person:
    """Add a member to a household (birth, marriage into the household, moving in)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == HouseholdStatus.REMOVED:
        raise ValidationError("该户已自然减少，不能再增加成员。")
    members = [{"relation": p.relation, "id_number": p.id_number} for p in household.members.active()]
    _check_members(household=household, members=[*members, data])
    person = _person_from(data, household=household, actor=actor, reason="新增成员")
    person.save()
    reassess([household.pk])
    return person


@transaction.atomic
def person_leave(
    *,
    actor: User,
    person: Person,
    reason: str,
    on: date,
    note: str = "",
    new_head: Person | None = None,
) -> Person:
    """A member leaves the household (死亡, 迁出, 婚出): a status change with reason and date, never a delete.

    When the 户主 leaves and others remain, `new_head` takes over in the same step. When the last member
    leaves, the household becomes 自然减少 (DESIGN §6: all members died or moved away).
    """
    household = Household.objects.select_for_update().get(pk=person.household_id)
    person = Person.objects.get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(f"{person.name} 已于 {person.left_on:%Y-%m-%d} 登记为{person.left_reason}。")
    if reason not in LeftReason.values:
        raise ValidationError("请选择减少原因：死亡、迁出或婚出。")
    if on > timezone.localdate():
        raise ValidationError("减少日期不能晚于今天。")
    if on < person.birth_date:
        raise ValidationError("减少日期不能早于出生日期。")
    others = list(household.members.active().exclude(pk=person.pk))
    if person.relation == Relation.HEAD and others and (new_head is None or new_head.pk not in {p.pk for p in others}):
        raise ValidationError("户主减少后，请从本户在册成员中指定新户主。")
    person.left_reason, person.left_on, person.left_note = reason, on, note
    record_history(person, actor=actor, reason=f"成员减少：{reason}{'，' + note if note else ''}")
    person.save()
    if person.relation == Relation.HEAD and others:
        successor = next(p for p in others if p.pk == new_head.pk)
        successor.relation = Relation.HEAD
        record_history(successor, actor=actor, reason=f"原户主{person.name}{reason}，变更为户主")
        successor.save()
    if not others:
        household_change_status(
            actor=actor,
            household=household,
            to_status=HouseholdStatus.REMOVED,
            reason=f"全部成员已减少（最后一名成员{person.name}{reason}）",
            way=StatusWay.MEMBERS_GONE,
        )
    reassess([household.pk])
    return person


@transaction.atomic
def household_change_status(
    *,
    actor: User,
    household: Household,
    to_status: str,
    reason: str,
    way: StatusWay = StatusWay.BY_HAND,
) -> Household:
    """Change a household's status with a reason (DESIGN §6): by the district office any → 自然减少 and
    已脱贫 → 返贫; when the last member leaves, 自然减少 (`way=MEMBERS_GONE`). Whether the change is allowed
    is `rules.status_change_refusal`'s decision: 未脱贫 → 已脱贫 is the exit procedure's last step only.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写变更原因。")
    from_status = HouseholdStatus(household.status)
    refusal = status_change_refusal(from_status, to_status, way=way)
    if refusal:
        raise ValidationError(refusal)
    if from_status == to_status:
        return household
    household.status = to_status
    record_history(household, actor=actor, reason=reason)
    household.save()
    HouseholdStatusChange.objects.create(
        household=household, from_status=from_status, to_status=to_status, reason=reason, actor=actor
    )
    reassess([household.pk])
    return household


@transaction.atomic
def income_set(
    *, actor: User, household: Household, year: int, data: dict[str, Any], reason: str = ""
) -> HouseholdIncome:
    """Record or correct a household's income of one year (the five components of DESIGN §5 rule 2). A
    correction of a recorded year decides the verdict anew and needs a `reason`."""
    values = {f: data.get(f) for f in IncomeFacts._fields}
    if all(v is None for v in values.values()):
        raise ValidationError("请至少填写一项收入，或台账给出的人均纯收入。")
    income = HouseholdIncome.objects.select_for_update().filter(household=household, year=year).first()
    if income is None:
        income = HouseholdIncome(household=household, year=year, **values)
    elif all(getattr(income, f) == v for f, v in values.items()):
        return income
    else:
        changed = [f for f, v in values.items() if getattr(income, f) != v]
        reason = _reason_for_verdict_facts(reason, changed, model=HouseholdIncome)
        for f, v in values.items():
            setattr(income, f, v)
    record_history(income, actor=actor, reason=f"{year} 年收入" + (f"：{reason}" if reason.strip() else ""))
    income.save()
    reassess([household.pk])
    return income


@transaction.atomic
def standard_set(
    *, year: int, poverty_line: Decimal, dibao_line: Decimal, actor: User | None = None
) -> PovertyStandard:
    """Set the year's 扶贫标准 and 低保标准 (DESIGN §5 rule 1: set by the city each year, nothing hard-coded)."""
    if poverty_line <= 0 or dibao_line <= 0:
        raise ValidationError("扶贫标准和低保标准都必须大于 0。")
    standard, _created = PovertyStandard.objects.get_or_create(
        year=year, defaults={"poverty_line": poverty_line, "dibao_line": dibao_line}
    )
    if (standard.poverty_line, standard.dibao_line) != (poverty_line, dibao_line):
        standard.poverty_line, standard.dibao_line = poverty_line, dibao_line
        standard._history_user = actor
        standard.save()
    return standard


@dataclass(frozen=True)
class HouseholdVersion:
    """What reverting a household to its state at `at` would write: the registry's fields and the members'."""

    at: datetime
    data: dict[str, Any]
    members: list[dict[str, Any]]
    changes: list[str]  # "住房安全等级：A → C", personal values masked
    kept: list[str]  # members the revert leaves as they are, and why


def household_version(household: Household, *, at: datetime) -> HouseholdVersion:
    """The household as its history recorded it at `at`, against how it is now (DESIGN §6: nothing is
    rewritten; a revert is a new change). The status is not part of it (only its own procedures change it),
    and members are neither brought back nor removed: they leave and come by their own steps."""
    record = household.history.filter(history_date__lte=at).order_by("-history_date", "-history_id").first()
    if record is None:
        raise ValidationError("该时间点之前本户还没有建档，无法恢复。")
    data = {f: getattr(record, f) for f in HOUSEHOLD_FIELDS if f != "village"}
    data["village"] = Area.objects.get(pk=record.village_id)
    changes = [
        f"{Household._meta.get_field(f).verbose_name}：{shown_value(f, getattr(household, f))} → {shown_value(f, data[f])}"
        for f in HOUSEHOLD_FIELDS
        if f != "village" and getattr(household, f) != data[f]
    ]
    if household.village_id != record.village_id:
        changes.append(f"行政村：{household.village.name} → {data['village'].name}")
    members, kept = [], []
    for person in household.members.active():
        then = person.history.filter(history_date__lte=at).order_by("-history_date", "-history_id").first()
        values = {"pk": person.pk, **{f: getattr(person, f) for f in PERSON_FIELDS}}
        if then is None:
            kept.append(f"{person.name}：此后才登记，保留")
        elif then.left_reason:
            kept.append(f"{person.name}：当时已减少，现仍在册，保留现状")
        else:
            for f in PERSON_FIELDS:
                old = getattr(then, f)
                if old != values[f]:
                    label = Person._meta.get_field(f).verbose_name
                    changes.append(f"{person.name} {label}：{shown_value(f, values[f])} → {shown_value(f, old)}")
                    values[f] = old
        members.append(values)
    return HouseholdVersion(at=at, data=data, members=members, changes=changes, kept=kept)


@transaction.atomic
def household_revert(*, actor: User, household: Household, at: datetime, reason: str) -> Household:
    """The district office puts a household back as it was at `at` — as a new change with the reason, through
    `household_update` (the same checks: one head, ID numbers unique, the village in scope), never by rewriting
    its history."""
    if not actor.has_perm("households.revert_household"):
        raise PermissionDenied("只有区扶贫办可以恢复历史版本。")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写恢复的原因。"})
    version = household_version(household, at=at)
    if not version.changes:
        raise ValidationError("本户现在的信息与该时间点相同，无需恢复。")
    return household_update(
        actor=actor,
        household=household,
        data=version.data,
        members=version.members,
        reason=f"恢复到 {timezone.localtime(at):%Y-%m-%d %H:%M} 的版本：{reason}",
    )
