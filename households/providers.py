"""Facts that sector apps own, read by the rules through providers (DESIGN §3 "who owns each fact").

`households` imports none of the sector apps (STYLE §1). A sector app that decides a fact of the exit rule —
healthcare the members' basic medical insurance, education their school status, housing the house and the
water, funds the dividends added to 财产性收入 — registers a `FactsProvider` from its AppConfig.ready():

    register_provider(FactsProvider(
        name="housing",                      # unique; also names its part of the fingerprint
        label="住建部门",                     # who the page says decided a fact
        facts=housing_facts,                 # (household ids, year, assessment date) -> {household id: SectorFacts}
        fingerprint_sql=HOUSING_FINGERPRINT,  # SELECT household id, text … GROUP BY household id; see below
    ))

**Who wins.** Where a provider returns a fact for a household or a member, that fact wins; the registry's own
field (typed by hand or imported from a township ledger) serves only where the sector has no record. A
provider returns only what it has records of and leaves everything else out. The household page shows which
record decided (`SectorFacts.sources`).

**Cost.** `facts` is called once per chunk of households (up to 20,000 ids) and must answer in a constant
number of queries, whatever the number of households (use `households.selectors.filter_in`).

**Fingerprint.** The nightly recompute skips a household whose inputs are unchanged since its stored
assessment. On PostgreSQL it hashes the inputs in the database, a chunk of households at a time; a provider adds
`fingerprint_sql`, a SELECT of two columns — the household id and a text that changes whenever anything its
`facts` reads for that household changes — with one row per household it has records of:

    SELECT a.household_id, string_agg(concat_ws(',', a.id, a.assessed_on, a.grade), ';' ORDER BY a.id)
      FROM housing_safetyassessment a
     WHERE {chunk:a.household_id} AND a.voided_at IS NULL AND a.assessed_on <= {as_of}
     GROUP BY a.household_id

`{chunk:column}` becomes the condition that the column holds one of the chunk's household ids (an index range,
plus the ids themselves where the chunk is sparse); `{year}` and `{as_of}` become the year and the assessment
date as SQL literals. The recompute joins the rows to the chunk's households: one pass over an index range per
table, never a subquery per household (three times faster at a million persons than correlated subqueries). A
provider without one makes every household be reassessed on every run (correct, only slower).

After its own writes a sector app calls `households.services.reassess(household_ids)` so the stored verdicts
follow at once; the nightly job catches anything else.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .rules import HouseholdFacts, MemberFacts


@dataclass(frozen=True)
class SectorFacts:
    """What one provider knows of one household for a year: only what it has a record of.

    - `household`: HouseholdFacts fields → value (house_grade, dilapidated, retrofit_accepted, safe_water …);
    - `members`: person id → MemberFacts fields → value (medical_insurance, school_status …);
    - `income_added`: yuan added to the household's income of the year (dividends as 财产性收入);
    - `sources`: the fact's name as the page shows it (基本医疗, 义务教育, 住房安全, 饮水安全, 收入) → the words
      naming the record that decided it ("医保部门 2025 年参保登记").
    """

    household: Mapping[str, Any] = field(default_factory=dict)
    members: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    income_added: Decimal = Decimal(0)
    sources: Mapping[str, str] = field(default_factory=dict)


FactsReader = Callable[[list[int], int, date], dict[int, SectorFacts]]


@dataclass(frozen=True)
class FactsProvider:
    name: str
    label: str
    facts: FactsReader
    fingerprint_sql: str = ""


_providers: dict[str, FactsProvider] = {}

_HOUSEHOLD_FIELDS = frozenset(HouseholdFacts._fields) - {"members", "income", "income_added", "sources", "exited"}
_MEMBER_FIELDS = frozenset(MemberFacts._fields) - {"name", "birth_date", "left_on"}


def register_provider(provider: FactsProvider) -> None:
    """Add a provider (idempotent by name: registering the same name again replaces it)."""
    _providers[provider.name] = provider


def unregister_provider(name: str) -> None:
    """Remove a provider (tests register example providers and take them away again)."""
    _providers.pop(name, None)


def providers() -> list[FactsProvider]:
    """The registered providers, in registration order."""
    return list(_providers.values())


_CHUNK = re.compile(r"\{chunk:([A-Za-z_][A-Za-z0-9_.]*)\}")


def fingerprint_joins(*, year: int, as_of: date, chunk: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """Every provider's part of the fingerprint: the text expressions to hash and the LEFT JOINs that bring
    them to the households' rows `h`. `chunk(column)` gives the SQL condition for `{chunk:column}`.
    Providers without SQL contribute a random value, so the households are always reassessed."""
    parts, joins = [], []
    for index, provider in enumerate(_providers.values()):
        if not provider.fingerprint_sql:
            parts.append("gen_random_uuid()::text")
            continue
        # year is an int and as_of a date: their literals cannot carry SQL of their own.
        sql = provider.fingerprint_sql.replace("%", "%%")  # the query's own parameters are %(name)s placeholders
        sql = sql.replace("{year}", str(int(year))).replace("{as_of}", f"DATE '{as_of.isoformat()}'")
        sql = _CHUNK.sub(lambda match: chunk(match.group(1)), sql)
        alias = f"fp{index}"
        joins.append(f"LEFT JOIN ({sql}) AS {alias}(household_id, part) ON {alias}.household_id = h.id")
        parts.append(f"coalesce({alias}.part::text, '∅')")
    return parts, joins


def sector_facts(household_ids: list[int], *, year: int, as_of: date) -> dict[int, list[SectorFacts]]:
    """Every provider's facts for these households: household id → what each provider returned."""
    found: dict[int, list[SectorFacts]] = {}
    for provider in _providers.values():
        for pk, facts in provider.facts(household_ids, year, as_of).items():
            unknown = (set(facts.household) - _HOUSEHOLD_FIELDS) | {
                name for values in facts.members.values() for name in values if name not in _MEMBER_FIELDS
            }
            if unknown:
                raise ValueError(f"provider {provider.name} returned facts the rules do not read: {sorted(unknown)}")
            found.setdefault(pk, []).append(facts)
    return found
