"""Every education page: the happy path, the wrong method (405), a role without permission (403), the other town
(404); and the flows the education office and the towns go through."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Area, AuditEvent, Role, User
from conftest import make_user
from education.models import Benefit, Enrolment, LeftBehindChild, PolicySetting
from households.models import Household, Person, Relation
from households.tests.factories import make_household, member

from .conftest import SCHOOL_YEAR
from .factories import enrol, give, open_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def jill(areas: dict[str, Area]) -> User:
    """An education officer whose account covers 商家镇 only (a town's 学区 office): 萌水镇 is another town."""
    return make_user("jill", role=Role.SECTOR_OFFICER, area=areas["商家镇"], sector="education")


@pytest.fixture
def objects(family: Household, child: Person, other_town: Household, jim: User) -> dict[str, dict[str, int]]:
    """For each kind of object: its pk in 商家镇 (`own`) and in 萌水镇 (`other`)."""
    other_child = other_town.members.get(name="赵小")
    e1 = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    e2 = enrol(actor=jim, person=other_child, year=SCHOOL_YEAR, stage="小学", school="萌水镇中心小学")
    b1, b2 = give(actor=jim, enrolment=e1, item="作业费"), give(actor=jim, enrolment=e2, item="作业费")
    f1 = open_file(actor=jim, child=child)
    f2 = open_file(actor=jim, child=other_child, registered_on=date(2025, 10, 1))
    return {
        "household": {"own": family.pk, "other": other_town.pk},
        "enrolment": {"own": e1.pk, "other": e2.pk},
        "benefit": {"own": b1.pk, "other": b2.pk},
        "file": {"own": f1.pk, "other": f2.pk},
    }


# view name, the kind of object in its URL, a persona allowed, a persona whose role may not (403)
OBJECT_PAGES = [
    ("education:enrol", "household", "jim", "alice"),
    ("education:left_behind_create", "household", "jim", "alice"),
    ("education:enrolment_edit", "enrolment", "jim", "alice"),
    ("education:enrolment_void", "enrolment", "jim", "dora"),
    ("education:benefit_create", "enrolment", "jim", "sam"),
    ("education:benefit_void", "benefit", "jim", "vera"),
    ("education:left_behind_edit", "file", "jim", "alice"),
    ("education:left_behind_close", "file", "jim", "bob"),
    ("education:card", "file", "alice", "audrey"),
]


@pytest.mark.parametrize(("name", "kind", "allowed", "denied"), OBJECT_PAGES)
def test_object_pages(
    client: Client,
    request: pytest.FixtureRequest,
    objects: dict[str, dict[str, int]],
    jill: User,
    name: str,
    kind: str,
    allowed: str,
    denied: str,
) -> None:
    own = reverse(name, args=[objects[kind]["own"]])
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(own).status_code == 200
    assert client.delete(own).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(own).status_code == 403
    # 萌水镇's object, for someone allowed whose scope is 商家镇: as if it did not exist.
    client.force_login(request.getfixturevalue("alice") if allowed == "alice" else jill)
    assert client.get(reverse(name, args=[objects[kind]["other"]])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404


# view name, a persona allowed, a persona whose role may not (403)
LIST_PAGES = [
    ("education:students", "alice", "audrey"),
    ("education:export", "alice", "nobody"),
    ("education:left_behind", "vera", "audrey"),
    ("education:import", "jim", "alice"),
    ("education:policy", "dora", "jim"),
]


@pytest.mark.parametrize(("name", "allowed", "denied"), LIST_PAGES)
def test_list_pages(
    client: Client, request: pytest.FixtureRequest, objects: dict, name: str, allowed: str, denied: str
) -> None:
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(reverse(name)).status_code == 200
    assert client.put(reverse(name)).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(reverse(name)).status_code == 403


def test_post_only_and_get_only_pages(client: Client, jim: User) -> None:
    client.force_login(jim)
    assert client.get(reverse("education:import_confirm")).status_code == 405
    assert client.post(reverse("education:import_errors")).status_code == 405
    assert client.post(reverse("education:import_confirm"), {"token": "forged"}).status_code == 404


def test_lists_show_only_the_users_town(client: Client, objects: dict, alice: User, bob: User) -> None:
    client.force_login(alice)
    body = client.get(reverse("education:students")).content.decode()
    assert "李小明" in body
    assert "赵小" not in body
    body = client.get(reverse("education:left_behind")).content.decode()
    assert "李小明" in body
    assert "赵小" not in body
    client.force_login(bob)
    assert "李小明" not in client.get(reverse("education:students")).content.decode()


def test_an_officer_records_an_enrolment_and_a_benefit(
    client: Client, family: Household, child: Person, jim: User
) -> None:
    client.force_login(jim)
    response = client.post(
        reverse("education:enrol", args=[family.pk]),
        {
            "person": child.pk,
            "school_year": SCHOOL_YEAR,
            "stage": "初中",
            "school": " 商家中学 ",
            "grade": "七年级",
            "status": "在校",
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person=child)
    assert (enrolment.school, enrolment.started_on, enrolment.recorded_by) == ("商家中学", date(SCHOOL_YEAR, 9, 1), jim)
    response = client.post(
        reverse("education:benefit_create", args=[enrolment.pk]),
        {"item": "校服费", "amount": "180", "way": "免除", "on": f"{SCHOOL_YEAR}-09-15", "given_by": "商家中学"},
    )
    assert response.status_code == 302
    benefit = Benefit.objects.get(enrolment=enrolment)
    assert (benefit.item, benefit.amount, benefit.history.first().history_user) == ("校服费", Decimal("180.00"), jim)
    page = client.get(reverse("households:detail", args=[family.pk])).content.decode()
    assert "校服费 180.00 元（免除" in page
    assert "作业费、伙食费、校车费、社会实践活动费" in page  # still due: 应补即补


def test_an_item_of_another_stage_is_refused_on_the_form(client: Client, objects: dict, jim: User) -> None:
    client.force_login(jim)
    enrolment = Enrolment.objects.get(pk=objects["enrolment"]["own"])
    # 学杂费 is not even offered for 初中; the form says so and nothing is written.
    response = client.post(
        reverse("education:benefit_create", args=[enrolment.pk]),
        {"item": "学杂费", "amount": "800", "way": "免除", "on": f"{SCHOOL_YEAR}-09-15", "given_by": "商家中学"},
    )
    assert response.status_code == 200
    assert "学杂费" in response.context["form"].errors["item"][0]
    assert enrolment.benefits.count() == 1


def test_a_second_subsidy_over_3000_is_refused(client: Client, family: Household, jim: User, areas: dict) -> None:
    student = Person.objects.create(
        household=family,
        name="李大明",
        id_number="370303200801010011",
        relation=Relation.SON,
        sex="男",
        birth_date=date(2008, 1, 1),
    )
    enrolment = enrol(actor=jim, person=student, year=SCHOOL_YEAR, stage="中职", school="淄博工业学校")
    give(actor=jim, enrolment=enrolment, item="定额补助", amount="2000")
    client.force_login(jim)
    response = client.post(
        reverse("education:benefit_create", args=[enrolment.pk]),
        {"item": "定额补助", "amount": "1500", "way": "发放", "on": f"{SCHOOL_YEAR}-10-15", "given_by": "区教育局"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors  # already recorded for this enrolment
    assert enrolment.benefits.count() == 1


def test_voiding_needs_a_reason_and_keeps_the_record(client: Client, objects: dict, jim: User) -> None:
    client.force_login(jim)
    url = reverse("education:benefit_void", args=[objects["benefit"]["own"]])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert client.post(url, {"reason": "金额录错"}).status_code == 302
    benefit = Benefit.objects.get(pk=objects["benefit"]["own"])
    assert (benefit.is_void, benefit.void_reason, benefit.voided_by) == (True, "金额录错", jim)
    # an enrolment with a valid benefit cannot be voided; without one it can
    other = Enrolment.objects.get(pk=objects["enrolment"]["other"])
    response = client.post(reverse("education:enrolment_void", args=[other.pk]), {"reason": "录错"})
    assert "请先逐条作废资助记录" in response.content.decode()
    response = client.post(
        reverse("education:enrolment_void", args=[objects["enrolment"]["own"]]), {"reason": "录错学生"}
    )
    assert response.status_code == 302


def test_a_stage_change_mid_year_is_recorded_as_two_enrolments(
    client: Client, objects: dict, jim: User, child: Person
) -> None:
    client.force_login(jim)
    first = Enrolment.objects.get(pk=objects["enrolment"]["own"])
    response = client.post(
        reverse("education:enrol", args=[first.household_id]),
        {"person": child.pk, "school_year": SCHOOL_YEAR, "stage": "中职", "school": "淄博工业学校", "status": "在校",
         "started_on": f"{SCHOOL_YEAR + 1}-02-20"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "请先在原学籍填写截止日期" in response.content.decode()
    client.post(
        reverse("education:enrolment_edit", args=[first.pk]),
        {"stage": "初中", "school": "商家中学", "grade": "七年级", "status": "在校", "started_on": f"{SCHOOL_YEAR}-09-01",
         "ended_on": f"{SCHOOL_YEAR + 1}-01-20", "reason": "转入中职"},
    )  # fmt: skip
    response = client.post(
        reverse("education:enrol", args=[first.household_id]),
        {"person": child.pk, "school_year": SCHOOL_YEAR, "stage": "中职", "school": "淄博工业学校", "status": "在校",
         "started_on": f"{SCHOOL_YEAR + 1}-02-20"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Enrolment.objects.valid().filter(person=child).count() == 2


def test_left_behind_definition_on_the_form(client: Client, family: Household, child: Person, jim: User) -> None:
    client.force_login(jim)
    data = {
        "child": child.pk, "father_state": "外出务工", "mother_state": "在家", "guardian_name": "李大爷",
        "guardian_relation": "祖父", "guardian_phone": "13800000003", "registered_on": "2025-10-01",
    }  # fmt: skip
    response = client.post(reverse("education:left_behind_create", args=[family.pk]), data)
    assert "父母一方外出务工，另一方在家照料，不属于留守儿童" in response.content.decode()
    assert not LeftBehindChild.objects.exists()
    response = client.post(
        reverse("education:left_behind_create", args=[family.pk]), {**data, "mother_state": "无监护能力"}
    )
    file = LeftBehindChild.objects.get()
    assert response.url == reverse("education:card", args=[file.pk])
    card = client.get(response.url).content.decode()
    assert "农村留守儿童联系卡" in card
    assert "父亲外出务工，母亲无法履行监护" in card
    assert "13800000003" in card
    assert child.id_number not in card


def test_closing_a_file_needs_a_reason(client: Client, objects: dict, jim: User) -> None:
    client.force_login(jim)
    url = reverse("education:left_behind_close", args=[objects["file"]["own"]])
    assert client.post(url, {"on": "2026-01-05", "reason": ""}).status_code == 200
    assert client.post(url, {"on": "2026-01-05", "reason": "父母返乡"}).status_code == 302
    assert LeftBehindChild.objects.get(pk=objects["file"]["own"]).close_reason == "父母返乡"
    assert client.get(reverse("education:left_behind_edit", args=[objects["file"]["own"]])).status_code == 404


def test_the_policy_setting_turns_exited_households_on_and_off(
    client: Client, objects: dict, dora: User, jim: User
) -> None:
    Household.objects.filter(pk=objects["household"]["own"]).update(status="已脱贫", exit_year=2020)
    client.force_login(jim)
    body = client.get(reverse("education:students")).content.decode()
    assert "已脱贫户的学生（脱贫不脱政策" in body
    client.force_login(dora)
    assert client.post(reverse("education:policy"), {"policy_until": ""}).status_code == 302
    assert PolicySetting.objects.get().exited_keep_policy is False
    client.force_login(jim)
    response = client.get(reverse("education:students"))
    assert "已脱贫户的学生不再享受" in response.content.decode()
    row = next(s for s in response.context["listing"].rows if s.person.name == "李小明")
    assert (row.entitlement.entitled, row.gaps) == (False, ())


def test_a_child_of_compulsory_age_not_enrolled_is_listed(client: Client, family: Household, alice: User) -> None:
    client.force_login(alice)
    response = client.get(reverse("education:students"))
    (row,) = response.context["listing"].rows
    assert row.compulsory.detail.startswith("李小明，")
    assert row.compulsory.detail.endswith("岁，未登记学籍")
    assert response.context["listing"].out_of_school == 1


def _families(n: int, *, village: Area, actor: User) -> None:
    for i in range(n):
        household = make_household(
            village=village,
            actor=actor,
            members=[member(f"户主{i}"), member(f"学生{i}", Relation.SON, birth=date(2014, 3, 1))],
        )
        enrol(actor=actor, person=household.members.get(name=f"学生{i}"), year=SCHOOL_YEAR, stage="小学")


def test_the_lists_read_a_fixed_number_of_queries(
    client: Client, areas: dict, jim: User, alice: User, django_assert_num_queries: Callable
) -> None:
    _families(2, village=areas["商家村"], actor=jim)
    open_file(actor=jim, child=Person.objects.get(name="学生0"))
    client.force_login(alice)
    url = f"{reverse('education:students')}?year={SCHOOL_YEAR}"
    client.get(url)
    # session, user, permissions (3), the setting, enrolments, their benefits, the children not enrolled, the
    # schools, the towns (2), the session's save (3)
    with django_assert_num_queries(15) as few:
        client.get(url)
    with django_assert_num_queries(11):
        client.get(reverse("education:left_behind"))
    _families(5, village=areas["商家村"], actor=jim)
    open_file(actor=jim, child=Person.objects.get(name="学生3"))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["listing"].rows) == 7
    with django_assert_num_queries(11):
        client.get(reverse("education:left_behind"))


def test_the_export_masks_id_numbers_and_is_audited(
    client: Client, objects: dict, child: Person, jim: User, dora: User
) -> None:
    client.force_login(jim)
    response = client.get(reverse("education:export"), {"year": SCHOOL_YEAR})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("学年", "镇", "村", "户编号", "姓名", "证件号码")
    mine = [r for r in rows[2:] if r[4] == "李小明"]
    assert mine[0][5] == child.id_number[:6] + "********" + child.id_number[-4:]
    assert mine[0][11:14] == ("作业费", 100, "免除")
    assert AuditEvent.objects.filter(action="export", actor=jim, summary__contains="教育资助名单").exists()
    client.force_login(dora)  # the district office exports full numbers (households.export_full_ledger)
    response = client.get(reverse("education:export"), {"year": SCHOOL_YEAR})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert child.id_number in [r[5] for r in sheet.iter_rows(values_only=True)]


def test_the_household_page_shows_the_panel_and_the_change_log(
    client: Client, objects: dict, alice: User, audrey: User
) -> None:
    client.force_login(alice)
    body = client.get(reverse("households:detail", args=[objects["household"]["own"]])).content.decode()
    assert 'data-testid="education-panel"' in body
    assert "登记学籍：" in body  # the change log
    assert "登记资助：李小明 作业费 100.00 元（免除）" in body
    assert "联系卡" in body
    assert reverse("education:enrol", args=[objects["household"]["own"]]) not in body  # a clerk reads


def test_the_registry_list_filters_by_the_education_records(
    client: Client, family: Household, child: Person, other_town: Household, jim: User, dora: User
) -> None:
    from django.utils import timezone

    from education.rules import school_year_of

    year = school_year_of(timezone.localdate())
    enrol(actor=jim, person=child, year=year, status="辍学")
    enrol(actor=jim, person=other_town.members.get(name="赵小"), year=year, stage="小学")
    client.force_login(dora)
    mine, theirs = f'href="/households/{family.pk}/"', f'href="/households/{other_town.pk}/"'
    body = client.get("/households/", {"education": "dropout"}).content.decode()
    assert mine in body
    assert theirs not in body
    body = client.get("/households/", {"education": "student"}).content.decode()
    assert mine in body
    assert theirs in body


def test_the_three_left_behind_survey(
    client: Client, areas: dict, dora: User, alice: User, bob: User, audrey: User, django_assert_num_queries: Callable
) -> None:
    make_household(
        village=areas["商家村"], actor=dora, number="S1",
        members=[member("钱父", work_status="省外务工"), member("钱母", Relation.SPOUSE, male=False, work_status="省外务工"),
                 member("钱娃", Relation.SON, birth=date(2016, 6, 1))],
    )  # fmt: skip
    url = reverse("education:survey")
    client.force_login(alice)
    with django_assert_num_queries(12):
        response = client.get(url)
    _families(4, village=areas["商家村"], actor=dora)
    with django_assert_num_queries(12):  # constant in the number of households
        client.get(url)
    rows = response.context["found"]["留守儿童"]
    assert [r.finding.name for r in rows] == ["钱娃"]
    assert rows[0].file_id is None
    assert "未建档" in response.content.decode()
    assert client.post(url).status_code == 405
    client.force_login(bob)
    assert client.get(url).context["found"]["留守儿童"] == []
    client.force_login(audrey)
    assert client.get(url).status_code == 403
