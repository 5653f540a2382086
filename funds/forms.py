"""Forms of the funds pages: they validate and normalise; the services decide (STYLE §12)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.forms import half_width
from households.forms import DatePicker, StyledForm
from households.idnumber import normalise_id_number
from households.models import Household
from households.selectors import household_queryset

from .models import (
    DividendMethod,
    FundSource,
    Loan,
    LoanKind,
    PayMethod,
    Project,
    ProjectKind,
    Publicity,
)
from .selectors import areas_for_projects, source_queryset

MIN_YEAR = 2013  # 建档立卡 began in 2013


def _year_field(label: str, **extra: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=MIN_YEAR, max_value=2100, **extra)


def _money_field(label: str, **extra: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=False, **extra
    )


def _area_label(area: Any) -> str:
    return area.full_name


class SourceForm(StyledForm, forms.ModelForm):
    class Meta:
        model = FundSource
        fields = ["name", "kind", "year", "amount", "document", "received_on", "note"]
        widgets = {"received_on": DatePicker()}

    def clean_name(self) -> str:
        return half_width(self.cleaned_data["name"])

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not MIN_YEAR <= year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("年度应在 2013 年至明年之间。"))
        return year

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("金额必须大于 0。"))
        return amount


class ProjectForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "kind", "first_year", "last_year", "area", "implementer", "target", "result"]
        widgets = {"target": forms.Textarea(attrs={"rows": 2}), "result": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for_projects(user)
        self.fields["area"].label_from_instance = _area_label
        self.fields["kind"].choices = ProjectKind.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("结束年度不能早于开始年度。"))
        return data


class AllocationForm(StyledForm, forms.Form):
    source = forms.ModelChoiceField(label=_("资金来源"), queryset=FundSource.objects.none())
    amount = _money_field(_("安排金额（元）"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = source_queryset(user).filter(voided_at__isnull=True).order_by("-year", "name")
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda s: (
            f"{s.year} · {s.name} · 共 {s.amount:,.2f} 元，未安排 {s.amount - s.allocated:,.2f} 元"
        )


class HouseholdLookupMixin:
    """A household typed as its number (户编号) or a member's ID number, found within the user's scope."""

    def find_household(self, raw: str, user: User) -> Household:
        text = half_width(raw)
        if not text:
            raise forms.ValidationError(_("请填写户编号或家庭成员的证件号码。"))
        number = normalise_id_number(text)
        found = list(
            household_queryset(user)
            .filter(Q(number=text) | Q(members__id_number=number, members__left_reason=""))
            .distinct()[:2]
        )
        if not found:
            raise forms.ValidationError(_("在您的辖区内找不到户编号或证件号码为“%(v)s”的贫困户。") % {"v": text[:30]})
        if len(found) > 1:
            raise forms.ValidationError(_("“%(v)s”对应不止一户，请改填户编号。") % {"v": text[:30]})
        return found[0]


class BeneficiaryForm(HouseholdLookupMixin, StyledForm, forms.Form):
    household = forms.CharField(label=_("贫困户"), max_length=40, help_text=_("填户编号，或户内任一成员的证件号码。"))
    weight = forms.DecimalField(
        label=_("分红权重"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=Decimal(1),
        help_text=_("一般为 1；无劳动能力、重病户可设为 1.5 等（按区里定的倾斜办法）。"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_household(self) -> Household:
        return self.find_household(self.cleaned_data["household"], self.user)


class ReasonForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)

    def clean_reason(self) -> str:
        reason = half_width(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("请写明原因。"))
        return reason


class WeightForm(ReasonForm):
    weight = forms.DecimalField(label=_("分红权重"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"))
    field_order = ["weight", "reason"]


class TiltForm(StyledForm, forms.Form):
    tilt = forms.DecimalField(
        label=_("倾斜权重"), max_digits=5, decimal_places=2, min_value=1, max_value=10, initial=Decimal("1.5")
    )


class PublicityForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Publicity
        fields = ["stage", "start", "end", "place", "photo", "objections"]
        widgets = {"start": DatePicker(), "end": DatePicker(), "objections": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("公示结束日期不能早于开始日期。"))
        return data


class AdvanceForm(forms.Form):
    target = forms.ChoiceField(choices=[(s, s) for s in ("公示", "实施", "验收", "运营")])


class DividendForm(StyledForm, forms.Form):
    """The dividend run's inputs; posted first to preview, then again with `confirm` to record."""

    year = _year_field(_("收益年度"))
    income = _money_field(_("项目当年收益（元）"))
    amount = _money_field(
        _("本次分配金额（元）"), help_text=_("不超过当年收益；各户金额精确到分，余下的分按最大余额法分配。")
    )
    method = forms.ChoiceField(
        label=_("分配方式"), choices=[(DividendMethod.EQUAL, _("平均分配")), (DividendMethod.WEIGHTED, _("按权重分配"))]
    )
    paid_on = forms.DateField(label=_("发放日期"), widget=DatePicker())
    pay_method = forms.ChoiceField(label=_("发放方式"), choices=PayMethod.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("income") is not None and data.get("amount") is not None and data["amount"] > data["income"]:
            self.add_error("amount", _("分配金额不能超过项目当年收益。"))
        if data.get("paid_on") and data.get("year") and data["paid_on"].year < data["year"]:
            self.add_error("paid_on", _("发放日期不能早于收益年度。"))
        if data.get("year") and data["year"] > timezone.localdate().year:
            self.add_error("year", _("收益年度不能晚于今年。"))
        if data.get("paid_on") and data["paid_on"] > timezone.localdate():
            self.add_error("paid_on", _("发放日期不能晚于今天：请在实际发放后登记。"))
        return data


class DividendImportForm(StyledForm, forms.Form):
    year = _year_field(_("收益年度"))
    income = _money_field(_("项目当年收益（元）"))
    paid_on = forms.DateField(label=_("发放日期"), widget=DatePicker())
    pay_method = forms.ChoiceField(label=_("发放方式"), choices=PayMethod.choices)
    file = forms.FileField(
        label=_("发放名单（Excel/CSV）"),
        help_text=_("表头需有“证件号码”（或“户编号”）和“分红金额”两列，可另有“户主姓名”“收款账号”。"),
    )


class PublishForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("公示日期"), widget=DatePicker())


class LoanForm(HouseholdLookupMixin, StyledForm, forms.ModelForm):
    household_ref = forms.CharField(
        label=_("贫困户（创业、助学、小额信贷填）"), max_length=40, required=False, help_text=_("户编号或证件号码")
    )

    class Meta:
        model = Loan
        fields = ["kind", "borrower", "area", "bank", "principal", "rate", "start", "end", "poor_employed"]
        widgets = {"start": DatePicker(), "end": DatePicker()}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = areas_for_projects(user)
        self.fields["area"].label_from_instance = _area_label
        self.fields["kind"].choices = LoanKind.choices

    def clean_household_ref(self) -> Household | None:
        raw = self.cleaned_data.get("household_ref", "")
        return self.find_household(raw, self.user) if half_width(raw) else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needs_household = data.get("kind") in (LoanKind.STARTUP, LoanKind.STUDENT, LoanKind.MICRO)
        if needs_household and not data.get("household_ref") and "household_ref" not in self.errors:
            self.add_error("household_ref", _("创业担保、助学和小额信贷须填写借款的贫困户。"))
        if data.get("rate") is not None and not Decimal(0) < data["rate"] < Decimal("0.5"):
            self.add_error("rate", _("年利率请按小数填写，如 4.35% 填 0.0435。"))
        data["household"] = data.get("household_ref")
        return data


class SubsidyForm(StyledForm, forms.Form):
    year = _year_field(_("年度"))
    balance = forms.DecimalField(label=_("计息余额（元）"), max_digits=12, decimal_places=2, min_value=0)
    months = forms.IntegerField(label=_("计息月数"), min_value=1, max_value=12, initial=12)
    interest_paid = forms.DecimalField(label=_("实付利息（元）"), max_digits=12, decimal_places=2, min_value=0)


class MicroRateForm(StyledForm, forms.Form):
    year = _year_field(_("年度"))
    rate = forms.DecimalField(
        label=_("小额信贷贴息率"), max_digits=6, decimal_places=4, min_value=0, help_text=_("如 4.35% 填 0.0435")
    )
