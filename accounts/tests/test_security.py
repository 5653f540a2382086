"""等保2.0 level 3 as tests: login lockout per account, the address limit, password rules, session limits,
the audit log (append-only, masked, the auditor's only page), response headers and the deploy check."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area, AuditAction, AuditEvent, Role, User
from accounts.signals import SESSION_LOGIN_AT
from conftest import make_user
from households.tests.factories import make_household, member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "Correct-horse-9"


def attempt(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN, {"username": username, "password": password})


def test_six_wrong_passwords_then_the_right_one_is_refused(client: Client, alice: User) -> None:
    for _ in range(4):
        assert attempt(client, "alice", "wrong-Password-1").status_code == 200
    # The fifth failure locks the account; the sixth and the right password meet the lock.
    fifth = attempt(client, "alice", "wrong-Password-1")
    sixth = attempt(client, "alice", "wrong-Password-1")
    right = attempt(client, "alice", PASSWORD)
    for response in (fifth, sixth, right):
        assert response.status_code == 429
        assert "该账户已被锁定 30 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, username="alice").exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="alice").count() >= 5


def test_an_unknown_user_gets_the_same_answers(client: Client, alice: User) -> None:
    wrong_password = attempt(client, "alice", "wrong-Password-1").content.decode()
    unknown_user = attempt(client, "nosuchuser", "wrong-Password-1").content.decode()
    assert "用户名或密码不正确" in wrong_password
    assert "用户名或密码不正确" in unknown_user
    for _ in range(5):
        attempt(client, "nosuchuser", "x")
        attempt(client, "alice", "x")
    locked_unknown, locked_real = attempt(client, "nosuchuser", "x"), attempt(client, "alice", "x")
    assert locked_unknown.status_code == locked_real.status_code == 429

    def page(response: object) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(locked_unknown) == page(locked_real)


def test_the_lock_is_per_account_not_per_office(client: Client, alice: User, areas: dict[str, Area]) -> None:
    make_user("carol", role=Role.TOWN_CLERK, area=areas["商家镇"])  # same office, same address
    for _ in range(6):
        attempt(client, "alice", "wrong-Password-1")
    assert attempt(client, "carol", PASSWORD).status_code == 302


def test_the_address_is_limited_at_a_higher_threshold(client: Client, alice: User, settings: object) -> None:
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    for name in ("u1", "u2", "u3", "u4"):
        for _ in range(2):
            attempt(client, name, "wrong-Password-1")
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "本地址登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_security_role_unlocks_and_it_is_audited(client: Client, alice: User, areas: dict[str, Area]) -> None:
    for _ in range(6):
        attempt(client, "alice", "wrong-Password-1")
    officer = make_user("sec", role=Role.SECURITY_ADMIN, area=areas["文昌湖区"])
    other = Client()
    other.force_login(officer)
    assert "alice" in other.get(reverse("lockouts")).content.decode()
    assert other.post(reverse("lockouts"), {"username": "alice"}).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.UNLOCK, actor=officer, summary__contains="alice").exists()
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_only_the_security_role_unlocks(client: Client, dora: User, audrey: User) -> None:
    for user in (dora, audrey):
        client.force_login(user)
        assert client.get(reverse("lockouts")).status_code == 403


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Short-1a", False),  # under 10 characters
        ("alllowercaseletters", False),  # one class
        ("lowercase123456", False),  # two classes
        ("Password1234", False),  # common
        ("alice-Town-2026", False),  # like the username
        ("Lake-Wenchang-77", True),
        ("wenchang lake 2026!", True),  # lower, digits, symbols
    ],
)
def test_password_rules(alice: User, password: str, ok: bool) -> None:
    if ok:
        validate_password(password, user=alice)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user=alice)


def test_a_new_account_changes_its_password_first(client: Client, alice: User) -> None:
    alice.must_change_password = True
    alice.save()
    assert attempt(client, "alice", PASSWORD).status_code == 302
    response = client.get("/households/")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "weakpassword", "new_password2": "weakpassword"},
    )
    assert weak.status_code == 200
    assert "至少 3 类" in weak.content.decode()
    new = "Lake-Wenchang-77"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.must_change_password
    assert alice.check_password(new)
    assert client.get("/households/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(alice.pk)).exists()


def test_a_session_ends_after_30_minutes_idle(client: Client, alice: User, settings: object) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(alice)
    assert client.get("/households/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert client.get("/households/").status_code == 302


def test_a_session_ends_8_hours_after_login_however_active(client: Client, alice: User) -> None:
    client.force_login(alice)
    session = client.session
    session[SESSION_LOGIN_AT] = time.time() - 8 * 3600 - 1
    session.save()
    response = client.get("/households/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/households/").status_code == 302


def test_logout_deletes_the_session_on_the_server(client: Client, alice: User) -> None:
    client.force_login(alice)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=alice).exists()


def test_login_is_audited_with_the_address(client: Client, alice: User) -> None:
    attempt(client, "alice", PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor, event.username, event.ip) == (alice, "alice", "127.0.0.1")


def test_household_changes_are_audited_with_ids_masked(client: Client, alice: User, areas: dict[str, Area]) -> None:
    head = member("张三")
    client.force_login(alice)
    household = make_household(village=areas["商家村"], actor=alice, members=[head], phone="13800138000")
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="households.person").get()
    assert created.actor == alice
    household.phone = "13900139000"
    household._history_user = alice
    household.save()
    updated = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="households.household").get()
    assert "联系电话：138****8000 → 139****9000" in updated.summary
    every = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert head["id_number"] not in every
    assert "13800138000" not in every


def test_a_request_for_the_other_town_s_household_is_refused_and_audited(
    client: Client, bob: User, alice: User, areas: dict[str, Area]
) -> None:
    household = make_household(village=areas["商家村"], actor=alice)
    client.force_login(bob)
    assert client.get(f"/households/{household.pk}/").status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert (event.actor, event.object_type, event.object_id) == (bob, "households.household", str(household.pk))
    assert client.get("/households/999999/").status_code == 404  # a missing one is not an attempt on anything
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1


def test_the_auditor_reads_the_audit_log_and_nothing_else(client: Client, audrey: User, alice: User) -> None:
    attempt(client, "alice", "wrong-Password-1")
    client.force_login(audrey)
    page = client.get(reverse("audit_log"), {"action": "login_failed"})
    assert page.status_code == 200
    assert "alice" in page.content.decode()
    for url in ("/households/", "/assistance/cadres/", "/households/import/", reverse("lockouts"), "/admin/"):
        assert client.get(url).status_code in (302, 403), url
    client.force_login(alice)
    assert client.get(reverse("audit_log")).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_the_audit_log_cannot_be_changed_or_deleted(alice: User) -> None:
    from accounts.audit import audit_record

    event = audit_record(action=AuditAction.LOGIN, actor=alice)
    for statement in (
        AuditEvent.objects.filter(pk=event.pk).update,
        AuditEvent.objects.filter(pk=event.pk).delete,
    ):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            statement(summary="x") if statement.__name__ == "update" else statement()
    assert AuditEvent.objects.filter(pk=event.pk, summary="").exists()


def test_a_retention_under_six_months_is_refused(settings: object) -> None:
    settings.AUDIT_RETENTION_DAYS = 90
    assert "accounts.E001" in [m.id for m in run_checks(tags=["security"])]
    settings.AUDIT_RETENTION_DAYS = 183
    assert "accounts.E001" not in [m.id for m in run_checks(tags=["security"])]


def test_pages_carry_the_security_headers(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/households/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"


def test_no_template_has_inline_script_or_style() -> None:
    # An enforced CSP without 'unsafe-inline' would break them silently in the browser.
    for path in (Path(__file__).resolve().parents[2] / "templates").rglob("*.html"):
        text = path.read_text()
        assert "<style" not in text, path
        assert 'style="' not in text, path
        assert "javascript:" not in text, path
        assert "<script>" not in text, path
        assert " on" + "click=" not in text, path


def test_the_deploy_check_passes_with_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k" * 20 + "-Wenchanghu-production-secret-for-the-check-" + "9" * 10,
        "DJANGO_ALLOWED_HOSTS": "fpb.wenchanghu.example",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_id_number_in_any_log_line_or_url_after_a_full_session(
    client: Client, alice: User, dora: User, areas: dict[str, Area], caplog: pytest.LogCaptureFixture, eager: None
) -> None:
    import logging

    household = make_household(village=areas["商家村"], actor=alice, phone="13800138000")
    person = household.members.get()
    caplog.set_level(logging.DEBUG)
    urls = []
    attempt(client, "alice", "wrong-Password-1")
    attempt(client, "alice", PASSWORD)
    for response in (
        client.post("/households/", {"q": person.id_number}, follow=True),
        client.get(f"/households/{household.pk}/"),
        client.get("/households/export/"),
        client.get("/households/999999/"),
    ):
        urls += [url for url, _status in getattr(response, "redirect_chain", [])]
        urls.append(response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", ""))
    client.force_login(dora)
    client.post(f"/households/{household.pk}/members/{person.pk}/reveal/", {"reason": "核对国家系统数据"})
    client.post("/accounts/logout/")
    text = "\n".join(r.getMessage() for r in caplog.records) + "\n".join(urls)
    assert re.search(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", text) is None
    assert person.id_number not in text


def test_no_business_account_is_staff_and_the_district_office_still_has_the_admin(client: Client) -> None:
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    business = [Role.VILLAGE_CLERK, Role.TOWN_CLERK, Role.DISTRICT_OFFICER, Role.SECTOR_OFFICER]
    assert not User.objects.filter(groups__name__in=business, is_staff=True).exists()
    client.force_login(User.objects.get(username="district"))
    assert client.get("/admin/").status_code == 200
    client.force_login(User.objects.get(username="shangjia"))
    assert client.get("/admin/", follow=True).status_code == 403


def test_an_account_made_or_reset_in_the_admin_changes_its_password_first(
    client: Client, dora: User, alice: User
) -> None:
    client.force_login(dora)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newclerk",
            "password1": "Lake-Wenchang-77",
            "password2": "Lake-Wenchang-77",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newclerk").must_change_password
    response = client.post(
        f"/admin/accounts/user/{alice.pk}/password/",
        {"password1": "River-Zibo-2026", "password2": "River-Zibo-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.must_change_password
    assert AuditEvent.objects.filter(action=AuditAction.USER_CHANGE, summary__contains="新建用户 newclerk").exists()
