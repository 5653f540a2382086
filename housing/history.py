"""Housing's entries in the household's change log (households.panels.register_change_source): assessments,
retrofit steps, surveys, and voids — who, when, what, why. Four queries per household."""

from households.models import Household
from households.panels import ChangeEntry

from .models import RetrofitCase, RetrofitStep, SafetyAssessment, WaterSurvey


def _who(user: object) -> str:
    if user is None:
        return "系统"
    return getattr(user, "display_name", "") or str(user)


def housing_changes(household: Household) -> list[ChangeEntry]:
    entries = []
    for a in SafetyAssessment.objects.filter(household=household).select_related("recorded_by", "voided_by"):
        entries.append(
            ChangeEntry(
                a.created_at, _who(a.recorded_by), f"住房安全鉴定 {a.assessed_on:%Y-%m-%d}：{a.grade} 级", a.note
            )
        )
        if a.voided_at:
            entries.append(ChangeEntry(a.voided_at, _who(a.voided_by), "作废住房安全鉴定", a.void_reason))
    for step in RetrofitStep.objects.filter(case__household=household).select_related("actor"):
        entries.append(
            ChangeEntry(step.created_at, _who(step.actor), f"危房改造：{step.stage}（{step.on:%Y-%m-%d}）", step.note)
        )
    for case in RetrofitCase.objects.filter(household=household, voided_at__isnull=False).select_related("voided_by"):
        entries.append(ChangeEntry(case.voided_at, _who(case.voided_by), "作废危房改造任务", case.void_reason))
    for s in WaterSurvey.objects.filter(household=household).select_related("recorded_by", "voided_by"):
        entries.append(ChangeEntry(s.created_at, _who(s.recorded_by), f"饮水安全调查 {s.surveyed_on:%Y-%m-%d}", s.note))
        if s.voided_at:
            entries.append(ChangeEntry(s.voided_at, _who(s.voided_by), "作废饮水安全调查", s.void_reason))
    return entries
