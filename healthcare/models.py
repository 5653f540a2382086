"""健康扶贫 records (plan ch. 6): insurance per person and year, illnesses, medical expenses with their aid, the
aid cap setting. Nothing is deleted: a wrong record is voided (作废) with a reason."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Household, Person

MONEY = {"max_digits": 12, "decimal_places": 2}


class InsuranceKind(models.TextChoices):
    BASIC = "basic", _("城乡居民基本医疗保险")
    CRITICAL = "critical", _("大病保险")
    SPECIAL = "special", _("扶贫特惠保险/商业补充保险")


class Payer(models.TextChoices):
    SELF = "self", _("个人缴纳")
    FINANCE = "finance", _("财政代缴")
    AID = "aid", _("医疗救助资助")


class Voidable(models.Model):
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True


class Insurance(Voidable):
    """A person's enrolment in one insurance for one year (plan ch. 6 §2). The basic insurance record of the
    assessment year decides 基本医疗有保障 for the exit rule (healthcare.providers)."""

    person = models.ForeignKey(Person, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    # The person's household, copied so the facts provider and the fingerprint read one indexed table.
    household = models.ForeignKey(Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("险种"), max_length=10, choices=InsuranceKind.choices, default=InsuranceKind.BASIC)
    insured = models.BooleanField(_("已参保"), default=True, help_text=_("医保部门登记为未参保或断保时为“否”。"))
    payer = models.CharField(_("保费缴纳"), max_length=10, choices=Payer.choices, blank=True)
    premium = models.DecimalField(_("保费（元）"), **MONEY, null=True, blank=True)
    enrolled_on = models.DateField(_("参保日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参保记录")
        verbose_name_plural = _("参保记录")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "kind"], condition=Q(voided=False), name="insurance_one_per_person_year_kind"
            ),
        ]
        indexes = [
            # The facts provider and the recompute's fingerprint: a chunk of households, one year.
            models.Index(fields=["household", "year"], name="insurance_household_year"),
        ]
        permissions = [("import_insurance", _("导入医保部门参保名单"))]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"


class Disease(models.TextChoices):
    """The plan's 9 diseases treated centrally (集中救治) and cataract (光明工程, free) — plan ch. 6 §2 二."""

    CHILD_ALL = "儿童急性淋巴细胞白血病", _("儿童急性淋巴细胞白血病")
    CHILD_APL = "儿童急性早幼粒细胞白血病", _("儿童急性早幼粒细胞白血病")
    CHILD_ASD = "儿童先天性房间隔缺损", _("儿童先天性房间隔缺损")
    CHILD_VSD = "儿童先天性室间隔缺损", _("儿童先天性室间隔缺损")
    OESOPHAGUS = "食道癌", _("食道癌")
    STOMACH = "胃癌", _("胃癌")
    COLON = "结肠癌", _("结肠癌")
    RECTUM = "直肠癌", _("直肠癌")
    KIDNEY = "终末期肾病", _("终末期肾病")
    CATARACT = "白内障", _("白内障（光明工程，免费救治）")
    OTHER = "其他", _("其他（填写诊断）")


CENTRAL_DISEASES = frozenset(Disease.values) - {Disease.CATARACT, Disease.OTHER}


class IllnessKind(models.TextChoices):
    CHRONIC = "chronic", _("慢性病")
    MAJOR = "major", _("大病")


class Illness(Voidable):
    """A person's chronic or major illness (plan ch. 6 §2 二、四: 分类救治, 一人一法), with the date it was treated
    for the "442" schedule."""

    person = models.ForeignKey(Person, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=IllnessKind.choices)
    disease = models.CharField(_("病种"), max_length=20, choices=Disease.choices)
    diagnosis = models.CharField(_("诊断"), max_length=100, blank=True)
    diagnosed_on = models.DateField(_("确诊日期"))
    causes_poverty = models.BooleanField(_("因病致贫（重病）"), default=False)
    treatment_plan = models.CharField(_("救治方案（一人一法）"), max_length=300, blank=True)
    doctor = models.CharField(_("责任医生/医院"), max_length=100, blank=True)
    treated_on = models.DateField(_("得到有效救治日期"), null=True, blank=True)
    family_doctor = models.BooleanField(_("已签约家庭医生"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("患病记录")
        verbose_name_plural = _("患病记录")
        indexes = [models.Index(fields=["household"], name="illness_household")]

    def __str__(self) -> str:
        return self.diagnosis or self.disease

    @property
    def central(self) -> bool:
        return self.disease in CENTRAL_DISEASES


class HospitalLevel(models.TextChoices):
    VILLAGE = "村卫生室", _("村卫生室")
    TOWN = "镇卫生院", _("镇卫生院")
    COUNTY = "区县级医院", _("区县级医院")
    CITY = "市级医院", _("市级医院")
    PROVINCE = "省级及以上医院", _("省级及以上医院")


class Expense(Voidable):
    """One visit or settlement and the medical aid computed for it (plan ch. 6 §2 一、五). The aid, its group and
    rate and the words of its computation are stored when the expense is recorded (healthcare.rules.medical_aid)
    so the aid list is a plain read."""

    person = models.ForeignKey(Person, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("就诊/结算日期"))
    hospital = models.CharField(_("医院"), max_length=100)
    level = models.CharField(_("医院级别"), max_length=10, choices=HospitalLevel.choices)
    inpatient = models.BooleanField(_("住院"), default=True)
    total = models.DecimalField(_("总费用"), **MONEY)
    in_scope = models.DecimalField(_("政策范围内费用"), **MONEY)
    basic_paid = models.DecimalField(_("基本医保报销"), **MONEY, default=0)
    critical_paid = models.DecimalField(_("大病保险报销"), **MONEY, default=0)
    pay_after = models.BooleanField(_("先诊疗后付费"), default=False)
    one_stop = models.BooleanField(_("一站式结算"), default=False)
    settlement_number = models.CharField(_("结算单号"), max_length=40, blank=True)
    aid_group = models.CharField(_("救助类别"), max_length=20, blank=True)
    aid_rate = models.DecimalField(_("救助比例"), max_digits=4, decimal_places=2, default=0)
    aid_base = models.DecimalField(_("救助基数"), **MONEY, default=0)
    aid = models.DecimalField(_("医疗救助"), **MONEY, default=0)
    aid_words = models.CharField(_("计算过程"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("医疗费用")
        verbose_name_plural = _("医疗费用")
        constraints = [
            models.UniqueConstraint(
                fields=["settlement_number"],
                condition=Q(voided=False) & ~Q(settlement_number=""),
                name="expense_settlement_number_unique",
            ),
        ]
        indexes = [
            # The aid already granted to a person in a year (the cap), the household panel.
            models.Index(fields=["person", "visited_on"], name="expense_person_date"),
            # The year's aid list.
            models.Index(fields=["visited_on"], name="expense_date"),
        ]
        permissions = [("import_expense", _("导入医院结算名单"))]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.hospital}"

    @property
    def out_of_pocket(self) -> object:
        return max(self.total - self.basic_paid - self.critical_paid - self.aid, 0)


class AidSetting(models.Model):
    """The yearly cap of the 低保/特困 aid for a year (plan ch. 6 §2 一: "不低于1.5万元"); 15,000 where none is set."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    # The floor is the plan's (rules.MIN_SPECIAL_CAP); the validator keeps the admin to it as well.
    special_cap = models.DecimalField(
        _("低保、特困年度救助封顶线（元）"),
        **MONEY,
        validators=[
            MinValueValidator(15000, _("低保对象、特困人员的年度救助封顶线不能低于 15,000 元（规划第六章第二节）。"))
        ],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("医疗救助封顶线")
        verbose_name_plural = _("医疗救助封顶线")

    def __str__(self) -> str:
        return f"{self.year}"


class DisabilityProgramme(models.TextChoices):
    """贫困残疾人脱贫系列工程 — plan ch. 8 §3 二, ch. 6 §3 二."""

    CHILD_REHAB = "child_rehab", _("0–6 岁儿童康复救助")
    DEVICE = "device", _("辅助器具适配")
    BARRIER_FREE = "barrier_free", _("家庭无障碍改造")
    TRAINING = "training", _("免费培训")
    STARTUP = "startup", _("一次性创业补助")
    EARLY_PENSION = "early_pension", _("提前五年享受养老保险")


class DisabilityService(Voidable):
    """What a disabled member of a poor household received from one programme (plan ch. 8 §3 二)."""

    person = models.ForeignKey(Person, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("所属户"), on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("项目"), max_length=20, choices=DisabilityProgramme.choices)
    received_on = models.DateField(_("享受日期"))
    amount = models.DecimalField(_("金额（元）"), **MONEY, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("残疾人帮扶项目")
        verbose_name_plural = _("残疾人帮扶项目")
        indexes = [models.Index(fields=["household"], name="disability_household")]

    def __str__(self) -> str:
        return self.get_programme_display()
