"""Settings from the environment: production needs its secrets; Redis and Celery follow REDIS_URL."""

import os
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
