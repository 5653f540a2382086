"""House safety (危房鉴定), retrofits to acceptance (危房改造) and drinking water (饮水安全) — plan ch. 7, ch. 11.

Nothing is deleted: an assessment, a retrofit case or a water survey recorded by mistake is marked void (作废)
with a reason and stays in the records; a wrong figure is corrected with history kept. The latest valid record
on or before the assessment date is what the exit rule reads (housing.providers).
"""

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Household

MONEY_VALIDATORS = [MinValueValidator(0, message=_("金额不能为负数。"))]


class Grade(models.TextChoices):
    """农村住房安全性鉴定等级: C and D are 危房 (plan ch. 7)."""

    A = "A", _("A 级（安全）")
    B = "B", _("B 级（基本安全）")
    C = "C", _("C 级（局部危房）")
    D = "D", _("D 级（整栋危房）")


class VoidableQuerySet(models.QuerySet):
    def valid(self) -> "VoidableQuerySet":
        """Records not marked void (作废)."""
        return self.filter(voided_at__isnull=True)


class Voidable(models.Model):
    """作废: who marked a record void, when and why. A void record counts for nothing but is kept."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作废人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class SafetyAssessment(Voidable):
    """One 农村住房安全性鉴定 of a household's house: who assessed it, when, and the grade A–D."""

    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="house_assessments"
    )
    assessed_on = models.DateField(_("鉴定日期"))
    assessor = models.CharField(_("鉴定人"), max_length=30)
    unit = models.CharField(_("鉴定单位"), max_length=100, blank=True)
    grade = models.CharField(_("鉴定等级"), max_length=1, choices=Grade.choices)
    only_house = models.BooleanField(_("唯一住房"), null=True, blank=True, help_text=_("该房屋是否为本户唯一住房。"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("住房安全鉴定")
        verbose_name_plural = _("住房安全鉴定")
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            # The facts provider and the panel: a household's latest valid assessment on or before a date.
            models.Index(fields=["household", "assessed_on"], name="house_assess_household_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.assessed_on} {self.grade} 级"


class RetrofitKind(models.TextChoices):
    """改造方式 (plan ch. 7 一)."""

    REBUILD = "原址翻建", _("原址翻建")
    REINFORCE = "修缮加固", _("修缮加固")
    RELOCATE = "集中安置", _("集中安置")
    EXCHANGE = "置换", _("置换")


class Stage(models.TextChoices):
    """The stages of a retrofit, in order; none may be skipped (housing.rules.stage_refusal)."""

    PLANNED = "列入计划", _("列入计划")
    STARTED = "开工", _("开工")
    COMPLETED = "竣工", _("竣工")
    ACCEPTED = "验收合格", _("验收合格")
    OCCUPIED = "入住", _("入住")


# The date field of the case that each stage sets.
STAGE_DATE_FIELDS = {
    Stage.PLANNED: "planned_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.ACCEPTED: "accepted_on",
    Stage.OCCUPIED: "occupied_on",
}


class RetrofitCase(Voidable):
    """危房改造: one household's retrofit from the plan to moving in (plan ch. 7). The stage and each stage's
    date are kept on the case (the board and the exit rule read them); who took each step is a RetrofitStep."""

    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="retrofits"
    )
    assessment = models.ForeignKey(
        SafetyAssessment, verbose_name=_("依据的鉴定"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="retrofits",
    )  # fmt: skip
    kind = models.CharField(_("改造方式"), max_length=10, choices=RetrofitKind.choices)
    willing = models.BooleanField(_("本户有改造意愿"), default=True)
    stage = models.CharField(_("当前阶段"), max_length=10, choices=Stage.choices, default=Stage.PLANNED)
    planned_on = models.DateField(_("列入计划日期"))
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    occupied_on = models.DateField(_("入住日期"), null=True, blank=True)
    deadline = models.DateField(
        _("验收期限"), help_text=_("规划要求 2018 年底前全部验收；之后新增的任务按年度考核，年底前验收。")
    )
    planned_subsidy = models.DecimalField(
        _("计划补助（元）"), max_digits=12, decimal_places=2, default=0, validators=MONEY_VALIDATORS
    )
    subsidy_central = models.DecimalField(
        _("中央补助（元）"), max_digits=12, decimal_places=2, default=0, validators=MONEY_VALIDATORS
    )
    subsidy_province = models.DecimalField(
        _("省级补助（元）"), max_digits=12, decimal_places=2, default=0, validators=MONEY_VALIDATORS
    )
    subsidy_city = models.DecimalField(
        _("市级补助（元）"), max_digits=12, decimal_places=2, default=0, validators=MONEY_VALIDATORS
    )
    subsidy_district = models.DecimalField(
        _("区级补助（元）"), max_digits=12, decimal_places=2, default=0, validators=MONEY_VALIDATORS
    )
    self_paid = models.DecimalField(
        _("农户自筹（元）"), max_digits=12, decimal_places=2, default=0, validators=MONEY_VALIDATORS
    )
    meets_building_standard = models.BooleanField(_("符合农村危房改造建设标准"), default=False)
    meets_seismic_standard = models.BooleanField(_("符合抗震设防要求"), default=False)
    inspector = models.CharField(_("验收人"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("危房改造")
        verbose_name_plural = _("危房改造")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(voided_at__isnull=True),
                name="retrofit_one_valid_per_household",
                violation_error_message=_("该户已有危房改造任务，请在原任务上推进，或先作废原任务。"),
            ),
            *(
                models.CheckConstraint(
                    name=f"retrofit_{name}_not_negative",
                    condition=Q(**{f"{name}__gte": 0}),
                    violation_error_message=_("金额不能为负数。"),
                )
                for name in (
                    "planned_subsidy",
                    "subsidy_central",
                    "subsidy_province",
                    "subsidy_city",
                    "subsidy_district",
                    "self_paid",
                )
            ),
            models.CheckConstraint(
                name="retrofit_accepted_meets_standards",
                condition=Q(accepted_on__isnull=True)
                | (Q(meets_building_standard=True) & Q(meets_seismic_standard=True) & ~Q(inspector="")),
            ),
        ]
        indexes = [
            # The board: a town's cases by stage; the provider: accepted cases by household.
            models.Index(fields=["stage", "deadline"], name="retrofit_stage_deadline"),
            models.Index(fields=["household", "accepted_on"], name="retrofit_household_accept"),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.kind}（{self.stage}）"

    @property
    def subsidy_total(self) -> Decimal:
        return self.subsidy_central + self.subsidy_province + self.subsidy_city + self.subsidy_district

    def stage_date(self, stage: str) -> date | None:
        return getattr(self, STAGE_DATE_FIELDS[Stage(stage)])


class RetrofitStep(models.Model):
    """Who moved a case into a stage, on which date, and what they noted (列入计划 … 入住)."""

    case = models.ForeignKey(RetrofitCase, verbose_name=_("危房改造"), on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("改造进度")
        verbose_name_plural = _("改造进度")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="retrofit_step_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.on}"


class PhotoKind(models.TextChoices):
    ASSESSMENT = "鉴定", _("鉴定照片")
    BEFORE = "改造前", _("改造前")
    AFTER = "改造后", _("改造后")


def housing_photo_path(photo: "HousingPhoto", filename: str) -> str:
    """A random name under housing/YYYY/MM/: the uploaded file's own name (often a person's name) is not kept."""
    suffix = Path(filename).suffix.lower()[:5]
    return f"housing/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class HousingPhoto(models.Model):
    """A photo of an assessment or of a retrofit before/after. Served only through the household's scope."""

    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="housing_photos"
    )
    assessment = models.ForeignKey(
        SafetyAssessment, verbose_name=_("鉴定"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="photos",
    )  # fmt: skip
    case = models.ForeignKey(
        RetrofitCase, verbose_name=_("危房改造"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="photos",
    )  # fmt: skip
    kind = models.CharField(_("照片类别"), max_length=4, choices=PhotoKind.choices)
    image = models.ImageField(_("照片"), upload_to=housing_photo_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("住房照片")
        verbose_name_plural = _("住房照片")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="housing_photo_of_one_record",
                condition=Q(assessment__isnull=False, case__isnull=True)
                | Q(assessment__isnull=True, case__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind}"


class WaterSource(models.TextChoices):
    CENTRAL = "集中供水", _("集中供水")
    SCATTERED = "分散供水", _("分散供水")


class WaterSurvey(Voidable):
    """农村饮水安全 survey of one household (plan ch. 11 二): the source and the four national indicators —
    水量, 水质, 用水方便程度, 供水保证率. Blank is 未填写 (not known), not "met"."""

    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="water_surveys"
    )
    surveyed_on = models.DateField(_("调查日期"))
    source = models.CharField(_("供水方式"), max_length=4, choices=WaterSource.choices, blank=True)
    quantity_ok = models.BooleanField(_("水量达标"), null=True, blank=True)
    quality_ok = models.BooleanField(_("水质达标"), null=True, blank=True)
    convenience_ok = models.BooleanField(_("用水方便程度达标"), null=True, blank=True)
    guarantee_ok = models.BooleanField(_("供水保证率达标"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("饮水安全调查")
        verbose_name_plural = _("饮水安全调查")
        ordering = ["-surveyed_on", "-pk"]
        permissions = [
            ("import_retrofits", _("可导入住建部门危房改造台账")),
            ("export_housing", _("可导出住房与饮水迎检清单")),
        ]
        indexes = [
            # The facts provider and the water list: a household's latest valid survey on or before a date.
            models.Index(fields=["household", "surveyed_on"], name="water_survey_hh_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.surveyed_on}"
