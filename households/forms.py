"""Forms validate and normalise; services write. Messages say, in Chinese, what to fix."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import villages_in_scope
from common.forms import half_width

from .idnumber import IdNumberError, mask_id_number, normalise_id_number, parse_id_number
from .models import (
    Household,
    HouseholdIncome,
    HouseholdStatus,
    LeftReason,
    Person,
    Relation,
    Sex,
)
from .phone import PhoneError, mask_phone, parse_phone
from .services import HOUSEHOLD_FIELDS, MANUAL_TRANSITIONS, PERSON_FIELDS

FIRST_REGISTRATION_YEAR = 2013  # 建档立卡 began in 2013; FORMAT.md: 识别年度 2013–today


def style_fields(fields: dict[str, forms.Field]) -> None:
    """Bootstrap classes on every widget, so templates only place fields."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = css
        if isinstance(field, forms.TypedChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "":
                # Django's "---------" means nothing to a clerk.
                field.choices = [("", _("请选择") if field.required else _("未填写")), *choices[1:]]


class DatePicker(forms.DateInput):
    """The browser's date picker. It reads and writes only YYYY-MM-DD, whatever the locale's date format, so a
    form's initial or stored date must be rendered that way or the field shows empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class StyledForm:
    """Mixin: a form whose widgets carry Bootstrap classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class YesNoUnknownSelect(forms.Select):
    """是 / 否 / 未填写 for the ledger's yes-no facts, where blank means "not recorded"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=[("", _("未填写")), ("true", _("是")), ("false", _("否"))])

    def format_value(self, value: Any) -> list[str]:
        return [{True: "true", False: "false"}.get(value, "")]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool | None:
        return {"true": True, "false": False}.get(data.get(name))


MASK_CHAR = "*"


def keeps_masked(typed: str, *, stored: str, mask: str) -> bool:
    """True when a masked field came back as the page showed it: the stored whole value stands.

    The edit page shows ID numbers and phones masked (PIPL: sensitive personal information, whole only through
    the audited reveal). A changed value must be typed in full; anything else with a `*` in it is neither the
    shown value nor a number, and the caller refuses it with a sentence rather than store a mask.
    """
    return bool(stored) and typed == mask


def _masked_but_changed_error(what: str) -> forms.ValidationError:
    return forms.ValidationError(
        _("%(what)s中有“*”，但与原来脱敏显示的不同：修改时请录入完整的号码；不修改请保留原来的显示。") % {"what": what}
    )


def village_label(area: Any) -> str:
    return f"{area.parent.name} · {area.name}"


class HouseholdForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        widgets = {
            "dilapidated": YesNoUnknownSelect,
            "safe_water": YesNoUnknownSelect,
            "enough_food": YesNoUnknownSelect,
            "enough_clothing": YesNoUnknownSelect,
        }
        help_texts = {
            "number": _("国家扶贫系统中的户编号，全区唯一。"),
            "enough_food": _("不填视为已达到。"),
            "enough_clothing": _("不填视为已达到。"),
        }

    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=200,
        help_text=_("修改住房、饮水、吃穿，或成员的出生日期、文化程度、在校、残疾、参保等影响脱贫判定的信息时必填。"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["change_reason"]  # registering a household is its own reason (建档)
        # Only villages in the user's scope can be chosen; a tampered POST fails validation here.
        self.fields["village"].queryset = villages_in_scope(user)
        self.fields["village"].label_from_instance = village_label
        self.fields["village"].empty_label = _("请选择行政村")
        if self.instance.pk and self.instance.phone:
            # Shown masked like on every page; an unchanged mask keeps the stored phone (clean_phone).
            self.initial["phone"] = mask_phone(self.instance.phone)
            self.fields["phone"].help_text = _("已脱敏显示；不修改请保留原样，修改请录入完整的号码。")

    def clean_number(self) -> str:
        number = half_width(self.cleaned_data["number"]).upper()
        if not re.fullmatch(r"[0-9A-Z-]{1,30}", number):
            raise forms.ValidationError(_("户编号只能包含数字、字母和连字符。"))
        return number

    def clean_phone(self) -> str:
        typed = "".join(unicodedata.normalize("NFKC", self.cleaned_data["phone"] or "").split())
        stored = self.instance.phone if self.instance.pk else ""
        if keeps_masked(typed, stored=stored, mask=mask_phone(stored)):
            return stored
        if MASK_CHAR in typed:
            raise _masked_but_changed_error(_("联系电话"))
        try:
            return parse_phone(typed)
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_registration_year(self) -> int | None:
        year = self.cleaned_data["registration_year"]
        this_year = timezone.localdate().year
        if year is not None and not FIRST_REGISTRATION_YEAR <= year <= this_year:
            raise forms.ValidationError(
                _("识别年度应在 %(first)s 年到 %(last)s 年之间。")
                % {"first": FIRST_REGISTRATION_YEAR, "last": this_year}
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        grade, dilapidated = data.get("house_grade"), data.get("dilapidated")
        if grade in ("A", "B") and dilapidated is True:
            self.add_error("dilapidated", _("住房安全等级为 A/B 级的不是危房户，请核对。"))
        if grade in ("C", "D") and dilapidated is False:
            self.add_error("dilapidated", _("住房安全等级为 C/D 级即为危房户，请核对。"))
        return data


class PersonForm(StyledForm, forms.ModelForm):
    # Longer than 18 on purpose: a pasted number with spaces, or one in scientific notation, gets the ID
    # number's own message ("存成了数字") rather than a bare length error.
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    sex = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", _("按证件号码")), *Sex.choices],
        help_text=_("可不填，由证件号码推出。"),
    )

    class Meta:
        model = Person
        # The member fields the services write, but the birth date: it comes from the ID number.
        fields = [f for f in PERSON_FIELDS if f != "birth_date"]
        widgets = {
            "medical_insurance": YesNoUnknownSelect,
            "critical_illness_insurance": YesNoUnknownSelect,
            "pension_insurance": YesNoUnknownSelect,
            "dibao": YesNoUnknownSelect,
            "tekun": YesNoUnknownSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Sex is shown as stored; it must still agree with the ID number.
            self.initial.setdefault("sex", self.instance.sex)
        self.fields["id_number"].widget.attrs.update(autocomplete="off")
        if self.instance.pk:
            # Shown masked like on every page; an unchanged mask keeps the stored number (clean_id_number).
            self.initial["id_number"] = mask_id_number(self.instance.id_number)
            self.fields["id_number"].help_text = _("已脱敏显示；不修改请保留原样，修改请录入完整的 18 位号码。")

    def clean_name(self) -> str:
        name = half_width(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("请填写姓名。"))
        return name

    def clean_id_number(self) -> str:
        typed = normalise_id_number(self.cleaned_data["id_number"])
        stored = self.instance.id_number if self.instance.pk else ""
        if keeps_masked(typed, stored=stored, mask=mask_id_number(stored)):
            typed = stored  # unchanged: still parsed, for the sex and birth date it gives
        elif MASK_CHAR in typed:
            raise _masked_but_changed_error(_("证件号码"))
        try:
            parsed = parse_id_number(typed, today=timezone.localdate())
        except IdNumberError as exc:
            raise forms.ValidationError(str(exc)) from None
        self._parsed_id = parsed
        return parsed.number

    def clean_work_months(self) -> int | None:
        months = self.cleaned_data["work_months"]
        if months is not None and not 0 <= months <= 12:
            raise forms.ValidationError(_("务工时间应在 0 到 12 个月之间。"))
        return months

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parsed = getattr(self, "_parsed_id", None)
        if parsed is not None:
            given = data.get("sex")
            if given and given != parsed.sex:
                self.add_error("sex", _("性别与证件号码不符：号码第 17 位表示“%(sex)s”。") % {"sex": parsed.sex})
            data["sex"] = parsed.sex
            data["birth_date"] = parsed.birth_date
            # The model's own validation runs on the instance; give it what the number says.
            self.instance.sex, self.instance.birth_date = parsed.sex, parsed.birth_date
        if data.get("taught_at_home") and not data.get("disability_grade"):
            self.add_error("taught_at_home", _("送教上门只适用于有残疾等级的儿童，请先填写残疾等级。"))
        return data

    def _get_validation_exclusions(self) -> set[str]:
        # "Exactly one 户主" is a rule over the whole household: the formset and the service check it, so a
        # head can be handed from one member to another in a single save.
        return super()._get_validation_exclusions() | {"relation"}


class BaseMemberFormSet(BaseInlineFormSet):
    """The household's members in one form: exactly one 户主 and no ID number twice."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and (f.instance.pk or f.has_changed())]
        if not filled:
            raise forms.ValidationError(_("请至少登记一名家庭成员（户主）。"))
        heads = [f for f in filled if f.cleaned_data.get("relation") == Relation.HEAD]
        if len(heads) != 1:
            raise forms.ValidationError(
                _("每户必须有且只有一名户主，现在有 %(n)s 名。请检查“与户主关系”。") % {"n": len(heads)}
            )
        seen: dict[str, str] = {}
        for f in filled:
            number = f.cleaned_data.get("id_number")
            if number in seen:
                f.add_error("id_number", _("与成员“%(name)s”的证件号码相同。") % {"name": seen[number]})
            seen[number] = f.cleaned_data.get("name", "")

    def members_data(self) -> list[dict[str, Any]]:
        """Every active member after the change, for `household_update` / `household_create`."""
        rows = []
        for f in self.forms:
            if not f.cleaned_data or not (f.instance.pk or f.has_changed()):
                continue
            row = {k: v for k, v in f.cleaned_data.items() if k not in ("id", "household", "DELETE")}
            if f.instance.pk:
                row["pk"] = f.instance.pk
            rows.append(row)
        return rows


def _member_formset(*, extra: int) -> type[BaseInlineFormSet]:
    return inlineformset_factory(
        Household, Person, form=PersonForm, formset=BaseMemberFormSet, extra=extra, can_delete=False
    )


# A new household shows two blank member forms (head and spouse, the usual case); an edit shows one.
CreateMemberFormSet = _member_formset(extra=2)
EditMemberFormSet = _member_formset(extra=1)


class RevealForm(StyledForm, forms.Form):
    """Why a whole ID number or phone is needed (PIPL: sensitive personal information, shown only with cause)."""

    reason = forms.CharField(
        label=_("查看理由"),
        min_length=4,
        max_length=200,
        help_text=_("如“回传国家系统核对证件号码”“电话联系户主核实收入”。理由与查看记录一并记入审计日志。"),
    )


class PersonLeaveForm(StyledForm, forms.Form):
    reason = forms.ChoiceField(label=_("减少原因"), choices=LeftReason.choices)
    on = forms.DateField(label=_("减少日期"), widget=DatePicker())
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("如迁入地、死亡证明编号等。"))
    new_head = forms.ModelChoiceField(
        label=_("新户主"), queryset=Person.objects.none(), required=False, empty_label=_("请选择")
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        others = person.household.members.active().exclude(pk=person.pk)
        if person.relation == Relation.HEAD and others.exists():
            self.fields["new_head"].queryset = others
            self.fields["new_head"].required = True
            self.fields["new_head"].help_text = _("户主减少后须指定新户主。")
        else:
            del self.fields["new_head"]

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("减少日期不能晚于今天。"))
        if on < self.person.birth_date:
            raise forms.ValidationError(_("减少日期不能早于出生日期。"))
        return on


class HouseholdStatusForm(StyledForm, forms.Form):
    to_status = forms.ChoiceField(label=_("变更为"))
    reason = forms.CharField(
        label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("必填，将记入变更记录。")
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = MANUAL_TRANSITIONS[HouseholdStatus(household.status)]
        self.fields["to_status"].choices = [(s.value, s.label) for s in allowed]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写变更原因。"))
        return reason


class IncomeForm(StyledForm, forms.ModelForm):
    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=200,
        help_text=_("修改已录入年度的收入时必填（如“入户核实”“台账更正”）。"),
    )

    class Meta:
        model = HouseholdIncome
        fields = ["year", "wage", "business", "property_income", "transfer", "business_cost", "per_capita_given"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not FIRST_REGISTRATION_YEAR - 1 <= year <= this_year:
            raise forms.ValidationError(
                _("年度应在 %(first)s 年到 %(last)s 年之间。")
                % {"first": FIRST_REGISTRATION_YEAR - 1, "last": this_year}
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("wage", "business", "property_income", "transfer", "business_cost", "per_capita_given"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("金额不能为负数；支出请填在“生产经营性支出”。"))
        if not any(data.get(n) is not None for n in self._meta.fields if n not in ("year", "change_reason")):
            raise forms.ValidationError(_("请至少填写一项收入，或台账给出的人均纯收入。"))
        return data

    def validate_unique(self) -> None:
        # One row per household and year: the service updates the year's row if it exists.
        pass


@dataclass(frozen=True)
class ErrorEntry:
    """One line of the error summary above a long form: where (a link to the field), and what to fix."""

    label: str  # "联系电话", or "成员 2 张三：证件号码"
    messages: list[str]
    anchor: str  # the id of the field to jump to; "" where the error is the whole form's


def error_summary(form: forms.BaseForm, formset: BaseInlineFormSet) -> list[ErrorEntry]:
    """Every error of the household form, then of the member list, then member by member, for the summary at
    the top: on a page this long an error far below the fold is otherwise never seen."""
    entries = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            entries.append(ErrorEntry(str(_("户基本情况")), list(errors), ""))
        else:
            entries.append(ErrorEntry(str(form[name].label), list(errors), form[name].id_for_label))
    if formset.is_bound and formset.non_form_errors():
        entries.append(ErrorEntry(str(_("家庭成员")), list(formset.non_form_errors()), "members-forms"))
    for number, member in enumerate(formset.forms, start=1):
        if not member.errors:
            continue
        name = member.instance.name if member.instance.pk else half_width(member["name"].value() or "")
        who = (_("成员 %(n)s %(name)s") if name else _("成员 %(n)s")) % {"n": number, "name": name}
        for field, errors in member.errors.items():
            if field == NON_FIELD_ERRORS or field not in member.fields:
                entries.append(ErrorEntry(str(who), list(errors), member["name"].id_for_label))
            else:
                label = f"{who}：{member[field].label}"
                entries.append(ErrorEntry(label, list(errors), member[field].id_for_label))
    return entries
