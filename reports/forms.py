"""Forms of the reports pages: the problem worklist's filters, handling a problem, asking for a pack, and the
change list's date."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import towns_in_scope, villages_in_scope
from households.forms import DatePicker, StyledForm, village_label

from .models import PackFormat, ProblemState
from .rules import RULES
from .selectors import pack_areas


class ProblemFilterForm(StyledForm, forms.Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None, required=False, empty_label=_("全部镇"))
    village = forms.ModelChoiceField(label=_("行政村"), queryset=None, required=False, empty_label=_("全部村"))
    rule = forms.ChoiceField(
        label=_("规则"),
        required=False,
        choices=[("", _("全部规则")), *[(r.code, f"{r.code} {r.title}") for r in RULES]],
    )
    state = forms.ChoiceField(label=_("处理状态"), required=False, choices=[("", _("全部状态")), *ProblemState.choices])

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns_in_scope(user)
        self.fields["village"].queryset = villages_in_scope(user)
        self.fields["village"].label_from_instance = village_label


class ProblemHandleForm(StyledForm, forms.Form):
    state = forms.ChoiceField(label=_("处理结果"), choices=ProblemState.choices)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=300,
        help_text=_("已说明的疑点必须写明理由；已更正的可写更正了什么。"),
        widget=forms.TextInput,
    )


class PackForm(StyledForm, forms.Form):
    area = forms.ModelChoiceField(label=_("镇或行政村"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2014)
    fmt = forms.ChoiceField(label=_("格式"), choices=PackFormat.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = pack_areas(user)
        self.fields["area"].label_from_instance = lambda a: a.full_name
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year


class ChangesForm(StyledForm, forms.Form):
    since = forms.DateField(label=_("自此日期以来的变更"), widget=DatePicker())
    town = forms.ModelChoiceField(label=_("镇"), queryset=None, required=False, empty_label=_("全部镇"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns_in_scope(user)

    def clean_since(self) -> Any:
        since = self.cleaned_data["since"]
        if since > timezone.localdate():
            raise forms.ValidationError(_("起始日期不能晚于今天。"))
        return since
