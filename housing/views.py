"""Housing pages — plan ch. 7, ch. 11. Each view: permission (403), then the record through the user's scope
(404), form, service, redirect."""

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from accounts.selectors import towns_in_scope
from common.forms import add_service_error
from households.ledger.reader import LedgerUnreadableError
from households.ledger.report import write_error_report
from households.ledger.xlsx import write_table
from households.models import Household
from households.selectors import access_household

from . import services
from .exports import housing_export
from .forms import (
    AdvanceForm,
    AssessmentForm,
    ImportForm,
    PhotoForm,
    RetrofitEditForm,
    RetrofitOpenForm,
    VoidForm,
    WaterSurveyForm,
)
from .imports import COLUMNS, TEMPLATE_EXAMPLE, retrofit_ledger_check, retrofit_ledger_import
from .rules import (
    CENTRAL_SUPPLY_TARGET,
    GUARANTEE_TARGET,
    STAGES,
    WATER_TARGET_YEAR,
    is_dilapidated,
    next_stage,
    retrofit_overdue,
)
from .selectors import (
    access_assessment,
    access_case,
    access_photo,
    access_survey,
    case_facts,
    household_housing,
    retrofit_board,
    water_list,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WATER_PER_PAGE = 100
ERRORS_SHOWN = 300
IMPORT_SESSION_KEY = "housing_import"


def household_panel(request: HttpRequest, household: Household) -> tuple[str, dict[str, Any]] | None:
    """The household page's 住房安全与饮水 section (registered with households.panels, order 400)."""
    user = request.user
    if not user.has_perm("housing.view_safetyassessment"):
        return None
    housing = household_housing(household, as_of=timezone.localdate())
    # Offered only where a retrofit may be opened: a C/D grade in force and no case yet (rules.retrofit_refusal).
    grade = housing.verdict.grade or household.house_grade
    return (
        "housing/_household_panel.html",
        {
            "h": housing,
            "can_assess": user.has_perm("housing.add_safetyassessment"),
            "can_open": user.has_perm("housing.add_retrofitcase") and is_dilapidated(grade) and housing.case is None,
            "can_survey": user.has_perm("housing.add_watersurvey"),
            "can_void_assessment": user.has_perm("housing.change_safetyassessment"),
            "can_void_survey": user.has_perm("housing.change_watersurvey"),
        },
    )


def _household_form_page(
    request: HttpRequest, household: Household, form: Any, *, title: str, submit: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "housing/household_form.html",
        {"form": form, "household": household, "title": title, "submit_label": submit, **extra},
    )


@require_http_methods(["GET", "POST"])
@permission_required("housing.add_safetyassessment", raise_exception=True)
def assessment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = AssessmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_record(actor=request.user, household=household, data=data, photo=data.get("photo"))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记住房安全鉴定（%(g)s 级）。") % {"g": data["grade"]})
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(request, household, form, title=_("登记住房安全鉴定"), submit=_("保存"), multipart=True)


@require_http_methods(["GET", "POST"])
@permission_required("housing.change_safetyassessment", raise_exception=True)
def assessment_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_void(actor=request.user, assessment=assessment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废该鉴定。"))
            return redirect("households:detail", pk=assessment.household_id)
    return _household_form_page(
        request, assessment.household, form, title=_("作废住房安全鉴定"), submit=_("作废"), record=assessment
    )


@require_http_methods(["GET", "POST"])
@permission_required("housing.add_retrofitcase", raise_exception=True)
def retrofit_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = RetrofitOpenForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.retrofit_open(actor=request.user, household=household, data=data, photo=data.get("photo"))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已列入危房改造计划。"))
            return redirect("housing:case", pk=case.pk)
    return _household_form_page(
        request, household, form, title=_("列入危房改造计划"), submit=_("列入计划"), multipart=True
    )


@require_GET
@permission_required("housing.view_retrofitcase", raise_exception=True)
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    today = timezone.localdate()
    can_change = request.user.has_perm("housing.change_retrofitcase")
    return render(
        request,
        "housing/case_detail.html",
        {
            "case": case,
            "household": case.household,
            "steps": list(case.steps.select_related("actor")),
            "photos": list(case.photos.select_related("uploaded_by")),
            "overdue": retrofit_overdue(case_facts(case), as_of=today),
            "upcoming": next_stage(case.stage),
            "stages": STAGES,
            "stage_index": STAGES.index(case.stage),
            "can_change": can_change and not case.is_void,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("housing.change_retrofitcase", raise_exception=True)
def case_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = AdvanceForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.retrofit_advance(
                actor=request.user,
                case=case,
                stage=data["stage"],
                on=data["on"],
                note=data["note"],
                data=form.service_data(),
                photo=data.get("photo"),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已推进到“%(s)s”。") % {"s": data["stage"]})
            return redirect("housing:case", pk=case.pk)
    refusal = None if next_stage(case.stage) else _("该户已入住，改造已全部完成。")
    if case.is_void:
        refusal = _("该改造任务已作废，不能再推进。")
    return _household_form_page(
        request, case.household, form, title=_("推进改造进度"), submit=_("保存"), multipart=True,
        case=case, refusal=refusal, current_on=case.stage_date(case.stage),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@permission_required("housing.change_retrofitcase", raise_exception=True)
def case_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = RetrofitEditForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.retrofit_update(actor=request.user, case=case, data=data, reason=data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("housing:case", pk=case.pk)
    return _household_form_page(request, case.household, form, title=_("更正改造任务"), submit=_("保存"), case=case)


@require_http_methods(["GET", "POST"])
@permission_required("housing.change_retrofitcase", raise_exception=True)
def case_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.retrofit_void(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废该改造任务。"))
            return redirect("households:detail", pk=case.household_id)
    return _household_form_page(request, case.household, form, title=_("作废改造任务"), submit=_("作废"), case=case)


@require_http_methods(["GET", "POST"])
@permission_required("housing.change_retrofitcase", raise_exception=True)
def case_photo_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.photo_add(
            actor=request.user, case=case, kind=form.cleaned_data["kind"], image=form.cleaned_data["image"]
        )
        messages.success(request, _("已上传照片。"))
        return redirect("housing:case", pk=case.pk)
    return _household_form_page(
        request, case.household, form, title=_("上传改造照片"), submit=_("上传"), multipart=True, case=case
    )


@require_GET
@permission_required("housing.view_housingphoto", raise_exception=True)
def photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, only for a user who may see the household (MEDIA_ROOT is never served directly)."""
    photo = access_photo(request.user, pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("housing.add_watersurvey", raise_exception=True)
def survey_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = WaterSurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.water_survey_record(actor=request.user, household=household, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记饮水安全调查。"))
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(request, household, form, title=_("登记饮水安全调查"), submit=_("保存"))


@require_http_methods(["GET", "POST"])
@permission_required("housing.change_watersurvey", raise_exception=True)
def survey_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.water_survey_void(actor=request.user, survey=survey, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废该饮水调查。"))
            return redirect("households:detail", pk=survey.household_id)
    return _household_form_page(
        request, survey.household, form, title=_("作废饮水安全调查"), submit=_("作废"), record=survey
    )


@require_GET
@permission_required("housing.view_retrofitcase", raise_exception=True)
def board_view(request: HttpRequest) -> HttpResponse:
    """危房改造 progress per town: counts per stage, overdue first, money spent against planned."""
    towns = list(towns_in_scope(request.user))
    town = next((t for t in towns if str(t.pk) == request.GET.get("town")), None)
    stage = request.GET.get("stage", "")
    stage = stage if stage in STAGES else ""
    today = timezone.localdate()
    return render(
        request,
        "housing/board.html",
        {
            "board": retrofit_board(request.user, as_of=today, town=town, stage=stage),
            "towns": towns,
            "town": town,
            "stage": stage,
            "stages": STAGES,
            "today": today,
            "can_import": request.user.has_perm("housing.import_retrofits"),
            "can_export": request.user.has_perm("housing.export_housing"),
        },
    )


@require_GET
@permission_required("housing.view_watersurvey", raise_exception=True)
def water_view(request: HttpRequest) -> HttpResponse:
    """The water survey list and the district's rates against the 2020 targets (plan ch. 11 二)."""
    show = request.GET.get("show", "")
    show = show if show in ("problems", "unsurveyed") else ""
    rows, rates, unsurveyed = water_list(request.user, show=show)
    listed = unsurveyed if show == "unsurveyed" else rows
    page = Paginator(listed, WATER_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/water.html",
        {
            "page": page,
            "show": show,
            "rates": rates,
            "unsurveyed": unsurveyed.count(),
            "central_target": CENTRAL_SUPPLY_TARGET,
            "guarantee_target": GUARANTEE_TARGET,
            "target_year": WATER_TARGET_YEAR,
            "query": f"show={show}" if show else "",
        },
    )


@require_GET
@permission_required("housing.export_housing", raise_exception=True)
def export_view(request: HttpRequest) -> FileResponse:
    """迎检 export: every valid case of the user's scope with the household's house and water facts."""
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    full = request.user.has_perm("households.export_full_ledger")
    count = housing_export(path, user=request.user, as_of=timezone.localdate(), full=full)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        object_type="housing.retrofitcase",
        summary=f"导出住房安全与饮水迎检清单 {count} 户" + ("（完整证件号码）" if full else ""),
    )
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"住房安全与饮水迎检清单_{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX,
    )  # fmt: skip
    path.unlink()  # the open handle keeps the data readable until the response is sent
    return response


# ---- Import of the 住建 department's ledger: upload → preview → confirm ----------------------------------


def _upload_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "housing_imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _stored(request: HttpRequest, token: str) -> Path | None:
    """The upload kept for this user's session under `token` (a random name; never a path from the request)."""
    known = request.session.get(IMPORT_SESSION_KEY, {})
    name = known.get(token) if isinstance(known, dict) else None
    path = _upload_dir() / name if name else None
    return path if path is not None and path.exists() else None


@require_http_methods(["GET", "POST"])
@permission_required("housing.import_retrofits", raise_exception=True)
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload the ledger; the preview shows what will be created/updated/unchanged and every bad row."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        path = _upload_dir() / f"{token}.upload"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            check = retrofit_ledger_check(path, user=request.user)
        except LedgerUnreadableError as exc:
            path.unlink()
            form.add_error("file", str(exc))
        else:
            previous = _stored(request, next(iter(request.session.get(IMPORT_SESSION_KEY, {})), ""))
            if previous is not None:
                previous.unlink(missing_ok=True)  # an earlier preview of this session, never confirmed
            request.session[IMPORT_SESSION_KEY] = {token: path.name}
            context.update(
                check=check, token=token, errors=check.errors[:ERRORS_SHOWN], name=upload.name,
                created=check.count("create"), updated=check.count("update"), unchanged=check.count("unchanged"),
            )  # fmt: skip
    return render(request, "housing/import.html", context)


@require_POST
@permission_required("housing.import_retrofits", raise_exception=True)
def import_confirm_view(request: HttpRequest) -> HttpResponse:
    """Check the stored upload again and write it, all or nothing."""
    token = request.POST.get("token", "")
    path = _stored(request, token)
    if path is None:
        messages.error(request, _("找不到待导入的文件（可能已导入或已过期），请重新上传。"))
        return redirect("housing:import")
    try:
        check = retrofit_ledger_check(path, user=request.user)
        if not check.ok:
            messages.error(request, _("台账有错误，未导入任何数据：请下载错误清单，改正后重新上传。"))
            return redirect("housing:import")
        retrofit_ledger_import(check, actor=request.user)
    except LedgerUnreadableError as exc:
        messages.error(request, str(exc))
        return redirect("housing:import")
    finally:
        request.session.pop(IMPORT_SESSION_KEY, None)
        path.unlink(missing_ok=True)
    audit_record(
        action=AuditAction.IMPORT,
        actor=request.user,
        object_type="housing.retrofitcase",
        summary=f"导入住建部门危房改造台账：新建 {check.count('create')} 户，更新 {check.count('update')} 户",
    )
    messages.success(
        request,
        _("已导入：新建 %(c)s 户，更新 %(u)s 户，未变化 %(n)s 户。")
        % {"c": check.count("create"), "u": check.count("update"), "n": check.count("unchanged")},
    )
    return redirect("housing:board")


@require_GET
@permission_required("housing.import_retrofits", raise_exception=True)
def import_template_view(request: HttpRequest) -> FileResponse:
    """An empty ledger with the columns the import reads, and one example row to overwrite."""
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    write_table(path, title="文昌湖区农村危房改造台账", header=list(COLUMNS), rows=[TEMPLATE_EXAMPLE])
    response = FileResponse(path.open("rb"), as_attachment=True, filename="危房改造台账模板.xlsx", content_type=XLSX)
    path.unlink()
    return response


@require_POST
@permission_required("housing.import_retrofits", raise_exception=True)
def import_errors_view(request: HttpRequest) -> FileResponse:
    """The error report of the uploaded ledger (行号/列/值/问题)."""
    path = _stored(request, request.POST.get("token", ""))
    if path is None:
        raise Http404
    report = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    write_error_report(report, retrofit_ledger_check(path, user=request.user).errors)
    response = FileResponse(
        report.open("rb"), as_attachment=True, filename="危房改造台账错误清单.xlsx", content_type=XLSX
    )
    report.unlink()
    return response
