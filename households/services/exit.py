"""The exit procedure (贫困户退出, DESIGN §6), one service per step.

民主评议 → the village and the work team verify → the household confirms → 公示 in the village for at least
7 days, objections recorded (an objection sends the case back) → the district office approves (销号), which
sets 已脱贫 and the exit year. Only a household meeting the exit standard (plan ch. 2 §3) can be proposed or
approved; any step can reject with a reason. Each step is recorded with who, when and why.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.history import record_history
from common.uploads import evidence_kind
from households.models import (
    OPEN_EXIT_STAGES,
    ExitCase,
    ExitEvidence,
    ExitEvidenceRule,
    ExitEvidenceStep,
    ExitStage,
    ExitStep,
    Household,
    HouseholdStatus,
    HouseholdStatusChange,
)
from households.rules import StatusWay, status_change_refusal
from households.selectors import default_year, household_assessment

from . import reassess

MIN_PUBLICITY_DAYS = 7
EXITABLE = (HouseholdStatus.IN_POVERTY, HouseholdStatus.RETURNED)


def _require(actor: User, *perms: str) -> None:
    """The actor holds at least one of `perms`."""
    if not any(actor.has_perm(p) for p in perms):
        raise PermissionDenied("您的角色不能办理这一步。")


def _step(case: ExitCase, *, actor: User, action: str, note: str = "") -> None:
    ExitStep.objects.create(case=case, actor=actor, action=action, note=note[:500])


def _attach(case: ExitCase, *, step: str, evidence: UploadedFile | None, actor: User) -> None:
    """Store a step's evidence (checked by content), or refuse the step when the district requires evidence
    for it and none came. Called inside the step's transaction: a refusal undoes the step."""
    if evidence is None:
        if ExitEvidenceRule.objects.filter(step=step, required=True).exists():
            label = ExitEvidenceStep(step).label
            raise ValidationError(
                {"evidence": f"区扶贫办要求“{label}”环节上传附件：请上传 PDF、JPG 或 PNG 文件后再办理。"}
            )
        return
    try:
        kind = evidence_kind(evidence, max_bytes=settings.EXIT_EVIDENCE_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from exc
    ExitEvidence.objects.create(
        case=case,
        step=step,
        file=evidence,
        kind=kind,
        original_name=evidence.name[:200],
        size=evidence.size,
        uploaded_by=actor,
    )


def _check_standard(household: Household, *, year: int) -> None:
    verdict = household_assessment(household, year=year)
    if not verdict.assessment.meets_standard:
        raise ValidationError(f"该户{verdict.year}年{verdict.words}，不能退出。")


def _locked(case: ExitCase, *stages: ExitStage) -> ExitCase:
    case = ExitCase.objects.select_for_update().select_related("household").get(pk=case.pk)
    if case.stage not in stages:
        raise ValidationError(f"退出程序当前在“{case.get_stage_display()}”环节，不能办理这一步，请刷新页面。")
    return case


@transaction.atomic
def exit_propose(
    *,
    actor: User,
    household: Household,
    deliberation_date: date,
    attendance: int,
    income_year: int | None = None,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ExitCase:
    """Propose a household for exit after the village's 民主评议 (date and attendance recorded).

    The case is judged on the income and guarantees of `income_year` (default: last year, whose incomes are
    known), the same year at every step, and that year becomes the exit year on approval."""
    _require(actor, "households.propose_exit")
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status not in EXITABLE:
        raise ValidationError(f"该户状态为“{household.get_status_display()}”，不能提出退出。")
    if household.exit_cases.filter(stage__in=OPEN_EXIT_STAGES).exists():
        raise ValidationError("该户已有一个进行中的退出程序。")
    if deliberation_date > timezone.localdate():
        raise ValidationError("民主评议日期不能晚于今天。")
    if attendance < 1:
        raise ValidationError("请填写参加民主评议的人数。")
    income_year = income_year or default_year()
    if income_year > timezone.localdate().year:
        raise ValidationError({"income_year": f"评估年度不能晚于今年（{timezone.localdate().year} 年）。"})
    _check_standard(household, year=income_year)
    case = ExitCase.objects.create(
        household=household, deliberation_date=deliberation_date, attendance=attendance, income_year=income_year
    )
    _step(
        case,
        actor=actor,
        action="提出退出",
        note=f"按 {income_year} 年收入评估；{deliberation_date:%Y-%m-%d} 民主评议，{attendance} 人参加。{note}",
    )
    _attach(case, step=ExitEvidenceStep.PROPOSE, evidence=evidence, actor=actor)
    return case


@transaction.atomic
def exit_verify(*, actor: User, case: ExitCase, note: str = "", evidence: UploadedFile | None = None) -> ExitCase:
    """The village and the work team have verified the household's situation."""
    _require(actor, "households.propose_exit")
    case = _locked(case, ExitStage.PROPOSED)
    case.stage = ExitStage.VERIFIED
    case.save(update_fields=["stage"])
    _step(case, actor=actor, action="村和工作组核实", note=note)
    _attach(case, step=ExitEvidenceStep.VERIFY, evidence=evidence, actor=actor)
    return case


@transaction.atomic
def exit_confirm(*, actor: User, case: ExitCase, note: str = "", evidence: UploadedFile | None = None) -> ExitCase:
    """The household has confirmed it agrees to exit (recorded by the clerk)."""
    _require(actor, "households.propose_exit")
    case = _locked(case, ExitStage.VERIFIED)
    case.stage = ExitStage.CONFIRMED
    case.save(update_fields=["stage"])
    _step(case, actor=actor, action="农户确认", note=note)
    _attach(case, step=ExitEvidenceStep.CONFIRM, evidence=evidence, actor=actor)
    return case


@transaction.atomic
def exit_publicize(
    *, actor: User, case: ExitCase, start: date, end: date, evidence: UploadedFile | None = None
) -> ExitCase:
    """Publish the household in the village (公示) for at least 7 days, both ends counted."""
    _require(actor, "households.propose_exit")
    case = _locked(case, ExitStage.CONFIRMED)
    if (end - start).days + 1 < MIN_PUBLICITY_DAYS:
        raise ValidationError(f"公示期至少 {MIN_PUBLICITY_DAYS} 天（含首尾两天），请推迟结束日期。")
    case.stage, case.publicity_start, case.publicity_end = ExitStage.PUBLICIZING, start, end
    case.save(update_fields=["stage", "publicity_start", "publicity_end"])
    _step(case, actor=actor, action="开始公示", note=f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")
    _attach(case, step=ExitEvidenceStep.PUBLICIZE, evidence=evidence, actor=actor)
    return case


@transaction.atomic
def exit_object(*, actor: User, case: ExitCase, received_on: date, content: str) -> ExitCase:
    """Record an objection raised during the publicity: the case goes back to verification."""
    _require(actor, "households.propose_exit")
    case = _locked(case, ExitStage.PUBLICIZING)
    if not content.strip():
        raise ValidationError("请填写异议内容。")
    case.stage, case.publicity_start, case.publicity_end = ExitStage.PROPOSED, None, None
    case.save(update_fields=["stage", "publicity_start", "publicity_end"])
    _step(case, actor=actor, action="公示异议，退回核实", note=f"{received_on:%Y-%m-%d} 收到：{content.strip()}")
    return case


@transaction.atomic
def exit_approve(*, actor: User, case: ExitCase, note: str = "") -> ExitCase:
    """The district office approves (销号) after the publicity has ended: the household becomes 已脱贫."""
    _require(actor, "households.approve_exit")
    case = _locked(case, ExitStage.PUBLICIZING)
    today = timezone.localdate()
    if case.publicity_end is None or case.publicity_end >= today:
        ends = case.publicity_end + timedelta(days=1) if case.publicity_end else today
        raise ValidationError(f"公示期尚未结束，{ends:%Y-%m-%d} 起才能批准。")
    household = Household.objects.select_for_update().get(pk=case.household_id)
    refusal = status_change_refusal(household.status, HouseholdStatus.EXITED, way=StatusWay.EXIT_APPROVAL)
    if refusal:
        raise ValidationError(refusal)
    _check_standard(household, year=case.income_year)
    case.stage = ExitStage.APPROVED
    case.save(update_fields=["stage"])
    from_status = household.status
    household.status, household.exit_year = HouseholdStatus.EXITED, case.income_year
    record_history(household, actor=actor, reason="退出程序批准销号")
    household.save()
    HouseholdStatusChange.objects.create(
        household=household, from_status=from_status, to_status=household.status, reason="退出程序批准销号", actor=actor
    )
    _step(case, actor=actor, action="批准销号", note=note)
    reassess([household.pk])
    return case


@transaction.atomic
def exit_reject(*, actor: User, case: ExitCase, reason: str) -> ExitCase:
    """Stop the case at any step, with the reason."""
    _require(actor, "households.propose_exit", "households.approve_exit")
    case = _locked(case, *OPEN_EXIT_STAGES)
    if not reason.strip():
        raise ValidationError("请填写退回原因。")
    case.stage = ExitStage.REJECTED
    case.save(update_fields=["stage"])
    _step(case, actor=actor, action="退回", note=reason.strip())
    return case
