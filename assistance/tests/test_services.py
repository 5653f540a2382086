"""Pairing, handover, ending, visits and measures through the services: the refusals a clerk would meet."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Area, User
from assistance.models import EndReason, Measure, Pairing
from assistance.services import (
    cadre_create,
    cadre_update,
    measure_add,
    pairing_end,
    pairing_handover,
    quota_set,
    visit_record,
)
from households.models import HouseholdStatus
from households.services import household_change_status
from households.tests.factories import make_household, member

from .factories import make_cadre, pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(areas: dict[str, Area]) -> Area:
    return areas["商家村"]


def households(n: int, *, village: Area, actor: User) -> list:
    return [make_household(village=village, actor=actor) for _ in range(n)]


def test_a_section_cadre_takes_three_households_and_not_a_fourth(dora: User, village: Area) -> None:
    cadre = make_cadre(actor=dora, name="孔明", rank="科级干部")
    first, second, third, fourth = households(4, village=village, actor=dora)
    for household in (first, second, third):
        pair(actor=dora, household=household, cadre=cadre)
    with pytest.raises(ValidationError) as refused:
        pair(actor=dora, household=fourth, cadre=cadre)
    assert "孔明（科级干部）已结对 3 户，达到上限 3 户" in refused.value.messages[0]
    assert not fourth.pairings.exists()


def test_an_ordinary_cadre_takes_two(dora: User, village: Area) -> None:
    cadre = make_cadre(actor=dora, rank="一般干部")
    a, b, c = households(3, village=village, actor=dora)
    pair(actor=dora, household=a, cadre=cadre)
    pair(actor=dora, household=b, cadre=cadre)
    with pytest.raises(ValidationError, match="达到上限 2 户"):
        pair(actor=dora, household=c, cadre=cadre)


def test_the_district_office_changes_the_quota_without_code(dora: User, village: Area) -> None:
    cadre = make_cadre(actor=dora, rank="一般干部")
    a, b, c = households(3, village=village, actor=dora)
    pair(actor=dora, household=a, cadre=cadre)
    pair(actor=dora, household=b, cadre=cadre)
    quota_set(actor=dora, rank="一般干部", households=3)
    pair(actor=dora, household=c, cadre=cadre)
    assert cadre.pairings.active().count() == 3


def test_a_household_with_a_cadre_is_not_paired_again(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    pair(actor=dora, household=household, cadre=make_cadre(actor=dora, name="颜华"))
    with pytest.raises(ValidationError, match="该户已由颜华帮扶"):
        pair(actor=dora, household=household, cadre=make_cadre(actor=dora))


def test_an_inactive_cadre_is_not_paired(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    cadre = make_cadre(actor=dora, active=False)
    with pytest.raises(ValidationError, match="不在岗"):
        pair(actor=dora, household=household, cadre=cadre)


def test_a_pairing_date_in_the_future_is_refused(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    with pytest.raises(ValidationError, match="结对日期不能晚于今天"):
        pair(actor=dora, household=household, cadre=make_cadre(actor=dora), on=timezone.localdate() + timedelta(1))


def test_ending_the_pairing_of_an_unexited_household_is_refused(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    pairing = pair(actor=dora, household=household, cadre=make_cadre(actor=dora))
    with pytest.raises(ValidationError, match="帮包干部不撤回"):
        pairing_end(actor=dora, pairing=pairing, on=timezone.localdate())
    pairing.refresh_from_db()
    assert pairing.ended_on is None


def test_a_removed_household_s_pairing_ends(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    pairing = pair(actor=dora, household=household, cadre=make_cadre(actor=dora))
    household_change_status(actor=dora, household=household, to_status=HouseholdStatus.REMOVED, reason="全户迁出")
    pairing_end(actor=dora, pairing=pairing, on=timezone.localdate(), note="已迁往外省")
    pairing.refresh_from_db()
    assert (pairing.ended_on, pairing.end_reason, pairing.ended_by) == (timezone.localdate(), EndReason.REMOVED, dora)


def test_a_handover_keeps_the_household_covered_and_records_both_cadres(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    old_cadre, new_cadre = make_cadre(actor=dora, name="孔明"), make_cadre(actor=dora, name="曾静")
    old = pair(actor=dora, household=household, cadre=old_cadre)
    today = timezone.localdate()
    new = pairing_handover(actor=dora, pairing=old, successor=new_cadre, on=today, reason="调岗", note="调往区财政局")
    old.refresh_from_db()
    assert (old.ended_on, old.end_reason, old.successor) == (today, "调岗", new)
    assert (new.cadre, new.started_on, new.ended_on) == (new_cadre, today, None)
    assert [p.cadre.name for p in household.pairings.order_by("pk")] == ["孔明", "曾静"]
    assert household.pairings.active().get() == new
    # The history of the old pairing says why it ended and who took over.
    assert "交接给曾静：调岗" in [h.history_change_reason for h in old.history.all()]


def test_a_handover_to_a_full_cadre_changes_nothing(dora: User, village: Area) -> None:
    full = make_cadre(actor=dora, rank="一般干部")
    x, y, household = households(3, village=village, actor=dora)
    pair(actor=dora, household=x, cadre=full)
    pair(actor=dora, household=y, cadre=full)
    old = pair(actor=dora, household=household, cadre=make_cadre(actor=dora))
    with pytest.raises(ValidationError, match="达到上限 2 户"):
        pairing_handover(actor=dora, pairing=old, successor=full, on=timezone.localdate(), reason="调岗")
    old.refresh_from_db()
    assert old.ended_on is None
    assert household.pairings.count() == 1


def test_a_handover_to_the_same_cadre_is_refused(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    cadre = make_cadre(actor=dora)
    old = pair(actor=dora, household=household, cadre=cadre)
    with pytest.raises(ValidationError, match="就是现在的帮扶责任人"):
        pairing_handover(actor=dora, pairing=old, successor=cadre, on=timezone.localdate(), reason="调岗")


def test_grade_decides_the_rank_and_a_contradiction_is_refused(dora: User) -> None:
    cadre = cadre_create(actor=dora, data={"name": "端木", "grade": "乡科级副职", "rank": ""})
    assert cadre.rank == "科级干部"
    with pytest.raises(ValidationError, match="属于一般干部"):
        cadre_update(actor=dora, cadre=cadre, data={"grade": "科员级", "rank": "科级干部"})


def test_the_same_cadre_is_not_registered_twice(dora: User) -> None:
    make_cadre(actor=dora, name="孔明", phone="13900001111")
    with pytest.raises(ValidationError, match="请勿重复登记"):
        make_cadre(actor=dora, name="孔明", phone="13900001111")


def test_a_visit_is_recorded_and_a_future_one_refused(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    cadre = make_cadre(actor=dora)
    visit = visit_record(
        actor=dora, household=household, data={"cadre": cadre, "visited_on": date(2026, 3, 2), "found": "存粮充足"}
    )
    assert (visit.recorded_by, household.visits.count()) == (dora, 1)
    with pytest.raises(ValidationError, match="走访日期不能晚于今天"):
        visit_record(
            actor=dora,
            household=household,
            data={"cadre": cadre, "visited_on": timezone.localdate() + timedelta(1), "found": "x"},
        )


def test_a_welfare_job_records_its_year_pay(dora: User, village: Area) -> None:
    household = make_household(village=village, actor=dora, members=[member("王秀英", male=False)])
    head = household.members.get()
    measure = measure_add(
        actor=dora,
        household=household,
        data={
            "year": 2026,
            "kind": "就业",
            "item": "公益岗位",
            "person": head,
            "description": "村庄保洁",
            "months": 10,
            "monthly_pay": Decimal("500"),
            "done_on": date(2026, 3, 1),
            "department": "镇政府",
        },
    )
    assert measure.amount == Decimal("5000.00")


def test_a_measure_for_another_household_s_member_is_refused(dora: User, village: Area) -> None:
    a, b = households(2, village=village, actor=dora)
    with pytest.raises(ValidationError, match="受益成员必须是本户成员"):
        measure_add(
            actor=dora,
            household=a,
            data={
                "year": 2026,
                "kind": "就业",
                "item": "技能培训",
                "person": b.members.get(),
                "description": "电工培训",
                "done_on": date(2026, 3, 1),
                "department": "人社",
            },
        )
    assert not Measure.objects.exists()


def test_a_startup_loan_must_be_fully_subsidised(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    with pytest.raises(ValidationError) as refused:
        measure_add(
            actor=dora,
            household=household,
            data={
                "year": 2026,
                "kind": "金融",
                "item": "创业扶贫担保贷款",
                "description": "开办农家乐",
                "amount": Decimal(50000),
                "interest_subsidy": "部分贴息",
                "done_on": date(2026, 3, 1),
                "department": "财政",
            },
        )
    assert refused.value.message_dict == {
        "interest_subsidy": ["创业扶贫担保贷款由财政全额贴息（规划第十二章第三节），贴息方式应为“全额贴息”。"]
    }


def test_no_pairing_is_ever_deleted_by_a_handover(dora: User, village: Area) -> None:
    (household,) = households(1, village=village, actor=dora)
    pairing = pair(actor=dora, household=household, cadre=make_cadre(actor=dora))
    for _ in range(3):
        pairing = pairing_handover(
            actor=dora, pairing=pairing, successor=make_cadre(actor=dora), on=timezone.localdate(), reason="工作调整"
        )
    assert Pairing.objects.filter(household=household).count() == 4
    assert Pairing.objects.filter(household=household, ended_on__isnull=True).count() == 1
