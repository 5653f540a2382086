"""System checks of the security settings an operator could weaken by mistake."""

from typing import Any

from django.conf import settings
from django.core import checks

MIN_AUDIT_RETENTION_DAYS = 183  # 等保2.0: audit records kept at least six months


def audit_retention(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", 0)
    if days < MIN_AUDIT_RETENTION_DAYS:
        return [
            checks.Error(
                f"AUDIT_RETENTION_DAYS={days}：审计日志至少保留 6 个月（{MIN_AUDIT_RETENTION_DAYS} 天）。",
                hint="把 AUDIT_RETENTION_DAYS 设为 183 或更大。",
                id="accounts.E001",
            )
        ]
    return []


def login_policy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems = []
    if settings.AXES_LOCKOUT_PARAMETERS != ["username"]:
        problems.append(
            checks.Error(
                "登录锁定必须按账户计算（AXES_LOCKOUT_PARAMETERS = ['username']）：一个乡镇的办公室共用一个出口地址。",
                id="accounts.E002",
            )
        )
    if settings.LOGIN_IP_FAILURE_LIMIT <= settings.AXES_FAILURE_LIMIT:
        problems.append(checks.Error("LOGIN_IP_FAILURE_LIMIT 必须大于单个账户的失败次数上限。", id="accounts.E003"))
    return problems


def register() -> None:
    checks.register(audit_retention, checks.Tags.security)
    checks.register(login_policy, checks.Tags.security)
