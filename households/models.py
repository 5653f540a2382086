"""Registered poor households (建档立卡贫困户), their members, incomes, and the yearly standard.

Choice values are the words of the ledger (FORMAT.md), so that a ledger cell, the database and an export
carry the same text.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Area


class HouseholdAttribute(models.TextChoices):
    ORDINARY = "一般贫困户", _("一般贫困户")
    DIBAO = "低保贫困户", _("低保贫困户")
    TEKUN = "特困供养贫困户", _("特困供养贫困户")


class PovertyCause(models.TextChoices):
    ILLNESS = "因病", _("因病")
    DISABILITY = "因残", _("因残")
    SCHOOLING = "因学", _("因学")
    DISASTER = "因灾", _("因灾")
    NO_LAND = "缺土地", _("缺土地")
    NO_WATER = "缺水", _("缺水")
    NO_SKILLS = "缺技术", _("缺技术")
    NO_LABOUR = "缺劳力", _("缺劳力")
    NO_CAPITAL = "缺资金", _("缺资金")
    POOR_TRANSPORT = "交通条件落后", _("交通条件落后")
    NO_DRIVE = "自身发展动力不足", _("自身发展动力不足")
    OTHER = "其他", _("其他")


class HouseholdStatus(models.TextChoices):
    """DESIGN §6: 未脱贫 → 已脱贫 (exit procedure); 已脱贫 → 返贫; any → 自然减少."""

    IN_POVERTY = "未脱贫", _("未脱贫")
    EXITED = "已脱贫", _("已脱贫")
    RETURNED = "返贫", _("返贫")
    REMOVED = "自然减少", _("自然减少")


class HouseGrade(models.TextChoices):
    A = "A", _("A 级")
    B = "B", _("B 级")
    C = "C", _("C 级（危房）")
    D = "D", _("D 级（危房）")


class Relation(models.TextChoices):
    HEAD = "户主", _("户主")
    SPOUSE = "配偶", _("配偶")
    SON = "之子", _("之子")
    DAUGHTER = "之女", _("之女")
    DAUGHTER_IN_LAW = "之儿媳", _("之儿媳")
    SON_IN_LAW = "之女婿", _("之女婿")
    GRANDSON = "之孙子", _("之孙子")
    GRANDDAUGHTER = "之孙女", _("之孙女")
    DAUGHTERS_SON = "之外孙子", _("之外孙子")
    DAUGHTERS_DAUGHTER = "之外孙女", _("之外孙女")
    FATHER = "之父", _("之父")
    MOTHER = "之母", _("之母")
    WIFES_FATHER = "之岳父", _("之岳父")
    WIFES_MOTHER = "之岳母", _("之岳母")
    HUSBANDS_FATHER = "之公公", _("之公公")
    HUSBANDS_MOTHER = "之婆婆", _("之婆婆")
    SIBLING = "之兄弟姐妹", _("之兄弟姐妹")
    GRANDFATHER = "之祖父", _("之祖父")
    GRANDMOTHER = "之祖母", _("之祖母")
    OTHER = "其他", _("其他")


class Sex(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class Education(models.TextChoices):
    ILLITERATE = "文盲或半文盲", _("文盲或半文盲")
    PRIMARY = "小学", _("小学")
    JUNIOR = "初中", _("初中")
    SENIOR = "高中", _("高中")
    SECONDARY_VOCATIONAL = "中专", _("中专")
    COLLEGE = "大专及以上", _("大专及以上")
    PRESCHOOL = "学龄前儿童", _("学龄前儿童")


class SchoolStatus(models.TextChoices):
    NOT_STUDENT = "非在校生", _("非在校生")
    PRESCHOOL = "学前教育", _("学前教育")
    PRIMARY = "小学", _("小学")
    JUNIOR = "初中", _("初中")
    SENIOR = "普通高中", _("普通高中")
    SECONDARY_VOCATIONAL = "中职", _("中职")
    HIGHER_VOCATIONAL = "高职", _("高职")
    COLLEGE = "大专", _("大专")
    UNIVERSITY = "本科及以上", _("本科及以上")
    DROPPED_OUT = "辍学", _("辍学")


class Health(models.TextChoices):
    HEALTHY = "健康", _("健康")
    CHRONIC = "长期慢性病", _("长期慢性病")
    SERIOUS = "患有大病", _("患有大病")
    DISABLED = "残疾", _("残疾")


class DisabilityGrade(models.TextChoices):
    GRADE_1 = "一级", _("一级（极重度）")
    GRADE_2 = "二级", _("二级（重度）")
    GRADE_3 = "三级", _("三级（中度）")
    GRADE_4 = "四级", _("四级（轻度）")


class LabourAbility(models.TextChoices):
    ORDINARY = "普通劳动力", _("普通劳动力")
    SKILLED = "技能劳动力", _("技能劳动力")
    WEAK = "弱劳动力或半劳动力", _("弱劳动力或半劳动力")
    LOST = "丧失劳动力", _("丧失劳动力")
    NONE = "无劳动力", _("无劳动力")


class WorkStatus(models.TextChoices):
    IN_TOWN = "乡(镇)内务工", _("乡(镇)内务工")
    IN_COUNTY = "县内务工", _("县内务工")
    IN_PROVINCE = "省内县外务工", _("省内县外务工")
    OUT_OF_PROVINCE = "省外务工", _("省外务工")
    NOT_WORKING = "未务工", _("未务工")


class LeftReason(models.TextChoices):
    """Why a member is no longer in the household (DESIGN §6). Blank means the member is in the household."""

    DIED = "死亡", _("死亡")
    MOVED_OUT = "迁出", _("迁出")
    MARRIED_OUT = "婚出", _("婚出")


class PovertyStandard(models.Model):
    """市定扶贫标准 and rural 低保 line of one year (两线合一), yuan per person per year — plan ch. 2 §3, ch. 8."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    poverty_line = models.DecimalField(_("扶贫标准（元/人·年）"), max_digits=10, decimal_places=2)
    dibao_line = models.DecimalField(_("农村低保标准（元/人·年）"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度扶贫标准")
        verbose_name_plural = _("年度扶贫标准")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="standard_lines_positive", condition=Q(poverty_line__gt=0) & Q(dibao_line__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年：扶贫标准 {self.poverty_line} 元，低保标准 {self.dibao_line} 元"


class HouseholdQuerySet(models.QuerySet):
    def in_areas(self, areas: models.QuerySet[Area]) -> "HouseholdQuerySet":
        """Households filed under any village of `areas` (pass `areas_in_scope(user)`)."""
        return self.filter(village__in=areas)


class Household(models.Model):
    number = models.CharField(_("户编号"), max_length=30, unique=True)
    village = models.ForeignKey(
        Area,
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": "village"},
    )
    natural_village = models.CharField(_("自然村"), max_length=50, blank=True)
    attribute = models.CharField(_("贫困户属性"), max_length=10, choices=HouseholdAttribute.choices)
    main_cause = models.CharField(_("主要致贫原因"), max_length=10, choices=PovertyCause.choices)
    registration_year = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True)
    status = models.CharField(
        _("脱贫属性"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.IN_POVERTY
    )
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    dilapidated = models.BooleanField(_("危房户"), null=True, blank=True)
    house_grade = models.CharField(_("住房安全等级"), max_length=1, choices=HouseGrade.choices, blank=True)
    safe_water = models.BooleanField(_("是否解决安全饮用水"), null=True, blank=True)
    enough_food = models.BooleanField(_("不愁吃"), null=True, blank=True)
    enough_clothing = models.BooleanField(_("不愁穿"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后修改"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["village__code", "number"]
        permissions = [
            ("change_household_status", _("可变更农户状态（自然减少等）")),
            ("import_ledger", _("可导入台账")),
            ("export_ledger", _("可导出台账（证件号码、电话脱敏）")),
            ("export_full_ledger", _("可导出完整台账（含完整证件号码，回传国家系统用）")),
            ("reveal_personal_data", _("可查看完整证件号码和电话（须说明理由，记入审计日志）")),
            ("revert_household", _("可把农户信息恢复到历史版本（作为一次新的修改，须说明原因）")),
        ]
        constraints = [
            models.CheckConstraint(
                name="household_exited_has_exit_year",
                condition=~Q(status=HouseholdStatus.EXITED) | Q(exit_year__isnull=False),
            ),
            models.CheckConstraint(
                name="household_in_poverty_has_no_exit_year",
                condition=~Q(status=HouseholdStatus.IN_POVERTY) | Q(exit_year__isnull=True),
            ),
        ]
        indexes = [
            # The registry list: scoped by village, filtered by status.
            models.Index(fields=["village", "status"], name="household_village_status"),
        ]

    def __str__(self) -> str:
        return self.number


class PersonQuerySet(models.QuerySet):
    def active(self) -> "PersonQuerySet":
        """Members still in the household (not died, moved out or married out)."""
        return self.filter(left_reason="")


class Person(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=30)
    id_number = models.CharField(_("证件号码"), max_length=18, db_index=True)  # search by ID number
    national_number = models.CharField(_("人编号"), max_length=30, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=10, choices=Relation.choices)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族", blank=True)
    education = models.CharField(_("文化程度"), max_length=10, choices=Education.choices, blank=True)
    school_status = models.CharField(_("在校生状况"), max_length=10, choices=SchoolStatus.choices, blank=True)
    health = models.CharField(_("健康状况"), max_length=10, choices=Health.choices, blank=True)
    disability_grade = models.CharField(_("残疾等级"), max_length=4, choices=DisabilityGrade.choices, blank=True)
    taught_at_home = models.BooleanField(
        _("送教上门"), default=False, help_text=_("重度残疾、由学校送教上门的学龄儿童。")
    )
    labour_ability = models.CharField(_("劳动技能"), max_length=10, choices=LabourAbility.choices, blank=True)
    work_status = models.CharField(_("务工状况"), max_length=10, choices=WorkStatus.choices, blank=True)
    work_months = models.PositiveSmallIntegerField(_("务工时间(月)"), null=True, blank=True)
    medical_insurance = models.BooleanField(_("参加城乡居民基本医疗保险"), null=True, blank=True)
    critical_illness_insurance = models.BooleanField(_("参加大病保险"), null=True, blank=True)
    pension_insurance = models.BooleanField(_("参加城乡居民基本养老保险"), null=True, blank=True)
    dibao = models.BooleanField(_("享受低保"), null=True, blank=True)
    tekun = models.BooleanField(_("特困供养人员"), null=True, blank=True)
    left_reason = models.CharField(_("减少原因"), max_length=4, choices=LeftReason.choices, blank=True)
    left_on = models.DateField(_("减少日期"), null=True, blank=True)
    left_note = models.CharField(_("减少说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(left_reason=""),
                name="person_active_id_number_unique",
                violation_error_message=_("该证件号码已登记在另一名在册人员名下。"),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left_reason="", relation=Relation.HEAD),
                name="person_one_active_head_per_household",
                violation_error_message=_("每户只能有一名户主。"),
            ),
            models.CheckConstraint(
                name="person_left_has_date",
                condition=(Q(left_reason="") & Q(left_on__isnull=True))
                | (~Q(left_reason="") & Q(left_on__isnull=False)),
            ),
            models.CheckConstraint(
                name="person_work_months_0_12", condition=Q(work_months__isnull=True) | Q(work_months__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_reason == ""


class HouseholdIncome(models.Model):
    """A household's income of one year, yuan (DESIGN §5 rule 2). Blank components mean "not given"."""

    household = models.ForeignKey(Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("年度"))
    wage = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    business = models.DecimalField(_("生产经营性收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    property_income = models.DecimalField(_("财产性收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    transfer = models.DecimalField(_("转移性收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    business_cost = models.DecimalField(_("生产经营性支出"), max_digits=12, decimal_places=2, null=True, blank=True)
    per_capita_given = models.DecimalField(
        _("人均纯收入（台账填报）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("台账只给出人均纯收入、没有分项时填写。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度收入")
        verbose_name_plural = _("年度收入")
        ordering = ["household", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_one_row_per_household_year"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class HouseholdStatusChange(models.Model):
    """One change of a household's status: from, to, why, who, when (DESIGN §6)."""

    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=10, choices=HouseholdStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=HouseholdStatus.choices)
    reason = models.CharField(_("原因"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["household", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.household}：{self.from_status or '—'} → {self.to_status}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传，等待检查")
    CHECKING = "checking", _("正在检查")
    CHECKED = "checked", _("检查通过，等待确认")
    INVALID = "invalid", _("有错误，未导入")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("已导入")
    FAILED = "failed", _("导入失败")
    CANCELLED = "cancelled", _("已取消")


class LedgerImport(models.Model):
    """One ledger uploaded in the browser: checked (preview), then confirmed and imported, by a Celery task.

    The page reads this row, so it survives a reload; the history of imports is these rows.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    stored_file = models.CharField(_("存放位置"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("收入年度"))
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    stage = models.CharField(_("进度说明"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]
        indexes = [
            # The import history page: a clerk's own imports, newest first.
            models.Index(fields=["actor", "-created_at"], name="ledgerimport_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.IMPORTING)


class HouseholdAssessment(models.Model):
    """A household's assessment against the exit standard for one year, as the recompute last found it
    (DESIGN §5 rules 2–6). The list filters and dashboards read this; the household page computes live."""

    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    per_capita = models.DecimalField(_("人均纯收入(计算)"), max_digits=12, decimal_places=2, null=True, blank=True)
    band = models.CharField(_("收入档次"), max_length=10, blank=True)
    gaps = models.CharField(_("未达标项"), max_length=60, blank=True, help_text=_("以“、”分隔"))
    meets_standard = models.BooleanField(_("达到脱贫标准"), default=False)
    watch = models.BooleanField(_("返贫监测"), default=False)
    computed_at = models.DateTimeField(_("计算时间"))
    facts_hash = models.CharField(
        _("依据指纹"), max_length=32, blank=True, help_text=_("评估所依据事实的摘要；未变化的户下次重算时跳过。")
    )

    class Meta:
        verbose_name = _("脱贫标准评估")
        verbose_name_plural = _("脱贫标准评估")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="assessment_one_per_household_year"),
        ]
        indexes = [
            # The registry list's filters: meets / gap / band / watch within one year.
            models.Index(fields=["year", "meets_standard"], name="assessment_year_meets"),
            models.Index(fields=["year", "watch"], name="assessment_year_watch"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class RecomputeRun(models.Model):
    """One run of the recompute (nightly or by hand): when, how many assessed and changed, errors."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    year = models.PositiveSmallIntegerField(_("年度"))
    trigger = models.CharField(_("触发方式"), max_length=20)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("开始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    assessed = models.PositiveIntegerField(_("评估户数"), default=0)
    changed = models.PositiveIntegerField(_("变化户数"), default=0)
    errors = models.PositiveIntegerField(_("错误数"), default=0)
    error_text = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("状态重算记录")
        verbose_name_plural = _("状态重算记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ExitStage(models.TextChoices):
    """The exit procedure (贫困户退出, DESIGN §6), in order."""

    PROPOSED = "proposed", _("已提出（民主评议）")
    VERIFIED = "verified", _("村和工作组已核实")
    CONFIRMED = "confirmed", _("农户已确认")
    PUBLICIZING = "publicizing", _("公示中")
    APPROVED = "approved", _("已批准销号")
    REJECTED = "rejected", _("已退回")


OPEN_EXIT_STAGES = (ExitStage.PROPOSED, ExitStage.VERIFIED, ExitStage.CONFIRMED, ExitStage.PUBLICIZING)


class ExitCase(models.Model):
    """One household's way out of poverty, step by step; at most one open case per household."""

    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="exit_cases"
    )
    stage = models.CharField(_("环节"), max_length=12, choices=ExitStage.choices, default=ExitStage.PROPOSED)
    income_year = models.PositiveSmallIntegerField(
        _("评估年度"),
        help_text=_("按哪一年的收入和两不愁三保障评估是否达到脱贫标准；批准销号时记为脱贫年度。"),
    )
    deliberation_date = models.DateField(_("民主评议日期"))
    attendance = models.PositiveSmallIntegerField(_("参会人数"))
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退出程序")
        verbose_name_plural = _("退出程序")
        ordering = ["-created_at"]
        permissions = [
            ("propose_exit", _("可提出贫困户退出并办理村级环节")),
            ("approve_exit", _("可批准贫困户退出（销号）")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(stage__in=["proposed", "verified", "confirmed", "publicizing"]),
                name="exitcase_one_open_per_household",
                violation_error_message=_("该户已有一个进行中的退出程序。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_EXIT_STAGES


class ExitStep(models.Model):
    """What was done in an exit case: who, when, and the note or reason."""

    case = models.ForeignKey(ExitCase, verbose_name=_("退出程序"), on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("事项"), max_length=20)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退出程序记录")
        verbose_name_plural = _("退出程序记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}：{self.action}"


class ExitEvidenceStep(models.TextChoices):
    """The steps of the exit procedure that carry evidence (DESIGN §6; issue 17)."""

    PROPOSE = "propose", _("民主评议（会议记录）")
    VERIFY = "verify", _("村和工作组核实（核实记录）")
    CONFIRM = "confirm", _("农户确认（签字确认书）")
    PUBLICIZE = "publicize", _("公示（公示照片）")


def exit_evidence_path(evidence: "ExitEvidence", filename: str) -> str:
    """A random name under MEDIA_ROOT/exit/: the uploader's file name is kept in the row, never in the path."""
    import uuid
    from pathlib import Path

    return f"exit/{evidence.case_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:5]}"


class ExitEvidenceRule(models.Model):
    """Whether the district requires evidence for a step: a step so marked is refused without an attachment."""

    step = models.CharField(_("环节"), max_length=12, choices=ExitEvidenceStep.choices, unique=True)
    required = models.BooleanField(_("必须上传附件"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("退出程序附件要求")
        verbose_name_plural = _("退出程序附件要求")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}：{'必须' if self.required else '可选'}"


class ExitEvidence(models.Model):
    """A file attached to an exit step: 民主评议 minutes, the household's signed confirmation, the 公示 photo.
    PDF, JPG or PNG, checked by content; served only through the household's scope."""

    case = models.ForeignKey(ExitCase, verbose_name=_("退出程序"), on_delete=models.PROTECT, related_name="evidence")
    step = models.CharField(_("环节"), max_length=12, choices=ExitEvidenceStep.choices)
    file = models.FileField(_("文件"), upload_to=exit_evidence_path)
    kind = models.CharField(_("类型"), max_length=5)  # pdf, jpeg, png — from the content
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退出程序附件")
        verbose_name_plural = _("退出程序附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_step_display()} {self.original_name}"
