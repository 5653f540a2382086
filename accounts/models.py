from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .sectors import SECTORS


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇")
    VILLAGE = "village", _("行政村")


# The parent level each level must hang under; the tree is exactly three levels deep, which the scoping
# function relies on.
PARENT_LEVEL = {
    AreaLevel.DISTRICT: None,
    AreaLevel.TOWN: AreaLevel.DISTRICT,
    AreaLevel.VILLAGE: AreaLevel.TOWN,
}


class Area(models.Model):
    """A node of the administrative tree: the district, its towns, their villages (统计用区划代码)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="area_only_district_is_root",
                condition=Q(level=AreaLevel.DISTRICT, parent__isnull=True)
                | (~Q(level=AreaLevel.DISTRICT) & Q(parent__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """`商家镇 商家村` for a village, the name alone otherwise."""
        if self.level == AreaLevel.VILLAGE and self.parent is not None:
            return f"{self.parent.name} {self.name}"
        return self.name


class Role(models.TextChoices):
    """The roles of DESIGN §4. Each is a Django group of the same name, created by a data migration."""

    VILLAGE_CLERK = "village_clerk", _("村级信息员")
    TOWN_CLERK = "town_clerk", _("乡镇扶贫专干")
    DISTRICT_OFFICER = "district_officer", _("区扶贫办")
    SECTOR_OFFICER = "sector_officer", _("行业部门")
    AUDITOR = "auditor", _("审计管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


# Roles that read household data, each within the subtree of the user's area. The auditor reads the audit
# log only and so is not here.
HOUSEHOLD_ROLES = frozenset({Role.VILLAGE_CLERK, Role.TOWN_CLERK, Role.DISTRICT_OFFICER, Role.SECTOR_OFFICER})


Sector = models.TextChoices("Sector", [(name, (value, _(label))) for name, value, label in SECTORS])
Sector.__doc__ = "The sector departments of DESIGN §1, for sector officers."


class User(AbstractUser):
    """A person who logs in. `area` sets the scope of what they see; their group sets what they may do."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("决定能看到哪些农户：村、镇或全区。未设置则什么也看不到。"),
    )
    sector = models.CharField(
        _("行业部门"), max_length=20, choices=Sector.choices, blank=True, help_text=_("仅行业部门用户填写。")
    )
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("首次登录或管理员重置密码后，须先修改密码才能使用系统。")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("unlock_user", _("可解除登录锁定")), ("use_admin", _("可进入后台管理"))]

    @property
    def display_name(self) -> str:
        """Chinese order: family name first, no space (区扶贫办, 商家镇扶贫专干)."""
        return f"{self.last_name}{self.first_name}".strip() or self.username

    @property
    def roles(self) -> frozenset[str]:
        """The user's role names, read once per request object."""
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = frozenset(self.groups.values_list("name", flat=True))
        return self._roles_cache

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.roles) if r in Role.values]


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账户锁定")
    UNLOCK = "unlock", _("解除锁定")
    LOGOUT = "logout", _("退出登录")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    USER_CHANGE = "user_change", _("用户变更")
    ROLE_CHANGE = "role_change", _("角色变更")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    REVEAL = "reveal", _("查看完整号码")
    DENIED = "denied", _("越权访问被拒")


class AuditEvent(models.Model):
    """One line of the audit log (等保2.0 安全审计). Append-only: nothing in the application updates or deletes
    a row, and on PostgreSQL a trigger refuses it (migration 0003). ID numbers are masked before they get here."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)  # as typed, for failed logins too
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    summary = models.CharField(_("内容"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"
