"""The dashboard's figures: what is counted, how each count links to the household list, and the registry of
sector figures — plan ch. 2 §3 (targets), ch. 6–9 (sectors), ch. 12 §2 (督查考核).

A figure key names one count: "status:未脱贫", "gap:收入", "cover:unpaired" … Each is counted per village by
`village_counts` (households and the persons still in them), summed up to town and district by the refresh,
and shown with a link to `/households/` carrying the same filter (`list_params`), so that the number on the
dashboard and the count above the filtered list are the same number.

Sector apps (healthcare, education, housing, funds) add their figures without this module importing them:

    from reports.figures import SectorFigure, register_figure
    register_figure(SectorFigure("health:insured", _("参保人数"), "健康扶贫", insured_by_village))

where `insured_by_village(year, as_of)` returns `{village id: number}` in a constant number of queries. The
refresh stores the numbers (summed up the tree) in `AreaFigures.extra`; the dashboard shows them in their
group with the time they were computed. No sector figure is registered while the sector apps are empty.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from households.models import Household, HouseholdAssessment, HouseholdStatus, Person, PovertyCause
from households.rules import Gap, IncomeBand

NEEDS_CADRE = ("未脱贫", "返贫")  # plan ch. 9 §1
VISIT_DAYS = 90  # issue 15 / assistance.rules.VISIT_DAYS: no visit in 90 days

# Plan ch. 2 §3 一、二: 148 registered poor persons out of poverty — 基本完成 in 2016, all by 2018 (the end of
# the 攻坚期). Cumulative persons exited by the end of each year.
PLAN_TARGETS: dict[int, int] = {2016: 148, 2017: 148, 2018: 148}
PLAN_TOTAL = 148

COVER_CHOICES = (
    ("unpaired", "未脱贫无帮扶责任人"),
    ("over_quota", "帮扶干部超过结对上限"),
    ("no_visit", "90 天内无走访"),
)
EXIT_YEARS = tuple(range(2014, 2031))


@dataclass(frozen=True)
class SectorFigure:
    """A figure a sector app adds: `compute(year, as_of)` → {village id: number}."""

    key: str
    label: str
    group: str
    compute: Callable[[int, date], Mapping[int, int | Decimal]]
    unit: str = "人"


_sector_figures: dict[str, SectorFigure] = {}


def register_figure(figure: SectorFigure) -> None:
    """Add a sector figure (from the sector app's AppConfig.ready(); idempotent by key)."""
    _sector_figures[figure.key] = figure


def sector_figures() -> list[SectorFigure]:
    return list(_sector_figures.values())


@dataclass(frozen=True)
class Item:
    key: str
    label: str


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    items: tuple[Item, ...]


def exit_items(years: range | tuple[int, ...]) -> tuple[Item, ...]:
    return tuple(Item(f"exit:{y}", f"{y} 年") for y in years)


GROUPS: tuple[Group, ...] = (
    Group("status", _("脱贫属性"), tuple(Item(f"status:{v}", str(label)) for v, label in HouseholdStatus.choices)),
    Group(
        "meets",
        _("脱贫标准"),
        (Item("ready", "未脱贫户已达标"), Item("meets:yes", "达到脱贫标准"), Item("meets:no", "未达到脱贫标准")),
    ),
    Group("gap", _("未达标项"), tuple(Item(f"gap:{g.value}", g.value) for g in Gap)),
    Group("band", _("收入档次"), tuple(Item(f"band:{b.value}", b.value) for b in IncomeBand)),
    Group("watch", _("返贫监测"), (Item("watch", "返贫监测户"),)),
    Group("cause", _("主要致贫原因"), tuple(Item(f"cause:{v}", str(label)) for v, label in PovertyCause.choices)),
    Group("cover", _("帮扶覆盖"), tuple(Item(f"cover:{v}", label) for v, label in COVER_CHOICES)),
)


def list_params(key: str) -> dict[str, str]:
    """The household list's GET parameters that select exactly the households counted under `key`."""
    kind, _sep, value = key.partition(":")
    return {
        "total": {},
        "status": {"status": value},
        "ready": {"status": "未脱贫", "meets": "yes"},
        "meets": {"meets": value},
        "gap": {"gap": value},
        "band": {"band": value},
        "watch": {"watch": "yes"},
        "cause": {"main_cause": value},
        "cover": {"cover": value},
        "exit": {"exit_year": value},
    }[kind]


def _keys(
    *,
    status: str,
    cause: str,
    exit_year: int | None,
    assessment: tuple[bool, str, str, bool] | None,
    paired: bool,
    over_quota: bool,
    visited: bool,
) -> list[str]:
    """The figure keys one household counts under."""
    keys = ["total", f"status:{status}", f"cause:{cause}"]
    if exit_year:
        keys.append(f"exit:{exit_year}")
    if assessment is not None:
        meets, band, gaps, watch = assessment
        keys.append("meets:yes" if meets else "meets:no")
        if meets and status == "未脱贫":
            keys.append("ready")
        if band:
            keys.append(f"band:{band}")
        keys.extend(f"gap:{g}" for g in gaps.split("、") if g)
        if watch:
            keys.append("watch")
    if status in NEEDS_CADRE and not paired:
        keys.append("cover:unpaired")
    if status in NEEDS_CADRE and not visited:
        keys.append("cover:no_visit")
    if over_quota:
        keys.append("cover:over_quota")
    return keys


def over_quota_cadres() -> set[int]:
    """Cadres with more active pairings than their rank's quota (assistance rule 7, plan ch. 9 §1)."""
    from assistance.models import Cadre
    from assistance.rules import over_quota
    from assistance.selectors import cadre_loads, pairing_quotas

    quotas = pairing_quotas()
    loads = cadre_loads(list(Cadre.objects.values_list("pk", flat=True)))
    return {pk for pk, load in loads.items() if over_quota(load, quotas)}


def village_counts(*, year: int, as_of: date) -> dict[int, tuple[Counter[str], Counter[str]]]:
    """Per village: (households per figure key, persons per figure key), for the whole district.

    Set-based, a fixed number of queries whatever the size: the households, the members still in them
    counted per household, the year's stored assessments, the active pairings and the last visits.
    """
    from assistance.models import Pairing, Visit

    members = dict(
        Person.objects.active()
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    assessments = {
        pk: (meets, band, gaps, watch)
        for pk, meets, band, gaps, watch in HouseholdAssessment.objects.filter(year=year).values_list(
            "household_id", "meets_standard", "band", "gaps", "watch"
        )
    }
    heavy = over_quota_cadres()
    paired: dict[int, int] = dict(Pairing.objects.active().values_list("household_id", "cadre_id"))
    since = as_of - timedelta(days=VISIT_DAYS)
    visited = set(
        Visit.objects.order_by()
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .filter(last__gte=since)
        .values_list("household_id", flat=True)
    )
    counts: dict[int, tuple[Counter[str], Counter[str]]] = {}
    rows = Household.objects.order_by().values_list("pk", "village_id", "status", "main_cause", "exit_year")
    for pk, village, status, cause, exit_year in rows.iterator(chunk_size=20_000):
        households, persons = counts.setdefault(village, (Counter(), Counter()))
        n = members.get(pk, 0)
        for key in _keys(
            status=status,
            cause=cause,
            exit_year=exit_year,
            assessment=assessments.get(pk),
            paired=pk in paired,
            over_quota=paired.get(pk) in heavy,
            visited=pk in visited,
        ):
            households[key] += 1
            persons[key] += n
    return counts


def cover_filter(households: object, value: str) -> object:
    """The household list's 帮扶覆盖 filter (registered from apps.py): the same households as the figures."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from assistance.models import Pairing, Visit

    active = Pairing.objects.active().filter(household=OuterRef("pk"))
    if value == "unpaired":
        return households.filter(status__in=NEEDS_CADRE).exclude(Exists(active))
    if value == "over_quota":
        return households.filter(Exists(active.filter(cadre__in=over_quota_cadres())))
    if value == "no_visit":
        since = timezone.localdate() - timedelta(days=VISIT_DAYS)
        recent = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=since)
        return households.filter(status__in=NEEDS_CADRE).exclude(Exists(recent))
    return households


def exit_year_filter(households: object, value: str) -> object:
    """The household list's 脱贫年度 filter (registered from apps.py)."""
    return households.filter(exit_year=int(value)) if value.isdigit() else households


def problem_counts() -> dict[int, Counter[str]]:
    """Open problems (待核实) per village and rule, for the dashboard's 数据疑点 counts."""
    from .models import Problem, ProblemState

    counts: dict[int, Counter[str]] = {}
    rows = (
        Problem.objects.filter(cleared_at__isnull=True, state=ProblemState.OPEN)
        .order_by()
        .values("household__village_id", "rule")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["household__village_id"], Counter())[f"problem:{row['rule']}"] += row["n"]
    return counts
