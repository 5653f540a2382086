"""Ledger pages: upload and preview an import, confirm it, follow its progress; download exports and error reports."""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households.filters import HouseholdFilter, search_params
from households.forms import StyledForm
from households.models import LedgerImport
from households.selectors import access_import, default_year, household_queryset, import_jobs

from .exporter import ledger_export
from .jobs import import_cancel, import_confirm, import_upload
from .parse import RowError
from .report import write_error_report

ERRORS_SHOWN = 300
HISTORY_SHOWN = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_("Excel（.xlsx、.xls）或 CSV，每名成员一行。"))
    year = forms.IntegerField(label=_("收入年度"), help_text=_("台账中收入数据所属的年度。"))

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2013 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("年度应在 2013 年到今年之间。"))
        return year


def _download(path: Path, name: str) -> FileResponse:
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
    path.unlink()  # the open handle keeps the data readable until the response is sent
    return response


@require_http_methods(["GET", "POST"])
@permission_required("households.import_ledger", raise_exception=True)
def import_start_view(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, initial={"year": default_year()})
    if request.method == "POST" and form.is_valid():
        try:
            job = import_upload(actor=request.user, upload=form.cleaned_data["file"], year=form.cleaned_data["year"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("households:import_detail", pk=job.pk)
    history = import_jobs(request.user)[:HISTORY_SHOWN]
    return render(request, "households/import_start.html", {"form": form, "history": history})


@require_GET
@permission_required("households.import_ledger", raise_exception=True)
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import(request.user, pk)
    context: dict[str, Any] = {
        "job": job,
        "summary": job.summary,
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_total": len(job.errors),
        "can_confirm": job.status == "checked" and job.actor_id == request.user.pk,
    }
    return render(request, "households/import_detail.html", context)


def _job_step(request: HttpRequest, pk: int, step: Callable[..., LedgerImport]) -> HttpResponse:
    job = access_import(request.user, pk)
    try:
        step(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("households:import_detail", pk=job.pk)


@require_POST
@permission_required("households.import_ledger", raise_exception=True)
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_step(request, pk, import_confirm)


@require_POST
@permission_required("households.import_ledger", raise_exception=True)
def import_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_step(request, pk, import_cancel)


@require_GET
@permission_required("households.import_ledger", raise_exception=True)
def import_errors_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import(request.user, pk)
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    write_error_report(path, (RowError(*e) for e in job.errors))
    return _download(path, f"导入错误清单_{job.pk}.xlsx")


@require_GET
@permission_required(["households.view_household", "households.export_ledger"], raise_exception=True)
def export_view(request: HttpRequest) -> HttpResponse:
    """The registry list's households — same filters, same scope — as a ledger file."""
    filterset = HouseholdFilter(search_params(request), queryset=household_queryset(request.user), user=request.user)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else default_year()
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    # The full ledger (whole ID numbers, for the national system) is the district office's own permission.
    ledger_export(path, filterset.qs, year=year, full=request.user.has_perm("households.export_full_ledger"))
    return _download(path, export_file_name(getattr(filterset.form, "cleaned_data", {}), user=request.user, year=year))


def export_file_name(chosen: dict, *, user: object, year: int) -> str:
    """The file named after the area and year the clerk exported: 商家镇-商家村-2025年台账.xlsx (the chosen
    village, else the chosen town, else the user's own area)."""
    village, town = chosen.get("village"), chosen.get("town")
    if village is not None:
        place = f"{village.parent.name}-{village.name}"
    elif town is not None:
        place = town.name
    else:
        area = getattr(user, "area", None)
        place = area.full_name.replace(" ", "-") if area is not None else "文昌湖区"
    return f"{place}-{year}年台账.xlsx"
