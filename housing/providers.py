"""Housing's facts for the exit rule (households.providers): 住房安全 and 饮水安全 — plan ch. 2 §3, ch. 7, ch. 11.

For each household housing has records of, on the assessment date:
- `house_grade`: the grade of the latest valid assessment on or before that date;
- `retrofit_accepted`: True when a valid retrofit reached 验收合格/入住 by then and no later assessment supersedes
  it (housing.rules.house_verdict);
- `safe_water`: from the latest valid survey — all four indicators met → True, any one not met → False; a survey
  with blanks and nothing unmet says nothing (left out), so the registry's own field serves.
Households housing has no record of are left out: the registry's hand-typed fields decide for them.
Three queries per chunk of households, whatever its size.
"""

from collections import defaultdict
from datetime import date

from common.db import filter_in, plain_rows
from households.providers import SectorFacts

from .models import RetrofitCase, SafetyAssessment, WaterSurvey
from .rules import AssessmentFact, RetrofitFact, WaterFacts, house_verdict, water_safe

LABEL = "住建部门"
HOUSING_SOURCE = "住房安全"
WATER_SOURCE = "饮水安全"

# Changes whenever anything `housing_facts` reads for a household changes: one row per household of the chunk
# with records (households.providers).
FINGERPRINT_SQL = """SELECT x.household_id, string_agg(x.kind || ':' || x.part, '#' ORDER BY x.kind) FROM (
  SELECT a.household_id, 1 AS kind,
         string_agg(concat_ws(',', a.id, a.assessed_on, a.grade), ';' ORDER BY a.id) AS part
    FROM housing_safetyassessment a
   WHERE {chunk:a.household_id} AND a.voided_at IS NULL AND a.assessed_on <= {as_of}
   GROUP BY a.household_id
  UNION ALL
  SELECT c.household_id, 2, string_agg(concat_ws(',', c.id, c.stage, c.deadline, c.accepted_on), ';' ORDER BY c.id)
    FROM housing_retrofitcase c
   WHERE {chunk:c.household_id} AND c.voided_at IS NULL AND c.accepted_on <= {as_of}
   GROUP BY c.household_id
  UNION ALL
  SELECT w.household_id, 3, string_agg(concat_ws(',', w.id, w.surveyed_on, coalesce(w.quantity_ok::text, '∅'),
         coalesce(w.quality_ok::text, '∅'), coalesce(w.convenience_ok::text, '∅'),
         coalesce(w.guarantee_ok::text, '∅')), ';' ORDER BY w.id)
    FROM housing_watersurvey w
   WHERE {chunk:w.household_id} AND w.voided_at IS NULL AND w.surveyed_on <= {as_of}
   GROUP BY w.household_id
) x GROUP BY x.household_id"""


def housing_facts(household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
    """The house and water facts of these households on `as_of` (see the module docstring)."""
    assessments: dict[int, list[AssessmentFact]] = defaultdict(list)
    rows = filter_in(SafetyAssessment.objects.valid(), "household_id", household_ids, bounded=True).filter(
        assessed_on__lte=as_of
    )
    for household_id, pk, on, grade in plain_rows(
        rows.values_list("household_id", "pk", "assessed_on", "grade").order_by()
    ):
        assessments[household_id].append(AssessmentFact(on, grade, pk))
    cases: dict[int, list[RetrofitFact]] = defaultdict(list)
    rows = filter_in(RetrofitCase.objects.valid(), "household_id", household_ids, bounded=True).filter(
        accepted_on__lte=as_of
    )
    for household_id, stage, deadline, accepted_on in plain_rows(
        rows.values_list("household_id", "stage", "deadline", "accepted_on").order_by()
    ):
        cases[household_id].append(RetrofitFact(stage, deadline, accepted_on))
    water: dict[int, tuple[date, int, WaterFacts]] = {}
    rows = filter_in(WaterSurvey.objects.valid(), "household_id", household_ids, bounded=True).filter(
        surveyed_on__lte=as_of
    )
    for household_id, pk, on, *indicators in plain_rows(
        rows.values_list(
            "household_id", "pk", "surveyed_on", "quantity_ok", "quality_ok", "convenience_ok", "guarantee_ok"
        ).order_by()
    ):
        if household_id not in water or (on, pk) > water[household_id][:2]:
            water[household_id] = (on, pk, WaterFacts(*indicators))

    found: dict[int, SectorFacts] = {}
    for pk in set(assessments) | set(cases) | set(water):
        household: dict[str, object] = {}
        sources: dict[str, str] = {}
        if pk in assessments or pk in cases:
            verdict = house_verdict(assessments.get(pk, ()), cases.get(pk, ()), as_of=as_of)
            if verdict.grade:
                household["house_grade"] = verdict.grade
            if verdict.accepted_on is not None:
                household["retrofit_accepted"] = True
            sources[HOUSING_SOURCE] = f"{LABEL}：{verdict.words}"
        if pk in water:
            surveyed_on, _pk, indicators = water[pk]
            safe = water_safe(indicators)
            if safe is not None:
                household["safe_water"] = safe
                sources[WATER_SOURCE] = f"{LABEL} {surveyed_on.isoformat()} 饮水安全调查"
        if household:
            found[pk] = SectorFacts(household=household, sources=sources)
    return found
