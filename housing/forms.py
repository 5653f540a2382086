"""Forms validate and normalise; services write and apply the rules. Messages say what to fix, in Chinese."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import PhotoField
from households.forms import DatePicker, StyledForm, YesNoUnknownSelect

from .models import PhotoKind, RetrofitCase, SafetyAssessment, WaterSurvey
from .rules import next_stage
from .services import ASSESSMENT_FIELDS, MONEY_FIELDS, WATER_FIELDS


class AssessmentForm(StyledForm, forms.ModelForm):
    photo = PhotoField(label=_("鉴定照片"))

    class Meta:
        model = SafetyAssessment
        fields = ASSESSMENT_FIELDS
        widgets = {
            "assessed_on": DatePicker(),
            "only_house": YesNoUnknownSelect(),
            "note": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()


class RetrofitOpenForm(StyledForm, forms.ModelForm):
    photo = PhotoField(label=_("改造前照片"))

    class Meta:
        model = RetrofitCase
        fields = ("kind", "willing", "planned_on", "deadline", "planned_subsidy")
        widgets = {"planned_on": DatePicker(), "deadline": DatePicker()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned_on"].initial = timezone.localdate()
        self.fields["deadline"].required = False
        self.fields["deadline"].help_text = _("不填则按规划：2018 年底；2018 年以后列入的，当年年底。")
        self.fields["willing"].help_text = _("有改造意愿的才列入计划（规划第七章）。")


class AdvanceForm(StyledForm, forms.Form):
    """Move a case into its next stage; the stage offered is the next one only."""

    # A plain field with a select: a skipped or backward stage posted by hand reaches the service, which
    # refuses it with its reason (rather than Django's "not one of the choices").
    stage = forms.CharField(label=_("推进到"), widget=forms.Select())
    on = forms.DateField(label=_("日期"), widget=DatePicker())
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    subsidy_central = forms.DecimalField(
        label=_("中央补助（元）"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    subsidy_province = forms.DecimalField(
        label=_("省级补助（元）"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    subsidy_city = forms.DecimalField(
        label=_("市级补助（元）"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    subsidy_district = forms.DecimalField(
        label=_("区级补助（元）"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    self_paid = forms.DecimalField(
        label=_("农户自筹（元）"), max_digits=12, decimal_places=2, required=False, min_value=0
    )
    meets_building_standard = forms.BooleanField(label=_("符合农村危房改造建设标准"), required=False)
    meets_seismic_standard = forms.BooleanField(label=_("符合抗震设防要求"), required=False)
    inspector = forms.CharField(label=_("验收人"), max_length=60, required=False)
    photo = PhotoField(label=_("照片"))

    ACCEPTANCE = ("meets_building_standard", "meets_seismic_standard", "inspector")

    def __init__(self, *args: Any, case: RetrofitCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        upcoming = next_stage(case.stage)
        self.fields["stage"].widget.choices = [(upcoming, upcoming)] if upcoming else []
        self.fields["stage"].initial = upcoming
        self.fields["on"].initial = timezone.localdate()
        for name in MONEY_FIELDS:
            if name in self.fields:
                self.fields[name].initial = getattr(case, name)
        if upcoming != "验收合格":
            for name in self.ACCEPTANCE:
                del self.fields[name]
        else:
            self.fields["inspector"].initial = case.inspector
            self.fields["inspector"].help_text = _(
                "验收时必填：两项标准都符合、写明验收人，才能验收合格（规划第七章）。"
            )
        if upcoming not in ("竣工", "验收合格"):
            for name in MONEY_FIELDS:
                self.fields.pop(name, None)
        self.fields["photo"].label = _("改造前照片") if upcoming == "开工" else _("改造后照片")

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in (*MONEY_FIELDS, *self.ACCEPTANCE) if k in data}


class RetrofitEditForm(StyledForm, forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), max_length=200)

    class Meta:
        model = RetrofitCase
        fields = ("kind", "deadline", *MONEY_FIELDS)
        widgets = {"deadline": DatePicker()}


class PhotoForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("照片类别"), choices=[(PhotoKind.BEFORE, "改造前"), (PhotoKind.AFTER, "改造后")])
    image = PhotoField(label=_("照片"), required=True)


class VoidForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200, help_text=_("例如：录入错户、重复登记。"))


class WaterSurveyForm(StyledForm, forms.ModelForm):
    class Meta:
        model = WaterSurvey
        fields = WATER_FIELDS
        widgets = {
            "surveyed_on": DatePicker(),
            "quantity_ok": YesNoUnknownSelect(),
            "quality_ok": YesNoUnknownSelect(),
            "convenience_ok": YesNoUnknownSelect(),
            "guarantee_ok": YesNoUnknownSelect(),
            "note": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surveyed_on"].initial = timezone.localdate()
        self.fields["source"].required = True


class ImportForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("住建部门危房改造台账"),
        help_text=_("Excel（.xlsx、.xls）或 CSV，每户一行，按户编号或户主证件号码对应。"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.LEDGER_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件太大（%(mb).1f MB），上限 %(max)s MB：请把台账拆成几个文件上传。")
                % {"mb": upload.size / 1024 / 1024, "max": limit // (1024 * 1024)}
            )
        return upload
