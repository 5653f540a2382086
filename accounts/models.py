from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


# Roles that read household data, each within the subtree of the user's area. The auditor reads the audit
# log only and so is not here.
HOUSEHOLD_ROLES = frozenset({Role.VILLAGE_CLERK, Role.TOWN_CLERK, Role.DISTRICT_OFFICER, Role.SECTOR_OFFICER})


class Sector(models.TextChoices):
    """The sector departments of DESIGN §1, for sector officers."""

    HEALTH = "health", _("卫健/医保")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住建")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    LABOUR = "labour", _("人社")
    DISABLED = "disabled", _("残联")
    FINANCE = "finance", _("财政")


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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

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
