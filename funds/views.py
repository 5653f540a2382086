"""Fund sources, projects, dividends and loans. Each view: the method (405), the permission (403), the object
through the user's scope (404), the form, the service, a redirect (STYLE §11)."""

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.forms import add_service_error
from households.ledger.reader import LedgerUnreadableError
from households.models import Household

from . import exports, imports, services
from .forms import (
    AllocationForm,
    BeneficiaryForm,
    DividendForm,
    DividendImportForm,
    LoanForm,
    MicroRateForm,
    ProjectForm,
    PublicityForm,
    PublishForm,
    ReasonForm,
    SourceForm,
    SubsidyForm,
    TiltForm,
    WeightForm,
)
from .models import Allocation, Beneficiary, DividendStatus, ProjectKind, ProjectStatus
from .rules import STATUSES, dividend_project_refusal
from .selectors import (
    access_loan,
    access_project,
    access_run,
    access_source,
    dividend_preview,
    dividend_shares,
    household_funds,
    loan_queryset,
    loan_rows,
    micro_rate,
    plan_rows,
    project_allocations,
    project_beneficiaries,
    project_publicities,
    project_queryset,
    project_rows,
    project_runs,
    publicity_min_days,
    recent_runs,
    run_payouts,
    source_allocations,
    source_queryset,
)

PER_PAGE = 50
TOKEN_SALT = "funds.dividend-import"  # noqa: S105 — a signing salt, not a secret
TOKEN_MAX_AGE = 3600  # an upload's preview can be confirmed within an hour


def household_panel(request: HttpRequest, household: Household) -> tuple[str, dict[str, Any]] | None:
    """The household page's 扶贫项目与分红 section (registered with households.panels, order 500)."""
    if not request.user.has_perm("funds.view_project"):
        return None
    return ("funds/_household_panel.html", {"f": household_funds(household)})


# ---- Projects --------------------------------------------------------------------------------------------------


@require_GET
@permission_required("funds.view_project", raise_exception=True)
def project_list_view(request: HttpRequest) -> HttpResponse:
    projects = project_queryset(request.user)
    kind, status, year = request.GET.get("kind", ""), request.GET.get("status", ""), request.GET.get("year", "")
    if kind in ProjectKind.values:
        projects = projects.filter(kind=kind)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    elif status == "作废":
        projects = projects.filter(voided_at__isnull=False)
    if status != "作废":
        projects = projects.filter(voided_at__isnull=True)
    if year.isdigit():
        projects = projects.filter(first_year__lte=int(year), last_year__gte=int(year))
    page = Paginator(project_rows(projects).order_by("-first_year", "name", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "funds/project_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "kinds": ProjectKind.values,
            "statuses": [*ProjectStatus.values, "作废"],
            "chosen": {"kind": kind, "status": status, "year": year},
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_project", raise_exception=True)
def project_create_view(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记项目“%(name)s”。") % {"name": project.name})
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("登记项目"), "back": "funds:projects"})


@require_http_methods(["GET", "POST"])
@permission_required("funds.change_project", raise_exception=True)
def project_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("修改项目"), "project": project})


@require_GET
@permission_required("funds.view_project", raise_exception=True)
def project_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    row = project_rows(project_queryset(request.user).filter(pk=project.pk)).get()
    index = STATUSES.index(project.status)
    return render(
        request,
        "funds/project_detail.html",
        {
            "project": project,
            "row": row,
            "allocations": project_allocations(project),
            "beneficiaries": project_beneficiaries(project, request.user),
            "publicities": project_publicities(project),
            "runs": project_runs(project),
            "next_status": STATUSES[index + 1] if index + 1 < len(STATUSES) else None,
            "min_days": publicity_min_days(),
            "tilt_form": TiltForm(),
        },
    )


@require_POST
@permission_required("funds.change_project", raise_exception=True)
def project_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    target = request.POST.get("target", "")
    try:
        services.project_advance(actor=request.user, project=project, target=target)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("项目已进入“%(s)s”。") % {"s": target})
    return redirect("funds:project", pk=project.pk)


@require_http_methods(["GET", "POST"])
@permission_required("funds.change_project", raise_exception=True)
def project_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_void(actor=request.user, project=project, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("项目已作废。"))
            return redirect("funds:projects")
    return render(
        request, "funds/form.html", {"form": form, "title": _("作废项目"), "project": project, "danger": True}
    )


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_allocation", raise_exception=True)
def allocation_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    form = AllocationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_set(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("资金已安排。"))
            return redirect("funds:project", pk=project.pk)
    return render(
        request,
        "funds/form.html",
        {
            "form": form,
            "title": _("安排资金"),
            "project": project,
            "hint": _(
                "同一来源再次安排到本项目时，按新填的金额调整原安排。各项目从同一来源安排的合计不能超过来源总额。"
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_beneficiary", raise_exception=True)
def beneficiary_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    form = BeneficiaryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            b = services.beneficiary_add(
                actor=request.user,
                project=project,
                household=form.cleaned_data["household"],
                weight=form.cleaned_data["weight"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记受益户 %(n)s。") % {"n": b.household.number})
            if "another" in request.POST:
                return redirect("funds:beneficiary_add", pk=project.pk)
            return redirect("funds:project", pk=project.pk)
    return render(
        request, "funds/form.html", {"form": form, "title": _("登记受益户"), "project": project, "another": True}
    )


@require_POST
@permission_required("funds.change_allocation", raise_exception=True)
def allocation_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    """作废 an allocation made in error: the money goes back to the source's unallocated part."""
    allocation = Allocation.objects.filter(pk=pk, voided_at__isnull=True).first()
    if allocation is None:
        raise Http404
    project = access_project(request.user, allocation.project_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.allocation_void(actor=request.user, allocation=allocation, reason=form.cleaned_data["reason"])
        messages.success(request, _("已作废这笔资金安排。"))
    else:
        messages.error(request, _("请写明作废原因。"))
    return redirect("funds:project", pk=project.pk)


@require_http_methods(["GET", "POST"])
@permission_required("funds.change_fundsource", raise_exception=True)
def source_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = access_source(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_void(actor=request.user, source=source, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("资金来源已作废。"))
            return redirect("funds:sources")
    return render(
        request, "funds/form.html", {"form": form, "title": _("作废资金来源"), "source": source, "danger": True}
    )


def _access_beneficiary(request: HttpRequest, pk: int) -> Beneficiary:
    beneficiary = Beneficiary.objects.filter(pk=pk, voided_at__isnull=True).select_related("household").first()
    if beneficiary is None:
        raise Http404
    access_project(request.user, beneficiary.project_id)  # 404 outside the scope
    return beneficiary


@require_POST
@permission_required("funds.change_beneficiary", raise_exception=True)
def beneficiary_weight_view(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary = _access_beneficiary(request, pk)
    form = WeightForm(request.POST)
    if form.is_valid():
        services.beneficiary_set_weight(actor=request.user, beneficiary=beneficiary, **form.cleaned_data)
        messages.success(
            request,
            _("户 %(n)s 的分红权重已改为 %(w)s。")
            % {"n": beneficiary.household.number, "w": form.cleaned_data["weight"]},
        )
    else:
        messages.error(request, _("修改权重需填写大于 0 的权重和原因。"))
    return redirect("funds:project", pk=beneficiary.project_id)


@require_POST
@permission_required("funds.change_beneficiary", raise_exception=True)
def beneficiary_tilt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Weights by the district's tilt: households with no labour or a member seriously ill weigh more."""
    project = access_project(request.user, pk)
    form = TiltForm(request.POST)
    if form.is_valid():
        changed = services.beneficiary_weights_tilt(actor=request.user, project=project, tilt=form.cleaned_data["tilt"])
        messages.success(request, _("已按倾斜办法设定权重，%(n)s 户的权重有变化。") % {"n": changed})
    else:
        messages.error(request, _("倾斜权重应在 1 到 10 之间。"))
    return redirect("funds:project", pk=project.pk)


@require_POST
@permission_required("funds.change_beneficiary", raise_exception=True)
def beneficiary_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    beneficiary = _access_beneficiary(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.beneficiary_void(actor=request.user, beneficiary=beneficiary, reason=form.cleaned_data["reason"])
        messages.success(request, _("户 %(n)s 已不再是该项目的受益户。") % {"n": beneficiary.household.number})
    else:
        messages.error(request, _("请写明移出受益户的原因。"))
    return redirect("funds:project", pk=beneficiary.project_id)


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_publicity", raise_exception=True)
def publicity_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    form = PublicityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_record(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记公示。"))
            return redirect("funds:project", pk=project.pk)
    return render(
        request,
        "funds/form.html",
        {
            "form": form,
            "title": _("登记公示"),
            "project": project,
            "multipart": True,
            "hint": _("公示期至少 %(d)s 天（含首尾两天）。立项公示期满后项目才能进入实施，验收公示期满后才能进入运营。")
            % {"d": publicity_min_days()},
        },
    )


@require_GET
@permission_required("funds.view_publicity", raise_exception=True)
def publicity_photo_view(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    project = access_project(request.user, pk)
    publicity = project.publicities.filter(pk=photo).first()
    if publicity is None or not publicity.photo:
        raise Http404
    try:
        handle = publicity.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@permission_required("funds.view_project", raise_exception=True)
def project_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable 公示 of a project: money by source, beneficiaries with masked ID numbers."""
    project = access_project(request.user, pk)
    return render(
        request,
        "funds/project_print.html",
        {
            "project": project,
            "row": project_rows(project_queryset(request.user).filter(pk=project.pk)).get(),
            "allocations": project_allocations(project),
            "beneficiaries": project_beneficiaries(project, request.user),
            "publicities": project_publicities(project),
            "today": timezone.localdate(),
        },
    )


# ---- Sources ---------------------------------------------------------------------------------------------------


@require_GET
@permission_required("funds.view_fundsource", raise_exception=True)
def source_list_view(request: HttpRequest) -> HttpResponse:
    sources = source_queryset(request.user).filter(voided_at__isnull=True)
    year = request.GET.get("year", "")
    if year.isdigit():
        sources = sources.filter(year=int(year))
    page = Paginator(sources.order_by("-year", "kind", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "funds/source_list.html", {"page": page, "query": query.urlencode(), "year": year})


@require_GET
@permission_required("funds.view_fundsource", raise_exception=True)
def source_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = access_source(request.user, pk)
    return render(
        request,
        "funds/source_detail.html",
        {"source": source, "allocations": source_allocations(source, request.user)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_fundsource", raise_exception=True)
def source_create_view(request: HttpRequest) -> HttpResponse:
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = services.source_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("已登记资金来源。"))
        return redirect("funds:source", pk=source.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("登记资金来源"), "back": "funds:sources"})


@require_http_methods(["GET", "POST"])
@permission_required("funds.change_fundsource", raise_exception=True)
def source_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = access_source(request.user, pk)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_update(actor=request.user, source=source, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("funds:source", pk=source.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("修改资金来源"), "source": source})


# ---- Dividends -------------------------------------------------------------------------------------------------


@require_GET
@permission_required("funds.view_dividendrun", raise_exception=True)
def run_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "funds/run_list.html", {"runs": recent_runs(request.user)})


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_dividendrun", raise_exception=True)
def dividend_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The dividend run: the form, then a preview of every household's share (nothing stored), then confirm."""
    project = access_project(request.user, pk)
    form = DividendForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    preview = None
    digest = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shares = dividend_shares(project, method=data["method"])
        if not shares:
            form.add_error(None, _("该项目还没有受益户，无法分红。请先登记受益户。"))
        elif "confirm" in request.POST:
            try:
                run = services.dividend_confirm(
                    actor=request.user, project=project, digest=request.POST.get("digest", ""), **data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已确认 %(y)s 年分红 %(a)s 元，%(n)s 户。各户收入已重新评估。")
                    % {"y": run.year, "a": f"{run.amount:,.2f}", "n": len(shares)},
                )
                return redirect("funds:run", pk=run.pk)
        if form.is_valid():
            preview = dividend_preview(project, amount=data["amount"], method=data["method"])
            digest = services.shares_digest(shares)
    return render(
        request,
        "funds/dividend_run.html",
        {
            "project": project,
            "form": form,
            "preview": preview,
            "digest": digest,
            "refusal": dividend_project_refusal(status=project.status),
            "total": sum((r.amount for r in preview or ()), Decimal(0)),
        },
    )


@require_GET
@permission_required("funds.view_dividendrun", raise_exception=True)
def run_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    return render(
        request,
        "funds/run_detail.html",
        {
            "run": run,
            "payouts": run_payouts(run, request.user),
            "undo_form": ReasonForm(),
            "publish_form": PublishForm(initial={"on": timezone.localdate()}),
            "can_undo": run.status == DividendStatus.CONFIRMED,
        },
    )


@require_POST
@permission_required("funds.change_dividendrun", raise_exception=True)
def run_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明撤销原因。"))
        return redirect("funds:run", pk=run.pk)
    try:
        services.dividend_undo(actor=request.user, run=run, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("分红已撤销，各户收入已重新评估。"))
    return redirect("funds:run", pk=run.pk)


@require_POST
@permission_required("funds.change_dividendrun", raise_exception=True)
def run_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写公示日期。"))
        return redirect("funds:run", pk=run.pk)
    try:
        services.dividend_publish(actor=request.user, run=run, on=form.cleaned_data["on"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("分红名单已公示，此后不能撤销。"))
    return redirect("funds:run", pk=run.pk)


@require_GET
@permission_required("funds.view_dividendrun", raise_exception=True)
def run_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable 公示 of a dividend list, ID numbers masked."""
    run = access_run(request.user, pk)
    if run.status == DividendStatus.UNDONE:
        raise Http404
    payouts = run_payouts(run, request.user)
    return render(
        request,
        "funds/run_print.html",
        {
            "run": run,
            "payouts": payouts,
            "total": sum((p.amount for p in payouts), Decimal(0)),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_dividendrun", raise_exception=True)
def dividend_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a payout list → preview (every bad row, or what will be written) → confirm with the token."""
    project = access_project(request.user, pk)
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, project)
    form = DividendImportForm(
        request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year - 1}
    )
    context: dict[str, Any] = {"project": project, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.LEDGER_UPLOAD_MAX_BYTES:
            form.add_error(
                "file",
                _("文件太大：分红名单不应超过 %(mb)s MB。") % {"mb": settings.LEDGER_UPLOAD_MAX_BYTES // (1024 * 1024)},
            )
        else:
            name = imports.store_upload(upload.chunks())
            try:
                check = imports.check_payouts(imports.stored_upload(name), project=project, actor=request.user)
            except LedgerUnreadableError as exc:
                form.add_error("file", str(exc))
            else:
                data = form.cleaned_data
                context.update(
                    check=check,
                    token=signing.dumps(
                        {
                            "file": name,
                            "project": project.pk,
                            "user": request.user.pk,
                            "year": data["year"],
                            "income": str(data["income"]),
                            "paid_on": data["paid_on"].isoformat(),
                            "pay_method": data["pay_method"],
                        },
                        salt=TOKEN_SALT,
                    ),
                    report_token=signing.dumps(
                        {"file": name, "project": project.pk, "user": request.user.pk}, salt=TOKEN_SALT
                    ),
                    rows=[(check.numbers[hid], amount, account) for hid, amount, account in check.payouts],
                    over_income=check.total > data["income"],
                )
    return render(request, "funds/dividend_import.html", context)


def _token(request: HttpRequest, project_pk: int, value: str) -> dict[str, Any]:
    try:
        data = signing.loads(value, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(_("预览已过期，请重新上传名单。")) from exc
    if data["project"] != project_pk or data["user"] != request.user.pk:
        raise ValidationError(_("预览已过期，请重新上传名单。"))
    return data


def _import_confirm(request: HttpRequest, project: Any) -> HttpResponse:
    try:
        data = _token(request, project.pk, request.POST["token"])
        _check, run = imports.import_payouts(
            imports.stored_upload(data["file"]),
            actor=request.user,
            project=project,
            year=data["year"],
            income=Decimal(data["income"]),
            paid_on=date.fromisoformat(data["paid_on"]),
            pay_method=data["pay_method"],
        )
    except (ValidationError, LedgerUnreadableError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("funds:dividend_import", pk=project.pk)
    if run is None:
        messages.error(request, _("名单有错误，未导入任何数据。请下载错误报告修改后重新上传。"))
        return redirect("funds:dividend_import", pk=project.pk)
    imports.stored_upload(data["file"]).unlink(missing_ok=True)
    messages.success(
        request, _("已导入分红名单：%(n)s 户，共 %(a)s 元。") % {"n": run.payouts.count(), "a": f"{run.amount:,.2f}"}
    )
    return redirect("funds:run", pk=run.pk)


@require_GET
@permission_required("funds.add_dividendrun", raise_exception=True)
def dividend_import_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    try:
        data = _token(request, project.pk, request.GET.get("token", ""))
        check = imports.check_payouts(imports.stored_upload(data["file"]), project=project, actor=request.user)
    except (ValidationError, LedgerUnreadableError) as exc:
        raise Http404 from exc
    path = imports.upload_dir() / f"{data['file']}.errors.xlsx"
    imports.write_error_report(path, check.errors)
    response = FileResponse(path.open("rb"), as_attachment=True, filename="分红名单错误报告.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


# ---- Plan, ledger --------------------------------------------------------------------------------------------


@require_GET
@permission_required("funds.view_project", raise_exception=True)
def plan_view(request: HttpRequest) -> HttpResponse:
    return render(request, "funds/plan.html", {"rows": plan_rows(request.user)})


@require_GET
@permission_required("funds.export_fundledger", raise_exception=True)
def ledger_export_view(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    content = exports.fund_ledger(request.user, year=int(year) if year.isdigit() else None)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"资金使用台账{year if year.isdigit() else ''}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


# ---- Loans ---------------------------------------------------------------------------------------------------


@require_GET
@permission_required("funds.view_loan", raise_exception=True)
def loan_list_view(request: HttpRequest) -> HttpResponse:
    loans = loan_rows(loan_queryset(request.user).filter(voided_at__isnull=True)).order_by("-start", "pk")
    page = Paginator(loans, PER_PAGE).get_page(request.GET.get("page"))
    rate_form = MicroRateForm(initial={"year": timezone.localdate().year})
    return render(request, "funds/loan_list.html", {"page": page, "query": "", "rate_form": rate_form})


@require_http_methods(["GET", "POST"])
@permission_required("funds.add_loan", raise_exception=True)
def loan_create_view(request: HttpRequest) -> HttpResponse:
    form = LoanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记贷款。"))
            return redirect("funds:loan", pk=loan.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("登记贴息贷款"), "back": "funds:loans"})


@require_http_methods(["GET", "POST"])
@permission_required("funds.view_loan", raise_exception=True)
def loan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    loan = access_loan(request.user, pk)
    form = SubsidyForm(request.POST or None, initial={"year": timezone.localdate().year - 1, "balance": loan.principal})
    if request.method == "POST":
        if not request.user.has_perm("funds.add_interestsubsidy"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                subsidy = services.subsidy_record(
                    actor=request.user, loan=loan, micro_rate=micro_rate(data["year"]), **data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("%(y)s 年贴息 %(a)s 元已登记。") % {"y": subsidy.year, "a": f"{subsidy.amount:,.2f}"}
                )
                return redirect("funds:loan", pk=loan.pk)
    return render(
        request,
        "funds/loan_detail.html",
        {"loan": loan, "subsidies": loan.subsidies.order_by("-year"), "form": form},
    )


@require_POST
@permission_required("funds.change_microcreditrate", raise_exception=True)
def micro_rate_view(request: HttpRequest) -> HttpResponse:
    form = MicroRateForm(request.POST)
    if form.is_valid():
        try:
            services.micro_rate_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已设定 %(y)s 年小额信贷贴息率。") % {"y": form.cleaned_data["year"]})
    else:
        messages.error(request, _("请填写年度和贴息率（如 4.35% 填 0.0435）。"))
    return redirect("funds:loans")
