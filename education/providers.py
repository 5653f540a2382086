"""The facts provider of 义务教育有保障 (plan ch. 2 §3, ch. 5 §2; households/providers.py): a member's school status
on the assessment date comes from the education department's enrolment covering that date, where there is one.
The registry's own 在校生状况 (typed by hand or imported from a township ledger) serves where there is none."""

from collections import defaultdict
from datetime import date

from common.db import filter_in
from households.providers import SectorFacts

from .models import Enrolment
from .rules import EnrolmentFacts, enrolment_on, member_school_facts, school_year_label, school_year_of

SOURCE_KEY = "义务教育"

# Changes whenever an enrolment `facts` reads for the household changes: any valid enrolment whose period
# covers the assessment date (a stage change, a status, 送教上门, a void all show).
FINGERPRINT_SQL = """SELECT e.household_id, string_agg(concat_ws(',', e.id, e.person_id, e.stage, e.status,
    e.started_on, e.ended_on, e.taught_at_home), ';' ORDER BY e.id)
  FROM education_enrolment e WHERE {chunk:e.household_id} AND e.voided_at IS NULL
  AND e.started_on <= {as_of} AND coalesce(e.ended_on, make_date(e.school_year + 1, 8, 31)) >= {as_of}
  GROUP BY e.household_id"""


def education_facts(household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
    """Each member's school status on `as_of` from the enrolment covering it (rules.member_school_facts), for
    the households that have one — one query whatever the number of households."""
    rows = (
        filter_in(Enrolment.objects.valid(), "household_id", household_ids, bounded=True)
        .filter(school_year=school_year_of(as_of), started_on__lte=as_of)
        .values_list(
            "household_id", "person_id", "school_year", "stage", "status", "started_on", "ended_on", "taught_at_home"
        )
        .order_by()
    )
    by_person: dict[tuple[int, int], list[EnrolmentFacts]] = defaultdict(list)
    for household_id, person_id, *fields in rows:
        by_person[(household_id, person_id)].append(EnrolmentFacts(*fields))
    members: dict[int, dict[int, dict[str, object]]] = defaultdict(dict)
    for (household_id, person_id), enrolments in by_person.items():
        covering = enrolment_on(enrolments, as_of)
        if covering is not None:
            members[household_id][person_id] = member_school_facts(covering)
    words = f"教育部门 {school_year_label(school_year_of(as_of))} 学年学籍登记"
    return {pk: SectorFacts(members=found, sources={SOURCE_KEY: words}) for pk, found in members.items()}
