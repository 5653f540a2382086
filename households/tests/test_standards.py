"""两线合一 (plan ch. 8): a 低保 line different from the poverty line is accepted but never silently — the
command, the admin and the standards page say so. And the demo's lines are merged."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from households.models import PovertyStandard
from households.services import standard_set
from households.standards import merged_lines_warning

pytestmark = pytest.mark.django_db


def test_the_warning_names_both_figures_and_only_when_they_differ() -> None:
    assert merged_lines_warning(year=2018, poverty_line=Decimal(3609), dibao_line=Decimal("3609.00")) is None
    warning = merged_lines_warning(year=2018, poverty_line=Decimal(3609), dibao_line=Decimal("4800.50"))
    assert warning is not None
    assert "2018 年" in warning
    assert "3,609" in warning
    assert "4,800.50" in warning
    assert "两线合一" in warning


def test_set_standard_warns_when_the_lines_differ_and_still_sets_them() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("set_standard", "2018", "--poverty-line", "3609", "--dibao-line", "4800", stdout=out, stderr=err)
    assert (PovertyStandard.objects.get(year=2018).dibao_line) == Decimal(4800)
    assert "两线合一" in err.getvalue()
    assert "3,609" in err.getvalue()
    assert "4,800" in err.getvalue()


def test_set_standard_is_quiet_when_the_lines_are_equal() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("set_standard", "2018", "--poverty-line", "3609", "--dibao-line", "3609", stdout=out, stderr=err)
    assert "已设定" in out.getvalue()
    assert err.getvalue() == ""


def admin_form(year: int, poverty: str, dibao: str) -> dict[str, str]:
    # The admin's change form carries the inline-less model fields only.
    return {"year": str(year), "poverty_line": poverty, "dibao_line": dibao}


def test_the_admin_warns_after_saving_different_lines(client: Client, dora: User) -> None:
    client.force_login(dora)
    response = client.post("/admin/households/povertystandard/add/", admin_form(2019, "3609", "4000"), follow=True)
    assert response.status_code == 200
    assert PovertyStandard.objects.get(year=2019).dibao_line == Decimal(4000)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "两线合一" in warnings[0]
    assert "4,000" in warnings[0]


def test_the_admin_does_not_warn_for_equal_lines(client: Client, dora: User) -> None:
    client.force_login(dora)
    response = client.post("/admin/households/povertystandard/add/", admin_form(2019, "3609", "3609"), follow=True)
    assert PovertyStandard.objects.filter(year=2019).exists()
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_the_standards_page_lists_every_year_and_marks_the_different_ones(client: Client, alice: User) -> None:
    standard_set(year=2016, poverty_line=Decimal(3402), dibao_line=Decimal(3402))
    standard_set(year=2017, poverty_line=Decimal(3609), dibao_line=Decimal(4440))
    client.force_login(alice)
    response = client.get("/households/standards/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2016" in body
    assert "3,402" in body
    assert body.count('data-testid="lines-differ"') == 1
    assert "2017 年农村低保标准（4,440 元）与扶贫标准（3,609 元）不一致" in body
    # The nav links to it for a role that may see the standards.
    assert 'href="/households/standards/"' in client.get("/households/").content.decode()


def test_the_standards_page_is_403_without_the_permission_and_405_for_post(
    client: Client, audrey: User, sam: User
) -> None:
    client.force_login(audrey)
    assert client.get("/households/standards/").status_code == 403
    assert 'href="/households/standards/"' not in client.get("/").content.decode()
    client.force_login(sam)  # the sector officer reads the standards, writes none
    assert client.get("/households/standards/").status_code == 200
    assert client.post("/households/standards/").status_code == 405


def test_the_demo_lines_are_merged_and_the_districts_own_line_is_kept() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    lines = {s.year: (s.poverty_line, s.dibao_line) for s in PovertyStandard.objects.all()}
    assert lines[2016] == (Decimal(3402), Decimal(3402))
    for year in range(2017, timezone.localdate().year + 1):
        assert lines[year] == (Decimal(3609), Decimal(3609)), year
    # A line the district set afterwards survives running the demo again.
    standard_set(year=2018, poverty_line=Decimal(3700), dibao_line=Decimal(3700))
    call_command("seed_demo", stdout=io.StringIO())
    assert PovertyStandard.objects.get(year=2018).poverty_line == Decimal(3700)
