"""What the audit log hears without being called: logins, failures, lockouts, logouts, user and role changes,
and every record saved with history (households, persons and the sector apps' records).

Connected in AccountsConfig.ready(). Bulk writes (the ledger import's COPY) send no per-row signal: the import
is recorded as one event with its row counts.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_save
from django.http import HttpRequest
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from .audit import audit_record, client_ip
from .models import AuditAction, User

IP_FAILURES_KEY = "login-failures-ip:{ip}"
SESSION_LOGIN_AT = "login_at"


def on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()  # for the 8-hour limit (middleware.py)
    audit_record(action=AuditAction.LOGIN, actor=user, request=request, summary="登录成功")


def on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request, summary="退出登录")


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from django.conf import settings

    username = str(credentials.get("username", ""))
    audit_record(action=AuditAction.LOGIN_FAILED, username=username, request=request, summary="用户名或密码错误")
    ip = client_ip(request)
    if ip:
        key = IP_FAILURES_KEY.format(ip=ip)
        cache.add(key, 0, settings.LOGIN_IP_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_IP_WINDOW_SECONDS)


def on_locked_out(sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any) -> None:
    audit_record(
        action=AuditAction.LOCKOUT, username=username or "", request=request, summary="连续登录失败，账户已锁定 30 分钟"
    )


def on_user_saved(sender: Any, instance: User, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # every login updates last_login; the login itself is recorded
    if update_fields and "password" in update_fields and set(update_fields) <= {"password", "must_change_password"}:
        audit_record(action=AuditAction.PASSWORD_CHANGE, obj=instance, summary=f"用户 {instance.username} 的密码已修改")
        return
    what = "新建用户" if created else "修改用户"
    area = instance.area.name if instance.area_id else "无"
    summary = f"{what} {instance.username}：区划 {area}，启用 {'是' if instance.is_active else '否'}，后台 {'是' if instance.is_staff else '否'}"
    audit_record(action=AuditAction.USER_CHANGE, obj=instance, summary=summary)


def on_groups_changed(sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    from django.contrib.auth.models import Group

    names = "、".join(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True)) or "全部"
    verb = {"post_add": "加入角色", "post_remove": "移出角色", "post_clear": "清空角色"}[action]
    audit_record(action=AuditAction.ROLE_CHANGE, obj=instance, summary=f"用户 {instance.username} {verb}：{names}")


def on_history(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """Every create and update of a record kept with history, with the fields that changed."""
    meta = instance._meta
    label = str(meta.verbose_name)
    if history_instance.history_type == "+":
        action, summary = AuditAction.CREATE, f"新增{label}：{instance}"
    elif history_instance.history_type == "~":
        previous = history_instance.prev_record
        changes = []
        if previous is not None:
            for change in history_instance.diff_against(previous).changes:
                field = meta.get_field(change.field)
                changes.append(f"{field.verbose_name}：{_shown(change.old)} → {_shown(change.new)}")
        action = AuditAction.UPDATE
        summary = f"修改{label}：{instance}" + (f"（{'；'.join(changes)}）" if changes else "")
    else:
        return  # nothing is deleted
    reason = getattr(history_instance, "history_change_reason", "") or ""
    if reason:
        summary += f"；原因：{reason}"
    audit_record(action=action, actor=history_instance.history_user, obj=instance, summary=summary)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit-locked-out")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="audit-user-saved")
    m2m_changed.connect(on_groups_changed, sender=User.groups.through, dispatch_uid="audit-groups")
    post_create_historical_record.connect(on_history, dispatch_uid="audit-history")
