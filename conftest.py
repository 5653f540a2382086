"""Shared test fixtures: the sample area tree, the named personas of STYLE §20, and a browser page.

- alice: town clerk of 商家镇          - bob: town clerk of 萌水镇
- vera: village clerk of 商家村 (商家镇) - dora: district officer
- sam: sector officer (卫健/医保)       - audrey: auditor
- nobody: an account with neither role nor area

In CI (CI=true) PostgreSQL and Redis must be the ones in use, and Chromium must be installed: a missing
service fails the run instead of skipping the tests that need it.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import connections

from accounts.models import Area, Role, User
from accounts.services import areas_load

AREAS_CSV = Path(__file__).resolve().parent / "accounts" / "data" / "areas.csv"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    problems = []
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("CI must run on PostgreSQL: set DATABASE_URL=postgres://...")
    if "RedisCache" not in django_settings.CACHES["default"]["BACKEND"] or not django_settings.REDIS_URL:
        problems.append("CI must run with Redis: set REDIS_URL=redis://...")
    if CHROMIUM is None:
        problems.append("CI must have Chromium for the browser tests (apt-get install chromium)")
    if problems:
        raise pytest.UsageError("; ".join(problems))


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks run in-process, as in the embedded default (`make run`), even where REDIS_URL is set."""
    from wenchanghu.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_address_failures() -> Iterator[None]:
    """The login's per-address failure count lives in the cache (Redis in CI), which outlives a test: each test
    starts from none, so one test's failed logins cannot lock another's client out."""
    from django.core.cache import cache

    from accounts.signals import IP_FAILURES_KEY

    cache.delete(IP_FAILURES_KEY.format(ip="127.0.0.1"))
    yield
    cache.delete(IP_FAILURES_KEY.format(ip="127.0.0.1"))


@pytest.fixture
def areas(db: None) -> dict[str, Area]:
    """The sample tree of shared/ledger/areas.csv, by name."""
    areas_load(path=AREAS_CSV)
    return {a.name: a for a in Area.objects.all()}


def make_user(username: str, *, role: str | None, area: Area | None, **extra: object) -> User:
    user = User.objects.create_user(username=username, password="Correct-horse-9", area=area, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(areas: dict[str, Area]) -> User:
    return make_user("alice", role=Role.TOWN_CLERK, area=areas["商家镇"], last_name="商家镇", first_name="专干")


@pytest.fixture
def bob(areas: dict[str, Area]) -> User:
    return make_user("bob", role=Role.TOWN_CLERK, area=areas["萌水镇"], last_name="萌水镇", first_name="专干")


@pytest.fixture
def vera(areas: dict[str, Area]) -> User:
    return make_user("vera", role=Role.VILLAGE_CLERK, area=areas["商家村"])


@pytest.fixture
def dora(areas: dict[str, Area]) -> User:
    return make_user("dora", role=Role.DISTRICT_OFFICER, area=areas["文昌湖区"])


@pytest.fixture
def sam(areas: dict[str, Area]) -> User:
    return make_user("sam", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="health")


@pytest.fixture
def audrey(areas: dict[str, Area]) -> User:
    return make_user("audrey", role=Role.AUDITOR, area=areas["文昌湖区"])


@pytest.fixture
def nobody(areas: dict[str, Area]) -> User:
    return make_user("nobody", role=None, area=None)


@pytest.fixture
def page(live_server: object) -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(15_000)
        yield context.new_page()
        # With Playwright's loop running, the ORM keeps its connection per async context: close that one too,
        # or the test database cannot be dropped at the end of the run.
        connections.close_all()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
