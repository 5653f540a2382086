"""助学贷款 (plan ch. 12 §3): a student's loan, its interest paid by the state while at school; every page for
405/403/404, the gap on the household page, voiding."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Area, Role, User
from conftest import make_user
from education.models import LoanInterest, StudentLoan
from education.rules import school_year_of
from education.services import loan_interest_record, loan_record
from households.models import Household, Person

from .factories import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_year() -> int:
    from django.utils import timezone

    return school_year_of(timezone.localdate())


@pytest.fixture
def loans(family: Household, child: Person, other_town: Household, jim: User) -> dict[str, StudentLoan]:
    data = {"bank": "农商银行", "amount": Decimal(8000), "signed_on": date(2025, 8, 20)}
    own = loan_record(actor=jim, person=child, data={**data, "contract_no": "ZX-001"})
    other = loan_record(actor=jim, person=other_town.members.get(name="赵小"), data={**data, "contract_no": "ZX-002"})
    return {"own": own, "other": other}


@pytest.mark.parametrize(
    ("name", "kind", "denied"),
    [
        ("education:loan_create", "household", "alice"),
        ("education:interest_create", "loan", "dora"),
        ("education:loan_void", "loan", "sam"),
    ],
)
def test_loan_pages(
    client: Client,
    loans: dict,
    areas: dict[str, Area],
    jim: User,
    request: pytest.FixtureRequest,
    name: str,
    kind: str,
    denied: str,
) -> None:
    jill = make_user("jill", role=Role.SECTOR_OFFICER, area=areas["商家镇"], sector="education")
    pk = {"household": lambda k: loans[k].household_id, "loan": lambda k: loans[k].pk}[kind]
    client.force_login(jim)
    assert client.get(reverse(name, args=[pk("own")])).status_code == 200
    assert client.delete(reverse(name, args=[pk("own")])).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(reverse(name, args=[pk("own")])).status_code == 403
    client.force_login(jill)
    assert client.get(reverse(name, args=[pk("other")])).status_code == 404


def test_the_interest_of_a_year_at_school_is_due_and_recorded(
    client: Client, loans: dict, child: Person, jim: User, alice: User, this_year: int
) -> None:
    enrol(actor=jim, person=child, year=this_year)
    client.force_login(alice)
    page = client.get(reverse("households:detail", args=[child.household_id])).content.decode()
    assert "本学年贴息未登记" in page
    client.force_login(jim)
    response = client.post(
        reverse("education:interest_create", args=[loans["own"].pk]),
        {"school_year": this_year, "amount": "310.50", "paid_on": date.today().isoformat(), "given_by": "区财政局"},
    )
    assert response.status_code == 302
    page = client.get(reverse("households:detail", args=[child.household_id])).content.decode()
    assert "本学年贴息未登记" not in page
    assert "贴息 310.50 元" in page
    assert "登记贷款贴息：李小明" in page  # the change log
    with pytest.raises(ValidationError, match="已登记"):
        loan_interest_record(
            actor=jim, loan=loans["own"], data={"school_year": this_year, "amount": Decimal(1), "paid_on": date.today()}
        )


def test_a_duplicate_contract_is_refused_on_the_form(client: Client, loans: dict, child: Person, jim: User) -> None:
    client.force_login(jim)
    response = client.post(
        reverse("education:loan_create", args=[child.household_id]),
        {"person": child.pk, "bank": "农商银行", "contract_no": "ZX-001", "amount": "5000", "signed_on": "2025-08-01"},
    )
    assert response.status_code == 200
    assert "已登记，请勿重复登记" in response.content.decode()
    assert StudentLoan.objects.count() == 2


def test_voiding_a_loan_voids_its_interest(client: Client, loans: dict, jim: User, this_year: int) -> None:
    loan_interest_record(
        actor=jim,
        loan=loans["own"],
        data={"school_year": this_year - 1, "amount": Decimal(300), "paid_on": date(2026, 1, 5)},
    )
    client.force_login(jim)
    assert (
        client.post(reverse("education:loan_void", args=[loans["own"].pk]), {"reason": "合同录错"}).status_code == 302
    )
    assert StudentLoan.objects.get(pk=loans["own"].pk).is_void
    assert LoanInterest.objects.get().void_reason == "贷款作废：合同录错"
    assert client.get(reverse("education:interest_create", args=[loans["own"].pk])).status_code == 404
