"""Every registry page: the happy path, the wrong method, a role without permission (403), the other town (404)."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Area, Role, User
from conftest import make_user
from households.models import Household, HouseholdStatus, Person, Relation
from households.services import household_edit_token

from .factories import id_number, make_household, member


@pytest.fixture
def shangjia_household(areas: dict[str, Area], alice: User) -> Household:
    """A 商家镇 household: head 张三 and his wife 李梅, with a full ID number and phone to look for."""
    return make_household(
        village=areas["商家村"],
        actor=alice,
        phone="13800138000",
        members=[member("张三"), member("李梅", Relation.SPOUSE, male=False, birth=date(1962, 8, 8))],
    )


def url(name: str, household: Household) -> str:
    args = [household.pk]
    if name == "households:person_leave":
        args.append(household.members.get(relation=Relation.SPOUSE).pk)
    return reverse(name, args=args)


# view name, a persona allowed to use it, a persona whose role may not (403)
PAGES = [
    ("households:detail", "alice", "audrey"),
    ("households:edit", "alice", "sam"),
    ("households:person_add", "alice", "sam"),
    ("households:person_leave", "alice", "sam"),
    ("households:income", "alice", "sam"),
    ("households:status", "dora", "alice"),
]


@pytest.mark.parametrize(("name", "allowed", "_denied"), PAGES)
def test_page_opens_for_an_allowed_role(
    request: pytest.FixtureRequest, client: Client, shangjia_household: Household, name: str, allowed: str, _denied: str
) -> None:
    client.force_login(request.getfixturevalue(allowed))
    response = client.get(url(name, shangjia_household))
    assert response.status_code == 200
    assert shangjia_household.number in response.content.decode()


@pytest.mark.parametrize(("name", "_allowed", "denied"), PAGES)
def test_page_is_403_for_a_role_without_permission(
    request: pytest.FixtureRequest, client: Client, shangjia_household: Household, name: str, _allowed: str, denied: str
) -> None:
    client.force_login(request.getfixturevalue(denied))
    assert client.get(url(name, shangjia_household)).status_code == 403
    assert client.post(url(name, shangjia_household), {}).status_code in (403, 405)


@pytest.mark.parametrize(("name", "_allowed", "_denied"), PAGES)
def test_page_is_404_for_the_other_town(
    client: Client, shangjia_household: Household, bob: User, name: str, _allowed: str, _denied: str
) -> None:
    # Give 萌水镇's clerk every registry permission: only the scope stands between him and the household.
    bob.user_permissions.add(*Permission.objects.filter(content_type__app_label="households"))
    client.force_login(bob)
    assert client.get(url(name, shangjia_household)).status_code == 404
    assert client.post(url(name, shangjia_household), {"reason": "x"}).status_code in (404, 405)
    shangjia_household.refresh_from_db()
    assert shangjia_household.status == HouseholdStatus.IN_POVERTY


@pytest.mark.parametrize(("name", "allowed", "_denied"), PAGES)
def test_page_refuses_the_wrong_method(
    request: pytest.FixtureRequest, client: Client, shangjia_household: Household, name: str, allowed: str, _denied: str
) -> None:
    client.force_login(request.getfixturevalue(allowed))
    method = client.post if name == "households:detail" else client.put
    assert method(url(name, shangjia_household)).status_code == 405
    assert client.delete(url(name, shangjia_household)).status_code == 405


def test_no_page_deletes(client: Client, shangjia_household: Household, dora: User) -> None:
    client.force_login(dora)
    for name, *_ in PAGES:
        client.delete(url(name, shangjia_household))
    assert Household.objects.filter(pk=shangjia_household.pk).exists()
    assert shangjia_household.members.count() == 2


# ---- the list -------------------------------------------------------------------------------------------------


def test_list_shows_only_the_users_town(client: Client, areas: dict[str, Area], alice: User, dora: User) -> None:
    mine = make_household(village=areas["商家村"], actor=dora, number="SJ001")
    theirs = make_household(village=areas["萌水村"], actor=dora, number="MS001")
    client.force_login(alice)
    body = client.get("/households/").content.decode()
    assert f"/households/{mine.pk}/" in body
    assert f"/households/{theirs.pk}/" not in body
    assert "MS001" not in body


def test_the_district_sees_both_towns(client: Client, areas: dict[str, Area], dora: User) -> None:
    make_household(village=areas["商家村"], actor=dora, number="SJ001")
    make_household(village=areas["萌水村"], actor=dora, number="MS001")
    client.force_login(dora)
    body = client.get("/households/").content.decode()
    assert "SJ001" in body
    assert "MS001" in body
    assert "共 2 户、2 人" in body


def test_a_village_clerk_sees_one_village(client: Client, areas: dict[str, Area], vera: User, dora: User) -> None:
    make_household(village=areas["商家村"], actor=dora, number="SJ001")
    make_household(village=areas["李家村"], actor=dora, number="LJ001")
    client.force_login(vera)
    body = client.get("/households/").content.decode()
    assert "SJ001" in body
    assert "LJ001" not in body


def test_list_is_403_for_the_auditor_and_405_for_delete(client: Client, audrey: User, alice: User) -> None:
    client.force_login(audrey)
    assert client.get("/households/").status_code == 403
    assert client.post("/households/", {"q": "x"}).status_code == 403
    client.force_login(alice)
    assert client.delete("/households/").status_code == 405


def test_list_counts_and_filters(client: Client, areas: dict[str, Area], dora: User) -> None:
    make_household(village=areas["商家村"], actor=dora, number="A1", main_cause="因病")
    make_household(village=areas["李家村"], actor=dora, number="A2", main_cause="因残")
    make_household(
        village=areas["萌水村"],
        actor=dora,
        number="A3",
        status="已脱贫",
        exit_year=2017,
        members=[member("王五"), member("王小", Relation.SON)],
    )
    client.force_login(dora)

    def numbers(query: str) -> set[str]:
        page = client.get("/households/?" + query).context["page"]
        return {h.number for h in page}

    assert numbers("") == {"A1", "A2", "A3"}
    assert numbers(f"town={areas['商家镇'].pk}") == {"A1", "A2"}
    assert numbers(f"village={areas['李家村'].pk}") == {"A2"}
    assert numbers("status=已脱贫") == {"A3"}
    assert numbers("main_cause=因残") == {"A2"}
    assert numbers("attribute=低保贫困户") == set()
    counts = client.get("/households/").context["counts"]
    assert (counts.households, counts.persons) == (3, 4)
    assert counts.by_status["已脱贫"] == 1


def test_search_by_name_number_and_id(client: Client, areas: dict[str, Area], dora: User) -> None:
    target = make_household(village=areas["商家村"], actor=dora, number="X-77", members=[member("欧阳修")])
    make_household(village=areas["商家村"], actor=dora, number="Y-88", members=[member("苏轼")])
    full_id = target.members.get().id_number
    client.force_login(dora)
    for term in ("欧阳", "x-77", full_id, full_id.lower(), " ".join([full_id[:6], full_id[6:]])):
        # The search form posts; the list it redirects to carries no search term in its URL.
        response = client.post("/households/", {"q": term}, follow=True)
        assert response.redirect_chain == [("/households/?search=1", 302)], term
        assert [h.number for h in response.context["page"]] == ["X-77"], term
    # Names still work as a plain link; an ID number in a URL is ignored, never searched for.
    assert [h.number for h in client.get("/households/", {"q": "欧阳"}).context["page"]] == ["X-77"]
    assert len(client.get("/households/", {"q": full_id}).context["page"]) == 2


def test_search_by_id_is_scoped(client: Client, areas: dict[str, Area], alice: User, dora: User) -> None:
    other = make_household(village=areas["萌水村"], actor=dora)
    client.force_login(alice)
    page = client.post("/households/", {"q": other.members.get().id_number}, follow=True).context["page"]
    assert list(page) == []


def test_list_paginates(client: Client, areas: dict[str, Area], dora: User, settings: object) -> None:
    settings.HOUSEHOLDS_PER_PAGE = 2
    for i in range(5):
        make_household(village=areas["商家村"], actor=dora, number=f"P{i}")
    client.force_login(dora)
    page = client.get("/households/", {"page": 3}).context["page"]
    assert [h.number for h in page] == ["P4"]
    assert page.paginator.num_pages == 3


def test_list_query_count_does_not_grow_with_households(
    client: Client, areas: dict[str, Area], alice: User, dora: User, django_assert_num_queries: object
) -> None:
    for i in range(5):
        make_household(
            village=areas["商家村"], actor=dora, number=f"Q{i:03d}", members=[member("甲"), member("乙", Relation.SON)]
        )
    client.force_login(alice)
    client.get("/households/")  # warm the session and content types
    # session, user, user and group permissions, groups (scope), paginator count, status counts, person count,
    # the user's area (menu), town choices, village choices, the page's rows, and the session's new expiry
    # (savepoint, update, release: the 30-minute idle timeout moves with every request): 15, whatever the
    # number of rows.
    with django_assert_num_queries(15):
        small = client.get("/households/")
    for i in range(5, 50):
        make_household(
            village=areas["商家村"], actor=dora, number=f"Q{i:03d}", members=[member("甲"), member("乙", Relation.SON)]
        )
    with django_assert_num_queries(15):
        large = client.get("/households/")
    assert len(small.context["page"]) == 5
    assert len(large.context["page"]) == 50


# ---- masking --------------------------------------------------------------------------------------------------


def test_id_and_phone_numbers_are_masked_on_pages(client: Client, shangjia_household: Household, alice: User) -> None:
    full_id = shangjia_household.members.get(name="张三").id_number
    client.force_login(alice)
    for page in ("/households/", f"/households/{shangjia_household.pk}/"):
        body = client.get(page).content.decode()
        assert full_id not in body
        assert "13800138000" not in body
        assert "138****8000" in body
    assert (
        f"{full_id[:6]}********{full_id[-4:]}" in client.get(f"/households/{shangjia_household.pk}/").content.decode()
    )


# ---- create -----------------------------------------------------------------------------------------------


def household_post(
    village: Area, members: list[dict], *, number: str = "NEW-1", initial: int = 0, **extra: str
) -> dict:
    data = {
        "number": number,
        "village": village.pk,
        "attribute": "一般贫困户",
        "main_cause": "因病",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, m in enumerate(members):
        for key, value in m.items():
            data[f"members-{i}-{key}"] = value
    return data


def test_create_a_household_with_two_members(client: Client, areas: dict[str, Area], alice: User) -> None:
    client.force_login(alice)
    head_id, wife_id = id_number(birth=date(1970, 1, 2)), id_number(birth=date(1972, 3, 4), male=False)
    data = household_post(
        areas["李家村"],
        [
            {"name": "赵大", "id_number": head_id.lower(), "relation": "户主", "ethnicity": "汉族"},
            {
                "name": "钱二",
                "id_number": wife_id,
                "relation": "配偶",
                "ethnicity": "汉族",
                "medical_insurance": "true",
            },
        ],
        phone="138 0013 8000",
    )
    response = client.post("/households/new/", data)
    household = Household.objects.get(number="NEW-1")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    wife = household.members.get(name="钱二")
    assert (wife.sex, wife.birth_date, wife.medical_insurance) == ("女", date(1972, 3, 4), True)
    assert household.members.get(name="赵大").id_number == head_id.upper()
    assert household.phone == "13800138000"


def test_create_get_shows_the_form(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/households/new/")
    assert response.status_code == 200
    villages = {str(v) for v in response.context["form"].fields["village"].queryset}
    assert villages == {"商家村", "李家村", "东坡村", "西坡村", "南庄村"}


def test_create_into_another_town_by_tampering_is_refused(client: Client, areas: dict[str, Area], alice: User) -> None:
    client.force_login(alice)
    data = household_post(areas["萌水村"], [{"name": "赵大", "id_number": id_number(), "relation": "户主"}])
    response = client.post("/households/new/", data)
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Household.objects.exists()


def test_create_is_403_for_the_sector_officer(client: Client, sam: User) -> None:
    client.force_login(sam)
    assert client.get("/households/new/").status_code == 403


@pytest.mark.parametrize(
    ("member_fields", "message"),
    [
        pytest.param({"id_number": "370303198403120012"}, "校验位", id="bad check digit"),
        pytest.param({"id_number": "3.70303198403121e+17"}, "存成了数字", id="numeric cell"),
        pytest.param({"sex": "女"}, "性别与证件号码不符", id="sex disagrees"),
        pytest.param({"relation": "之子"}, "有且只有一名户主", id="no head"),
        pytest.param({"work_months": "13"}, "0 到 12", id="months"),
    ],
)
def test_create_shows_clear_errors_and_writes_nothing(
    client: Client, areas: dict[str, Area], alice: User, member_fields: dict, message: str
) -> None:
    client.force_login(alice)
    fields = {"name": "赵大", "id_number": "370303198403120011", "relation": "户主", **member_fields}
    response = client.post("/households/new/", household_post(areas["商家村"], [fields]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Household.objects.exists()
    assert not Person.objects.exists()


def test_create_with_a_duplicate_household_number(
    client: Client, shangjia_household: Household, areas: dict[str, Area], alice: User
) -> None:
    client.force_login(alice)
    data = household_post(
        areas["商家村"],
        [{"name": "赵大", "id_number": id_number(), "relation": "户主"}],
        number=shangjia_household.number,
    )
    response = client.post("/households/new/", data)
    assert response.status_code == 200
    assert "已存在" in response.content.decode()


# ---- edit, members, income, status ------------------------------------------------------------------------


def edit_post(household: Household, **changes: str) -> dict:
    members = []
    for p in household.members.active().order_by("pk"):
        members.append(
            {"id": p.pk, "name": p.name, "id_number": p.id_number, "relation": p.relation, "ethnicity": p.ethnicity}
        )
    data = household_post(household.village, members, number=household.number, initial=len(members), **changes)
    # As the edit page carries it: the fingerprint of the data it was opened with.
    data["edit_token"] = household_edit_token(Household.objects.get(pk=household.pk))
    return data


def test_edit_saves_changes_and_adds_a_member(client: Client, shangjia_household: Household, alice: User) -> None:
    client.force_login(alice)
    data = edit_post(
        shangjia_household, phone="13900139000", house_grade="C", dilapidated="true", change_reason="入户核实"
    )
    data["members-TOTAL_FORMS"] = "3"
    data.update(
        {
            "members-2-name": "张小",
            "members-2-id_number": id_number(birth=date(2012, 6, 1)),
            "members-2-relation": "之子",
        }
    )
    response = client.post(f"/households/{shangjia_household.pk}/edit/", data)
    assert response.status_code == 302
    shangjia_household.refresh_from_db()
    assert (shangjia_household.phone, shangjia_household.house_grade, shangjia_household.dilapidated) == (
        "13900139000",
        "C",
        True,
    )
    assert shangjia_household.members.active().count() == 3
    detail = client.get(f"/households/{shangjia_household.pk}/").content.decode()
    assert "修改 " in detail
    assert "新增成员 张小" in detail


def test_edit_refuses_a_grade_that_contradicts_dilapidated(
    client: Client, shangjia_household: Household, alice: User
) -> None:
    client.force_login(alice)
    response = client.post(
        f"/households/{shangjia_household.pk}/edit/", edit_post(shangjia_household, house_grade="A", dilapidated="true")
    )
    assert response.status_code == 200
    assert "不是危房户" in response.content.decode()


def test_edit_cannot_move_the_household_to_another_town(
    client: Client, shangjia_household: Household, areas: dict[str, Area], alice: User
) -> None:
    client.force_login(alice)
    data = edit_post(shangjia_household)
    data["village"] = areas["萌水村"].pk
    assert client.post(f"/households/{shangjia_household.pk}/edit/", data).status_code == 200
    shangjia_household.refresh_from_db()
    assert shangjia_household.village.name == "商家村"


def test_add_a_member(client: Client, shangjia_household: Household, alice: User) -> None:
    client.force_login(alice)
    data = {
        "name": "张小妹",
        "id_number": id_number(birth=date(2020, 2, 2), male=False),
        "relation": "之女",
        "ethnicity": "汉族",
    }
    response = client.post(f"/households/{shangjia_household.pk}/members/add/", data)
    assert response.status_code == 302
    assert shangjia_household.members.get(name="张小妹").sex == "女"


def test_add_a_second_head_is_refused(client: Client, shangjia_household: Household, alice: User) -> None:
    client.force_login(alice)
    data = {"name": "又一个户主", "id_number": id_number(), "relation": "户主", "ethnicity": "汉族"}
    response = client.post(f"/households/{shangjia_household.pk}/members/add/", data)
    assert response.status_code == 200
    assert "有且只有一名户主" in response.content.decode()


def test_a_member_leaves(client: Client, shangjia_household: Household, alice: User) -> None:
    client.force_login(alice)
    wife = shangjia_household.members.get(relation=Relation.SPOUSE)
    response = client.post(
        f"/households/{shangjia_household.pk}/members/{wife.pk}/leave/",
        {"reason": "迁出", "on": "2025-06-01", "note": "随子女迁居"},
    )
    assert response.status_code == 302
    wife.refresh_from_db()
    assert (wife.left_reason, wife.left_on) == ("迁出", date(2025, 6, 1))
    body = client.get(f"/households/{shangjia_household.pk}/").content.decode()
    assert "已减少成员" in body
    assert "成员 李梅 减少：迁出" in body


def test_the_head_leaving_asks_for_a_new_head(client: Client, shangjia_household: Household, alice: User) -> None:
    client.force_login(alice)
    head = shangjia_household.members.get(relation=Relation.HEAD)
    leave_url = f"/households/{shangjia_household.pk}/members/{head.pk}/leave/"
    response = client.post(leave_url, {"reason": "死亡", "on": "2025-06-01"})
    assert response.status_code == 200
    assert "new_head" in response.context["form"].errors
    wife = shangjia_household.members.get(relation=Relation.SPOUSE)
    assert client.post(leave_url, {"reason": "死亡", "on": "2025-06-01", "new_head": wife.pk}).status_code == 302
    wife.refresh_from_db()
    assert wife.relation == Relation.HEAD


def test_a_member_of_another_household_is_404(
    client: Client, shangjia_household: Household, areas: dict[str, Area], alice: User
) -> None:
    other = make_household(village=areas["商家村"], actor=alice)
    client.force_login(alice)
    stranger = other.members.get()
    assert client.get(f"/households/{shangjia_household.pk}/members/{stranger.pk}/leave/").status_code == 404


def test_record_income(client: Client, shangjia_household: Household, alice: User) -> None:
    client.force_login(alice)
    data = {"year": "2025", "wage": "8000", "transfer": "1500", "business_cost": "300"}
    assert client.post(f"/households/{shangjia_household.pk}/income/", data).status_code == 302
    body = client.get(f"/households/{shangjia_household.pk}/").content.decode()
    assert "9,200.00" in body  # net income
    assert "4,600.00" in body  # per capita, two members
    response = client.post(f"/households/{shangjia_household.pk}/income/", {"year": "2025", "wage": "-5"})
    assert "不能为负数" in response.content.decode()


def test_status_change_by_the_district(client: Client, shangjia_household: Household, dora: User) -> None:
    client.force_login(dora)
    response = client.post(
        f"/households/{shangjia_household.pk}/status/", {"to_status": "自然减少", "reason": "经核实属错评"}
    )
    assert response.status_code == 302
    shangjia_household.refresh_from_db()
    assert shangjia_household.status == HouseholdStatus.REMOVED
    assert "经核实属错评" in client.get(f"/households/{shangjia_household.pk}/").content.decode()


def test_status_cannot_be_set_to_exited_by_hand(client: Client, shangjia_household: Household, dora: User) -> None:
    client.force_login(dora)
    response = client.post(f"/households/{shangjia_household.pk}/status/", {"to_status": "已脱贫", "reason": "达标"})
    assert response.status_code == 200
    shangjia_household.refresh_from_db()
    assert shangjia_household.status == HouseholdStatus.IN_POVERTY


def test_two_clerks_editing_the_same_household_the_second_save_is_refused(
    client: Client, shangjia_household: Household, alice: User, areas: dict[str, Area]
) -> None:
    carol = make_user("carol", role=Role.TOWN_CLERK, area=areas["商家镇"], last_name="商家镇", first_name="二号")
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(carol)
    page = first.get(f"/households/{shangjia_household.pk}/edit/")  # both open the page
    second.get(f"/households/{shangjia_household.pk}/edit/")
    opened = edit_post(shangjia_household)
    assert opened["edit_token"] in page.content.decode()

    assert (
        second.post(f"/households/{shangjia_household.pk}/edit/", {**opened, "phone": "13911112222"}).status_code == 302
    )
    response = first.post(f"/households/{shangjia_household.pk}/edit/", {**opened, "house_grade": "D"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "该记录已被他人修改" in body
    assert "商家镇二号" in body
    assert "修改 联系电话" in body
    shangjia_household.refresh_from_db()
    assert (shangjia_household.phone, shangjia_household.house_grade) == ("13911112222", "")  # nothing overwritten

    # Having read the other's change, the clerk saves deliberately: the page now carries the fresh fingerprint.
    again = {
        **opened,
        "house_grade": "D",
        "phone": "13911112222",
        "change_reason": "住建部门鉴定",
        "edit_token": response.context["edit_token"],
    }
    assert first.post(f"/households/{shangjia_household.pk}/edit/", again).status_code == 302
    shangjia_household.refresh_from_db()
    assert (shangjia_household.phone, shangjia_household.house_grade) == ("13911112222", "D")


def test_a_save_after_an_import_changed_a_member_is_refused(
    client: Client, shangjia_household: Household, alice: User
) -> None:
    client.force_login(alice)
    opened = edit_post(shangjia_household)
    Person.objects.filter(household=shangjia_household, relation=Relation.SPOUSE).update(ethnicity="回族")
    response = client.post(f"/households/{shangjia_household.pk}/edit/", opened)
    assert "该记录已被他人修改" in response.content.decode()
    assert Person.objects.get(household=shangjia_household, relation=Relation.SPOUSE).ethnicity == "回族"


def test_a_save_without_the_page_s_fingerprint_is_refused(
    client: Client, shangjia_household: Household, alice: User
) -> None:
    client.force_login(alice)
    data = edit_post(shangjia_household, phone="13900000001")
    del data["edit_token"]
    assert "该记录已被他人修改" in client.post(f"/households/{shangjia_household.pk}/edit/", data).content.decode()
    shangjia_household.refresh_from_db()
    assert shangjia_household.phone == "13800138000"


def test_a_whole_id_number_is_shown_only_with_a_reason_and_audited(
    client: Client, shangjia_household: Household, alice: User, dora: User
) -> None:
    from accounts.models import AuditAction, AuditEvent

    head = shangjia_household.members.get(relation=Relation.HEAD)
    url = f"/households/{shangjia_household.pk}/members/{head.pk}/reveal/"
    client.force_login(alice)  # a town clerk: masked only
    assert client.get(url).status_code == 403
    assert head.id_number not in client.get(f"/households/{shangjia_household.pk}/").content.decode()
    client.force_login(dora)
    assert head.id_number not in client.get(url).content.decode()
    refused = client.post(url, {"reason": "看"})
    assert head.id_number not in refused.content.decode()
    shown = client.post(url, {"reason": "回传国家系统核对证件号码"})
    assert head.id_number in shown.content.decode()
    assert "13800138000" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert event.actor == dora
    assert "回传国家系统核对证件号码" in event.summary
    assert head.id_number not in event.summary


def test_only_the_district_office_exports_the_full_ledger(
    client: Client, shangjia_household: Household, alice: User, dora: User
) -> None:
    import io

    from openpyxl import load_workbook

    from accounts.models import AuditAction, AuditEvent

    head = shangjia_household.members.get(relation=Relation.HEAD)

    def exported(user: User) -> str:
        client.force_login(user)
        response = client.get("/households/export/")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)

    clerk = exported(alice)
    assert head.id_number not in clerk
    assert head.id_number[:6] + "********" + head.id_number[-4:] in clerk
    assert "13800138000" not in clerk
    assert head.id_number in exported(dora)
    summaries = list(AuditEvent.objects.filter(action=AuditAction.EXPORT).values_list("summary", flat=True))
    assert any("脱敏台账" in s and "2 行" in s for s in summaries)
    assert any("完整台账" in s and "2 行" in s for s in summaries)
