"""Fund sources, projects, beneficiaries, asset-income dividends and interest subsidies — plan ch. 3 §1, ch. 10
§1, ch. 12 §2 一 and §3.

Nothing here is deleted: a source, an allocation or a beneficiary is corrected or marked void (作废) with a
reason; a dividend run is undone (撤销, kept with its reason) only before it is published. History is kept for
everything users edit.

**Dividends and the ledger's 财产性收入.** A confirmed dividend payout is added to the household's income of its
year by the facts provider (`funds.providers`), on top of whatever the registry's own income record says. The
registry's 财产性收入 (typed by the town or imported from the township ledger) must therefore be recorded
*without* the dividends paid through this system, or they count twice; the household panel says so next to
the figures.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Area
from households.models import Household

from . import rules


def _money(label: str, **extra: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, **extra)


class SourceKind(models.TextChoices):
    """Where the money comes from (plan ch. 12 §3 一, ch. 4 §3, ch. 12 §2 二)."""

    CENTRAL = "中央财政专项", _("中央财政专项")
    PROVINCE = "省级财政专项", _("省级财政专项")
    CITY = "市级财政专项", _("市级财政专项")
    DISTRICT = "区级财政专项", _("区级财政专项")
    SECTOR = "行业部门资金", _("行业部门资金")
    INTEGRATED = "统筹整合涉农资金", _("统筹整合涉农资金")
    DONATION = "社会捐助", _("社会捐助（慈心一日捐、10·17 扶贫日等）")
    GUARANTEE = "创业扶贫担保资金", _("创业扶贫担保资金")


class Voidable(models.Model):
    """作废 instead of delete: the row stays, marked, with who and why."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class FundSource(Voidable):
    """A sum of money for poverty alleviation: its kind, year, amount and the document that granted it."""

    name = models.CharField(_("资金名称"), max_length=100)
    kind = models.CharField(_("资金类别"), max_length=12, choices=SourceKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = _money(_("金额（元）"))
    document = models.CharField(_("文号"), max_length=100, blank=True, help_text=_("下达资金的文件文号"))
    received_on = models.DateField(_("到位日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["-year", "kind", "pk"]
        constraints = [models.CheckConstraint(name="fundsource_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class ProjectKind(models.TextChoices):
    INDUSTRY = "产业", _("产业")
    ASSET_INCOME = "资产收益", _("资产收益")
    INFRASTRUCTURE = "基础设施", _("基础设施")
    EMPLOYMENT = "就业", _("就业")
    OTHER = "其他", _("其他")


class ProjectStatus(models.TextChoices):
    """立项 → 公示 → 实施 → 验收 → 运营 (rules.status_change_refusal)."""

    APPROVED = "立项", _("立项")
    PUBLICITY = "公示", _("公示")
    BUILDING = "实施", _("实施")
    ACCEPTED = "验收", _("验收")
    OPERATING = "运营", _("运营")


class ProjectQuerySet(models.QuerySet):
    def in_areas(self, areas: models.QuerySet[Area]) -> "ProjectQuerySet":
        return self.filter(area__in=areas)


class Project(Voidable):
    """A poverty-alleviation project in a town or village (plan ch. 3 §1: 投资收益扶贫项目)."""

    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("项目类别"), max_length=6, choices=ProjectKind.choices)
    first_year = models.PositiveSmallIntegerField(_("开始年度"))
    last_year = models.PositiveSmallIntegerField(_("结束年度"))
    area = models.ForeignKey(
        Area, verbose_name=_("所在镇村"), on_delete=models.PROTECT, related_name="+", help_text=_("镇或村")
    )
    implementer = models.CharField(_("实施单位"), max_length=100)
    status = models.CharField(_("状态"), max_length=4, choices=ProjectStatus.choices, default=ProjectStatus.APPROVED)
    target = models.TextField(_("绩效目标"), blank=True)
    result = models.TextField(_("绩效完成情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("扶贫项目")
        verbose_name_plural = _("扶贫项目")
        ordering = ["-first_year", "name", "pk"]
        permissions = [("export_fundledger", _("导出资金使用台账"))]
        constraints = [
            models.CheckConstraint(name="project_years_in_order", condition=Q(last_year__gte=models.F("first_year")))
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(Voidable):
    """Money of one source put into one project (项目资金构成). The sum over a source never exceeds it
    (rules.allocation_refusal)."""

    source = models.ForeignKey(
        FundSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="allocations"
    )
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="allocations")
    amount = _money(_("安排金额（元）"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = _("资金安排")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(name="allocation_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["source", "project"],
                condition=Q(voided_at__isnull=True),
                name="allocation_one_per_source_project",
                violation_error_message=_("该资金来源已安排到这个项目，请修改原来的安排。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.project}：{self.amount} 元"


class Beneficiary(Voidable):
    """A registered poor household that benefits from a project (带动户), with its dividend weight."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="beneficiaries")
    household = models.ForeignKey(
        Household, verbose_name=_("受益户"), on_delete=models.PROTECT, related_name="fund_benefits"
    )
    weight = models.DecimalField(
        _("分红权重"),
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text=_("按权重分配时使用；区里可向无劳动能力、重病户倾斜（如 1.5）。平均分配时不看权重。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("受益户")
        verbose_name_plural = _("受益户")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(name="beneficiary_weight_positive", condition=Q(weight__gt=0)),
            models.UniqueConstraint(
                fields=["project", "household"],
                condition=Q(voided_at__isnull=True),
                name="beneficiary_once_per_project",
                violation_error_message=_("该户已是这个项目的受益户。"),
            ),
        ]
        indexes = [
            # the household page and the facts provider look up a household's projects
            models.Index(fields=["household", "project"], name="funds_benef_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.household}"


class Publicity(models.Model):
    """A 公示 of a project: before approval (立项公示) or after acceptance (验收公示), with place, photo and the
    objections raised (plan ch. 12 §2 一: 公示公开制度)."""

    class Stage(models.TextChoices):
        BEFORE_APPROVAL = rules.BEFORE_APPROVAL, _("立项公示")
        AFTER_ACCEPTANCE = rules.AFTER_ACCEPTANCE, _("验收公示")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="publicities")
    stage = models.CharField(_("公示类别"), max_length=6, choices=Stage.choices)
    start = models.DateField(_("公示开始"))
    end = models.DateField(_("公示结束"))
    place = models.CharField(_("公示地点"), max_length=100)
    photo = models.ImageField(_("公示照片"), upload_to="funds/publicity/%Y/", blank=True)
    objections = models.TextField(_("异议及处理"), blank=True, help_text=_("没有异议请留空"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目公示")
        verbose_name_plural = _("项目公示")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(name="publicity_end_after_start", condition=Q(end__gte=models.F("start")))
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.stage} {self.start:%Y-%m-%d}"


class DividendMethod(models.TextChoices):
    EQUAL = "平均分配", _("平均分配")
    WEIGHTED = "按权重分配", _("按权重分配")
    LIST = "按名单发放", _("按导入的发放名单")


class PayMethod(models.TextChoices):
    BANK = "银行转账", _("银行转账")
    CARD = "惠民一卡通", _("惠民一卡通")
    CASH = "现金", _("现金（有签领单）")


class DividendStatus(models.TextChoices):
    CONFIRMED = "已确认", _("已确认")
    PUBLISHED = "已公示", _("已公示")
    UNDONE = "已撤销", _("已撤销")


# The statuses whose payouts are paid money: they count as the household's 财产性收入.
PAID_STATUSES = (DividendStatus.CONFIRMED, DividendStatus.PUBLISHED)


class DividendRun(models.Model):
    """One year's distribution of a project's income to its beneficiary households (资产收益分红, plan ch. 10
    §1 一). Confirmed, it counts as the households' 财产性收入 for `year`; it can be undone until it is
    published, never after."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="dividend_runs")
    year = models.PositiveSmallIntegerField(_("收益年度"))
    income = _money(_("项目当年收益（元）"))
    amount = _money(_("分配金额（元）"))
    method = models.CharField(_("分配方式"), max_length=6, choices=DividendMethod.choices)
    paid_on = models.DateField(_("发放日期"))
    pay_method = models.CharField(_("发放方式"), max_length=6, choices=PayMethod.choices)
    status = models.CharField(_("状态"), max_length=4, choices=DividendStatus.choices, default=DividendStatus.CONFIRMED)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("确认时间"), auto_now_add=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undo_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资产收益分红")
        verbose_name_plural = _("资产收益分红")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="dividendrun_amount_within_income", condition=Q(amount__lte=models.F("income"))
            ),
            models.CheckConstraint(name="dividendrun_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["project", "year"],
                condition=~Q(status=DividendStatus.UNDONE),
                name="dividendrun_one_per_project_year",
                violation_error_message=_("该项目这一年已经分过红，如有错误请先撤销原分配。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year} 年分红"


class DividendPayout(models.Model):
    """What one household received from one dividend run. Written once with the run; the run's status says
    whether it counts."""

    run = models.ForeignKey(DividendRun, verbose_name=_("分红"), on_delete=models.PROTECT, related_name="payouts")
    household = models.ForeignKey(
        Household, verbose_name=_("受益户"), on_delete=models.PROTECT, related_name="dividend_payouts"
    )
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    amount = _money(_("分红金额（元）"))
    account = models.CharField(_("收款账户/一卡通号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("分红发放")
        verbose_name_plural = _("分红发放")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="dividendpayout_once_per_run"),
            models.CheckConstraint(name="dividendpayout_amount_not_negative", condition=Q(amount__gte=0)),
        ]
        indexes = [
            # the facts provider and its fingerprint: a household's payouts
            models.Index(fields=["household", "run"], name="funds_payout_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.run} · {self.household}：{self.amount} 元"


class LoanKind(models.TextChoices):
    """plan ch. 12 §3 三 and ch. 4 §3."""

    BUSINESS = rules.LOAN_BUSINESS, _("带贫经营主体贷款（年贴息 3%）")
    STARTUP = rules.LOAN_STARTUP, _("创业扶贫担保贷款（全额贴息）")
    STUDENT = rules.LOAN_STUDENT, _("助学贷款（全额贴息）")
    MICRO = rules.LOAN_MICRO, _("小额扶贫信贷（按区定贴息率）")


class Loan(Voidable):
    """A loan whose interest the district subsidises; a household's when it is one (创业, 助学, 小额信贷)."""

    kind = models.CharField(_("贷款类别"), max_length=10, choices=LoanKind.choices)
    borrower = models.CharField(_("借款人/经营主体"), max_length=100)
    household = models.ForeignKey(
        Household,
        verbose_name=_("贫困户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidised_loans",
    )
    area = models.ForeignKey(Area, verbose_name=_("所在镇村"), on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(_("贷款银行"), max_length=60)
    principal = _money(_("贷款金额（元）"))
    rate = models.DecimalField(_("年利率"), max_digits=6, decimal_places=4, help_text=_("如 4.35% 填 0.0435"))
    start = models.DateField(_("放款日期"))
    end = models.DateField(_("到期日期"))
    poor_employed = models.PositiveSmallIntegerField(_("带动贫困人口就业（人）"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("贴息贷款")
        verbose_name_plural = _("贴息贷款")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(name="loan_end_after_start", condition=Q(end__gt=models.F("start"))),
            models.CheckConstraint(name="loan_principal_positive", condition=Q(principal__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.borrower}（{self.kind}）"


class InterestSubsidy(models.Model):
    """One loan's subsidy for one year, computed by rules.interest_subsidy from what the bank reports."""

    loan = models.ForeignKey(Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="subsidies")
    year = models.PositiveSmallIntegerField(_("年度"))
    balance = _money(_("计息余额（元）"))
    months = models.PositiveSmallIntegerField(_("计息月数"))
    interest_paid = _money(_("实付利息（元）"))
    amount = _money(_("贴息金额（元）"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("贷款贴息")
        verbose_name_plural = _("贷款贴息")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["loan", "year"], name="interestsubsidy_once_per_year")]

    def __str__(self) -> str:
        return f"{self.loan} {self.year} 年贴息"


class MicroCreditRate(models.Model):
    """The subsidy rate the district sets for 小额扶贫信贷 in a year (plan ch. 4 §3: 落实小额扶贫信贷贴息政策)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    rate = models.DecimalField(_("贴息率"), max_digits=6, decimal_places=4, help_text=_("如 4.35% 填 0.0435"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小额信贷贴息率")
        verbose_name_plural = _("小额信贷贴息率")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}：{self.rate:.2%}"
