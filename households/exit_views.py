"""The exit procedure's pages (a household's case, a village's 公示名单) and the recompute runs page."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import villages_in_scope
from common.forms import add_service_error
from common.uploads import EVIDENCE_KINDS

from .forms import DatePicker, StyledForm, village_label
from .models import (
    OPEN_EXIT_STAGES,
    ExitCase,
    ExitEvidence,
    ExitEvidenceRule,
    ExitStage,
    HouseholdAssessment,
    RecomputeRun,
)
from .selectors import (
    access_household,
    default_year,
    household_assessment,
    household_queryset,
    households_assessments,
    standards_by_year,
)
from .services import exit as steps


def _evidence_field(help_text: str) -> forms.FileField:
    return forms.FileField(
        label=_("附件"),
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ProposeForm(StyledForm, forms.Form):
    income_year = forms.TypedChoiceField(
        label=_("评估年度"),
        coerce=int,
        help_text=_("按这一年的收入和两不愁三保障评估；批准销号后记为脱贫年度。"),
    )
    deliberation_date = forms.DateField(label=_("民主评议日期"), widget=DatePicker())
    attendance = forms.IntegerField(label=_("参会人数"), min_value=1)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
    evidence = _evidence_field(_("民主评议会议记录（PDF、JPG 或 PNG，不超过 10 MB）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = default_year()
        years = sorted({last, last + 1, *standards_by_year()} - {y for y in standards_by_year() if y > last + 1})
        self.fields["income_year"].choices = [(y, f"{y} 年") for y in reversed(years)]
        self.fields["income_year"].initial = last


class NoteForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class VerifyForm(NoteForm):
    evidence = _evidence_field(_("核实记录（PDF、JPG 或 PNG，不超过 10 MB）"))


class ConfirmForm(NoteForm):
    evidence = _evidence_field(_("农户签字确认书（PDF、JPG 或 PNG，不超过 10 MB）"))


class PublicityForm(StyledForm, forms.Form):
    start = forms.DateField(label=_("公示开始"), widget=DatePicker())
    end = forms.DateField(label=_("公示结束"), widget=DatePicker(), help_text=_("至少 7 天"))
    evidence = _evidence_field(_("公示照片（JPG 或 PNG，或 PDF，不超过 10 MB）"))


class ObjectionForm(StyledForm, forms.Form):
    received_on = forms.DateField(label=_("收到日期"), widget=DatePicker())
    content = forms.CharField(label=_("异议内容"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


PROPOSE, APPROVE = ("households.propose_exit",), ("households.approve_exit",)
# action → (form, the stages it applies to, the permissions (any one will do), the service, the button's words)
ACTIONS: dict[str, tuple[type[forms.Form], tuple[str, ...], tuple[str, ...], Callable[..., Any], str]] = {
    "verify": (VerifyForm, (ExitStage.PROPOSED,), PROPOSE, steps.exit_verify, _("村和工作组核实")),
    "confirm": (ConfirmForm, (ExitStage.VERIFIED,), PROPOSE, steps.exit_confirm, _("农户已确认")),
    "publicize": (
        PublicityForm,
        (ExitStage.CONFIRMED,),
        PROPOSE,
        steps.exit_publicize,
        _("开始公示"),
    ),
    "object": (
        ObjectionForm,
        (ExitStage.PUBLICIZING,),
        PROPOSE,
        steps.exit_object,
        _("登记异议并退回"),
    ),
    "approve": (NoteForm, (ExitStage.PUBLICIZING,), APPROVE, steps.exit_approve, _("批准销号")),
    "reject": (RejectForm, OPEN_EXIT_STAGES, PROPOSE + APPROVE, steps.exit_reject, _("退回")),
}


def _page(
    request: HttpRequest, household: Any, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    case = household.exit_cases.first()
    user = request.user
    open_case = case if case is not None and case.is_open else None
    available = []
    if open_case is not None:
        for name, (form_class, stages, perms, _service, label) in ACTIONS.items():
            if open_case.stage in stages and any(user.has_perm(p) for p in perms):
                form = (bound or {}).get(name) or form_class(prefix=name)
                available.append({"name": name, "label": label, "form": form})
    propose = None
    if open_case is None and user.has_perm("households.propose_exit") and household.status in steps.EXITABLE:
        propose = (bound or {}).get("propose") or ProposeForm(prefix="propose")
    # An open case is judged on its own year at every step; otherwise the year the proposal would use.
    year = open_case.income_year if open_case is not None else default_year()
    context = {
        "household": household,
        "case": case,
        "cases": household.exit_cases.prefetch_related("steps__actor", "evidence__uploaded_by"),
        "required": {r.step for r in ExitEvidenceRule.objects.filter(required=True)},
        "available": available,
        "propose": propose,
        "verdict": household_assessment(household, year=year),
    }
    return render(request, "households/exit.html", context, status=status)


@require_GET
@permission_required("households.view_exitcase", raise_exception=True)
def exit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access_household(request.user, pk))


@require_POST
@permission_required(PROPOSE, raise_exception=True)
def exit_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = ProposeForm(request.POST, request.FILES, prefix="propose")
    if form.is_valid():
        try:
            steps.exit_propose(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已提出退出。"))
            return redirect("households:exit", pk=household.pk)
    return _page(request, household, bound={"propose": form}, status=400)


@require_POST
@permission_required("households.view_exitcase", raise_exception=True)
def exit_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    household = access_household(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, _stages, _perm, service, _label = ACTIONS[action]
    case = get_object_or_404(household.exit_cases.all(), stage__in=OPEN_EXIT_STAGES)
    form = form_class(request.POST, request.FILES, prefix=action)
    if form.is_valid():
        try:
            service(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已办理。"))
            return redirect("households:exit", pk=household.pk)
    return _page(request, household, bound={action: form}, status=400)


@require_GET
@permission_required("households.view_exitcase", raise_exception=True)
def exit_evidence_view(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """An exit step's attachment, only for a user who may see the household (MEDIA_ROOT is never served)."""
    household = access_household(request.user, pk)
    evidence = get_object_or_404(ExitEvidence.objects.filter(case__household=household), pk=evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=EVIDENCE_KINDS[evidence.kind], filename=evidence.original_name, as_attachment=False
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@permission_required("households.view_exitcase", raise_exception=True)
def publicity_list_view(request: HttpRequest, village_pk: int) -> HttpResponse:
    """公示名单: a village's households in publicity, for printing and posting in the village."""
    village = get_object_or_404(villages_in_scope(request.user), pk=village_pk)
    cases = (
        ExitCase.objects.filter(
            stage=ExitStage.PUBLICIZING, household__in=household_queryset(request.user).filter(village=village)
        )
        .select_related("household")
        .prefetch_related("household__members")
        .order_by("household__number")
    )
    verdicts = {}
    for year in {case.income_year for case in cases}:  # each case on its own year; one round of queries a year
        ids = [case.household_id for case in cases if case.income_year == year]
        verdicts.update(households_assessments(ids, year=year))
    rows = [
        {
            "case": case,
            "members": [p for p in case.household.members.all() if p.is_active],
            "verdict": verdicts[case.household_id],
        }
        for case in cases
    ]
    return render(
        request,
        "households/publicity.html",
        {"village": village, "village_name": village_label(village), "rows": rows, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@permission_required("households.view_recomputerun", raise_exception=True)
def recompute_runs_view(request: HttpRequest) -> HttpResponse:
    """The district office sees the latest recompute runs, and can queue one now."""
    year = default_year()
    if request.method == "POST":
        from .tasks import recompute_status_task

        transaction.on_commit(lambda: recompute_status_task.delay(year, trigger="district"))
        messages.success(request, _("已安排重算，稍后刷新本页查看。"))
        return redirect("households:recompute_runs")
    stored = HouseholdAssessment.objects.filter(year=year, household__in=household_queryset(request.user))
    counts = stored.aggregate(
        total=Count("pk"),
        meets=Count("pk", filter=Q(meets_standard=True)),
        watch=Count("pk", filter=Q(watch=True)),
    )
    return render(
        request,
        "households/recompute_runs.html",
        {"runs": RecomputeRun.objects.all()[:20], "year": year, "counts": counts},
    )
