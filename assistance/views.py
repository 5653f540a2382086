"""Pairing, visit and measure pages. Each view: permission (403), then the household through the user's scope
(404), form, service."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.forms import add_service_error
from households.models import Household
from households.selectors import access_household

from . import services
from .filters import CadreFilter
from .forms import CadreForm, HandoverForm, MeasureForm, PairForm, PairingEndForm, QuotaForm, VisitForm
from .models import Cadre
from .rules import end_refusal
from .selectors import (
    access_cadre,
    access_measure,
    access_pairing,
    access_visit,
    active_pairing,
    cadre_pairings,
    cadre_queryset,
    cadre_rows,
    cadre_visits,
    coverage,
    household_assistance,
    pairing_quotas,
)

CADRES_PER_PAGE = 50


def household_panel(request: HttpRequest, household: Household) -> tuple[str, dict[str, Any]] | None:
    """The household page's 结对帮扶 section (registered with households.panels)."""
    user = request.user
    if not user.has_perm("assistance.view_pairing"):
        return None
    return (
        "assistance/_household_panel.html",
        {
            "a": household_assistance(household),
            "can_pair": user.has_perm("assistance.add_pairing"),
            "can_change_pairing": user.has_perm("assistance.change_pairing"),
            "can_add_visit": user.has_perm("assistance.add_visit"),
            "can_add_measure": user.has_perm("assistance.add_measure"),
            "can_change_measure": user.has_perm("assistance.change_measure"),
            "can_end": end_refusal(household_status=household.status, successor=False) is None,
        },
    )


@require_GET
@permission_required("assistance.view_cadre", raise_exception=True)
def cadre_list_view(request: HttpRequest) -> HttpResponse:
    filterset = CadreFilter(request.GET or None, queryset=cadre_queryset(request.user))
    page = Paginator(filterset.qs.order_by("name", "pk"), CADRES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assistance/cadre_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": cadre_rows(
                request.user,
                Cadre.objects.filter(pk__in=[c.pk for c in page]).order_by("name", "pk"),
                as_of=timezone.localdate(),
            ),
            "query": query.urlencode(),
            "quotas": pairing_quotas(),
            "can_add": request.user.has_perm("assistance.add_cadre"),
        },
    )


@require_GET
@permission_required("assistance.view_cadre", raise_exception=True)
def cadre_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access_cadre(request.user, pk)
    row = cadre_rows(request.user, Cadre.objects.filter(pk=cadre.pk), as_of=timezone.localdate())[0]
    return render(
        request,
        "assistance/cadre_detail.html",
        {
            "cadre": cadre,
            "row": row,
            "pairings": cadre_pairings(request.user, cadre),
            "visits": cadre_visits(request.user, cadre),
            "can_change": request.user.has_perm("assistance.change_cadre"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("assistance.add_cadre", raise_exception=True)
def cadre_create_view(request: HttpRequest) -> HttpResponse:
    form = CadreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = services.cadre_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记干部 %(name)s。") % {"name": cadre.name})
            return redirect("assistance:cadre", pk=cadre.pk)
    return render(request, "assistance/cadre_form.html", {"form": form, "cadre": None})


@require_http_methods(["GET", "POST"])
@permission_required("assistance.change_cadre", raise_exception=True)
def cadre_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access_cadre(request.user, pk)
    form = CadreForm(request.POST or None, instance=cadre)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_update(actor=request.user, cadre=cadre, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:cadre", pk=cadre.pk)
    return render(request, "assistance/cadre_form.html", {"form": form, "cadre": cadre})


def _household_form_page(
    request: HttpRequest, household: Household, form: Any, *, title: str, submit: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "assistance/household_form.html",
        {"form": form, "household": household, "title": title, "submit_label": submit, **extra},
    )


@require_http_methods(["GET", "POST"])
@permission_required("assistance.add_pairing", raise_exception=True)
def pairing_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    current = active_pairing(household)
    if current is not None:
        messages.info(request, _("该户已由 %(name)s 帮扶；如需换人，请办理更换。") % {"name": current.cadre.name})
        return redirect("assistance:handover", pk=household.pk)
    form = PairForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_create(
                actor=request.user,
                household=household,
                cadre=form.cleaned_data["cadre"],
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已与 %(name)s 结对。") % {"name": pairing.cadre.name})
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(request, household, form, title=_("结对帮扶责任人"), submit=_("结对"))


@require_http_methods(["GET", "POST"])
@permission_required("assistance.change_pairing", raise_exception=True)
def pairing_handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    pairing = access_pairing(request.user, household)
    form = HandoverForm(request.POST or None, user=request.user, current=pairing.cadre_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.pairing_handover(
                actor=request.user,
                pairing=pairing,
                successor=data["successor"],
                on=data["on"],
                reason=data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("已由 %(new)s 接替 %(old)s。") % {"new": new.cadre.name, "old": pairing.cadre.name}
            )
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(
        request, household, form, title=_("更换帮扶责任人"), submit=_("办理交接"), pairing=pairing
    )


@require_http_methods(["GET", "POST"])
@permission_required("assistance.change_pairing", raise_exception=True)
def pairing_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    pairing = access_pairing(request.user, household)
    form = PairingEndForm(request.POST or None)
    # Shown before the clerk fills anything in; the service refuses it again on submit.
    refusal = end_refusal(household_status=household.status, successor=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_end(
                actor=request.user, pairing=pairing, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已解除与 %(name)s 的结对。") % {"name": pairing.cadre.name})
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(
        request, household, form, title=_("解除结对"), submit=_("解除结对"), pairing=pairing, refusal=refusal
    )


@require_http_methods(["GET", "POST"])
@permission_required("assistance.add_visit", raise_exception=True)
def visit_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = VisitForm(request.POST or None, request.FILES or None, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, household=household, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记走访。"))
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(request, household, form, title=_("登记走访"), submit=_("保存"), multipart=True)


@require_GET
@permission_required("assistance.view_visit", raise_exception=True)
def visit_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """A visit photo, only for a user who may see the household (MEDIA_ROOT is never served directly)."""
    visit = access_visit(request.user, pk)
    if not visit.photo:
        raise Http404
    try:
        handle = visit.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("assistance.add_measure", raise_exception=True)
def measure_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = MeasureForm(request.POST or None, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_add(actor=request.user, household=household, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记帮扶措施。"))
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(request, household, form, title=_("登记帮扶措施"), submit=_("保存"))


@require_http_methods(["GET", "POST"])
@permission_required("assistance.change_measure", raise_exception=True)
def measure_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access_measure(request.user, pk)
    household = measure.household
    form = MeasureForm(request.POST or None, instance=measure, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(actor=request.user, measure=measure, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("households:detail", pk=household.pk)
    return _household_form_page(request, household, form, title=_("修改帮扶措施"), submit=_("保存"))


@require_GET
@permission_required("assistance.view_pairing", raise_exception=True)
def coverage_view(request: HttpRequest) -> HttpResponse:
    return render(request, "assistance/coverage.html", {"c": coverage(request.user, as_of=timezone.localdate())})


@require_http_methods(["GET", "POST"])
@permission_required("assistance.change_pairingquota", raise_exception=True)
def quota_view(request: HttpRequest) -> HttpResponse:
    quotas = pairing_quotas()
    form = QuotaForm(request.POST or None, quotas=quotas)
    if request.method == "POST" and form.is_valid():
        for rank, households in form.cleaned_data.items():
            if households != quotas.get(rank):
                services.quota_set(actor=request.user, rank=rank, households=households)
        messages.success(request, _("结对户数上限已保存。"))
        return redirect("assistance:cadres")
    return render(request, "assistance/quota.html", {"form": form})
