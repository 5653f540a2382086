"""基本医疗有保障 for the exit rule, from the insurance records (DESIGN §3: healthcare owns the fact; plan ch. 2 §3,
ch. 6 §2).

For year Y a member with a basic-insurance record of Y (not void) is insured or not as the record says; that
record wins over the registry's own field. A member without a record of Y is left out, so the registry's field
(typed by hand or imported from the township ledger) decides for them — the household page says which.
"""

from datetime import date

from common.db import filter_in
from households.providers import FactsProvider, SectorFacts

from .models import Insurance, InsuranceKind

SOURCE_KEY = "基本医疗"

# Changes whenever a basic-insurance record of the year for the household is added, corrected or voided.
FINGERPRINT_SQL = (
    "(SELECT string_agg(concat_ws(',', i.person_id, i.insured), ';' ORDER BY i.id)"
    " FROM healthcare_insurance i WHERE i.household_id = h.id AND i.year = {year}"
    " AND i.kind = 'basic' AND NOT i.voided)"
)  # a fixed text ('basic' is InsuranceKind.BASIC); {year} becomes an int literal


def source_words(year: int) -> str:
    return f"医保部门 {year} 年参保登记"


def insurance_facts(household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
    """members[person]["medical_insurance"] for every member with a basic-insurance record of `year`, in one
    query whatever the number of households."""
    rows = filter_in(
        Insurance.objects.filter(year=year, kind=InsuranceKind.BASIC, voided=False),
        "household_id",
        household_ids,
        bounded=True,
    ).values_list("household_id", "person_id", "insured")
    members: dict[int, dict[int, dict[str, bool]]] = {}
    for household_id, person_id, insured in rows.order_by():
        members.setdefault(household_id, {})[person_id] = {"medical_insurance": insured}
    sources = {SOURCE_KEY: source_words(year)}
    return {pk: SectorFacts(members=found, sources=sources) for pk, found in members.items()}


PROVIDER = FactsProvider(name="healthcare", label="医保部门", facts=insurance_facts, fingerprint_sql=FINGERPRINT_SQL)
