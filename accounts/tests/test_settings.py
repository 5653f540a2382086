"""Settings from the environment: production needs its secrets; Redis and Celery follow REDIS_URL."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    code = (
        "import wenchanghu.settings as s; print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_embedded_default_is_sqlite_eager_debug() -> None:
    result = load_settings()
    assert result.stdout.split() == ["True", "True", "django.db.backends.sqlite3"]


def test_production_requires_a_secret_key() -> None:
    result = load_settings(DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="fpb.example.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_allowed_hosts() -> None:
    result = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_with_postgres_and_redis() -> None:
    result = load_settings(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="fpb.example.cn",
        DATABASE_URL="postgres://u@db/wch",
        REDIS_URL="redis://cache:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "django.db.backends.postgresql"]


def test_language_and_time_zone() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (always set in CI)")
def test_the_cache_is_the_real_redis() -> None:
    import redis

    cache.set("wch-test-key", "值", 30)
    assert cache.get("wch-test-key") == "值"
    # The same key is visible to a plain Redis client: the cache is not an in-process stand-in.
    keys = redis.Redis.from_url(settings.REDIS_URL).keys("*wch-test-key*")
    assert keys
    cache.delete("wch-test-key")


def test_make_run_mode_is_embedded_without_debug_on_plain_local_http() -> None:
    """`make run` (DJANGO_EMBEDDED=true): DEBUG off for the Chinese error pages, but none of production's
    HTTPS-only cookies or redirect, loopback hosts only, static files served by whitenoise without collectstatic."""
    code = (
        "import wenchanghu.settings as s; print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'],"
        " sorted(s.ALLOWED_HOSTS), getattr(s, 'SESSION_COOKIE_SECURE', False), getattr(s, 'SECURE_SSL_REDIRECT',"
        " False), s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1], s.WHITENOISE_USE_FINDERS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    # Even a host name in the environment does not open the embedded mode to the network.
    env = {**clean, "DJANGO_EMBEDDED": "true", "DJANGO_ALLOWED_HOSTS": "fpb.example.cn"}
    result = subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "django.db.backends.sqlite3",
        "['127.0.0.1',",
        "'[::1]',",
        "'localhost']",
        "False",
        "False",
        "StaticFilesStorage",
        "True",
    ]


def test_make_run_mode_serves_static_files_and_the_chinese_404_page() -> None:
    """Through the whole middleware stack of the embedded mode: the CSS answers 200 (whitenoise, no
    collectstatic) and an unknown address is the Chinese 404 page, not the debug page listing the URLs."""
    code = (
        "import django; django.setup(); from django.test import Client; c = Client(HTTP_HOST='127.0.0.1');"
        " r = c.get('/static/css/app.css'); print(r.status_code, r['Content-Type']);"
        " r = c.get('/no-such-page/'); print(r.status_code, '找不到该页面' in r.content.decode(),"
        " 'URLconf' in r.content.decode())"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env = {**clean, "DJANGO_EMBEDDED": "true", "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    result = subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("200 text/css")
    assert lines[1] == "404 True False"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_serves_the_port_asked_for() -> None:
    def dry_run(**env: str) -> str:
        # -n prints the commands and runs none; -o leaves the virtual environment alone.
        result = subprocess.run(
            ["make", "-n", "-o", ".venv/.installed", "run"],  # noqa: S607 — make from PATH
            cwd=ROOT,
            env={**{k: v for k, v in os.environ.items() if k != "PORT"}, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    assert "DJANGO_EMBEDDED=true .venv/bin/python manage.py runserver 127.0.0.1:8100" in dry_run(PORT="8100")
    assert "http://127.0.0.1:8100/accounts/login/" in dry_run(PORT="8100")
    assert "runserver 127.0.0.1:8000" in dry_run()
    assert "runserver 127.0.0.1:8000" in dry_run(PORT="")
