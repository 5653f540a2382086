"""Reads of the education app. Everything starts from the user's scope (`households.selectors.household_queryset`,
built on the one scoping function): a user without an area sees nothing; another town's record is a 404."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.audit import get_in_scope_or_404
from accounts.models import Area, User
from households.models import Household, Person
from households.panels import ChangeEntry
from households.rules import MemberFacts
from households.selectors import household_queryset

from . import rules
from .models import Benefit, Enrolment, LeftBehindChild, LoanInterest, PolicySetting, StudentLoan
from .rules import EnrolmentFacts, GivenFacts, Policy


def policy() -> Policy:
    """The district's 脱贫不脱政策 setting (the plan's default, kept after exit, where none is stored)."""
    row = PolicySetting.objects.order_by("pk").first()
    if row is None:
        return Policy()
    return Policy(exited_keep_policy=row.exited_keep_policy, policy_until=row.policy_until)


def current_school_year(today: date | None = None) -> int:
    return rules.school_year_of(today or timezone.localdate())


def reference_day(school_year: int, *, today: date) -> date:
    """The day a school year's list is judged on: today while the year runs, its last day once over, its first
    day before it starts."""
    return min(max(today, rules.school_year_start(school_year)), rules.school_year_end(school_year))


def enrolment_queryset(user: User) -> QuerySet[Enrolment]:
    """Enrolments of households in the user's scope (voided ones included: the pages show them struck out)."""
    return Enrolment.objects.filter(household__in=household_queryset(user))


def access_enrolment(user: User, pk: int) -> Enrolment:
    """One enrolment for a view; outside the user's scope a 404."""
    return get_in_scope_or_404(
        enrolment_queryset(user).select_related("person", "household__village__parent"), pk, user=user
    )


def access_benefit(user: User, pk: int) -> Benefit:
    """One benefit record for a view; outside the user's scope a 404."""
    return get_in_scope_or_404(
        Benefit.objects.filter(enrolment__household__in=household_queryset(user)).select_related(
            "enrolment__person", "enrolment__household__village__parent"
        ),
        pk,
        user=user,
    )


def left_behind_queryset(user: User) -> QuerySet[LeftBehindChild]:
    return LeftBehindChild.objects.filter(household__in=household_queryset(user))


def access_left_behind(user: User, pk: int) -> LeftBehindChild:
    """One 留守儿童 file for a view; outside the user's scope a 404."""
    return get_in_scope_or_404(
        left_behind_queryset(user).select_related("child", "household__village__parent"), pk, user=user
    )


def enrolment_facts(e: Enrolment) -> EnrolmentFacts:
    return EnrolmentFacts(e.school_year, e.stage, e.status, e.started_on, e.ended_on, e.taught_at_home)


def member_facts(p: Person) -> MemberFacts:
    return MemberFacts(
        name=p.name,
        birth_date=p.birth_date,
        school_status=p.school_status,
        disability_grade=p.disability_grade,
        taught_at_home=p.taught_at_home,
        education=p.education,
        left_on=p.left_on,
    )


@dataclass
class StudentYear:
    """One member's school year as the pages show it: enrolments, benefits, what is due, what is missing."""

    person: Person
    household: Household
    enrolments: list[Enrolment]
    benefits: list[Benefit]  # valid ones
    entitlement: rules.Entitlement
    due: tuple[rules.Due, ...]
    gaps: tuple[rules.BenefitGap, ...]
    compulsory: rules.StudentGap | None
    given_total: Decimal = Decimal(0)
    voided: list[Enrolment] = field(default_factory=list)

    @property
    def gap_words(self) -> str:
        return rules.benefit_gap_words(self.gaps)

    @property
    def has_gap(self) -> bool:
        return bool(self.gaps) or self.compulsory is not None

    @property
    def current(self) -> Enrolment | None:
        return self.enrolments[-1] if self.enrolments else None


def _student_year(
    person: Person, household: Household, enrolments: list[Enrolment], *, school_year: int, on: date, pol: Policy
) -> StudentYear:
    valid = sorted((e for e in enrolments if not e.is_void), key=lambda e: (e.started_on, e.pk))
    benefits = [b for e in valid for b in e.benefits.all() if not b.is_void]
    entitled = rules.entitlement(household_status=household.status, school_year=school_year, policy=pol)
    due = rules.items_due([enrolment_facts(e) for e in valid], school_year=school_year) if entitled.entitled else ()
    given = [GivenFacts(b.enrolment.stage, b.item, b.amount) for b in benefits]
    covering = rules.enrolment_on([enrolment_facts(e) for e in valid], on)
    if (
        covering is None
        and valid
        and on >= valid[-1].started_on
        and valid[-1].status in (rules.DROPPED_OUT, rules.GRADUATED)
    ):
        covering = enrolment_facts(valid[-1])  # ended before `on` with what became of them (辍学, 毕业)
    compulsory = rules.compulsory_gap(member_facts(person), covering, on=on) if not person.left_on else None
    return StudentYear(
        person=person,
        household=household,
        enrolments=valid,
        benefits=benefits,
        entitlement=entitled,
        due=due,
        gaps=rules.benefit_gaps(due, given),
        compulsory=compulsory,
        given_total=sum((b.amount for b in benefits), Decimal(0)),
        voided=[e for e in enrolments if e.is_void],
    )


def _benefits_prefetch() -> Prefetch:
    return Prefetch("benefits", queryset=Benefit.objects.order_by("on", "pk").select_related("recorded_by"))


@dataclass(frozen=True)
class LoanRow:
    """A student loan in one school year: the state's interest payment for it, and whether one is due."""

    loan: StudentLoan
    interest: LoanInterest | None
    due: bool

    @property
    def missing(self) -> bool:
        return self.due and self.interest is None


@dataclass(frozen=True)
class HouseholdEducation:
    school_year: int
    on: date
    entitlement: rules.Entitlement
    students: list[StudentYear]
    files: list[LeftBehindChild]
    policy: Policy
    loans: list[LoanRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return rules.school_year_label(self.school_year)

    @property
    def gap_count(self) -> int:
        return sum(len(s.gaps) + (s.compulsory is not None) for s in self.students) + sum(r.missing for r in self.loans)


def household_education(household: Household, *, school_year: int, today: date) -> HouseholdEducation:
    """The household page's 教育扶贫 panel: every member with an enrolment this school year, or of compulsory
    school age (a child of that age not enrolled is a gap), in four queries."""
    on = reference_day(school_year, today=today)
    pol = policy()
    enrolments = list(
        Enrolment.objects.filter(household=household, school_year=school_year)
        .select_related("recorded_by", "voided_by")
        .prefetch_related(_benefits_prefetch())
        .order_by("started_on", "pk")
    )
    by_person: dict[int, list[Enrolment]] = defaultdict(list)
    for e in enrolments:
        by_person[e.person_id].append(e)
    members = Person.objects.filter(household=household).filter(Q(left_reason="") | Q(pk__in=list(by_person)))
    students = []
    for person in members.order_by("pk"):
        if person.pk not in by_person and not rules.of_compulsory_school_age(member_facts(person), on):
            continue
        if person.left_reason and person.pk not in by_person:
            continue
        students.append(
            _student_year(person, household, by_person.get(person.pk, []), school_year=school_year, on=on, pol=pol)
        )
    files = list(
        LeftBehindChild.objects.filter(household=household).select_related("child").order_by("closed_on", "pk")
    )
    entitled = rules.entitlement(household_status=household.status, school_year=school_year, policy=pol)
    attended = {e.person_id for e in enrolments if not e.is_void and e.status in rules.ATTENDING}
    loans = (
        StudentLoan.objects.valid()
        .filter(household=household, signed_on__lte=rules.school_year_end(school_year))
        .select_related("person")
        .prefetch_related(Prefetch("interests", queryset=LoanInterest.objects.valid().filter(school_year=school_year)))
        .order_by("signed_on", "pk")
    )
    loan_rows = [
        LoanRow(
            loan=loan,
            interest=next(iter(loan.interests.all()), None),
            due=entitled.entitled
            and rules.loan_interest_due(
                signed_on=loan.signed_on,
                attended={school_year} if loan.person_id in attended else set(),
                school_year=school_year,
            ),
        )
        for loan in loans
    ]
    return HouseholdEducation(
        school_year=school_year,
        on=on,
        entitlement=entitled,
        students=students,
        files=files,
        policy=pol,
        loans=loan_rows,
    )


@dataclass(frozen=True)
class StudentFilter:
    town: Area | None = None
    school: str = ""
    stage: str = ""
    gaps_only: bool = False


@dataclass(frozen=True)
class SchoolYearList:
    school_year: int
    on: date
    policy: Policy
    rows: list[StudentYear]
    students: int
    entitled: int
    items_due: int
    items_missing: int
    out_of_school: int
    given_total: Decimal


def school_year_list(user: User, *, school_year: int, today: date, filters: StudentFilter) -> SchoolYearList:
    """A school's or town's list for a school year: every enrolled student in the user's scope with what is due
    and what was given (应补即补、应免尽免), and every child of compulsory school age with no enrolment — in a
    fixed number of queries whatever the number of students (the district has a few hundred)."""
    on = reference_day(school_year, today=today)
    pol = policy()
    households = household_queryset(user)
    if filters.town is not None:
        households = households.filter(village__parent=filters.town)
    enrolments = Enrolment.objects.filter(household__in=households, school_year=school_year, voided_at__isnull=True)
    if filters.school:
        enrolments = enrolments.filter(school__contains=filters.school)
    if filters.stage:
        enrolments = enrolments.filter(stage=filters.stage)
    enrolments = enrolments.select_related("person", "household__village__parent").prefetch_related(
        _benefits_prefetch()
    )
    by_person: dict[int, list[Enrolment]] = defaultdict(list)
    for e in enrolments.order_by("started_on", "pk"):
        by_person[e.person_id].append(e)
    rows = [
        _student_year(es[0].person, es[0].household, es, school_year=school_year, on=on, pol=pol)
        for es in by_person.values()
    ]
    if not filters.school and not filters.stage:
        # Children of compulsory school age in the scope with no enrolment this year: a 义务教育 gap each. Born
        # within the widest range the rule allows; the rule decides the exact days.
        children = (
            Person.objects.active()
            .filter(household__in=households, birth_date__year__gte=on.year - 17, birth_date__year__lte=on.year - 6)
            .exclude(
                Exists(Enrolment.objects.filter(person=OuterRef("pk"), school_year=school_year, voided_at__isnull=True))
            )
            .select_related("household__village__parent")
        )
        for child in children:
            if rules.of_compulsory_school_age(member_facts(child), on):
                rows.append(_student_year(child, child.household, [], school_year=school_year, on=on, pol=pol))
    rows.sort(key=lambda s: (s.household.village.code, s.household.number, s.person.pk))
    shown = [s for s in rows if s.has_gap] if filters.gaps_only else rows
    return SchoolYearList(
        school_year=school_year,
        on=on,
        policy=pol,
        rows=shown,
        students=sum(1 for s in rows if s.enrolments),
        entitled=sum(1 for s in rows if s.enrolments and s.entitlement.entitled),
        items_due=sum(len(s.due) for s in rows),
        items_missing=sum(len(s.gaps) for s in rows),
        out_of_school=sum(1 for s in rows if s.compulsory is not None),
        given_total=sum((s.given_total for s in rows), Decimal(0)),
    )


def schools_in_scope(user: User, *, school_year: int) -> list[str]:
    """The schools named by the year's enrolments in the user's scope, for the list's filter."""
    return list(
        enrolment_queryset(user)
        .filter(school_year=school_year, voided_at__isnull=True)
        .order_by("school")
        .values_list("school", flat=True)
        .distinct()
    )


def left_behind_rows(
    user: User, *, include_closed: bool = False, town: Area | None = None
) -> QuerySet[LeftBehindChild]:
    """The 留守儿童 list in the user's scope (open files unless asked), one query."""
    rows = left_behind_queryset(user).select_related("child", "household__village__parent")
    if not include_closed:
        rows = rows.filter(closed_on__isnull=True)
    if town is not None:
        rows = rows.filter(household__village__parent=town)
    return rows.order_by("household__village__code", "household__number", "pk")


def _who(user: User | None) -> str:
    return user.display_name if user is not None else "系统"


def household_changes(household: Household) -> list[ChangeEntry]:
    """The app's events for the household's change log (households.panels change source), five queries:
    enrolments, benefits, 留守儿童 files, student loans and their interest recorded, corrected, voided, closed."""
    entries = []
    for rec in Enrolment.history.filter(household_id=household.pk).select_related("history_user", "person"):
        label = (
            f"{rec.school_year}–{rec.school_year + 1} 学年 {rec.person.name} {rec.stage} {rec.school}（{rec.status}）"
        )
        what = {"+": "登记学籍：", "~": "作废学籍：" if rec.voided_at else "修改学籍："}.get(rec.history_type, "学籍：")
        entries.append(
            ChangeEntry(rec.history_date, _who(rec.history_user), what + label, rec.history_change_reason or "")
        )
    for rec in Benefit.history.filter(enrolment__household_id=household.pk).select_related(
        "history_user", "enrolment__person"
    ):
        label = f"{rec.enrolment.person.name} {rec.item} {rec.amount} 元（{rec.way}）"
        what = {"+": "登记资助：", "~": "作废资助：" if rec.voided_at else "修改资助："}.get(rec.history_type, "资助：")
        entries.append(
            ChangeEntry(rec.history_date, _who(rec.history_user), what + label, rec.history_change_reason or "")
        )
    for rec in LeftBehindChild.history.filter(household_id=household.pk).select_related("history_user", "child"):
        what = {"+": "建立留守儿童档案：", "~": "销档留守儿童档案：" if rec.closed_on else "修改留守儿童档案："}.get(
            rec.history_type, "留守儿童档案："
        )
        entries.append(
            ChangeEntry(
                rec.history_date, _who(rec.history_user), what + rec.child.name, rec.history_change_reason or ""
            )
        )
    for rec in StudentLoan.history.filter(household_id=household.pk).select_related("history_user", "person"):
        what = {"+": "登记助学贷款：", "~": "作废助学贷款：" if rec.voided_at else "修改助学贷款："}.get(
            rec.history_type, ""
        )
        label = f"{rec.person.name} {rec.bank} {rec.contract_no} {rec.amount} 元"
        entries.append(
            ChangeEntry(rec.history_date, _who(rec.history_user), what + label, rec.history_change_reason or "")
        )
    for rec in LoanInterest.history.filter(loan__household_id=household.pk).select_related(
        "history_user", "loan__person"
    ):
        what = {"+": "登记贷款贴息：", "~": "作废贷款贴息：" if rec.voided_at else "修改贷款贴息："}.get(
            rec.history_type, ""
        )
        label = f"{rec.loan.person.name} {rules.school_year_label(rec.school_year)} 学年 {rec.amount} 元"
        entries.append(
            ChangeEntry(rec.history_date, _who(rec.history_user), what + label, rec.history_change_reason or "")
        )
    return entries


@dataclass(frozen=True)
class SurveyRow:
    finding: rules.SurveyFinding
    household: Household
    file_id: int | None  # the child's open 留守儿童 file, if any


def three_left_behind_survey(user: User, *, today: date, town: Area | None = None) -> dict[str, list[SurveyRow]]:
    """三留守 摸排 lists for the user's scope (plan ch. 8 §3 一): 留守儿童, 留守老人, 留守妇女 candidates from the
    registry's 务工状况 (rules.three_left_behind), in two queries whatever the number of households."""
    households = household_queryset(user)
    if town is not None:
        households = households.filter(village__parent=town)
    people = (
        Person.objects.active()
        .filter(household__in=households, birth_date__lte=today)
        .select_related("household__village__parent")
        .order_by("household__village__code", "household__number", "pk")
    )
    by_household: dict[int, list[Person]] = defaultdict(list)
    for p in people:
        by_household[p.household_id].append(p)
    files = dict(
        LeftBehindChild.objects.filter(household__in=households, closed_on__isnull=True).values_list("child_id", "pk")
    )
    found: dict[str, list[SurveyRow]] = {"留守儿童": [], "留守老人": [], "留守妇女": []}
    for members in by_household.values():
        facts = tuple(rules.SurveyMember(p.pk, p.name, p.sex, p.birth_date, p.relation, p.work_status) for p in members)
        for finding in rules.three_left_behind(facts, on=today):
            found[finding.kind].append(SurveyRow(finding, members[0].household, files.get(finding.pk)))
    return found


def access_loan(user: User, pk: int) -> StudentLoan:
    """One student loan for a view; outside the user's scope a 404."""
    return get_in_scope_or_404(
        StudentLoan.objects.filter(household__in=household_queryset(user)).select_related(
            "person", "household__village__parent"
        ),
        pk,
        user=user,
    )
