"""The district's figures as stored aggregates, the data-quality problem lists (疑点) and the inspection packs
(迎检) — plan ch. 12 (组织保障: 督查考核) and ch. 2 §3 (the targets the figures are held against).

The dashboard never counts the registry on a page view: it reads `AreaFigures`, one row per year and area,
written by `services.figures_refresh` after the nightly recompute and after imports.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Area
from households.models import Household, Person


class AreaFigures(models.Model):
    """The counts of one area (district, town or village) for one year, as the last refresh found them.

    `households` and `persons` map a figure key ("status:未脱贫", "gap:收入", "cover:unpaired" …, see
    figures.py) to a number; `extra` holds the figures of sector apps (figures.register_figure).
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    households = models.JSONField(_("户数"), default=dict)
    persons = models.JSONField(_("人数"), default=dict)
    extra = models.JSONField(_("行业部门指标"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("统计数字")
        verbose_name_plural = _("统计数字")
        ordering = ["year", "area__code"]
        permissions = [
            ("view_dashboard", _("可查看统计看板")),
            ("export_pack", _("可导出迎检资料（汇总表、PDF、户档）")),
            ("view_changes", _("可查看和导出国家系统变更清单")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "area"], name="areafigures_one_per_year_area"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area}"


class RefreshRun(models.Model):
    """One refresh of the figures and the problem lists: when, why, how many areas and problems."""

    trigger = models.CharField(_("触发方式"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    started_at = models.DateTimeField(_("开始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    areas = models.PositiveIntegerField(_("区域数"), default=0)
    problems_open = models.PositiveIntegerField(_("待处理疑点"), default=0)
    problems_new = models.PositiveIntegerField(_("新发现疑点"), default=0)
    problems_cleared = models.PositiveIntegerField(_("已消除疑点"), default=0)

    class Meta:
        verbose_name = _("统计刷新记录")
        verbose_name_plural = _("统计刷新记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.started_at:%Y-%m-%d %H:%M}"


class ProblemState(models.TextChoices):
    OPEN = "open", _("待核实")
    FIXED = "fixed", _("已更正")
    EXPLAINED = "explained", _("已说明")


class Problem(models.Model):
    """One finding of a data-quality rule (疑点) about a household or one of its members.

    Found by the nightly run; handled by a clerk (已更正, or 已说明 with a note). A finding the next run no
    longer makes is cleared (`cleared_at`) and leaves the worklist; a record marked 已更正 that the run still
    finds goes back to 待核实. Never deleted.
    """

    rule = models.CharField(_("规则"), max_length=4)
    household = models.ForeignKey(Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("成员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("疑点内容"), max_length=300)
    state = models.CharField(_("处理状态"), max_length=10, choices=ProblemState.choices, default=ProblemState.OPEN)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    found_at = models.DateTimeField(_("发现时间"))
    seen_at = models.DateTimeField(_("最近一次发现"))
    cleared_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("数据疑点")
        verbose_name_plural = _("数据疑点")
        ordering = ["rule", "household_id", "person_id"]
        constraints = [
            # One live problem per rule and subject (the household itself, or one member).
            models.UniqueConstraint(
                fields=["rule", "household", "person"],
                condition=Q(cleared_at__isnull=True, person__isnull=False),
                name="problem_one_live_per_person",
            ),
            models.UniqueConstraint(
                fields=["rule", "household"],
                condition=Q(cleared_at__isnull=True, person__isnull=True),
                name="problem_one_live_per_household",
            ),
            models.CheckConstraint(name="problem_explained_has_note", condition=~Q(state="explained") | ~Q(note="")),
        ]
        indexes = [
            # The worklist: live problems of a rule and state.
            models.Index(fields=["cleared_at", "rule", "state"], name="problem_live_rule_state"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.household}"


class PackFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel 工作簿")
    PDF = "pdf", _("PDF 文件")


class PackStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class InspectionPack(models.Model):
    """One inspection pack (迎检资料) of a town or village for a year, built by a Celery task."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    format = models.CharField(_("格式"), max_length=4, choices=PackFormat.choices)
    status = models.CharField(_("状态"), max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("进度说明"), max_length=100, blank=True)
    stored_file = models.CharField(_("存放位置"), max_length=300, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("迎检资料")
        verbose_name_plural = _("迎检资料")
        ordering = ["-created_at"]
        indexes = [
            # The pack page: a user's own packs, newest first.
            models.Index(fields=["actor", "-created_at"], name="pack_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.format}"

    @property
    def running(self) -> bool:
        return self.status in (PackStatus.QUEUED, PackStatus.RUNNING)
