"""Cadre pairing (结对帮扶), visits and the measures taken for each household (一户一策) — plan ch. 9 §1, ch. 4,
ch. 8.

A pairing, a visit or a measure is never deleted: a pairing ends (with a reason, and a successor while the
household has not exited), a cadre is set inactive. History is kept for every model.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.sectors import SECTORS
from households.models import Household, Person


class CadreRank(models.TextChoices):
    """The two ranks of the plan's quota (ch. 9 §1: 科级干部每人 3 户、一般干部每人 2 户)."""

    SECTION = "科级干部", _("科级干部")
    ORDINARY = "一般干部", _("一般干部")


class CadreGrade(models.TextChoices):
    """职务级别, where known; it decides the rank (see rules.rank_of_grade)."""

    TOWNSHIP_CHIEF = "乡科级正职", _("乡科级正职")
    TOWNSHIP_DEPUTY = "乡科级副职", _("乡科级副职")
    CLERK = "科员级", _("科员级")
    OFFICER = "办事员级", _("办事员级")
    UNGRADED = "未定职", _("未定职")


class UnitType(models.TextChoices):
    PARTY_GOVERNMENT = "党政机关", _("党政机关")
    INSTITUTION = "事业单位", _("事业单位")
    STATE_ENTERPRISE = "国有企业", _("国有企业")
    TOWNSHIP = "乡镇", _("乡镇")
    VILLAGE = "村级组织", _("村级组织")
    OTHER = "其他", _("其他")


class Cadre(models.Model):
    """A cadre responsible for households (帮扶责任人). District-wide: any town's households may be paired with them."""

    name = models.CharField(_("姓名"), max_length=30)
    sex = models.CharField(_("性别"), max_length=1, choices=[("男", _("男")), ("女", _("女"))], blank=True)
    unit = models.CharField(_("帮扶单位"), max_length=100, blank=True)
    unit_type = models.CharField(_("单位类型"), max_length=10, choices=UnitType.choices, blank=True)
    rank = models.CharField(
        _("干部类别"),
        max_length=10,
        choices=CadreRank.choices,
        blank=True,
        help_text=_("决定结对户数上限。台账导入新建的干部未登记类别，按一般干部的上限计，请尽快补登。"),
    )
    grade = models.CharField(_("职务级别"), max_length=10, choices=CadreGrade.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    first_secretary = models.BooleanField(_("第一书记"), default=False)
    work_team = models.BooleanField(_("驻村工作队员"), default=False)
    active = models.BooleanField(_("在岗"), default=True, help_text=_("调离、退休的干部设为不在岗，不能再新结对。"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶干部")
        verbose_name_plural = _("帮扶干部")
        ordering = ["name", "pk"]
        constraints = [
            # The ledger import tells two cadres of the same name apart by their phone.
            models.UniqueConstraint(
                fields=["name", "phone"],
                condition=~Q(phone=""),
                name="cadre_name_phone_unique",
                violation_error_message=_("已有同名同电话的干部。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class PairingQuota(models.Model):
    """How many households a cadre of a rank may be paired with (DESIGN §5 rule 7: 3 and 2 by default).
    The district office changes them on the quota page, without code."""

    rank = models.CharField(_("干部类别"), max_length=10, choices=CadreRank.choices, unique=True)
    households = models.PositiveSmallIntegerField(_("结对户数上限"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("结对户数上限")
        verbose_name_plural = _("结对户数上限")
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(name="pairing_quota_positive", condition=Q(households__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.rank}：{self.households} 户"


class EndReason(models.TextChoices):
    TRANSFERRED = "调岗", _("调岗")
    RETIRED = "退休", _("退休")
    LEFT = "离职", _("离职")
    ILL = "病休", _("病休")
    REASSIGNED = "工作调整", _("工作调整")
    LEDGER = "台账更换", _("台账更换（导入）")
    EXITED = "已脱贫", _("已脱贫")
    REMOVED = "自然减少", _("农户自然减少")
    OTHER = "其他", _("其他")


# Reasons for handing a household over to another cadre (the household keeps being covered).
HANDOVER_REASONS = [
    (r.value, r.label)
    for r in (
        EndReason.TRANSFERRED,
        EndReason.RETIRED,
        EndReason.LEFT,
        EndReason.ILL,
        EndReason.REASSIGNED,
        EndReason.OTHER,
    )
]


class PairingQuerySet(models.QuerySet):
    def active(self) -> "PairingQuerySet":
        return self.filter(ended_on__isnull=True)


class Pairing(models.Model):
    """One cadre responsible for one household from `started_on` until `ended_on` (结对帮扶, plan ch. 9 §1)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="pairings")
    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField(_("结对日期"))
    ended_on = models.DateField(_("解除日期"), null=True, blank=True)
    end_reason = models.CharField(_("解除原因"), max_length=10, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("解除说明"), max_length=200, blank=True)
    successor = models.OneToOneField(
        "self",
        verbose_name=_("接替结对"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessor",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结对登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_active_per_household",
                violation_error_message=_("该户已有在帮的帮扶责任人。"),
            ),
            models.CheckConstraint(
                name="pairing_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(
                name="pairing_ended_has_reason",
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
            ),
        ]
        indexes = [
            # Quota counts and the cadre page: a cadre's active pairings.
            models.Index(fields=["cadre", "ended_on"], name="pairing_cadre_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} — {self.household.number}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


def visit_photo_path(visit: "Visit", filename: str) -> str:
    """A random name under visits/YYYY/MM/: the uploaded file's own name (often a person's name) is not kept."""
    suffix = Path(filename).suffix.lower()[:5]
    return f"visits/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Visit(models.Model):
    """走访记录: a cadre's visit to a household, what was found and what was agreed."""

    household = models.ForeignKey(Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="visits")
    cadre = models.ForeignKey(Cadre, verbose_name=_("走访干部"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    found = models.TextField(_("了解到的情况"), max_length=2000)
    agreed = models.TextField(_("商定的事项"), max_length=2000, blank=True)
    photo = models.ImageField(_("照片"), upload_to=visit_photo_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            # Cadres without a recent visit: the latest visit per cadre.
            models.Index(fields=["cadre", "visited_on"], name="visit_cadre_date"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.cadre.name} 走访 {self.household.number}"


class MeasureKind(models.TextChoices):
    """帮扶措施 types of 一户一策 (plan ch. 4, ch. 8, ch. 9 §1 二)."""

    INDUSTRY = "产业", _("产业")
    EMPLOYMENT = "就业", _("就业")
    EDUCATION = "教育", _("教育")
    HEALTH = "健康", _("健康")
    HOUSING = "住房", _("住房")
    SOCIAL_SECURITY = "兜底保障", _("兜底保障")
    FINANCE = "金融", _("金融")
    OTHER = "其他", _("其他")


class MeasureItem(models.TextChoices):
    """The measures with their own facts; which kinds each belongs to is rules.MEASURE_ITEMS."""

    TRAINING = "技能培训", _("技能培训（免费）")
    WELFARE_JOB = "公益岗位", _("公益岗位")
    MIGRANT_WORK = "转移就业", _("转移就业")
    MICRO_CREDIT = "小额扶贫信贷", _("小额扶贫信贷")
    STARTUP_LOAN = "创业扶贫担保贷款", _("创业扶贫担保贷款")
    DIBAO = "低保", _("低保")
    TEKUN = "特困供养", _("特困供养")
    TEMPORARY_AID = "临时救助", _("临时救助")
    PENSION_PREMIUM = "养老保险代缴", _("养老保险代缴")
    INDUSTRY_PROJECT = "产业项目", _("产业项目")
    ASSET_DIVIDEND = "资产收益分红", _("资产收益分红")


class InterestSubsidy(models.TextChoices):
    FULL = "全额贴息", _("全额贴息")
    PARTIAL = "部分贴息", _("部分贴息")
    NONE = "不贴息", _("不贴息")


# The departments that carry out measures (DESIGN §1): the district office, the town, every sector department
# of accounts.models.SECTORS (the one list of sectors), agriculture and others.
Department = models.TextChoices(
    "Department",
    [
        ("POVERTY_OFFICE", ("区扶贫办", _("区扶贫办"))),
        ("TOWN", ("镇政府", _("镇政府"))),
        *[(name, (label, _(label))) for name, _value, label in SECTORS],
        ("AGRICULTURE", ("农业", _("农业"))),
        ("OTHER", ("其他", _("其他"))),
    ],
)


class Measure(models.Model):
    """One measure taken for a household in a year (帮扶措施, 一户一策)."""

    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="measures"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("措施类别"), max_length=10, choices=MeasureKind.choices)
    item = models.CharField(_("具体项目"), max_length=10, choices=MeasureItem.choices, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("受益成员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        help_text=_("技能培训、公益岗位、养老保险代缴按人登记。"),
    )
    description = models.CharField(_("措施内容"), max_length=500)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("涉及资金时填写；贷款填贷款金额。"),
    )
    months = models.PositiveSmallIntegerField(
        _("月数"), null=True, blank=True, help_text=_("公益岗位的在岗月数、贷款期限。")
    )
    monthly_pay = models.DecimalField(_("月工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    interest_subsidy = models.CharField(_("贴息"), max_length=10, choices=InterestSubsidy.choices, blank=True)
    done_on = models.DateField(_("落实日期"))
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("责任干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    department = models.CharField(_("责任部门"), max_length=10, choices=Department.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["-year", "-done_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="measure_amount_not_negative", condition=Q(amount__isnull=True) | Q(amount__gte=0)
            ),
            models.CheckConstraint(
                name="measure_has_responsible", condition=Q(cadre__isnull=False) | ~Q(department="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.household.number}"
