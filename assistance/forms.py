"""Forms validate and normalise; services write (and apply the rules). Messages say what to fix, in Chinese."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.forms import PhotoField, half_width
from households.forms import DatePicker, StyledForm, style_fields
from households.models import Household
from households.phone import PhoneError, parse_phone

from .models import HANDOVER_REASONS, Cadre, CadreRank, Measure, Visit
from .rules import MEASURE_ITEMS, quota_for, rank_label
from .selectors import cadre_choices, pairing_quotas, shown_cadre_phone
from .services import CADRE_FIELDS, MEASURE_FIELDS


class CadreForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = CADRE_FIELDS
        widgets = {"note": forms.TextInput()}

    def clean_name(self) -> str:
        name = "".join(half_width(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("请填写干部姓名。"))
        return name

    def clean_phone(self) -> str:
        try:
            return parse_phone(self.cleaned_data["phone"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from exc


class CadreChoiceField(forms.ModelChoiceField):
    """Active cadres, those with room first: 张三 · 区财政局 · 科级干部 · 已结对 2/3 户（还可结对 1 户）; the phone
    only where the user works with the cadre (selectors.shown_cadre_phone). A form sets the queryset for its
    user with `for_user`; until then no cadre is offered (fails closed). Typing a name filters the list
    (static/js/select-filter.js)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select(attrs={"data-searchable": "1"}))
        super().__init__(queryset=Cadre.objects.none(), **kwargs)
        self.quotas: dict[str, int] | None = None  # read when the choices are rendered, not at import time
        self.user: User | None = None

    def for_user(self, user: User, *, exclude: int | None = None, include: int | None = None) -> None:
        self.user = user
        self.queryset = cadre_choices(user, exclude=exclude, include=include)

    def label_from_instance(self, cadre: Cadre) -> str:
        if self.quotas is None:
            self.quotas = pairing_quotas()
        used = getattr(cadre, "n", None)
        quota = quota_for(cadre.rank, self.quotas)
        parts = [cadre.name, cadre.unit, rank_label(cadre.rank)]
        if used is not None:
            room = quota - used
            parts.append(f"已结对 {used}/{quota} 户（{'还可结对 ' + str(room) + ' 户' if room > 0 else '已满'}）")
        if cadre.phone and self.user is not None:
            parts.append(shown_cadre_phone(self.user, cadre.phone, households_here=getattr(cadre, "n_here", 0)))
        return " · ".join(p for p in parts if p)


class PairForm(StyledForm, forms.Form):
    cadre = CadreChoiceField(label=_("帮扶责任人"))
    started_on = forms.DateField(label=_("结对日期"), widget=DatePicker())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].for_user(user)
        self.fields["started_on"].initial = timezone.localdate()


class HandoverForm(StyledForm, forms.Form):
    successor = CadreChoiceField(label=_("接替的帮扶责任人"))
    reason = forms.ChoiceField(label=_("更换原因"), choices=[("", _("请选择")), *HANDOVER_REASONS])
    on = forms.DateField(label=_("交接日期"), widget=DatePicker())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, current: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].for_user(user, exclude=current)  # never the current cadre as her own successor
        self.fields["on"].initial = timezone.localdate()


class PairingEndForm(StyledForm, forms.Form):
    on = forms.DateField(label=_("解除日期"), widget=DatePicker())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class VisitForm(StyledForm, forms.ModelForm):
    cadre = CadreChoiceField(label=_("走访干部"))
    photo = PhotoField(label=_("照片"))

    class Meta:
        model = Visit
        fields = ("cadre", "visited_on", "found", "agreed", "photo")
        widgets = {
            "visited_on": DatePicker(),
            "found": forms.Textarea(attrs={"rows": 3}),
            "agreed": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, household: Household, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].for_user(user)
        self.fields["visited_on"].initial = timezone.localdate()
        current = household.pairings.active().first()
        if current is not None:
            self.fields["cadre"].initial = current.cadre_id


class MeasureForm(StyledForm, forms.ModelForm):
    cadre = CadreChoiceField(label=_("责任干部"), required=False)

    class Meta:
        model = Measure
        fields = MEASURE_FIELDS
        widgets = {
            "done_on": DatePicker(),
            "description": forms.TextInput(),
        }

    def __init__(self, *args: Any, household: Household, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].for_user(user)
        # Members still in the household; a measure recorded for someone who has since left keeps showing them.
        people = household.members.active()
        if self.instance.person_id:
            people = people | household.members.filter(pk=self.instance.person_id)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.relation}）"
        if self.instance.pk is None:
            self.fields["year"].initial = timezone.localdate().year
            self.fields["done_on"].initial = timezone.localdate()
        # Which items go with which kind, for the page's hint.
        self.fields["item"].help_text = "；".join(f"{k}：{'、'.join(v)}" for k, v in MEASURE_ITEMS.items())
        if self.instance.cadre_id and not self.instance.cadre.active:
            # A measure recorded under a cadre who has since left keeps showing that cadre.
            self.fields["cadre"].for_user(user, include=self.instance.cadre_id)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 2013 <= year <= this_year + 1:
            raise forms.ValidationError(_("年度应在 2013–%(y)s 之间。") % {"y": this_year + 1})
        return year

    def clean_item(self) -> str:
        return self.cleaned_data["item"] or ""


class QuotaForm(StyledForm, forms.Form):
    """One field per rank: the number of households a cadre of that rank may take."""

    def __init__(self, *args: Any, quotas: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in CadreRank.choices:
            self.fields[value] = forms.IntegerField(
                label=_("%(rank)s每人最多结对（户）") % {"rank": label},
                min_value=1,
                max_value=20,
                initial=quotas.get(value),
            )
        style_fields(self.fields)
