"""Forms of the health pages: they validate and normalise; the services decide."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.forms import DatePicker, StyledForm
from households.models import Person

from .models import (
    AidSetting,
    DisabilityProgramme,
    Disease,
    Expense,
    HospitalLevel,
    Illness,
    IllnessKind,
    InsuranceKind,
    Payer,
)
from .rules import MIN_SPECIAL_CAP


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.get_relation_display()}，{obj.birth_date:%Y}年生）"


def _members(household_id: int) -> QuerySet[Person]:
    return Person.objects.filter(household_id=household_id, left_reason="").order_by("pk")


class ExpenseForm(StyledForm, forms.ModelForm):
    person = MemberChoiceField(label=_("就诊成员"), queryset=Person.objects.none())

    class Meta:
        model = Expense
        fields = (
            "person", "visited_on", "hospital", "level", "inpatient", "total", "in_scope", "basic_paid",
            "critical_paid", "pay_after", "one_stop", "settlement_number",
        )  # fmt: skip
        widgets = {"visited_on": DatePicker()}
        help_texts = {
            "in_scope": _("符合基本医保和大病保险用药目录及诊疗范围的费用；范围外的费用不计入救助。"),
            "settlement_number": _("医院结算单上的单号，可不填；填写后不能重复登记。"),
        }

    def __init__(self, *args: Any, household_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members(household_id)
        self.fields["level"].choices = [("", _("请选择")), *HospitalLevel.choices]
        for name in ("total", "in_scope", "basic_paid", "critical_paid"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": "0", "step": "0.01"})

    def clean_visited_on(self) -> date:
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("就诊/结算日期不能晚于今天。"))
        return day


class VoidForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("作废原因"), max_length=200, help_text=_("例如：重复登记、金额录错（已另行登记正确记录）。")
    )


class InsuranceForm(StyledForm, forms.Form):
    person = MemberChoiceField(label=_("成员"), queryset=Person.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000)
    kind = forms.ChoiceField(label=_("险种"), choices=InsuranceKind.choices, initial=InsuranceKind.BASIC)
    insured = forms.TypedChoiceField(
        label=_("参保状态"),
        choices=[("true", _("已参保")), ("false", _("未参保/断保"))],
        coerce=lambda v: v == "true",
        initial="true",
    )
    payer = forms.ChoiceField(label=_("保费缴纳"), choices=[("", _("未填写")), *Payer.choices], required=False)
    premium = forms.DecimalField(label=_("保费（元）"), max_digits=12, decimal_places=2, min_value=0, required=False)
    enrolled_on = forms.DateField(label=_("参保日期"), widget=DatePicker(), required=False)

    def __init__(self, *args: Any, household_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members(household_id)


class IllnessForm(StyledForm, forms.ModelForm):
    person = MemberChoiceField(label=_("患病成员"), queryset=Person.objects.none())

    class Meta:
        model = Illness
        fields = (
            "person", "kind", "disease", "diagnosis", "diagnosed_on", "causes_poverty", "treatment_plan", "doctor",
            "treated_on", "family_doctor",
        )  # fmt: skip
        widgets = {"diagnosed_on": DatePicker(), "treated_on": DatePicker()}
        help_texts = {
            "disease": _("规划第六章第二节：9 种大病集中救治；白内障由光明工程免费救治。"),
            "treated_on": _("得到有效救治的日期（“442”进度按此统计），未救治的不填。"),
        }

    def __init__(self, *args: Any, household_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members(household_id)
        self.fields["kind"].choices = [("", _("请选择")), *IllnessKind.choices]
        self.fields["disease"].choices = [("", _("请选择")), *Disease.choices]


class IllnessFollowForm(StyledForm, forms.ModelForm):
    """Following an illness after it was recorded: the plan, the doctor, the contract, the day it was treated."""

    class Meta:
        model = Illness
        fields = ("diagnosis", "causes_poverty", "treatment_plan", "doctor", "family_doctor", "treated_on")
        widgets = {"treated_on": DatePicker()}
        help_texts = {"treated_on": _("得到有效救治的日期（“442”进度按此统计）。")}


class DisabilityServiceForm(StyledForm, forms.Form):
    person = MemberChoiceField(label=_("残疾成员"), queryset=Person.objects.none())
    programme = forms.ChoiceField(label=_("项目"), choices=DisabilityProgramme.choices)
    received_on = forms.DateField(label=_("享受日期"), widget=DatePicker())
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=0, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, household_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members(household_id).exclude(disability_grade="")


class AidSettingForm(StyledForm, forms.ModelForm):
    class Meta:
        model = AidSetting
        fields = ("year", "special_cap")
        help_texts = {"special_cap": _("规划第六章第二节：不低于 15,000 元。常规医疗救助封顶 15,000 元，不在此设置。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["special_cap"].widget.attrs["min"] = str(MIN_SPECIAL_CAP)

    def validate_unique(self) -> None:
        pass  # a year already set is changed by the service, not refused


class ListFilterForm(StyledForm, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2013, required=False)
    town = forms.ChoiceField(label=_("乡镇"), required=False)

    def __init__(self, *args: Any, towns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", _("全部")), *towns]


class UploadForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("名单文件"), help_text=_("Excel（.xlsx、.xls）或 CSV，按证件号码匹配在册人员。"))
