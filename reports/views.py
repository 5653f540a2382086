"""The reports pages: the dashboard, the problem worklists, the inspection packs, a household's file (户档)
and the national-system change list. Each view: permission (403), then access through the scope (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import audit_record
from accounts.models import AuditAction
from common.forms import add_service_error
from households.models import Household
from households.selectors import access_household, default_year

from . import services
from .changes import changes_rows, changes_workbook
from .forms import ChangesForm, PackForm, ProblemFilterForm, ProblemHandleForm
from .models import PackFormat, PackStatus, Problem, ProblemState
from .pack import household_file_pdf, pack_path
from .rules import RULES
from .selectors import access_pack, access_problem, dashboard, dashboard_area, pack_queryset, problem_queryset

PROBLEMS_PER_PAGE = 50


@require_GET
@permission_required("reports.view_dashboard", raise_exception=True)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("area", "")
    area = dashboard_area(request.user, int(raw) if raw.isdigit() else None)
    board = dashboard(request.user, area=area)
    return render(request, "reports/dashboard.html", {"board": board, "charts": board.charts})


@require_GET
@permission_required("reports.view_problem", raise_exception=True)
def problem_list_view(request: HttpRequest) -> HttpResponse:
    form = ProblemFilterForm(request.GET or None, user=request.user)
    problems = problem_queryset(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["town"]:
            problems = problems.filter(household__village__parent=data["town"])
        if data["village"]:
            problems = problems.filter(household__village=data["village"])
        if data["rule"]:
            problems = problems.filter(rule=data["rule"])
        if data["state"]:
            problems = problems.filter(state=data["state"])
    page = Paginator(
        problems.order_by("rule", "household__village__code", "household__number", "pk"), PROBLEMS_PER_PAGE
    )
    page = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    by_rule = {r.code: r for r in RULES}
    return render(
        request,
        "reports/problems.html",
        {
            "form": form,
            "page": page,
            "rows": [(p, by_rule.get(p.rule)) for p in page],
            "query": query.urlencode(),
            "rules": RULES,
            "can_handle": request.user.has_perm("reports.change_problem"),
            "handle_form": ProblemHandleForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("reports.change_problem", raise_exception=True)
def problem_handle_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(request.user, pk)
    form = ProblemHandleForm(request.POST or None, initial={"state": problem.state, "note": problem.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_handle(
                actor=request.user, problem=problem, state=form.cleaned_data["state"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("疑点 %(rule)s（户编号 %(n)s）已标记为“%(state)s”。")
                % {
                    "rule": problem.rule,
                    "n": problem.household.number,
                    "state": ProblemState(form.cleaned_data["state"]).label,
                },
            )
            return redirect("reports:problems")
    rule = next((r for r in RULES if r.code == problem.rule), None)
    return render(request, "reports/problem_handle.html", {"problem": problem, "rule": rule, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("reports.export_pack", raise_exception=True)
def pack_list_view(request: HttpRequest) -> HttpResponse:
    form = PackForm(request.POST or None, user=request.user, initial={"year": default_year(), "fmt": PackFormat.XLSX})
    if request.method == "POST" and form.is_valid():
        try:
            pack = services.pack_request(
                actor=request.user,
                area=form.cleaned_data["area"],
                year=form.cleaned_data["year"],
                fmt=form.cleaned_data["fmt"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect("reports:pack", pk=pack.pk)
    return render(request, "reports/packs.html", {"form": form, "packs": pack_queryset(request.user)[:20]})


@require_GET
@permission_required("reports.export_pack", raise_exception=True)
def pack_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    pack = access_pack(request.user, pk)
    return render(request, "reports/pack.html", {"pack": pack})


@require_GET
@permission_required("reports.export_pack", raise_exception=True)
def pack_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    pack = access_pack(request.user, pk)
    if pack.status != PackStatus.DONE or not pack.stored_file:
        raise Http404
    path = pack_path(pack)
    if not path.exists():
        raise Http404
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        obj=pack,
        summary=f"下载迎检资料：{pack.area.full_name} {pack.year} 年（{pack.get_format_display()}）",
    )
    name = f"迎检资料-{pack.area.name}-{pack.year}.{pack.format}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@require_GET
@permission_required("reports.export_pack", raise_exception=True)
def household_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() and 2014 <= int(year_raw) <= 2100 else default_year()
    try:
        pdf = household_file_pdf(household, year=year, title=_("淄博文昌湖省级旅游度假区扶贫办"))
    except RuntimeError as exc:  # no CJK font on this machine: say so plainly
        messages.error(request, str(exc))
        return redirect("households:detail", pk=household.pk)
    audit_record(
        action=AuditAction.EXPORT, actor=request.user, obj=household, summary=f"导出户档 PDF：户编号 {household.number}"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="huda-{household.number}.pdf"'
    return response


@require_GET
@permission_required("reports.view_changes", raise_exception=True)
def changes_view(request: HttpRequest) -> HttpResponse:
    form = ChangesForm(request.GET or None, user=request.user)
    rows = None
    if request.GET and form.is_valid():
        since, town = form.cleaned_data["since"], form.cleaned_data["town"]
        if request.GET.get("format") == "xlsx":
            full = request.user.has_perm("households.export_full_ledger")
            out = changes_workbook(request.user, since=since, town=town, full=full)
            audit_record(
                action=AuditAction.EXPORT,
                actor=request.user,
                summary=f"导出国家系统变更清单：{since} 以来{'（' + town.name + '）' if town else ''}"
                f"{'，完整证件号码' if full else ''}",
            )
            response = HttpResponse(
                out, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="changes-{since:%Y%m%d}.xlsx"'
            return response
        rows = changes_rows(request.user, since=since, town=town, full=False)
    return render(
        request,
        "reports/changes.html",
        {"form": form, "rows": rows, "query": request.GET.urlencode(), "today": timezone.localdate()},
    )


def household_panel(request: HttpRequest, household: Household) -> tuple[str, dict] | None:
    """The household page's 数据疑点 section and the link to its 户档 PDF (registered with households.panels)."""
    user = request.user
    can_see, can_export = user.has_perm("reports.view_problem"), user.has_perm("reports.export_pack")
    if not (can_see or can_export):
        return None
    problems = list(
        Problem.objects.filter(household=household, cleared_at__isnull=True).select_related("person").order_by("rule")
    )
    by_rule = {r.code: r for r in RULES}
    return (
        "reports/_household_panel.html",
        {
            "problems": [(p, by_rule.get(p.rule)) for p in problems] if can_see else [],
            "can_see": can_see,
            "can_handle": user.has_perm("reports.change_problem"),
            "can_export": can_export,
        },
    )
