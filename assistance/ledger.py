"""The ledger's 帮扶责任人 / 帮扶责任人联系电话 / 帮扶单位 columns (FORMAT.md), stored as cadres and pairings.

Declared here and registered with households.ledger.extensions (AssistanceConfig.ready). A cadre is matched by name, and by phone where the row gives
one; an unknown cadre is created (its rank unrecorded, for the district office to complete). A name whose
stored phone differs from the row's is a row error (a phone conflict): the clerk checks which is right. A
masked phone (a town clerk's own export, 139****1111) only confirms a rostered cadre whose phone looks the same. A
household whose cadre in the ledger differs from its current one is handed over (reason 台账更换), so it is
never left without a cadre. A cadre over the quota after the import is a note, not an error: the ledger
records who is responsible today, and the district's coverage page lists the overload to resolve.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from households.ledger.extensions import (
    ExtensionColumn,
    ExtensionPlan,
    ExtensionRows,
    ExtensionValues,
    HouseholdValues,
    LedgerExtension,
    Level,
    MaskedPhone,
    RowError,
    WriteIds,
    phone_value,
)
from households.phone import mask_phone
from households.selectors import filter_in

from .models import Cadre, EndReason, Pairing
from .rules import quota_for, rank_label
from .selectors import pairing_quotas

REASON = "台账导入"

COLUMNS = (
    ExtensionColumn("帮扶责任人", "cadre", Level.HOUSEHOLD, aliases=("帮扶人",)),
    ExtensionColumn(
        "帮扶责任人联系电话",
        "cadre_phone",
        Level.HOUSEHOLD,
        parse=phone_value,
        aliases=("帮扶人电话", "帮扶人手机号"),
        mask=mask_phone,
    ),
    ExtensionColumn("帮扶单位", "cadre_unit", Level.HOUSEHOLD, aliases=("帮扶责任人单位",)),
)


@dataclass
class _NewCadre:
    name: str
    phone: str
    unit: str


def _name(value: Any) -> str:
    return "".join(str(value or "").split())


def cadre_plan(extension_rows: ExtensionRows) -> ExtensionPlan:
    """Resolve each household's 帮扶责任人 to a rostered cadre or one to create, and plan the pairings."""
    plan = ExtensionPlan()
    rows, columns = extension_rows.households, extension_rows.columns
    name_column = columns.get("cadre", "帮扶责任人")
    phone_column = columns.get("cadre_phone", "帮扶责任人联系电话")

    def error(row: int, column: str, value: str, message: str) -> None:
        plan.errors.append(RowError(row, column, value, message))

    named = []
    for r in rows:
        name = _name(r.values.get("cadre"))
        phone, unit = r.values.get("cadre_phone") or "", (r.values.get("cadre_unit") or "").strip()
        if not name:
            if phone or unit:
                error(r.row, name_column, "", "填写了帮扶责任人的电话或单位，却没有填写帮扶责任人姓名，请补上姓名。")
            continue  # a blank cadre says nothing: the household's pairing stays as it is
        named.append((r, name, phone, unit))
    if not named:
        return plan

    stored: dict[str, list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(name__in={n for _r, n, _p, _u in named}).order_by("pk"):
        stored[cadre.name].append(cadre)
    phones_in_file: dict[str, set[str]] = defaultdict(set)
    for _r, name, phone, _u in named:
        if phone and not isinstance(phone, MaskedPhone):
            phones_in_file[name].add(phone)

    # Resolve each row to a stored cadre (its id) or a cadre to create (its (name, phone) key).
    targets: dict[str, int | tuple[str, str]] = {}  # household number → cadre
    rows_of: dict[int | tuple[str, str], list[HouseholdValues]] = defaultdict(list)
    new: dict[tuple[str, str], _NewCadre] = {}
    phones_to_fill: dict[int, str] = {}
    for r, name, phone, unit in named:
        same = stored.get(name, [])
        target: int | tuple[str, str] | None = None
        if isinstance(phone, MaskedPhone):
            alike = [c for c in same if phone.matches(c.phone)]
            if len(alike) == 1:
                target = alike[0].pk
            else:
                error(
                    r.row,
                    phone_column,
                    phone.text,
                    f"帮扶责任人联系电话是脱敏的号码（{phone.text}），干部名册中"
                    + ("没有电话与之相符的" if not alike else f"有 {len(alike)} 位电话相似的")
                    + f"“{name}”：请填写完整的电话号码。",
                )
        elif phone:
            exact = [c for c in same if c.phone == phone]
            blank = [c for c in same if not c.phone]
            if exact:
                target = exact[0].pk
            elif not same:
                target = (name, phone)
            elif len(same) == 1 and blank and phones_to_fill.get(blank[0].pk, phone) != phone:
                error(
                    r.row,
                    phone_column,
                    mask_phone(phone),
                    f"台账中帮扶责任人“{name}”填了不同的电话（另一处为 {mask_phone(phones_to_fill[blank[0].pk])}），"
                    f"干部名册中只有一位“{name}”，请核对后统一。",
                )
            elif len(same) == 1 and blank:
                target = blank[0].pk
                phones_to_fill[blank[0].pk] = phone
            elif not blank:
                known = "、".join(mask_phone(c.phone) for c in same)
                error(
                    r.row,
                    phone_column,
                    mask_phone(phone),
                    f"帮扶责任人“{name}”在干部名册中登记的电话是 {known}，与本行的电话不一致。请核对后改正；"
                    "如确是另一位同名干部，请先由区扶贫办在干部名册中登记。",
                )
            else:
                error(
                    r.row,
                    name_column,
                    name,
                    f"干部名册中有 {len(same)} 位名叫“{name}”的干部，无法确定是哪一位，请在干部名册中补全他们的电话。",
                )
        elif len(same) == 1:
            target = same[0].pk
        elif len(same) > 1:
            error(
                r.row,
                name_column,
                name,
                f"干部名册中有 {len(same)} 位名叫“{name}”的干部，请填写帮扶责任人联系电话以区分。",
            )
        elif len(phones_in_file[name]) > 1:
            error(
                r.row,
                name_column,
                name,
                f"台账中“{name}”出现了不同的电话，本行未填电话，无法确定是哪一位，请填写帮扶责任人联系电话。",
            )
        else:
            target = (name, next(iter(phones_in_file[name]), ""))
        if target is None:
            continue
        if isinstance(target, tuple):
            entry = new.setdefault(target, _NewCadre(name=target[0], phone=target[1], unit=unit))
            entry.unit = entry.unit or unit
        targets[r.number] = target
        rows_of[target].append(r)

    inactive = {c.pk: c.name for cs in stored.values() for c in cs if not c.active}
    stored_ids = [r.household_id for r, *_ in named if r.household_id is not None]
    current: dict[int, tuple[int, int]] = {}  # household id → (pairing id, cadre id)
    if stored_ids:
        for pk, household_id, cadre_id in filter_in(Pairing.objects.active(), "household_id", stored_ids).values_list(
            "pk", "household_id", "cadre_id"
        ):
            current[household_id] = (pk, cadre_id)

    creates: list[tuple[str, int | tuple[str, str]]] = []  # household number, cadre
    handovers: list[tuple[str, int, int | tuple[str, str]]] = []  # household number, old pairing, cadre
    unchanged = 0
    for r, *_ in named:
        target = targets.get(r.number)
        if target is None:
            continue
        now = current.get(r.household_id) if r.household_id is not None else None
        if now is not None and now[1] == target:
            unchanged += 1
            continue
        if isinstance(target, int) and target in inactive:
            error(
                r.row,
                name_column,
                inactive[target],
                f"{inactive[target]}在干部名册中已设为不在岗，不能再结对。请核对帮扶责任人，或由区扶贫办恢复其在岗状态。",
            )
            continue
        if now is None:
            creates.append((r.number, target))
        else:
            handovers.append((r.number, now[0], target))

    _quota_notes(plan, creates, handovers, current, new)
    plan.summary = (
        f"帮扶结对：新登记干部 {len(new)} 名，新结对 {len(creates)} 户，更换帮扶责任人 {len(handovers)} 户，"
        f"未变 {unchanged} 户。"
    )
    if not (creates or handovers or phones_to_fill or new):
        return plan

    def write(ids: WriteIds, actor: User | None) -> None:
        _write(ids.households, actor, new=new, creates=creates, handovers=handovers, phones_to_fill=phones_to_fill)

    plan.write = write
    return plan


def _quota_notes(
    plan: ExtensionPlan,
    creates: list[tuple[str, int | tuple[str, str]]],
    handovers: list[tuple[str, int, int | tuple[str, str]]],
    current: dict[int, tuple[int, int]],
    new: dict[tuple[str, str], _NewCadre],
) -> None:
    """Each cadre's households once the import is written, against the quota (rule 7)."""
    gained: dict[int | tuple[str, str], int] = defaultdict(int)
    for _n, target in creates:
        gained[target] += 1
    lost: dict[int, int] = defaultdict(int)
    handed = {pairing for _n, pairing, _t in handovers}
    for pairing, cadre in current.values():
        if pairing in handed:
            lost[cadre] += 1
    for _n, _p, target in handovers:
        gained[target] += 1
    if not gained:
        return
    quotas = pairing_quotas()
    stored_ids = [t for t in gained if isinstance(t, int)]
    loads = {
        c.pk: (c.name, c.rank, c.n)
        for c in Cadre.objects.filter(pk__in=stored_ids).annotate(
            n=Count("pairings", filter=Q(pairings__ended_on__isnull=True))
        )
    }
    for target, n in gained.items():
        if isinstance(target, int):
            name, rank, before = loads[target]
            total = before - lost[target] + n
        else:
            name, rank, total = new[target].name, "", n
        quota = quota_for(rank, quotas)
        if total > quota:
            plan.notes.append(
                f"帮扶责任人{name}（{rank_label(rank)}）导入后结对 {total} 户，超过上限 {quota} 户"
                "（规划第九章第一节）。请区扶贫办在干部名册中核对其干部类别，或为多出的农户更换帮扶责任人。"
            )


def _write(
    ids: dict[str, int],
    actor: User | None,
    *,
    new: dict[tuple[str, str], _NewCadre],
    creates: list[tuple[str, int | tuple[str, str]]],
    handovers: list[tuple[str, int, int | tuple[str, str]]],
    phones_to_fill: dict[int, str],
) -> None:
    today = timezone.localdate()
    created: dict[tuple[str, str], int] = {}
    for key, entry in new.items():
        cadre = Cadre(name=entry.name, phone=entry.phone, unit=entry.unit, note="台账导入时新建，请补登干部类别")
        cadre._history_user, cadre._change_reason = actor, REASON
        cadre.save()
        created[key] = cadre.pk
    for pk, phone in phones_to_fill.items():
        cadre = Cadre.objects.get(pk=pk)
        cadre.phone = phone
        cadre._history_user, cadre._change_reason = actor, f"{REASON}：补登电话"
        cadre.save()

    def cadre_id(target: int | tuple[str, str]) -> int:
        return target if isinstance(target, int) else created[target]

    for number, target in creates:
        pairing = Pairing(cadre_id=cadre_id(target), household_id=ids[number], started_on=today, created_by=actor)
        pairing._history_user, pairing._change_reason = actor, REASON
        pairing.save()
    for number, old_pk, target in handovers:
        old = Pairing.objects.select_for_update().get(pk=old_pk)
        old.ended_on = max(today, old.started_on)
        old.end_reason, old.end_note, old.ended_by = EndReason.LEDGER, REASON, actor
        old._history_user, old._change_reason = actor, REASON
        old.save()
        successor = Pairing(
            cadre_id=cadre_id(target), household_id=ids[number], started_on=old.ended_on, created_by=actor
        )
        successor._history_user, successor._change_reason = actor, REASON
        successor.save()
        old.successor = successor
        old.save(update_fields=["successor"])


def cadre_export(household_ids: list[int], person_ids: list[int]) -> ExtensionValues:
    """The current cadre of each household, for the exported ledger's 帮扶责任人 columns."""
    rows = filter_in(Pairing.objects.active(), "household_id", household_ids).values_list(
        "household_id", "cadre__name", "cadre__phone", "cadre__unit"
    )
    return ExtensionValues(
        households={h: {"cadre": name, "cadre_phone": phone, "cadre_unit": unit} for h, name, phone, unit in rows}
    )


CADRE_COLUMNS = LedgerExtension(name="帮扶结对", columns=COLUMNS, plan=cadre_plan, export=cadre_export)
