"""The registry's writes: members, heads, ID numbers, leaving, status changes, incomes, standards."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Area, User
from households.models import Household, HouseholdStatus, Person, PovertyStandard, Relation
from households.services import (
    household_change_status,
    household_update,
    income_set,
    person_add,
    person_leave,
    standard_set,
)

from .factories import make_household, member


def test_create_records_the_household_members_and_status(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(
        village=areas["商家村"], actor=alice, members=[member("张三"), member("李四", Relation.SPOUSE, male=False)]
    )
    assert h.status == HouseholdStatus.IN_POVERTY
    assert h.members.count() == 2
    change = h.status_changes.get()
    assert (change.to_status, change.actor, change.reason) == ("未脱贫", alice, "建档立卡")
    assert h.history.get().history_user == alice


def test_create_outside_scope_is_refused(alice: User, areas: dict[str, Area]) -> None:
    with pytest.raises(PermissionDenied):
        make_household(village=areas["萌水村"], actor=alice)
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        pytest.param(lambda: [member("甲", Relation.SPOUSE)], "有 0 名", id="no head"),
        pytest.param(lambda: [member("甲"), member("乙")], "有 2 名", id="two heads"),
    ],
)
def test_exactly_one_head(alice: User, areas: dict[str, Area], members: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make_household(village=areas["商家村"], actor=alice, members=members())
    assert not Person.objects.exists()


def test_the_same_id_twice_in_a_household_is_refused(alice: User, areas: dict[str, Area]) -> None:
    head = member("甲")
    twin = {**head, "name": "乙", "relation": Relation.SON}
    with pytest.raises(ValidationError, match="出现了不止一次"):
        make_household(village=areas["商家村"], actor=alice, members=[head, twin])


def test_an_id_active_in_another_household_is_refused(dora: User, areas: dict[str, Area]) -> None:
    first = make_household(village=areas["商家村"], actor=dora)
    person = first.members.get()
    again = {**member("冒名"), "id_number": person.id_number}
    with pytest.raises(ValidationError, match=f"已登记在另一户（户编号 {first.number}）"):
        make_household(village=areas["萌水村"], actor=dora, members=[again])
    assert Household.objects.count() == 1


def test_the_database_also_refuses_a_second_active_id(dora: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=dora)
    p = h.members.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            household=h, name="x", id_number=p.id_number, relation="之子", sex="男", birth_date=p.birth_date
        )


def test_an_id_of_a_person_who_left_can_be_registered_again(dora: User, areas: dict[str, Area]) -> None:
    h = make_household(
        village=areas["商家村"], actor=dora, members=[member("户主"), member("女儿", Relation.DAUGHTER, male=False)]
    )
    daughter = h.members.get(relation=Relation.DAUGHTER)
    person_leave(actor=dora, person=daughter, reason="婚出", on=date(2024, 5, 1))
    married_into = {**member("女儿"), "id_number": daughter.id_number, "sex": "女"}
    other = make_household(village=areas["萌水村"], actor=dora, members=[married_into])
    assert other.members.get().id_number == daughter.id_number


def test_update_changes_fields_and_keeps_history(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice, phone="")
    head = h.members.get()
    household_update(
        actor=alice,
        household=h,
        data={"phone": "13800138000", "village": areas["李家村"]},
        members=[{"pk": head.pk, "relation": Relation.HEAD, "id_number": head.id_number, "name": "张三丰"}],
    )
    h.refresh_from_db()
    assert (h.phone, h.village.name, h.members.get().name) == ("13800138000", "李家村", "张三丰")
    assert h.history.count() == 2
    assert h.history.first().history_user == alice


def test_update_cannot_move_a_household_to_another_town(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice)
    head = h.members.get()
    with pytest.raises(PermissionDenied):
        household_update(
            actor=alice,
            household=h,
            data={"village": areas["萌水村"]},
            members=[{"pk": head.pk, "relation": head.relation, "id_number": head.id_number}],
        )
    h.refresh_from_db()
    assert h.village.name == "商家村"


def test_update_cannot_drop_a_member(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice, members=[member("户主"), member("儿子", Relation.SON)])
    head = h.members.get(relation=Relation.HEAD)
    with pytest.raises(ValidationError, match="成员不能在修改页删除"):
        household_update(
            actor=alice,
            household=h,
            data={},
            members=[{"pk": head.pk, "relation": head.relation, "id_number": head.id_number}],
        )
    assert h.members.active().count() == 2


def test_update_hands_the_head_to_another_member_in_one_step(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice, members=[member("父亲"), member("儿子", Relation.SON)])
    father, son = h.members.get(name="父亲"), h.members.get(name="儿子")
    household_update(
        actor=alice,
        household=h,
        data={},
        members=[
            {"pk": son.pk, "relation": Relation.HEAD, "id_number": son.id_number},
            {"pk": father.pk, "relation": Relation.FATHER, "id_number": father.id_number},
        ],
    )
    assert h.members.get(relation=Relation.HEAD).name == "儿子"


def test_person_add(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice)
    baby = member("小宝", Relation.GRANDSON, birth=date(2025, 1, 2))
    person_add(actor=alice, household=h, data=baby)
    assert h.members.active().count() == 2
    with pytest.raises(ValidationError, match="有 2 名"):
        person_add(actor=alice, household=h, data=member("第二户主"))


def test_a_member_leaves_with_reason_and_is_kept(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(
        village=areas["商家村"], actor=alice, members=[member("户主"), member("老母亲", Relation.MOTHER, male=False)]
    )
    mother = h.members.get(relation=Relation.MOTHER)
    person_leave(actor=alice, person=mother, reason="死亡", on=date(2025, 3, 1), note="病故")
    mother.refresh_from_db()
    assert (mother.left_reason, mother.left_on, mother.left_note) == ("死亡", date(2025, 3, 1), "病故")
    assert Person.objects.filter(pk=mother.pk).exists()
    assert h.members.active().count() == 1
    assert mother.history.first().history_change_reason == "成员减少：死亡，病故"
    with pytest.raises(ValidationError, match="已于 2025-03-01 登记为死亡"):
        person_leave(actor=alice, person=mother, reason="死亡", on=date(2025, 3, 1))


def test_the_head_leaving_needs_a_successor(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice, members=[member("户主"), member("儿子", Relation.SON)])
    head, son = h.members.get(relation=Relation.HEAD), h.members.get(relation=Relation.SON)
    with pytest.raises(ValidationError, match="指定新户主"):
        person_leave(actor=alice, person=head, reason="死亡", on=date(2025, 3, 1))
    person_leave(actor=alice, person=head, reason="死亡", on=date(2025, 3, 1), new_head=son)
    son.refresh_from_db()
    assert son.relation == Relation.HEAD


def test_the_last_member_leaving_makes_the_household_a_natural_decrease(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice)
    person_leave(actor=alice, person=h.members.get(), reason="死亡", on=date(2025, 3, 1))
    h.refresh_from_db()
    assert h.status == HouseholdStatus.REMOVED
    assert "全部成员已减少" in h.status_changes.first().reason


@pytest.mark.parametrize(
    ("on", "message"),
    [
        pytest.param(None, "不能晚于今天", id="future"),  # tomorrow in Asia/Shanghai, taken when the test runs
        pytest.param(date(1950, 1, 1), "不能早于出生日期", id="before birth"),
    ],
)
def test_leave_date_is_checked(alice: User, areas: dict[str, Area], on: date | None, message: str) -> None:
    on = on or timezone.localdate() + timedelta(days=1)
    h = make_household(village=areas["商家村"], actor=alice)
    with pytest.raises(ValidationError, match=message):
        person_leave(actor=alice, person=h.members.get(), reason="迁出", on=on)


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("未脱贫", "自然减少", True),
        ("未脱贫", "已脱贫", False),  # only through the exit procedure
        ("未脱贫", "返贫", False),
        ("已脱贫", "返贫", True),
        ("已脱贫", "自然减少", True),
        ("返贫", "自然减少", True),
        ("返贫", "已脱贫", False),
    ],
)
def test_manual_status_transitions(dora: User, areas: dict[str, Area], start: str, to: str, allowed: bool) -> None:
    h = make_household(village=areas["商家村"], actor=dora, status=start, exit_year=None if start == "未脱贫" else 2017)
    if allowed:
        household_change_status(actor=dora, household=h, to_status=to, reason="核实")
        h.refresh_from_db()
        assert h.status == to
        assert h.status_changes.first().reason == "核实"
    else:
        with pytest.raises(ValidationError, match="不能把"):
            household_change_status(actor=dora, household=h, to_status=to, reason="核实")


def test_a_status_change_needs_a_reason(dora: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=dora)
    with pytest.raises(ValidationError, match="原因"):
        household_change_status(actor=dora, household=h, to_status="自然减少", reason="  ")


def test_backfilled_exited_household_needs_its_year(dora: User, areas: dict[str, Area]) -> None:
    with pytest.raises(ValidationError, match="脱贫年度"):
        make_household(village=areas["商家村"], actor=dora, status="已脱贫")


def test_income_set_creates_updates_and_skips_unchanged(alice: User, areas: dict[str, Area]) -> None:
    h = make_household(village=areas["商家村"], actor=alice)
    income_set(actor=alice, household=h, year=2025, data={"wage": Decimal(5000)})
    with pytest.raises(ValidationError, match="请填写修改原因"):
        income_set(actor=alice, household=h, year=2025, data={"wage": Decimal(6000)})
    income_set(actor=alice, household=h, year=2025, data={"wage": Decimal(6000)}, reason="入户核实")
    income_set(actor=alice, household=h, year=2025, data={"wage": Decimal(6000)})
    income = h.incomes.get()
    assert income.wage == Decimal(6000)
    assert income.history.count() == 2
    with pytest.raises(ValidationError, match="至少填写一项"):
        income_set(actor=alice, household=h, year=2024, data={})


@pytest.mark.django_db
def test_set_standard_command(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("set_standard", "2017", "--poverty-line", "3609", "--dibao-line", "4440")
    call_command("set_standard", "2017", "--poverty-line", "3700", "--dibao-line", "4440")
    standard = PovertyStandard.objects.get(year=2017)
    assert (standard.poverty_line, standard.dibao_line) == (Decimal(3700), Decimal(4440))
    assert "2017 年" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不是有效的金额"):
        call_command("set_standard", "2018", "--poverty-line", "三千", "--dibao-line", "4440")
    with pytest.raises(CommandError, match="大于 0"):
        call_command("set_standard", "2018", "--poverty-line", "0", "--dibao-line", "4440")


@pytest.mark.django_db
def test_standard_set_is_idempotent() -> None:
    standard_set(year=2020, poverty_line=Decimal(3609), dibao_line=Decimal(5460))
    standard_set(year=2020, poverty_line=Decimal(3609), dibao_line=Decimal(5460))
    assert PovertyStandard.objects.get(year=2020).history.count() == 1
