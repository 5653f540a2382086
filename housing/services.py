"""Writes of the housing app: assessments, retrofit cases and their stages, photos, water surveys — plan ch. 7,
ch. 11. Each service is atomic, records who acted (history with a reason) and, since every one of them may
change 住房安全 or 饮水安全, has the household reassessed once the transaction commits
(households.services.reassess)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.history import record_history
from households.models import Household, HouseholdStatus
from households.services import reassess

from .models import (
    STAGE_DATE_FIELDS,
    HousingPhoto,
    PhotoKind,
    RetrofitCase,
    RetrofitStep,
    SafetyAssessment,
    Stage,
    WaterSurvey,
)
from .rules import StepFacts, default_deadline, retrofit_refusal, stage_refusal

ASSESSMENT_FIELDS = ("assessed_on", "assessor", "unit", "grade", "only_house", "note")
CASE_FIELDS = ("kind", "willing", "planned_on", "deadline", "planned_subsidy")
MONEY_FIELDS = (
    "planned_subsidy",
    "subsidy_central",
    "subsidy_province",
    "subsidy_city",
    "subsidy_district",
    "self_paid",
)
WATER_FIELDS = ("surveyed_on", "source", "quantity_ok", "quality_ok", "convenience_ok", "guarantee_ok", "note")


def _not_removed(household: Household) -> None:
    if household.status == HouseholdStatus.REMOVED:
        raise ValidationError("该户已自然减少，不再登记住房和饮水信息。")


def _not_future(on: date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天。"})


def _photo(*, actor: User, household: Household, kind: str, image: UploadedFile | None, **target: Any) -> None:
    if image:
        HousingPhoto.objects.create(household=household, kind=kind, image=image, uploaded_by=actor, **target)


@transaction.atomic
def assessment_record(
    *, actor: User, household: Household, data: dict[str, Any], photo: UploadedFile | None = None
) -> SafetyAssessment:
    """Record a 住房安全鉴定 (plan ch. 7). The latest one decides the household's 住房安全."""
    _not_removed(household)
    _not_future(data["assessed_on"], "assessed_on")
    assessment = SafetyAssessment(
        household=household, recorded_by=actor, **{f: data[f] for f in ASSESSMENT_FIELDS if f in data}
    )
    record_history(assessment, actor=actor, reason=f"住房安全鉴定：{assessment.grade} 级")
    assessment.save()
    _photo(actor=actor, household=household, kind=PhotoKind.ASSESSMENT, image=photo, assessment=assessment)
    reassess([household.pk])
    return assessment


def _void(obj: Any, *, actor: User, reason: str, what: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写作废原因。"})
    if obj.voided_at is not None:
        raise ValidationError(f"该{what}已于 {timezone.localtime(obj.voided_at):%Y-%m-%d} 作废。")
    obj.voided_at = timezone.now()
    obj.voided_by = actor
    obj.void_reason = reason
    record_history(obj, actor=actor, reason=f"作废：{reason}")
    obj.save(update_fields=["voided_at", "voided_by", "void_reason"])
    reassess([obj.household_id])


@transaction.atomic
def assessment_void(*, actor: User, assessment: SafetyAssessment, reason: str) -> SafetyAssessment:
    """Mark an assessment recorded by mistake void (作废): it stays, and counts for nothing."""
    assessment = SafetyAssessment.objects.select_for_update().get(pk=assessment.pk)
    _void(assessment, actor=actor, reason=reason, what="鉴定")
    return assessment


def grade_in_force(household: Household) -> str:
    """The grade a new case is judged on: housing's latest valid assessment, else the registry's own field."""
    latest = household.house_assessments.valid().order_by("-assessed_on", "-pk").first()
    return latest.grade if latest else household.house_grade


@transaction.atomic
def retrofit_open(
    *, actor: User, household: Household, data: dict[str, Any], photo: UploadedFile | None = None
) -> RetrofitCase:
    """列入计划: plan a retrofit for a 建档立卡 household with a C/D house that is willing (plan ch. 7 一)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _not_removed(household)
    grade = grade_in_force(household)
    refusal = retrofit_refusal(
        grade=grade, willing=data.get("willing", True), has_open_case=household.retrofits.valid().exists()
    )
    if refusal:
        raise ValidationError(refusal)
    _not_future(data["planned_on"], "planned_on")
    case = RetrofitCase(household=household, created_by=actor, stage=Stage.PLANNED)
    for field in CASE_FIELDS:
        if field in data and data[field] is not None:
            setattr(case, field, data[field])
    if not data.get("deadline"):
        case.deadline = default_deadline(case.planned_on)
    case.assessment = household.house_assessments.valid().order_by("-assessed_on", "-pk").first()
    record_history(case, actor=actor, reason="列入危房改造计划")
    case.save()
    RetrofitStep.objects.create(case=case, stage=Stage.PLANNED, on=case.planned_on, actor=actor, note="")
    _photo(actor=actor, household=household, kind=PhotoKind.BEFORE, image=photo, case=case)
    reassess([household.pk])
    return case


@transaction.atomic
def retrofit_advance(
    *,
    actor: User,
    case: RetrofitCase,
    stage: str,
    on: date,
    note: str = "",
    data: dict[str, Any] | None = None,
    photo: UploadedFile | None = None,
    today: date | None = None,
) -> RetrofitCase:
    """Move a case into its next stage (开工 → 竣工 → 验收合格 → 入住), refusing a skipped or backward step, a date
    before the previous stage's, and an acceptance that does not meet the building and earthquake-resistance
    standards (plan ch. 7 二). `data` may carry the amounts spent and the acceptance fields."""
    case = RetrofitCase.objects.select_for_update().get(pk=case.pk)
    if case.voided_at is not None:
        raise ValidationError("该改造任务已作废，不能再推进。")
    data = {k: v for k, v in (data or {}).items() if v is not None}
    for field in ("meets_building_standard", "meets_seismic_standard", "inspector"):
        if field in data:
            setattr(case, field, data[field])
    errors = stage_refusal(
        StepFacts(
            current=case.stage,
            target=stage,
            on=on,
            previous_on=case.stage_date(case.stage),
            today=today or timezone.localdate(),
            meets_building_standard=case.meets_building_standard,
            meets_seismic_standard=case.meets_seismic_standard,
            inspector=case.inspector,
        )
    )
    if errors:
        raise ValidationError(errors)
    for field in MONEY_FIELDS:
        if field in data:
            setattr(case, field, data[field])
    setattr(case, STAGE_DATE_FIELDS[Stage(stage)], on)
    case.stage = stage
    record_history(case, actor=actor, reason=f"改造进度：{stage}" + (f"（{note}）" if note else ""))
    case.save()
    RetrofitStep.objects.create(case=case, stage=stage, on=on, actor=actor, note=note)
    kind = PhotoKind.BEFORE if stage == Stage.STARTED else PhotoKind.AFTER
    _photo(actor=actor, household=case.household, kind=kind, image=photo, case=case)
    reassess([case.household_id])
    return case


@transaction.atomic
def retrofit_update(*, actor: User, case: RetrofitCase, data: dict[str, Any], reason: str) -> RetrofitCase:
    """Correct a case's type, deadline and money (补助 by level, 自筹) with a reason; stages move only by
    `retrofit_advance`."""
    case = RetrofitCase.objects.select_for_update().get(pk=case.pk)
    if case.voided_at is not None:
        raise ValidationError("该改造任务已作废，不能再修改。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写修改原因。"})
    for field in ("kind", "deadline", *MONEY_FIELDS):
        if field in data and data[field] is not None:
            value = data[field]
            if field in MONEY_FIELDS and Decimal(value) < 0:
                raise ValidationError({field: "金额不能为负数。"})
            setattr(case, field, value)
    record_history(case, actor=actor, reason=f"更正：{reason.strip()}")
    case.save()
    reassess([case.household_id])
    return case


@transaction.atomic
def retrofit_void(*, actor: User, case: RetrofitCase, reason: str) -> RetrofitCase:
    """Mark a case opened by mistake void (作废); a new case may then be opened for the household."""
    case = RetrofitCase.objects.select_for_update().get(pk=case.pk)
    _void(case, actor=actor, reason=reason, what="改造任务")
    return case


@transaction.atomic
def photo_add(*, actor: User, case: RetrofitCase, kind: str, image: UploadedFile) -> HousingPhoto:
    """Add a before/after photo to a case."""
    return HousingPhoto.objects.create(household=case.household, case=case, kind=kind, image=image, uploaded_by=actor)


@transaction.atomic
def water_survey_record(*, actor: User, household: Household, data: dict[str, Any]) -> WaterSurvey:
    """Record a 饮水安全 survey (plan ch. 11 二): the source and the four indicators; the latest one decides."""
    _not_removed(household)
    _not_future(data["surveyed_on"], "surveyed_on")
    survey = WaterSurvey(household=household, recorded_by=actor, **{f: data[f] for f in WATER_FIELDS if f in data})
    record_history(survey, actor=actor, reason="饮水安全调查")
    survey.save()
    reassess([household.pk])
    return survey


@transaction.atomic
def water_survey_void(*, actor: User, survey: WaterSurvey, reason: str) -> WaterSurvey:
    survey = WaterSurvey.objects.select_for_update().get(pk=survey.pk)
    _void(survey, actor=actor, reason=reason, what="饮水调查")
    return survey
