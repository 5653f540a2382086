"""教育扶贫 pages. Each view: permission (403), then the object through the user's scope (404), form, service,
redirect (STYLE §11)."""

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from accounts.selectors import towns_in_scope
from common.forms import add_service_error
from households.ledger.reader import LedgerUnreadableError
from households.models import Household
from households.selectors import access_household, household_queryset

from . import rules, services
from .exports import export_students
from .forms import (
    BenefitForm,
    CloseForm,
    EnrolmentEditForm,
    EnrolmentForm,
    ImportForm,
    InterestForm,
    LeftBehindForm,
    LoanForm,
    PolicyForm,
    ReasonForm,
    StudentFilterForm,
)
from .imports import SchoolListInvalidError, school_list_import, write_report
from .selectors import (
    StudentFilter,
    access_benefit,
    access_enrolment,
    access_left_behind,
    access_loan,
    current_school_year,
    household_education,
    left_behind_rows,
    policy,
    school_year_list,
    schools_in_scope,
    three_left_behind_survey,
)

ROWS_PER_PAGE = 50
IMPORT_DIR = "education_imports"
IMPORT_SALT = "education.school_list_import"
IMPORT_MAX_AGE = 24 * 3600


def household_panel(request: HttpRequest, household: Household) -> tuple[str, dict[str, Any]] | None:
    """The household page's 教育扶贫 section (registered with households.panels, order 300)."""
    user = request.user
    if not user.has_perm("education.view_enrolment"):
        return None
    year = current_school_year()
    today = timezone.localdate()
    return (
        "education/_household_panel.html",
        {
            # The current school year, and the one before (its benefits are often recorded late).
            "years": [household_education(household, school_year=y, today=today) for y in (year, year - 1)],
            "can_enrol": user.has_perm("education.add_enrolment") and household.status != "自然减少",
            "can_change": user.has_perm("education.change_enrolment"),
            "can_benefit": user.has_perm("education.add_benefit"),
            "can_void_benefit": user.has_perm("education.change_benefit"),
            "can_file": user.has_perm("education.add_leftbehindchild") and household.status != "自然减少",
            "can_view_files": user.has_perm("education.view_leftbehindchild"),
            "can_loan": user.has_perm("education.add_studentloan") and household.status != "自然减少",
            "can_interest": user.has_perm("education.add_loaninterest"),
            "can_void_loan": user.has_perm("education.change_studentloan"),
        },
    )


def _form_page(
    request: HttpRequest, household: Household, form: Any, *, title: str, submit: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "education/form.html",
        {"form": form, "household": household, "title": title, "submit_label": submit, **extra},
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.add_enrolment", raise_exception=True)
def enrolment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = EnrolmentForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrolment_record(actor=request.user, person=data["person"], data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(name)s %(year)s 学年学籍。")
                % {"name": enrolment.person.name, "year": enrolment.school_year_label},
            )
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, title=_("登记学籍"), submit=_("登记"))


@require_http_methods(["GET", "POST"])
@permission_required("education.change_enrolment", raise_exception=True)
def enrolment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, pk)
    if enrolment.is_void:
        raise Http404
    form = EnrolmentEditForm(request.POST or None, instance=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_update(
                actor=request.user, enrolment=enrolment, data=form.cleaned_data, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("households:detail", pk=enrolment.household_id)
    return _form_page(
        request,
        enrolment.household,
        form,
        title=_("修改学籍"),
        submit=_("保存"),
        subject=enrolment,
        subject_person=enrolment.person,
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.change_enrolment", raise_exception=True)
def enrolment_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_void(actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废这条学籍。"))
            return redirect("households:detail", pk=enrolment.household_id)
    return _form_page(
        request,
        enrolment.household,
        form,
        title=_("作废学籍"),
        submit=_("作废"),
        subject=enrolment,
        subject_person=enrolment.person,
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.add_benefit", raise_exception=True)
def benefit_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, pk)
    if enrolment.is_void:
        raise Http404
    form = BenefitForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            benefit = services.benefit_record(actor=request.user, enrolment=enrolment, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(name)s 的%(item)s（%(way)s）。")
                % {"name": enrolment.person.name, "item": benefit.item, "way": benefit.way},
            )
            return redirect("households:detail", pk=enrolment.household_id)
    entitled = rules.entitlement(
        household_status=enrolment.household.status, school_year=enrolment.school_year, policy=policy()
    )
    return _form_page(
        request,
        enrolment.household,
        form,
        title=_("登记资助"),
        submit=_("登记"),
        subject=enrolment,
        subject_person=enrolment.person,
        entitlement=entitled,
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.change_benefit", raise_exception=True)
def benefit_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    benefit = access_benefit(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.benefit_void(actor=request.user, benefit=benefit, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废这条资助记录。"))
            return redirect("households:detail", pk=benefit.enrolment.household_id)
    return _form_page(
        request,
        benefit.enrolment.household,
        form,
        title=_("作废资助记录"),
        submit=_("作废"),
        subject=benefit.enrolment,
        subject_person=benefit.enrolment.person,
        benefit=benefit,
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.add_studentloan", raise_exception=True)
def loan_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = LoanForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_record(actor=request.user, person=form.cleaned_data["person"], data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的助学贷款。") % {"name": loan.person.name})
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, title=_("登记助学贷款"), submit=_("登记"))


@require_http_methods(["GET", "POST"])
@permission_required("education.add_loaninterest", raise_exception=True)
def interest_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    loan = access_loan(request.user, pk)
    if loan.is_void:
        raise Http404
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_interest_record(actor=request.user, loan=loan, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的助学贷款贴息。") % {"name": loan.person.name})
            return redirect("households:detail", pk=loan.household_id)
    return _form_page(
        request,
        loan.household,
        form,
        title=_("登记助学贷款贴息"),
        submit=_("登记"),
        subject_person=loan.person,
        loan=loan,
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.change_studentloan", raise_exception=True)
def loan_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    loan = access_loan(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_void(actor=request.user, loan=loan, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废这笔助学贷款及其贴息记录。"))
            return redirect("households:detail", pk=loan.household_id)
    return _form_page(
        request, loan.household, form, title=_("作废助学贷款"), submit=_("作废"), subject_person=loan.person, loan=loan
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.add_leftbehindchild", raise_exception=True)
def left_behind_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = LeftBehindForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            file = services.left_behind_open(
                actor=request.user, child=form.cleaned_data["child"], data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已建立 %(name)s 的留守儿童档案。") % {"name": file.child.name})
            return redirect("education:card", pk=file.pk)
    return _form_page(request, household, form, title=_("建立留守儿童档案"), submit=_("建档"), wide=True)


@require_http_methods(["GET", "POST"])
@permission_required("education.change_leftbehindchild", raise_exception=True)
def left_behind_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    file = access_left_behind(request.user, pk)
    if file.closed_on is not None:
        raise Http404
    form = LeftBehindForm(request.POST or None, instance=file)
    if request.method == "POST" and form.is_valid():
        try:
            services.left_behind_update(actor=request.user, file=file, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("education:card", pk=file.pk)
    return _form_page(
        request,
        file.household,
        form,
        title=_("修改留守儿童档案"),
        submit=_("保存"),
        subject_person=file.child,
        wide=True,
    )


@require_http_methods(["GET", "POST"])
@permission_required("education.change_leftbehindchild", raise_exception=True)
def left_behind_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    file = access_left_behind(request.user, pk)
    form = CloseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.left_behind_close(
                actor=request.user, file=file, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已销档。"))
            return redirect("households:detail", pk=file.household_id)
    return _form_page(
        request, file.household, form, title=_("留守儿童销档"), submit=_("销档"), subject_person=file.child
    )


@require_GET
@permission_required("education.view_leftbehindchild", raise_exception=True)
def left_behind_card_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The 联系卡, printable on one A5 or A4 page (static/css/education-print.css)."""
    file = access_left_behind(request.user, pk)
    verdict = rules.left_behind(
        birth_date=file.child.birth_date, on=timezone.localdate(), father=file.father_state, mother=file.mother_state
    )
    return render(
        request,
        "education/card.html",
        {"file": file, "verdict": verdict, "can_change": request.user.has_perm("education.change_leftbehindchild")},
    )


@require_GET
@permission_required("education.view_leftbehindchild", raise_exception=True)
def left_behind_list_view(request: HttpRequest) -> HttpResponse:
    include_closed = request.GET.get("closed") == "1"
    rows = left_behind_rows(request.user, include_closed=include_closed)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "education/left_behind_list.html",
        {
            "page": page,
            "rows": [
                (
                    f,
                    rules.left_behind(
                        birth_date=f.child.birth_date, on=today, father=f.father_state, mother=f.mother_state
                    ),
                )
                for f in page
            ],
            "include_closed": include_closed,
            "query": query.urlencode(),
        },
    )


@require_GET
@permission_required("education.view_leftbehindchild", raise_exception=True)
def survey_view(request: HttpRequest) -> HttpResponse:
    """三留守 摸排 (plan ch. 8 §3 一): candidates from the registry's 务工状况, for the towns to verify."""
    towns = towns_in_scope(request.user)
    town = towns.filter(pk=request.GET.get("town")).first() if request.GET.get("town", "").isdigit() else None
    return render(
        request,
        "education/survey.html",
        {
            "found": three_left_behind_survey(request.user, today=timezone.localdate(), town=town),
            "towns": towns,
            "town": town,
            "can_file": request.user.has_perm("education.add_leftbehindchild"),
        },
    )


def _student_list(request: HttpRequest) -> tuple[StudentFilterForm, Any, int]:
    towns = towns_in_scope(request.user)
    params = request.GET.copy()
    if not params.get("year"):
        params["year"] = str(current_school_year())
    form = StudentFilterForm(params, towns=towns)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or current_school_year()
    filters = StudentFilter(
        town=data.get("town"),
        school=data.get("school", ""),
        stage=data.get("stage", ""),
        gaps_only=data.get("gaps", False),
    )
    listing = school_year_list(request.user, school_year=year, today=timezone.localdate(), filters=filters)
    return form, listing, year


@require_GET
@permission_required("education.view_enrolment", raise_exception=True)
def student_list_view(request: HttpRequest) -> HttpResponse:
    """A school's or town's list for a school year: what is due and what was given (应补即补、应免尽免)."""
    form, listing, year = _student_list(request)
    page = Paginator(listing.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "education/students.html",
        {
            "form": form,
            "listing": listing,
            "page": page,
            "year_label": rules.school_year_label(year),
            "schools": schools_in_scope(request.user, school_year=year),
            "query": query.urlencode(),
            "can_import": request.user.has_perm("education.import_school_list"),
            "can_policy": request.user.has_perm("education.change_policysetting"),
        },
    )


@require_GET
@permission_required("education.view_enrolment", raise_exception=True)
def student_export_view(request: HttpRequest) -> HttpResponse:
    """The list as .xlsx for the finance office; ID numbers masked unless the user may export them in full."""
    _form, listing, year = _student_list(request)
    full = request.user.has_perm("households.export_full_ledger")
    directory = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"export-{uuid.uuid4().hex}.xlsx"
    count = export_students(path, listing.rows, school_year=year, full_id_numbers=full)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        object_type="education.enrolment",
        summary=f"导出 {rules.school_year_label(year)} 学年教育资助名单 {count} 行"
        + ("（含完整证件号码）" if full else ""),
    )
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"教育资助名单-{rules.school_year_label(year)}.xlsx"
    )
    path.unlink()  # the open handle keeps the data until the response is sent (POSIX)
    return response


def _import_path(name: str) -> Path:
    if not name or "/" in name or ".." in name:
        raise Http404
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR / name


def _sweep_uploads(directory: Path) -> None:
    """Uploads and error reports nobody confirmed or fetched within a day are removed (like the ledger's)."""
    cutoff = timezone.now().timestamp() - IMPORT_MAX_AGE
    for old in directory.glob("*"):
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def _run_import(request: HttpRequest, *, path: Path, school_year: int, dry_run: bool) -> tuple[Any, str]:
    try:
        result = school_list_import(
            path=path,
            actor=request.user,
            households=household_queryset(request.user),
            school_year=school_year,
            dry_run=dry_run,
            today=timezone.localdate(),
        )
    except (LedgerUnreadableError, SchoolListInvalidError) as exc:
        return None, str(exc)
    return result, ""


@require_http_methods(["GET", "POST"])
@permission_required("education.import_school_list", raise_exception=True)
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload a school's list and see what it would create, update and leave unchanged, and every bad row."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.LEDGER_UPLOAD_MAX_BYTES:
            form.add_error(
                "file",
                _("文件超过 %(mb)d MB，请拆分后上传。") % {"mb": settings.LEDGER_UPLOAD_MAX_BYTES // 1024 // 1024},
            )
        else:
            directory = Path(settings.MEDIA_ROOT) / IMPORT_DIR
            directory.mkdir(parents=True, exist_ok=True)
            _sweep_uploads(directory)
            name = f"{uuid.uuid4().hex}.upload"
            path = directory / name
            with path.open("wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
            year = form.cleaned_data["school_year"]
            result, problem = _run_import(request, path=path, school_year=year, dry_run=True)
            if problem:
                form.add_error("file", problem)
                path.unlink(missing_ok=True)
            else:
                token = signing.dumps({"f": name, "u": request.user.pk, "y": year, "n": upload.name}, salt=IMPORT_SALT)
                if result.errors:
                    write_report(path.with_suffix(".errors.xlsx"), result.errors)
                context.update(
                    result=result, token=token, file_name=upload.name, year_label=rules.school_year_label(year)
                )
    return render(request, "education/import.html", context)


def _token(request: HttpRequest, token: str) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    if data.get("u") != request.user.pk:
        raise Http404
    return data


@require_POST
@permission_required("education.import_school_list", raise_exception=True)
def import_confirm_view(request: HttpRequest) -> HttpResponse:
    """Write the previewed list (checked again: all or nothing)."""
    data = _token(request, request.POST.get("token", ""))
    path = _import_path(data["f"])
    if not path.exists():
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("education:import")
    result, problem = _run_import(request, path=path, school_year=data["y"], dry_run=False)
    if problem or not result.applied:
        messages.error(
            request, problem or _("名单在确认前后数据有变化，出现了问题，未写入任何数据。请查看下面的问题后重新上传。")
        )
        if result is not None and result.errors:
            write_report(path.with_suffix(".errors.xlsx"), result.errors)
        return render(
            request,
            "education/import.html",
            {
                "form": ImportForm(),
                "result": result,
                "token": "",
                "file_name": data["n"],
                "year_label": rules.school_year_label(data["y"]),
            },
        )
    path.unlink(missing_ok=True)
    audit_record(
        action=AuditAction.IMPORT,
        actor=request.user,
        object_type="education.enrolment",
        summary=f"导入学校资助名单 {data['n']}：新增学籍 {result.enrolments_created}、更新 {result.enrolments_updated}，"
        f"新增资助 {result.benefits_created}",
    )
    messages.success(
        request,
        _("已导入：新增学籍 %(c)d 条、更新 %(u)d 条，新增资助记录 %(b)d 条。")
        % {"c": result.enrolments_created, "u": result.enrolments_updated, "b": result.benefits_created},
    )
    return redirect(f"{reverse('education:students')}?year={data['y']}")


@require_GET
@permission_required("education.import_school_list", raise_exception=True)
def import_errors_view(request: HttpRequest) -> HttpResponse:
    data = _token(request, request.GET.get("token", ""))
    path = _import_path(data["f"]).with_suffix(".errors.xlsx")
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="学校名单错误清单.xlsx")


@require_http_methods(["GET", "POST"])
@permission_required("education.change_policysetting", raise_exception=True)
def policy_view(request: HttpRequest) -> HttpResponse:
    """脱贫不脱政策 for education, set by the district office."""
    current = policy()
    form = PolicyForm(
        request.POST or None,
        initial={"exited_keep_policy": current.exited_keep_policy, "policy_until": current.policy_until},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(
                actor=request.user,
                exited_keep_policy=form.cleaned_data["exited_keep_policy"],
                policy_until=form.cleaned_data["policy_until"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存教育资助政策设置。"))
            return redirect("education:students")
    return render(request, "education/policy.html", {"form": form})
