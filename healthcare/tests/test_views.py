"""Every health page: the happy path, the wrong method (405), a role without the permission (403), the other
town (404); pinned query counts on the lists."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent, User
from healthcare.models import AidSetting, Expense, Illness, Insurance
from healthcare.services import expense_record, insurance_record
from households.models import Household, Relation
from households.services import person_add
from households.tests.factories import member

from .conftest import YEAR

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def queries(c: Client, url: str, params: dict) -> int:
    """How many queries a page takes (after a first request has warmed the session)."""
    c.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def expense_data(person_pk: int, **over: str) -> dict[str, str]:
    day = min(date(THIS_YEAR, 3, 8), timezone.localdate())
    return {
        "person": str(person_pk), "visited_on": day.isoformat(), "hospital": "文昌湖区人民医院", "level": "区县级医院",
        "inpatient": "on", "total": "8000", "in_scope": "8000", "basic_paid": "4500", "critical_paid": "0",
        **over,
    }  # fmt: skip


def record(actor: User, person: object, **data: object) -> Expense:
    values = {
        "visited_on": min(date(THIS_YEAR, 3, 8), timezone.localdate()), "hospital": "区医院", "level": "区县级医院",
        "total": Decimal(8000), "in_scope": Decimal(8000), "basic_paid": Decimal(4500), "critical_paid": Decimal(0),
        **data,
    }  # fmt: skip
    return expense_record(actor=actor, person=person, data=values)


# ---- recording an expense -------------------------------------------------------------------------------


def test_a_clerk_previews_the_aid_then_saves(client: Client, alice: User, shangjia: Household) -> None:
    wang = shangjia.members.get(name="王一")
    url = f"/healthcare/households/{shangjia.pk}/expenses/new/"
    c = as_user(client, alice)
    assert c.get(url).status_code == 200
    preview = c.post(url, {**expense_data(wang.pk), "action": "preview"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "政策范围内 8,000 − 基本医保 4,500 − 大病 0 = 3,500 × 40%（建档立卡贫困人口） = 1,400" in body
    assert not Expense.objects.exists()  # the preview writes nothing
    saved = c.post(url, {**expense_data(wang.pk), "action": "save"})
    assert saved.status_code == 302
    expense = Expense.objects.get()
    assert (expense.aid, expense.aid_group, expense.created_by) == (Decimal("1400.00"), "建档立卡贫困人口", alice)
    page = c.get(f"/households/{shangjia.pk}/?health_year={THIS_YEAR}").content.decode()
    assert "1,400.00" in page
    assert "health-panel" in page


def test_a_dibao_member_gets_75_percent_and_the_cap_is_shown(client: Client, alice: User, shangjia: Household) -> None:
    li = shangjia.members.get(name="李二")
    li.dibao = True
    li.save(update_fields=["dibao"])
    record(alice, li, total=Decimal(40000), in_scope=Decimal(40000), basic_paid=Decimal(20000))  # 15,000: the cap
    response = as_user(client, alice).post(
        f"/healthcare/households/{shangjia.pk}/expenses/new/", {**expense_data(li.pk), "action": "preview"}
    )
    assert "年度封顶 15,000，本年已救助 15,000，只能再救助 0" in response.content.decode()


def test_impossible_figures_are_refused_on_the_form(client: Client, alice: User, shangjia: Household) -> None:
    wang = shangjia.members.get(name="王一")
    response = as_user(client, alice).post(
        f"/healthcare/households/{shangjia.pk}/expenses/new/",
        {**expense_data(wang.pk, in_scope="9000"), "action": "save"},
    )
    assert response.status_code == 200
    assert "政策范围内费用（9,000）不能大于总费用（8,000）。" in response.content.decode()
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = as_user(client, alice).post(
        f"/healthcare/households/{shangjia.pk}/expenses/new/",
        {**expense_data(wang.pk, visited_on=future), "action": "save"},
    )
    assert "就诊/结算日期不能晚于今天。" in response.content.decode()
    assert not Expense.objects.exists()


def test_expense_pages_refuse(
    client: Client, alice: User, ed: User, bob: User, shangjia: Household, mengshui: Household
) -> None:
    url = f"/healthcare/households/{shangjia.pk}/expenses/new/"
    assert as_user(client, alice).put(url).status_code == 405
    assert as_user(client, ed).get(url).status_code == 403  # an education officer reads, does not record
    assert as_user(client, bob).get(url).status_code == 404  # another town's household
    expense = record(alice, shangjia.members.first())
    void = f"/healthcare/expenses/{expense.pk}/void/"
    assert as_user(client, bob).get(void).status_code == 404
    assert as_user(client, ed).get(void).status_code == 403
    assert as_user(client, alice).delete(void).status_code == 405
    assert as_user(client, alice).post(void, {"reason": ""}).status_code == 200
    assert as_user(client, alice).post(void, {"reason": "重复登记"}).status_code == 302
    expense.refresh_from_db()
    assert expense.voided
    assert expense.void_reason == "重复登记"


# ---- insurance ------------------------------------------------------------------------------------------


def test_the_health_officer_records_insurance_and_the_panel_says_which_source(
    client: Client, sam: User, alice: User, shangjia: Household
) -> None:
    wang = shangjia.members.get(name="王一")
    url = f"/healthcare/households/{shangjia.pk}/insurance/new/"
    c = as_user(client, sam)
    response = c.post(url, {"person": wang.pk, "year": YEAR, "kind": "basic", "insured": "false"})
    assert response.status_code == 302
    assert Insurance.objects.get().insured is False
    page = as_user(client, alice).get(f"/households/{shangjia.pk}/?health_year={YEAR}").content.decode()
    assert f"{YEAR} 年未参加（或未登记）城乡居民基本医疗保险：王一" in page
    assert f"医保部门 {YEAR} 年参保登记" in page
    assert "台账登记（医保部门无该年记录）" in page  # 李二 has no record: the registry's field decides


def test_insurance_pages_refuse(client: Client, alice: User, sam: User, bob: User, shangjia: Household) -> None:
    url = f"/healthcare/households/{shangjia.pk}/insurance/new/"
    assert as_user(client, alice).get(url).status_code == 403  # clerks do not write the 医保 department's records
    assert as_user(client, sam).patch(url).status_code == 405
    record_, _ = insurance_record(actor=sam, person=shangjia.members.first(), year=YEAR, reassess_now=False)
    void = f"/healthcare/insurance/{record_.pk}/void/"
    assert as_user(client, alice).get(void).status_code == 403
    bob.groups.clear()
    bob.sector = "health"
    bob.save()
    from django.contrib.auth.models import Group

    bob.groups.add(Group.objects.get(name="sector_officer"))
    bob = User.objects.get(pk=bob.pk)
    assert as_user(client, bob).get(void).status_code == 404  # a 萌水镇-scoped health officer
    assert as_user(client, sam).post(void, {"reason": "录错年度"}).status_code == 302


def test_illness_and_disability_pages(client: Client, alice: User, ed: User, bob: User, shangjia: Household) -> None:
    wang = shangjia.members.get(name="王一")
    url = f"/healthcare/households/{shangjia.pk}/illnesses/new/"
    data = {
        "person": wang.pk,
        "kind": "major",
        "disease": "胃癌",
        "diagnosed_on": f"{YEAR}-05-01",
        "causes_poverty": "on",
    }
    assert as_user(client, alice).post(url, data).status_code == 302
    assert Illness.objects.get().central
    assert as_user(client, ed).get(url).status_code == 403
    assert as_user(client, bob).get(url).status_code == 404
    assert as_user(client, alice).put(url).status_code == 405
    disability = f"/healthcare/households/{shangjia.pk}/disability/new/"
    assert as_user(client, alice).get(disability).status_code == 403  # 卫健/残联's measure, not the clerk's


# ---- lists ----------------------------------------------------------------------------------------------


def test_aid_list_scoped_printable_and_exported(
    client: Client, alice: User, bob: User, dora: User, shangjia: Household, mengshui: Household
) -> None:
    record(alice, shangjia.members.first())
    record(dora, mengshui.members.first(), total=Decimal(2000), in_scope=Decimal(2000), basic_paid=Decimal(1000))
    body = as_user(client, alice).get("/healthcare/aid/", {"year": THIS_YEAR}).content.decode()
    assert "H1" in body
    assert "H2" not in body
    assert "共 1 笔、1 人" in body
    # 8,000 − 4,500 − 1,400 aid = 2,100 left to pay: 26% of the cost, above the district's 10% goal.
    assert '<strong class="text-danger">26%</strong>' in body
    assert "有费用的 1 人中 1 人超过 10%" in body
    assert as_user(client, dora).get("/healthcare/aid/", {"year": THIS_YEAR, "print": "1"}).status_code == 200
    response = as_user(client, alice).get("/healthcare/aid/export/", {"year": THIS_YEAR})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == "证件号码"
    assert "*" in rows[2][4]  # masked for a clerk
    assert rows[2][15] == 1400
    assert AuditEvent.objects.filter(action="export", object_type="healthcare.expense").exists()
    assert as_user(client, alice).post("/healthcare/aid/").status_code == 405


def test_lists_refuse_roles_without_permission(client: Client, audrey: User) -> None:
    for url in ("/healthcare/aid/", "/healthcare/aid/export/", "/healthcare/uninsured/", "/healthcare/progress/",
                "/healthcare/disabled/", "/healthcare/aid/settings/", "/healthcare/imports/insurance/"):  # fmt: skip
        assert as_user(client, audrey).get(url).status_code == 403, url


def test_aid_list_queries_do_not_grow_with_rows(
    client: Client, alice: User, shangjia: Household, django_assert_num_queries: object
) -> None:
    c = as_user(client, alice)
    record(alice, shangjia.members.first())
    one = queries(c, "/healthcare/aid/", {"year": THIS_YEAR})
    for _ in range(3):
        record(alice, shangjia.members.last(), total=Decimal(100), in_scope=Decimal(100), basic_paid=Decimal(50))
    with django_assert_num_queries(one):
        assert len(c.get("/healthcare/aid/", {"year": THIS_YEAR}).context["page"]) == 4


def test_uninsured_list(
    client: Client, alice: User, sam: User, shangjia: Household, mengshui: Household, django_assert_num_queries: object
) -> None:
    wang = shangjia.members.get(name="王一")
    insurance_record(actor=sam, person=wang, year=YEAR, insured=False, reassess_now=False)
    li = shangjia.members.get(name="李二")
    li.medical_insurance = None
    li.save(update_fields=["medical_insurance"])
    insurance_record(actor=sam, person=mengshui.members.first(), year=YEAR, insured=False, reassess_now=False)
    c = as_user(client, alice)
    response = c.get("/healthcare/uninsured/", {"year": YEAR})
    rows = list(response.context["page"])
    assert [p.name for p in rows] == ["王一", "李二"]  # 萌水镇's member is not alice's
    body = response.content.decode()
    assert "医保部门登记：未参保" in body
    assert "参保情况未填写" in body
    pinned = queries(c, "/healthcare/uninsured/", {"year": YEAR})
    for name in ("赵三", "钱四", "孙五"):
        person_add(actor=alice, household=shangjia, data=member(name, Relation.SON, birth=date(1990, 1, 1)))
    assert len(c.get("/healthcare/uninsured/", {"year": YEAR}).context["page"]) == 5
    with django_assert_num_queries(pinned):
        c.get("/healthcare/uninsured/", {"year": YEAR})
    insurance_record(actor=sam, person=wang, year=YEAR, insured=True, reassess_now=False)
    assert [p.name for p in c.get("/healthcare/uninsured/", {"year": YEAR}).context["page"]] == [
        "李二",
        "赵三",
        "钱四",
        "孙五",
    ]
    assert c.post("/healthcare/uninsured/").status_code == 405


def test_progress_and_disabled_lists(client: Client, alice: User, sam: User, shangjia: Household) -> None:
    wang = shangjia.members.get(name="王一")
    Illness.objects.create(
        person=wang, household=shangjia, kind="major", disease="胃癌", diagnosed_on=date(2016, 3, 1),
        treated_on=date(2016, 6, 1), created_by=sam,
    )  # fmt: skip
    body = as_user(client, alice).get("/healthcare/progress/").content.decode()
    assert "商家镇" in body
    assert "100%" in body
    wang.disability_grade = "二级"
    wang.save(update_fields=["disability_grade"])
    body = as_user(client, alice).get("/healthcare/disabled/").content.decode()
    assert "养老保险起领日 2015-05-01" in body  # born 1960-05-01, grade 二: at 55


def test_the_cap_setting_is_refused_below_15000(client: Client, sam: User, alice: User) -> None:
    c = as_user(client, sam)
    response = c.post("/healthcare/aid/settings/", {"year": THIS_YEAR, "special_cap": "12000"})
    assert "不能低于 15,000 元" in response.content.decode()
    assert not AidSetting.objects.exists()
    assert c.post("/healthcare/aid/settings/", {"year": THIS_YEAR, "special_cap": "20000"}).status_code == 302
    assert AidSetting.objects.get().special_cap == Decimal(20000)
    assert as_user(client, alice).get("/healthcare/aid/settings/").status_code == 403
    assert c.put("/healthcare/aid/settings/").status_code == 405


def test_an_illness_is_followed_to_treatment_or_voided(
    client: Client, alice: User, ed: User, bob: User, sam: User, shangjia: Household
) -> None:
    wang = shangjia.members.get(name="王一")
    illness = Illness.objects.create(
        person=wang, household=shangjia, kind="major", disease="终末期肾病", diagnosed_on=date(YEAR, 2, 1),
        created_by=sam,
    )  # fmt: skip
    url = f"/healthcare/illnesses/{illness.pk}/"
    assert as_user(client, bob).get(url).status_code == 404
    assert as_user(client, ed).get(url).status_code == 403
    assert as_user(client, alice).put(url).status_code == 405
    early = as_user(client, alice).post(url, {"treated_on": f"{YEAR}-01-01", "family_doctor": "on"})
    assert "救治日期不能早于确诊日期。" in early.content.decode()
    done = as_user(client, alice).post(
        url,
        {
            "treated_on": f"{YEAR}-03-01",
            "family_doctor": "on",
            "treatment_plan": "每周三次血液透析",
            "doctor": "区医院肾内科",
        },
    )
    assert done.status_code == 302
    illness.refresh_from_db()
    assert (illness.treated_on, illness.family_doctor, illness.treatment_plan) == (
        date(YEAR, 3, 1),
        True,
        "每周三次血液透析",
    )
    assert "每周三次血液透析" in as_user(client, alice).get(f"/households/{shangjia.pk}/").content.decode()
    assert as_user(client, alice).post(url, {"void": "1", "reason": ""}).status_code == 200
    assert as_user(client, alice).post(url, {"void": "1", "reason": "误登记"}).status_code == 302
    illness.refresh_from_db()
    assert illness.voided
    assert as_user(client, alice).get(url).status_code == 404  # a voided record is not followed any more


def test_the_registry_list_filters_on_health(
    client: Client, alice: User, sam: User, shangjia: Household, areas: dict, dora: User
) -> None:
    from .conftest import good_household

    other = good_household(village=areas["商家村"], actor=dora, number="H3")
    insurance_record(actor=sam, person=shangjia.members.first(), year=YEAR, insured=False, reassess_now=False)
    record(alice, other.members.first())
    c = as_user(client, alice)

    def numbers(value: str) -> set[str]:
        return {h.number for h in c.get("/households/", {"health": value}).context["page"]}

    assert numbers("uninsured") == {"H1"}
    assert numbers("aid") == {"H3"}
    assert numbers("") == {"H1", "H3"}


def test_the_household_change_log_shows_the_health_records(client: Client, alice: User, shangjia: Household) -> None:
    expense = record(alice, shangjia.members.get(name="王一"))
    from healthcare.services import expense_void

    expense_void(actor=alice, expense=expense, reason="金额录错")
    body = as_user(client, alice).get(f"/households/{shangjia.pk}/").content.decode()
    assert "医疗费用：王一" in body
    assert "医疗救助 1,400.00 元（已作废）" in body
    assert "金额录错" in body


def test_the_health_tabs(client: Client, alice: User, sam: User) -> None:
    tabs = as_user(client, alice).get("/healthcare/uninsured/").content.decode()
    assert "导入参保名单" not in tabs  # a clerk does not import the 医保 department's list
    assert "残疾人帮扶" in tabs
    assert "导入参保名单" in as_user(client, sam).get("/healthcare/uninsured/").content.decode()
