"""基本医疗有保障 for the exit rule, from the insurance records (DESIGN §3: healthcare owns the fact; plan ch. 2 §3,
ch. 6 §2).

For year Y a member with a basic-insurance record of Y (not void) is insured or not as the record says; that
record wins over the registry's own field. A member without a record of Y is left out, so the registry's field
(typed by hand or imported from the township ledger) decides for them — the household page says which.
"""

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from django.db import connection
from django.db.models import F

from common.db import filter_in
from households.providers import FactsProvider, SectorFacts

from .models import Insurance, InsuranceKind

SOURCE_KEY = "基本医疗"

# Changes whenever a basic-insurance record of the year for the household is added, corrected or voided
# (households.providers: one row per household of the chunk that has records).
FINGERPRINT_SQL = (
    "SELECT i.household_id, string_agg(concat_ws(',', i.person_id, i.insured), ';' ORDER BY i.id)"
    " FROM healthcare_insurance i WHERE {chunk:i.household_id} AND i.year = {year}"
    " AND i.kind = 'basic' AND NOT i.voided GROUP BY i.household_id"
)  # a fixed text ('basic' is InsuranceKind.BASIC); {year} becomes an int literal


def source_words(year: int) -> str:
    return f"医保部门 {year} 年参保登记"


DENSE = 4  # ids spread over at most 4× their number are read as a range
# Shared, read-only: a million members patched with the same two values need no dict each.
INSURED: Mapping[str, bool] = MappingProxyType({"medical_insurance": True})
UNINSURED: Mapping[str, bool] = MappingProxyType({"medical_insurance": False})


def insurance_facts(household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
    """members[person]["medical_insurance"] for the members with a basic-insurance record of `year`, in one
    query whatever the number of households.

    Only the members whose record says something else than the registry's own field are returned, and only their
    households get a SectorFacts (and name the insurance record as the source of 基本医疗): where record and
    field agree the verdict is the same either way, and leaving them out keeps the 1M-person recompute within
    its budget (bench/healthcare.py). The household page's health panel still says, member by member, which
    source decided. The fingerprint covers both the record and the registry's field, so a later change of
    either is reassessed.
    """
    if not household_ids:
        return {}
    low, high = min(household_ids), max(household_ids)
    # The person's household is the record's (copied when it is saved): bounding both by the chunk's id range
    # lets PostgreSQL read two index ranges instead of probing per household (12× faster at 1M persons).
    records = Insurance.objects.filter(
        year=year, kind=InsuranceKind.BASIC, voided=False, household_id__gte=low, household_id__lte=high,
        person__household_id__gte=low, person__household_id__lte=high,
    )  # fmt: skip
    # A dense chunk (the recompute's) is read by its range alone and sifted here; scattered ids by their list.
    wanted = set(household_ids) if high - low < DENSE * len(household_ids) else None
    if wanted is None:
        records = filter_in(records, "household_id", household_ids)
    # Only the records that say something else than the registry's field (a NULL field counts as different).
    records = records.exclude(insured=F("person__medical_insurance"))
    query = records.values_list("household_id", "person_id", "insured", "person__medical_insurance").order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:  # plain tuples: no model or values machinery per row
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    members: dict[int, dict[int, Mapping[str, bool]]] = {}
    for household_id, person_id, insured, registry in rows:
        if wanted is not None and household_id not in wanted:
            continue
        insured = bool(insured)  # SQLite gives 0/1
        if registry is None or bool(registry) != insured:
            members.setdefault(household_id, {})[person_id] = INSURED if insured else UNINSURED
    sources = MappingProxyType({SOURCE_KEY: source_words(year)})
    return {pk: SectorFacts(members=found, sources=sources) for pk, found in members.items()}


PROVIDER = FactsProvider(name="healthcare", label="医保部门", facts=insurance_facts, fingerprint_sql=FINGERPRINT_SQL)
