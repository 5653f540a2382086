"""Forms validate and normalise; services write and apply the rules. Messages say what to fix, in Chinese."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import half_width
from households.forms import DatePicker, StyledForm
from households.models import Household, Person
from households.phone import PhoneError, parse_phone

from . import rules
from .models import Benefit, BenefitWay, Enrolment, LeftBehindChild, LoanInterest, Stage, StudentLoan
from .services import LEFT_BEHIND_FIELDS


def school_year_choices(*, around: int | None = None) -> list[tuple[int, str]]:
    """The school years a clerk may pick: from 2014–2015 to next year, newest first."""
    current = around or rules.school_year_of(timezone.localdate())
    return [(y, f"{rules.school_year_label(y)} 学年") for y in range(current + 1, 2013, -1)]


class EnrolmentForm(StyledForm, forms.ModelForm):
    """A new enrolment of a member of one household."""

    person = forms.ModelChoiceField(label=_("学生"), queryset=Person.objects.none(), empty_label=_("请选择"))
    school_year = forms.TypedChoiceField(label=_("学年"), coerce=int)
    started_on = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=DatePicker(),
        help_text=_("空白即 9 月 1 日；学年中途转入的填转入日期。"),
    )

    class Meta:
        model = Enrolment
        fields = (
            "person",
            "school_year",
            "stage",
            "school",
            "grade",
            "status",
            "started_on",
            "ended_on",
            "taught_at_home",
            "note",
        )
        widgets = {"ended_on": DatePicker()}

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.active().filter(household=household).order_by("birth_date")
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.name}（{p.get_relation_display()}，{p.birth_date:%Y-%m-%d} 出生）"
        )
        self.fields["school_year"].choices = school_year_choices()
        self.fields["school_year"].initial = rules.school_year_of(timezone.localdate())

    def clean_school(self) -> str:
        return half_width(self.cleaned_data["school"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("school_year") and not data.get("started_on"):
            data["started_on"] = rules.school_year_start(data["school_year"])
        return data

    def _post_clean(self) -> None:
        # The model's own checks need the person and household the service sets; the service checks all.
        pass


class EnrolmentEditForm(StyledForm, forms.ModelForm):
    """What became of a student, or a correction: the year is the record's identity and stays."""

    reason = forms.CharField(label=_("修改原因"), max_length=200)

    class Meta:
        model = Enrolment
        fields = ("stage", "school", "grade", "status", "started_on", "ended_on", "taught_at_home", "note")
        widgets = {"started_on": DatePicker(), "ended_on": DatePicker()}

    def _post_clean(self) -> None:
        pass


class ReasonForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)


class BenefitForm(StyledForm, forms.ModelForm):
    """A fee waived or a subsidy paid for one enrolment; the items are those of its stage."""

    item = forms.ChoiceField(label=_("资助项目"))

    class Meta:
        model = Benefit
        fields = ("item", "amount", "way", "on", "given_by")
        widgets = {"on": DatePicker()}

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = rules.items_of(enrolment.stage)
        self.fields["item"].choices = [("", _("请选择")), *((i, i) for i in items)]
        self.fields["given_by"].initial = enrolment.school
        self.fields["on"].initial = timezone.localdate()
        if items == (rules.SUBSIDY_ITEM,):
            self.fields["item"].initial = rules.SUBSIDY_ITEM
            self.fields["amount"].initial = rules.VOCATIONAL_SUBSIDY
            self.fields["way"].initial = BenefitWay.PAID
        else:
            self.fields["way"].initial = BenefitWay.WAIVED

    def _post_clean(self) -> None:
        pass


class LeftBehindForm(StyledForm, forms.ModelForm):
    """A 留守儿童 file and its contact card."""

    child = forms.ModelChoiceField(label=_("儿童"), queryset=Person.objects.none(), empty_label=_("请选择"))

    class Meta:
        model = LeftBehindChild
        fields = ("child", *LEFT_BEHIND_FIELDS)
        widgets = {"registered_on": DatePicker(), "note": forms.TextInput()}

    def __init__(self, *args: Any, household: Household | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if household is None:  # editing: the child is the file's
            del self.fields["child"]
        else:
            cutoff = timezone.localdate().replace(year=timezone.localdate().year - rules.LEFT_BEHIND_AGE - 1)
            self.fields["child"].queryset = (
                Person.objects.active().filter(household=household, birth_date__gt=cutoff).order_by("birth_date")
            )
            self.fields["child"].label_from_instance = lambda p: f"{p.name}（{p.birth_date:%Y-%m-%d} 出生）"
            self.fields["registered_on"].initial = timezone.localdate()

    def _phone(self, name: str) -> str:
        try:
            return parse_phone(self.cleaned_data[name])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_father_phone(self) -> str:
        return self._phone("father_phone")

    def clean_mother_phone(self) -> str:
        return self._phone("mother_phone")

    def clean_guardian_phone(self) -> str:
        return self._phone("guardian_phone")

    def clean_teacher_phone(self) -> str:
        return self._phone("teacher_phone")

    def clean_cadre_phone(self) -> str:
        return self._phone("cadre_phone")

    def _post_clean(self) -> None:
        pass


class CloseForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("销档日期"), widget=DatePicker())
    reason = forms.CharField(label=_("销档原因"), max_length=200, help_text=_("如：已满 16 周岁、父母返乡照料。"))


class PolicyForm(StyledForm, forms.Form):
    exited_keep_policy = forms.BooleanField(label=_("已脱贫户继续享受（脱贫不脱政策）"), required=False)
    policy_until = forms.TypedChoiceField(
        label=_("政策期截至学年"), coerce=int, required=False, empty_value=None, help_text=_("空白表示不设截止。")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy_until"].choices = [
            ("", _("不设截止")),
            *school_year_choices(around=rules.school_year_of(timezone.localdate()) + 4),
        ]


class StudentFilterForm(StyledForm, forms.Form):
    """The school-year list's filters (GET)."""

    year = forms.TypedChoiceField(label=_("学年"), coerce=int, required=False)
    town = forms.ModelChoiceField(label=_("镇"), queryset=None, required=False, empty_label=_("全部"))
    school = forms.CharField(
        label=_("学校"), required=False, max_length=100, widget=forms.TextInput(attrs={"list": "schools"})
    )
    stage = forms.ChoiceField(label=_("学段"), required=False, choices=[("", _("全部")), *Stage.choices])
    gaps = forms.BooleanField(label=_("只看未落实"), required=False)

    def __init__(self, *args: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = school_year_choices()
        self.fields["town"].queryset = towns


class ImportForm(StyledForm, forms.Form):
    school_year = forms.TypedChoiceField(label=_("学年"), coerce=int)
    file = forms.FileField(label=_("学校名单（Excel 或 CSV）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices()
        self.fields["school_year"].initial = rules.school_year_of(timezone.localdate())


class LoanForm(StyledForm, forms.ModelForm):
    """A student's 助学贷款."""

    person = forms.ModelChoiceField(label=_("学生"), queryset=Person.objects.none(), empty_label=_("请选择"))

    class Meta:
        model = StudentLoan
        fields = ("person", "bank", "contract_no", "amount", "signed_on")
        widgets = {"signed_on": DatePicker()}

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.active().filter(household=household).order_by("birth_date")

    def _post_clean(self) -> None:
        pass


class InterestForm(StyledForm, forms.ModelForm):
    """The state's payment of one school year's interest."""

    school_year = forms.TypedChoiceField(label=_("学年"), coerce=int)

    class Meta:
        model = LoanInterest
        fields = ("school_year", "amount", "paid_on", "given_by")
        widgets = {"paid_on": DatePicker()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices()
        self.fields["school_year"].initial = rules.school_year_of(timezone.localdate())
        self.fields["paid_on"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        pass
