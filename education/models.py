"""教育扶贫 — plan ch. 5 §2 (困难学生资助 from 学前 to 高等教育, 留守儿童关爱), ch. 8 §3 (三留守 摸排), ch. 12 §3
(助学贷款 interest paid by the state).

- `Enrolment`: one member's schooling in one school year (学年 runs 1 September to 31 August): stage, school,
  grade, 在校/休学/辍学/毕业. The one source of the member's school status for the exit rule (义务教育有保障)
  where recorded (providers.py). A student who changes stage during a school year has two enrolments: the
  first ended (`ended_on`), the second started.
- `Benefit`: one waived fee or paid subsidy for one enrolment (应补即补、应免尽免): amount set by the school,
  date, waived or paid, by whom.
- `LeftBehindChild`: the 留守儿童 file (档案) and its 联系卡.
- `PolicySetting`: whether 已脱贫 households keep the entitlements (脱贫不脱政策), and until which school year.

Nothing is deleted: an enrolment or a benefit recorded in error is voided (作废) with a reason; a 留守 file is
closed with a reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Household, Person


class Stage(models.TextChoices):
    """学段 — the stages of plan ch. 5 §2 一."""

    PRESCHOOL = "学前", _("学前教育")
    PRIMARY = "小学", _("小学")
    JUNIOR = "初中", _("初中")
    SENIOR = "普通高中", _("普通高中")
    SECONDARY_VOCATIONAL = "中职", _("中职")
    HIGHER_VOCATIONAL = "高职/大专", _("高职/大专")
    UNIVERSITY = "本科及以上", _("本科及以上")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "在校", _("在校")
    SUSPENDED = "休学", _("休学")
    DROPPED_OUT = "辍学", _("辍学")
    GRADUATED = "毕业", _("毕业")


class BenefitWay(models.TextChoices):
    WAIVED = "免除", _("免除")
    PAID = "发放", _("发放")


class Voidable(models.Model):
    """作废 instead of delete: who, when, why."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class EnrolmentQuerySet(models.QuerySet):
    def valid(self) -> "EnrolmentQuerySet":
        """Enrolments not voided."""
        return self.filter(voided_at__isnull=True)


class Enrolment(Voidable):
    """One member's schooling in one school year (学年 `school_year`–`school_year + 1`) — plan ch. 5 §2."""

    person = models.ForeignKey(Person, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="enrolments")
    # The person's household, kept for scoping and the household's lists (a member never changes household).
    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="enrolments"
    )
    school_year = models.PositiveSmallIntegerField(_("学年"), help_text=_("学年的起始年份：2025 表示 2025–2026 学年。"))
    stage = models.CharField(_("学段"), max_length=10, choices=Stage.choices)
    school = models.CharField(_("学校"), max_length=100)
    grade = models.CharField(_("年级"), max_length=20, blank=True)
    status = models.CharField(
        _("在校状态"), max_length=4, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    started_on = models.DateField(
        _("起始日期"), help_text=_("本学年在该学段的起始日期，通常为 9 月 1 日；学年中途转入的填转入日期。")
    )
    ended_on = models.DateField(
        _("截止日期"),
        null=True,
        blank=True,
        help_text=_("学年中途转出、升入其他学段的填写；空白表示到学年末（8 月 31 日）。"),
    )
    taught_at_home = models.BooleanField(_("送教上门"), default=False, help_text=_("重度残疾、由学校送教上门。"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("学籍")
        verbose_name_plural = _("学籍")
        ordering = ["-school_year", "person", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_year", "stage"],
                condition=Q(voided_at__isnull=True),
                name="enrolment_one_per_person_year_stage",
                violation_error_message=_("该学生本学年已有这个学段的学籍记录。"),
            ),
            models.CheckConstraint(
                name="enrolment_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
        ]
        indexes = [
            # The school year list (by year, then scope through the household) and the facts provider.
            models.Index(fields=["school_year", "household"], name="enrolment_year_household"),
        ]

    def __str__(self) -> str:
        return f"{self.school_year}–{self.school_year + 1} 学年 {self.stage} {self.school}"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}"


class BenefitQuerySet(models.QuerySet):
    def valid(self) -> "BenefitQuerySet":
        return self.filter(voided_at__isnull=True)


class Benefit(Voidable):
    """One waived fee or paid subsidy of one enrolment (应补即补、应免尽免 — plan ch. 5 §2 一)."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("学籍"), on_delete=models.PROTECT, related_name="benefits")
    item = models.CharField(_("资助项目"), max_length=20)  # one of rules.ITEMS_BY_STAGE for the enrolment's stage
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    way = models.CharField(_("方式"), max_length=2, choices=BenefitWay.choices)
    on = models.DateField(_("日期"))
    given_by = models.CharField(_("经办单位"), max_length=100, help_text=_("免除费用的学校，或发放补助的单位。"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("资助记录")
        verbose_name_plural = _("资助记录")
        ordering = ["enrolment", "on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "item"],
                condition=Q(voided_at__isnull=True),
                name="benefit_one_per_enrolment_item",
                violation_error_message=_("这一学籍的该项目已登记过，如有错误请先作废原记录。"),
            ),
            models.CheckConstraint(name="benefit_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount} 元（{self.way}）"


class ParentState(models.TextChoices):
    """A parent's situation, as the 留守儿童 definition reads it (plan ch. 5 §2 二)."""

    AT_HOME = "在家", _("在家照料")
    AWAY = "外出务工", _("外出务工")
    UNABLE = "无监护能力", _("在家但无监护能力（重病、重残等）")
    ABSENT = "死亡或下落不明", _("死亡、服刑或下落不明")


class LeftBehindChild(models.Model):
    """留守儿童档案 and 联系卡 — plan ch. 5 §2 二 (建立档案和联系卡), ch. 8 §3 一 (三留守 摸排)."""

    child = models.ForeignKey(
        Person, verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="left_behind_files"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="left_behind_files"
    )
    father_state = models.CharField(_("父亲情况"), max_length=10, choices=ParentState.choices)
    father_name = models.CharField(_("父亲姓名"), max_length=30, blank=True)
    father_phone = models.CharField(_("父亲电话"), max_length=20, blank=True)
    father_workplace = models.CharField(_("父亲务工地"), max_length=100, blank=True)
    mother_state = models.CharField(_("母亲情况"), max_length=10, choices=ParentState.choices)
    mother_name = models.CharField(_("母亲姓名"), max_length=30, blank=True)
    mother_phone = models.CharField(_("母亲电话"), max_length=20, blank=True)
    mother_workplace = models.CharField(_("母亲务工地"), max_length=100, blank=True)
    guardian_name = models.CharField(_("受委托监护人"), max_length=30)
    guardian_relation = models.CharField(_("与儿童关系"), max_length=20)
    guardian_phone = models.CharField(_("监护人电话"), max_length=20)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    teacher_name = models.CharField(_("班主任"), max_length=30, blank=True)
    teacher_phone = models.CharField(_("班主任电话"), max_length=20, blank=True)
    cadre_name = models.CharField(_("村（居）联系人"), max_length=30, blank=True)
    cadre_phone = models.CharField(_("联系人电话"), max_length=20, blank=True)
    registered_on = models.DateField(_("建档日期"))
    note = models.CharField(_("关爱情况"), max_length=300, blank=True)
    closed_on = models.DateField(_("销档日期"), null=True, blank=True)
    close_reason = models.CharField(_("销档原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("留守儿童档案")
        verbose_name_plural = _("留守儿童档案")
        ordering = ["household", "child", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_on__isnull=True),
                name="left_behind_one_open_file_per_child",
                violation_error_message=_("该儿童已有一份在档的留守儿童档案。"),
            ),
            models.CheckConstraint(
                name="left_behind_closed_has_reason",
                condition=(Q(closed_on__isnull=True) & Q(close_reason=""))
                | (Q(closed_on__isnull=False) & ~Q(close_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"留守儿童档案：{self.child}"


class PolicySetting(models.Model):
    """脱贫不脱政策: whether members of 已脱贫 households keep the education entitlements, and until which school
    year (plan ch. 5 §2 一 "脱贫攻坚期内…资助全覆盖"). One row; the district office changes it."""

    exited_keep_policy = models.BooleanField(
        _("已脱贫户继续享受（脱贫不脱政策）"), default=True, help_text=_("关闭后，只有未脱贫、返贫户的学生享受资助。")
    )
    policy_until = models.PositiveSmallIntegerField(
        _("政策期截至学年"),
        null=True,
        blank=True,
        help_text=_("填起始年份，如 2020 表示截至 2020–2021 学年；空白表示不设截止。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("教育资助政策设置")
        verbose_name_plural = _("教育资助政策设置")
        permissions = [("import_school_list", _("可导入学校资助名单"))]

    def __str__(self) -> str:
        return "脱贫不脱政策：" + ("是" if self.exited_keep_policy else "否")


class VoidableQuerySet(models.QuerySet):
    def valid(self) -> "VoidableQuerySet":
        return self.filter(voided_at__isnull=True)


class StudentLoan(Voidable):
    """A student's 助学贷款 (生源地信用助学贷款) — plan ch. 12 §3: "贫困家庭学生在校期间助学贷款利息全部由财政补贴".
    The interest of each year the student is at school is paid by the state (`LoanInterest`)."""

    person = models.ForeignKey(Person, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="student_loans")
    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="student_loans"
    )
    bank = models.CharField(_("经办银行"), max_length=100)
    contract_no = models.CharField(_("合同编号"), max_length=50)
    amount = models.DecimalField(_("贷款金额（元）"), max_digits=12, decimal_places=2)
    signed_on = models.DateField(_("签订日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VoidableQuerySet.as_manager()

    class Meta:
        verbose_name = _("助学贷款")
        verbose_name_plural = _("助学贷款")
        ordering = ["person", "signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "contract_no"],
                condition=Q(voided_at__isnull=True),
                name="student_loan_contract_unique",
                violation_error_message=_("该银行的这个合同编号已登记。"),
            ),
            models.CheckConstraint(name="student_loan_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.contract_no}"


class LoanInterest(Voidable):
    """The interest of one school year of a student loan, paid by the state (财政贴息) — plan ch. 12 §3."""

    loan = models.ForeignKey(
        StudentLoan, verbose_name=_("助学贷款"), on_delete=models.PROTECT, related_name="interests"
    )
    school_year = models.PositiveSmallIntegerField(_("学年"))
    amount = models.DecimalField(_("贴息金额（元）"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("贴息日期"))
    given_by = models.CharField(_("贴息单位"), max_length=100, default="区财政局")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VoidableQuerySet.as_manager()

    class Meta:
        verbose_name = _("助学贷款贴息")
        verbose_name_plural = _("助学贷款贴息")
        ordering = ["loan", "school_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "school_year"],
                condition=Q(voided_at__isnull=True),
                name="loan_interest_one_per_year",
                violation_error_message=_("这笔贷款该学年的贴息已登记。"),
            ),
            models.CheckConstraint(name="loan_interest_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.school_year} 学年贴息 {self.amount} 元"
