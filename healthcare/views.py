"""健康扶贫 pages (plan ch. 6). Each view: permission (403), then the household or record through the user's scope
(404), form, service, redirect."""

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from common.forms import add_service_error
from households.ledger.parse import RowError
from households.ledger.reader import LedgerUnreadableError, sniff
from households.ledger.report import write_error_report
from households.ledger.safety import UnsafeWorkbookError, check_xlsx
from households.models import Household
from households.selectors import access_household, default_year

from . import services
from .exports import aid_list_export
from .forms import (
    AidSettingForm,
    DisabilityServiceForm,
    ExpenseForm,
    IllnessFollowForm,
    IllnessForm,
    InsuranceForm,
    ListFilterForm,
    UploadForm,
    VoidForm,
)
from .imports import SPECS, ListInvalidError, apply_list, check_list
from .rules import OUT_OF_POCKET_GOAL
from .selectors import (
    access_expense,
    access_illness,
    access_insurance,
    aid_list,
    aid_page_rows,
    aid_totals,
    disabled_people,
    disabled_rows,
    household_health,
    out_of_pocket,
    progress_442_rows,
    special_cap,
    towns_in_scope,
    uninsured_members,
)

ROWS_PER_PAGE = 100
PRINT_ROWS = 5000
ERRORS_SHOWN = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_PERMISSIONS = {"insurance": "healthcare.import_insurance", "settlement": "healthcare.import_expense"}
TOKEN_SALT = "healthcare.import"  # noqa: S105 — a signing salt (a namespace), not a secret
TOKEN_MAX_AGE = 24 * 3600


def _year(request: HttpRequest, name: str = "year", default: int | None = None) -> int:
    value = request.GET.get(name, "")
    year = int(value) if value.isdigit() and 2013 <= int(value) <= 2100 else None
    return year or default or default_year()


def household_panel(request: HttpRequest, household: Household) -> tuple[str, dict[str, Any]] | None:
    """The household page's 健康扶贫 section (registered with households.panels, order 200)."""
    user = request.user
    if not user.has_perm("healthcare.view_insurance"):
        return None
    year = _year(request, "health_year")
    this_year = timezone.localdate().year
    return (
        "healthcare/_household_panel.html",
        {
            "h": household_health(household, year=year),
            "years": [y for y in (default_year(), this_year) if y != year],
            "assessed_year": default_year(),
            "goal": OUT_OF_POCKET_GOAL,
            "can_add_expense": user.has_perm("healthcare.add_expense"),
            "can_change_expense": user.has_perm("healthcare.change_expense"),
            "can_add_insurance": user.has_perm("healthcare.add_insurance"),
            "can_change_insurance": user.has_perm("healthcare.change_insurance"),
            "can_add_illness": user.has_perm("healthcare.add_illness"),
            "can_change_illness": user.has_perm("healthcare.change_illness"),
            "can_add_disability": user.has_perm("healthcare.add_disabilityservice"),
        },
    )


def _form_page(
    request: HttpRequest, household: Household, form: Any, *, title: str, submit: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "healthcare/household_form.html",
        {"form": form, "household": household, "title": title, "submit_label": submit, **extra},
    )


def _back(household: Household, year: int | None = None) -> HttpResponse:
    """Back to the household page, its health panel showing `year` (the year of what was just recorded)."""
    url = reverse("households:detail", args=[household.pk])
    return redirect(f"{url}?health_year={year}#health" if year else url)


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.add_expense", raise_exception=True)
def expense_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit or settlement; "计算救助" shows the aid as it will be saved, "保存" records it."""
    household = access_household(request.user, pk)
    form = ExpenseForm(request.POST or None, household_id=household.pk)
    aid = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "save":
                expense = services.expense_record(actor=request.user, person=data["person"], data=data)
            else:
                aid = services.expense_aid(person=data["person"], data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if aid is None:
                messages.success(
                    request,
                    _("已登记 %(name)s 的医疗费用，医疗救助 %(aid)s 元。")
                    % {"name": expense.person.name, "aid": f"{expense.aid:,.2f}"},
                )
                return _back(household, expense.visited_on.year)
    return render(request, "healthcare/expense_form.html", {"form": form, "household": household, "aid": aid})


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.change_expense", raise_exception=True)
def expense_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    expense = access_expense(request.user, pk)
    if expense.voided:
        raise Http404
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_void(actor=request.user, expense=expense, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废该费用记录。"))
            return _back(expense.household, expense.visited_on.year)
    return _form_page(
        request, expense.household, form, title=_("作废医疗费用"), submit=_("作废"),
        record=f"{expense.person.name} {expense.visited_on:%Y-%m-%d} {expense.hospital}，医疗救助 {expense.aid:,.2f} 元",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.add_insurance", raise_exception=True)
def insurance_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = InsuranceForm(request.POST or None, household_id=household.pk, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person")
        try:
            _record, outcome = services.insurance_record(actor=request.user, person=person, source="手工登记", **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            words = {"created": _("已登记"), "updated": _("已更正"), "unchanged": _("与已有记录相同，未改动")}[outcome]
            messages.success(
                request,
                _("%(name)s %(year)s 年参保：%(words)s。")
                % {"name": person.name, "year": data["year"], "words": words},
            )
            return _back(household, data["year"])
    return _form_page(request, household, form, title=_("登记参保"), submit=_("保存"))


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.change_insurance", raise_exception=True)
def insurance_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_insurance(request.user, pk)
    if record.voided:
        raise Http404
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.insurance_void(actor=request.user, insurance=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已作废该参保记录。"))
            return _back(record.household, record.year)
    return _form_page(
        request, record.household, form, title=_("作废参保记录"), submit=_("作废"),
        record=f"{record.person.name} {record.year} 年 {record.get_kind_display()}（{'已参保' if record.insured else '未参保'}）",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.add_illness", raise_exception=True)
def illness_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = IllnessForm(request.POST or None, household_id=household.pk)
    if request.method == "POST" and form.is_valid():
        try:
            illness = services.illness_record(
                actor=request.user, person=form.cleaned_data["person"], data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的患病情况。") % {"name": illness.person.name})
            return _back(household)
    return _form_page(request, household, form, title=_("登记患病（一人一法）"), submit=_("保存"))


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.change_illness", raise_exception=True)
def illness_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow an illness (一人一法): plan, doctor, family-doctor contract, treated on; or void it."""
    illness = access_illness(request.user, pk)
    if illness.voided:
        raise Http404
    voiding = request.method == "POST" and "void" in request.POST
    form = IllnessFollowForm(None if voiding else (request.POST or None), instance=illness)
    void_form = VoidForm(request.POST if voiding else None)
    if request.method == "POST":
        try:
            if voiding and void_form.is_valid():
                services.illness_void(actor=request.user, illness=illness, reason=void_form.cleaned_data["reason"])
                messages.success(request, _("已作废该患病记录。"))
                return _back(illness.household)
            if not voiding and form.is_valid():
                services.illness_update(actor=request.user, illness=illness, data=form.cleaned_data)
                messages.success(request, _("已更新 %(name)s 的救治情况。") % {"name": illness.person.name})
                return _back(illness.household)
        except ValidationError as exc:
            add_service_error(void_form if voiding else form, exc)
    return render(
        request,
        "healthcare/illness_edit.html",
        {"form": form, "void_form": void_form, "illness": illness, "household": illness.household},
    )


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.add_disabilityservice", raise_exception=True)
def disability_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = DisabilityServiceForm(request.POST or None, household_id=household.pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.disability_service_record(actor=request.user, person=data.pop("person"), data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记残疾人帮扶项目。"))
            return _back(household)
    return _form_page(request, household, form, title=_("登记残疾人帮扶项目"), submit=_("保存"))


def _list_filter(request: HttpRequest) -> tuple[ListFilterForm, int, Any]:
    towns = list(towns_in_scope(request.user))
    form = ListFilterForm(
        request.GET or None, towns=[(str(t.pk), t.name) for t in towns], initial={"year": _year(request)}
    )
    year, town = _year(request), None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        chosen = form.cleaned_data["town"]
        town = next((t for t in towns if str(t.pk) == chosen), None)
    return form, year, town


@require_GET
@permission_required("healthcare.view_expense", raise_exception=True)
def aid_list_view(request: HttpRequest) -> HttpResponse:
    """The year's medical-aid list per town for disbursement (plan ch. 6 §2 一), printable."""
    form, year, town = _list_filter(request)
    rows = aid_list(request.user, year=year, town=town)
    printing = request.GET.get("print") == "1"
    # The print version holds the whole list on one page (a town's list for signatures at disbursement).
    # The whole year is sorted on the narrow key (ids only); only the page's rows are then read in full.
    page = Paginator(rows.values_list("pk", flat=True), PRINT_ROWS if printing else ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("print", None)
    return render(
        request,
        "healthcare/aid_list.html",
        {"form": form, "year": year, "town": town, "page": page, "rows": aid_page_rows(rows, list(page)),
         "totals": aid_totals(rows), "query": query.urlencode(),
         "cap": special_cap(year), "printing": printing, "oop": out_of_pocket(request.user, year=year, town=town),
         "goal": OUT_OF_POCKET_GOAL},
    )  # fmt: skip


def _download(path: Path, name: str) -> FileResponse:
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
    path.unlink()  # the open handle keeps the data readable until the response is sent
    return response


@require_GET
@permission_required("healthcare.view_expense", raise_exception=True)
def aid_export_view(request: HttpRequest) -> HttpResponse:
    _form, year, town = _list_filter(request)
    full = request.user.has_perm("households.export_full_ledger")
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    count = aid_list_export(path, aid_list(request.user, year=year, town=town), year=year, town=town, full=full)
    place = town.name if town else _("全部")
    audit_record(
        action=AuditAction.EXPORT,
        summary=f"导出 {year} 年医疗救助名单（{place}，{count} 条{'，完整证件号码' if full else ''}）",
        object_type="healthcare.expense",
    )
    return _download(path, f"医疗救助名单_{year}_{place}.xlsx")


@require_GET
@permission_required("healthcare.view_insurance", raise_exception=True)
def uninsured_view(request: HttpRequest) -> HttpResponse:
    """Members not insured for the year: each is a 基本医疗 gap of the exit standard (plan ch. 2 §3)."""
    form, year, town = _list_filter(request)
    rows = uninsured_members(request.user, year=year, town=town)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "healthcare/uninsured.html",
        {"form": form, "year": year, "page": page, "total": page.paginator.count, "query": query.urlencode()},
    )


@require_GET
@permission_required("healthcare.view_illness", raise_exception=True)
def progress_view(request: HttpRequest) -> HttpResponse:
    """The "442" progress by town and year (plan ch. 6)."""
    this_year = timezone.localdate().year
    years = list(range(2016, this_year + 1))
    table = [(year, progress_442_rows(request.user, year=year)) for year in years if year <= 2018 or year == this_year]
    return render(request, "healthcare/progress.html", {"table": table})


@require_GET
@permission_required("healthcare.view_disabilityservice", raise_exception=True)
def disabled_view(request: HttpRequest) -> HttpResponse:
    """Disabled members of poor households: what each has received and what is due (plan ch. 8 §3 二)."""
    today = timezone.localdate()
    page = Paginator(disabled_people(request.user, on=today), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "healthcare/disabled.html",
        {"page": page, "rows": disabled_rows(list(page), on=today), "today": today, "query": "",
         "can_add": request.user.has_perm("healthcare.add_disabilityservice")},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@permission_required("healthcare.change_aidsetting", raise_exception=True)
def aid_setting_view(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    form = AidSettingForm(request.POST or None, initial={"year": year, "special_cap": special_cap(year)})
    if request.method == "POST" and form.is_valid():
        try:
            setting = services.aid_cap_set(
                actor=request.user, year=form.cleaned_data["year"], cap=form.cleaned_data["special_cap"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(year)s 年低保、特困医疗救助封顶线已设为 %(cap)s 元。")
                % {"year": setting.year, "cap": f"{setting.special_cap:,.2f}"},
            )
            return redirect("healthcare:aid_setting")
    return render(request, "healthcare/aid_setting.html", {"form": form})


# ---- imports: upload → preview (counts and every bad row) → confirm -------------------------------------


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "healthcare_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _import_permission(request: HttpRequest, kind: str) -> None:
    if kind not in SPECS:
        raise Http404
    if not request.user.has_perm(IMPORT_PERMISSIONS[kind]):
        raise PermissionDenied


def _store(upload: Any) -> Path:
    if upload.size > settings.LEDGER_UPLOAD_MAX_BYTES:
        raise ValidationError(f"文件太大，上限是 {settings.LEDGER_UPLOAD_MAX_BYTES // 1024 // 1024} MB。")
    head = upload.read(8)
    upload.seek(0)
    try:
        suffix = sniff(head)
    except LedgerUnreadableError as exc:
        raise ValidationError(str(exc)) from None
    stored = _import_dir() / f"{uuid.uuid4().hex}.{suffix}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    if suffix == "xlsx":
        try:
            check_xlsx(stored)
        except UnsafeWorkbookError as exc:
            stored.unlink(missing_ok=True)
            raise ValidationError(str(exc)) from None
    return stored


def _stored(request: HttpRequest, kind: str, token: str) -> Path:
    """The stored upload a token names; only for the user who uploaded it, within a day."""
    try:
        found = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    path = _import_dir() / found.get("f", "")
    if found.get("u") != request.user.pk or found.get("k") != kind or not path.is_file():
        raise Http404
    return path


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a department's list and see, before anything is written, what it would create, update and leave,
    and every bad row."""
    _import_permission(request, kind)
    spec = SPECS[kind]
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "spec": spec, "kind": kind}
    if request.method == "POST" and form.is_valid():
        try:
            path = _store(form.cleaned_data["file"])
            plan = check_list(path, kind=kind, actor=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        except (LedgerUnreadableError, ListInvalidError) as exc:
            form.add_error("file", str(exc))
        else:
            token = signing.dumps({"f": path.name, "u": request.user.pk, "k": kind}, salt=TOKEN_SALT)
            context.update(
                plan=plan, token=token, errors=plan.errors[:ERRORS_SHOWN], file_name=form.cleaned_data["file"].name
            )
    return render(request, "healthcare/import.html", context)


@require_POST
def import_confirm_view(request: HttpRequest, kind: str) -> HttpResponse:
    _import_permission(request, kind)
    path = _stored(request, kind, request.POST.get("token", ""))
    try:
        plan = apply_list(path, kind=kind, actor=request.user)
    except (LedgerUnreadableError, ListInvalidError) as exc:
        messages.error(request, str(exc))
        return redirect("healthcare:import", kind=kind)
    if not plan.ok:
        messages.error(request, _("名单有错误，未导入任何数据：请下载错误清单，改正后重新上传。"))
        spec = SPECS[kind]
        return render(
            request,
            "healthcare/import.html",
            {"form": UploadForm(), "spec": spec, "kind": kind, "plan": plan, "errors": plan.errors[:ERRORS_SHOWN],
             "token": request.POST["token"]},
        )  # fmt: skip
    path.unlink(missing_ok=True)
    audit_record(
        action=AuditAction.IMPORT,
        summary=f"导入{plan.spec.title}：新增 {plan.created}，更新 {plan.updated}，未变化 {plan.unchanged}",
        object_type=f"healthcare.{kind}",
    )
    messages.success(
        request,
        _("%(title)s已导入：新增 %(c)s 条，更新 %(u)s 条，未变化 %(n)s 条。")
        % {"title": plan.spec.title, "c": plan.created, "u": plan.updated, "n": plan.unchanged},
    )
    return redirect("healthcare:aid" if kind == "settlement" else "healthcare:uninsured")


@require_POST
def import_errors_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The error report of a checked list (行号/列/值/问题, ID numbers masked)."""
    _import_permission(request, kind)
    path = _stored(request, kind, request.POST.get("token", ""))
    try:
        plan = check_list(path, kind=kind, actor=request.user)
    except (LedgerUnreadableError, ListInvalidError) as exc:
        errors = [RowError(0, "", "", str(exc))]
    else:
        errors = plan.errors
    out = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    write_error_report(out, errors)
    return _download(out, f"导入错误清单_{SPECS[kind].title}.xlsx")
