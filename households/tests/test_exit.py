"""The exit procedure, walked through the pages: each step by the right role, objections, rejection, 销号."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from accounts.models import User
from households.models import ExitCase, ExitStage, Household, HouseholdStatus, Relation
from households.selectors import default_year
from households.services import income_set, standard_set

YEAR = default_year()
TODAY = timezone.localdate()  # the service judges dates in Asia/Shanghai


def post(client: Client, household: Household, action: str, **data: str) -> object:
    prefixed = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(f"/households/{household.pk}/exit/{action}/", prefixed)


def stage(household: Household) -> str:
    return household.exit_cases.first().stage


def walk_to_publicity(client: Client, household: Household, *, start: date, end: date) -> None:
    assert (
        post(
            client, household, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="23"
        ).status_code
        == 302
    )
    assert post(client, household, "verify", note="入户核实").status_code == 302
    assert post(client, household, "confirm", note="户主签字").status_code == 302
    assert post(client, household, "publicize", start=str(start), end=str(end)).status_code == 302


def test_the_whole_procedure(client: Client, ready: Household, alice: User, dora: User) -> None:
    client.force_login(alice)
    assert "提出退出" in client.get(f"/households/{ready.pk}/exit/").content.decode()
    walk_to_publicity(client, ready, start=TODAY - timedelta(days=10), end=TODAY - timedelta(days=1))
    assert stage(ready) == ExitStage.PUBLICIZING
    # The town clerk may not approve.
    assert post(client, ready, "approve").status_code == 403
    client.force_login(dora)
    assert post(client, ready, "approve", note="同意销号").status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.exit_year) == (HouseholdStatus.EXITED, YEAR)
    assert ready.status_changes.first().reason == "退出程序批准销号"
    page = client.get(f"/households/{ready.pk}/exit/").content.decode()
    for action in ("提出退出", "村和工作组核实", "农户确认", "开始公示", "批准销号"):
        assert action in page
    assert "23 人参加" in page
    detail = client.get(f"/households/{ready.pk}/").content.decode()
    assert "退出程序：批准销号" in detail
    assert "退出程序：提出退出" in detail


def test_only_a_household_meeting_the_standard_can_be_proposed(
    client: Client, ready: Household, alice: User, dora: User
) -> None:
    income_set(actor=dora, household=ready, year=YEAR, data={"wage": Decimal(6000)}, reason="入户核实")
    client.force_login(alice)
    response = post(client, ready, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="20")
    assert response.status_code == 400
    assert "未达到脱贫标准：收入（人均 3,000 元，标准 3,609 元）" in response.content.decode()
    assert not ExitCase.objects.exists()


def test_publicity_must_last_seven_days(client: Client, ready: Household, alice: User) -> None:
    client.force_login(alice)
    post(client, ready, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="20")
    post(client, ready, "verify")
    post(client, ready, "confirm")
    response = post(client, ready, "publicize", start=str(TODAY), end=str(TODAY + timedelta(days=5)))
    assert response.status_code == 400
    assert "公示期至少 7 天" in response.content.decode()
    assert post(client, ready, "publicize", start=str(TODAY), end=str(TODAY + timedelta(days=6))).status_code == 302


def test_approval_waits_for_the_end_of_publicity(client: Client, ready: Household, alice: User, dora: User) -> None:
    client.force_login(alice)
    walk_to_publicity(client, ready, start=TODAY - timedelta(days=3), end=TODAY + timedelta(days=3))
    client.force_login(dora)
    response = post(client, ready, "approve")
    assert response.status_code == 400
    assert "公示期尚未结束" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == HouseholdStatus.IN_POVERTY


def test_an_objection_sends_the_case_back(client: Client, ready: Household, alice: User) -> None:
    client.force_login(alice)
    walk_to_publicity(client, ready, start=TODAY - timedelta(days=2), end=TODAY + timedelta(days=5))
    assert post(client, ready, "object", received_on=str(TODAY), content="邻居反映收入有误").status_code == 302
    case = ready.exit_cases.first()
    assert (case.stage, case.publicity_start) == (ExitStage.PROPOSED, None)
    assert "邻居反映收入有误" in client.get(f"/households/{ready.pk}/exit/").content.decode()


def test_any_step_can_reject_with_a_reason(client: Client, ready: Household, alice: User) -> None:
    client.force_login(alice)
    post(client, ready, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="20")
    assert post(client, ready, "reject", reason="").status_code == 400
    assert post(client, ready, "reject", reason="核实发现外出务工收入未计入").status_code == 302
    assert stage(ready) == ExitStage.REJECTED
    # A new case can be opened afterwards.
    assert (
        post(client, ready, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="18").status_code
        == 302
    )
    assert ready.exit_cases.count() == 2


def test_the_exit_pages_are_404_for_the_other_town(client: Client, ready: Household, bob: User) -> None:
    bob.user_permissions.add(*Permission.objects.filter(codename__in=["approve_exit", "propose_exit"]))
    client.force_login(bob)
    assert client.get(f"/households/{ready.pk}/exit/").status_code == 404
    assert (
        post(client, ready, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="20").status_code
        == 404
    )
    assert client.get(f"/households/publicity/{ready.village_id}/").status_code == 404
    assert not ExitCase.objects.exists()


def test_the_exit_pages_are_403_without_permission(client: Client, ready: Household, audrey: User, sam: User) -> None:
    client.force_login(audrey)
    assert client.get(f"/households/{ready.pk}/exit/").status_code == 403
    client.force_login(sam)  # the sector officer reads the case but takes no step
    assert client.get(f"/households/{ready.pk}/exit/").status_code == 200
    assert (
        post(client, ready, "propose", income_year=str(YEAR), deliberation_date=str(TODAY), attendance="20").status_code
        == 403
    )


def test_the_exit_pages_refuse_the_wrong_method(client: Client, ready: Household, alice: User) -> None:
    client.force_login(alice)
    assert client.post(f"/households/{ready.pk}/exit/").status_code == 405
    assert client.get(f"/households/{ready.pk}/exit/verify/").status_code == 405
    assert client.post(f"/households/publicity/{ready.village_id}/").status_code == 405


def test_the_publicity_list_prints_masked_ids(client: Client, ready: Household, alice: User) -> None:
    client.force_login(alice)
    walk_to_publicity(client, ready, start=TODAY, end=TODAY + timedelta(days=6))
    body = client.get(f"/households/publicity/{ready.village_id}/").content.decode()
    head = ready.members.get(relation=Relation.HEAD)
    assert "商家镇 · 商家村 贫困户退出公示名单" in body
    assert "X1" in body
    assert head.id_number not in body
    assert f"{head.id_number[:6]}********{head.id_number[-4:]}" in body


def test_the_case_is_judged_on_its_chosen_year_which_becomes_the_exit_year(
    client: Client, ready: Household, alice: User, dora: User
) -> None:
    """Issue 10 bug 5: last year's income was recorded as this year's exit. The district chooses the year."""
    earlier = YEAR - 1
    standard_set(year=earlier, poverty_line=Decimal(3609), dibao_line=Decimal(3609))
    income_set(actor=dora, household=ready, year=earlier, data={"wage": Decimal(5000)})  # 2,500 each: below
    client.force_login(alice)
    response = post(client, ready, "propose", income_year=str(earlier), deliberation_date=str(TODAY), attendance="20")
    assert response.status_code == 400
    assert f"该户{earlier}年未达到脱贫标准" in response.content.decode()
    income_set(
        actor=dora, household=ready, year=earlier, data={"wage": Decimal(9000)}, reason="台账更正"
    )  # 4,500 each: above
    response = post(client, ready, "propose", income_year=str(earlier), deliberation_date=str(TODAY), attendance="20")
    assert response.status_code == 302
    assert (
        f"按 {earlier} 年收入评估，批准后记为 {earlier} 年脱贫"
        in client.get(f"/households/{ready.pk}/exit/").content.decode()
    )
    assert post(client, ready, "verify", note="入户核实").status_code == 302
    assert post(client, ready, "confirm", note="户主签字").status_code == 302
    start, end = TODAY - timedelta(days=10), TODAY - timedelta(days=1)
    assert post(client, ready, "publicize", start=str(start), end=str(end)).status_code == 302
    client.force_login(dora)
    assert post(client, ready, "approve", note="同意").status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.exit_year) == (HouseholdStatus.EXITED, earlier)
