"""Registry pages. Each view: permission (403), then access through the scope (404), form, service."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import audit_record
from accounts.models import AuditAction
from common.forms import add_service_error

from . import services
from .filters import SEARCH_SESSION_KEY, HouseholdFilter, search_params
from .forms import (
    CreateMemberFormSet,
    EditMemberFormSet,
    HouseholdForm,
    HouseholdStatusForm,
    IncomeForm,
    PersonForm,
    PersonLeaveForm,
    RevealForm,
    StyledForm,
    error_summary,
)
from .models import Household, PovertyStandard, Relation
from .panels import household_panels
from .selectors import (
    access_household,
    access_person,
    default_year,
    household_assessment,
    household_changes,
    household_incomes,
    household_list_rows,
    household_queryset,
    registry_counts,
)
from .services import ConcurrentEditError, household_edit_token
from .standards import standard_row


@require_http_methods(["GET", "POST"])
@permission_required("households.view_household", raise_exception=True)
def household_list_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The search form posts: what it searched for (perhaps an ID number) stays out of the URL.
        posted = request.POST.copy()
        posted.pop("csrfmiddlewaretoken", None)
        request.session[SEARCH_SESSION_KEY] = posted.urlencode()
        return redirect(f"{reverse('households:list')}?search=1")
    params = search_params(request)
    filterset = HouseholdFilter(params, queryset=household_queryset(request.user), user=request.user)
    households = filterset.qs
    rows = household_list_rows(households)
    page = Paginator(rows, settings.HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy() if request.GET.get("search") == "1" else (params or QueryDict()).copy()
    query.pop("page", None)
    return render(
        request,
        "households/list.html",
        {
            "filter": filterset,
            "page": page,
            "counts": registry_counts(households),
            "query": query.urlencode(),
            "can_add": request.user.has_perm("households.add_household"),
            "can_export": request.user.has_perm("households.export_ledger"),
        },
    )


@require_GET
@permission_required("households.view_household", raise_exception=True)
def household_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    members = list(household.members.all())
    active = [p for p in members if p.is_active]
    user = request.user
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2013 <= int(year) <= 2100 else default_year()
    return render(
        request,
        "households/detail.html",
        {
            "household": household,
            "members": active,
            "head": next((p for p in active if p.relation == Relation.HEAD), None),
            "left_members": [p for p in members if not p.is_active],
            "incomes": household_incomes(household),
            "verdict": household_assessment(household, year=year),
            "status_changes": household.status_changes.select_related("actor"),
            "changes": household_changes(household),
            "can_change": user.has_perm("households.change_household"),
            "can_add_person": user.has_perm("households.add_person"),
            "can_change_person": user.has_perm("households.change_person"),
            "can_change_status": user.has_perm("households.change_household_status"),
            "can_set_income": user.has_perm("households.change_householdincome"),
            "can_revert": user.has_perm("households.revert_household"),
            "panels": household_panels(request, household),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(["households.add_household", "households.add_person"], raise_exception=True)
def household_create_view(request: HttpRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None, user=request.user)
    formset = CreateMemberFormSet(request.POST or None, instance=Household(), prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            household = services.household_create(
                actor=request.user, data=form.cleaned_data, members=formset.members_data()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已建档：户编号 %(n)s。") % {"n": household.number})
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/form.html",
        {"form": form, "formset": formset, "household": None, "errors": error_summary(form, formset)},
    )


@require_http_methods(["GET", "POST"])
@permission_required(["households.change_household", "households.change_person"], raise_exception=True)
def household_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    formset = EditMemberFormSet(
        request.POST or None,
        instance=household,
        queryset=household.members.active(),
        prefix="members",
    )
    # The fingerprint of the data the page was opened with (optimistic concurrency, services.household_edit_token).
    edit_token = request.POST.get("edit_token", "") if request.method == "POST" else household_edit_token(household)
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=household,
                data=form.cleaned_data,
                members=formset.members_data(),
                edit_token=edit_token,
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except ConcurrentEditError:
            # Shown with the other's change; the fresh fingerprint lets the clerk save deliberately after reading it.
            fresh = Household.objects.get(pk=household.pk)
            conflict, edit_token = household_changes(fresh, limit=3), household_edit_token(fresh)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/form.html",
        {
            "form": form,
            "formset": formset,
            "household": household,
            "edit_token": edit_token,
            "conflict": conflict,
            "errors": error_summary(form, formset),
            # ID numbers and the phone are masked on the form; the whole ones only through the audited reveal.
            "can_reveal": request.user.has_perm("households.reveal_personal_data"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("households.add_person", raise_exception=True)
def person_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = PersonForm(request.POST or None, instance=None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(actor=request.user, household=household, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已新增成员 %(name)s。") % {"name": person.name})
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/person_add.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
@permission_required("households.change_person", raise_exception=True)
def person_leave_view(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    person = access_person(request.user, household, person_pk)
    if not person.is_active:
        messages.info(request, _("%(name)s 已登记为%(reason)s。") % {"name": person.name, "reason": person.left_reason})
        return redirect("households:detail", pk=household.pk)
    form = PersonLeaveForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_leave(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                new_head=form.cleaned_data.get("new_head"),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 减少。") % {"name": person.name})
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/person_leave.html", {"form": form, "household": household, "person": person})


@require_http_methods(["GET", "POST"])
@permission_required("households.reveal_personal_data", raise_exception=True)
def person_reveal_view(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """A member's whole ID number and the household's whole phone, for a role that may see them, after a
    stated reason; every reveal is in the audit log with the reason."""
    household = access_household(request.user, pk)
    person = access_person(request.user, household, person_pk)
    form = RevealForm(request.POST or None)
    revealed = request.method == "POST" and form.is_valid()
    if revealed:
        audit_record(
            action=AuditAction.REVEAL,
            obj=person,
            summary=f"查看户 {household.number} 成员 {person.name} 的完整证件号码和联系电话；理由：{form.cleaned_data['reason']}",
        )
    return render(
        request,
        "households/reveal.html",
        {"form": form, "household": household, "person": person, "revealed": revealed},
    )


@require_http_methods(["GET", "POST"])
@permission_required("households.change_household_status", raise_exception=True)
def household_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    form = HouseholdStatusForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_change_status(
                actor=request.user,
                household=household,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("状态已变更。"))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/status.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
@permission_required(["households.add_householdincome", "households.change_householdincome"], raise_exception=True)
def income_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk)
    year = request.GET.get("year")
    instance = household.incomes.filter(year=year).first() if year and year.isdigit() else None
    form = IncomeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.income_set(
                actor=request.user, household=household, year=data["year"], data=data, reason=data["change_reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存 %(year)s 年收入。") % {"year": data["year"]})
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/income.html", {"form": form, "household": household})


@require_GET
@permission_required("households.view_povertystandard", raise_exception=True)
def standard_list_view(request: HttpRequest) -> HttpResponse:
    """Every year's 扶贫标准 and 低保标准, read-only; a year whose lines differ says so (两线合一, plan ch. 8).
    The lines are the whole district's, the same for every user: nothing here is scoped."""
    rows = [
        standard_row(year=s.year, poverty_line=s.poverty_line, dibao_line=s.dibao_line)
        for s in PovertyStandard.objects.order_by("-year")
    ]
    return render(
        request,
        "households/standards.html",
        {"rows": rows, "can_change": request.user.has_perm("households.change_povertystandard")},
    )


class RevertForm(StyledForm, forms.Form):
    reason = forms.CharField(label=_("恢复原因"), max_length=200, help_text=_("必填，将记入变更记录。"))


@require_http_methods(["GET", "POST"])
@permission_required("households.revert_household", raise_exception=True)
def household_revert_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The district office reverts a household to an earlier version from its change log: it sees what would
    change, gives a reason, and the revert is saved as a new change."""
    household = access_household(request.user, pk)
    # A "+" of the time zone arrives as a space when a link was copied without encoding.
    raw = (request.GET.get("at", "") or request.POST.get("at", "")).replace(" ", "+")
    at = parse_datetime(raw)
    if at is None:
        raise Http404
    try:
        version = services.household_version(household, at=at)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("households:detail", pk=household.pk)
    form = RevertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_revert(
                actor=request.user, household=household, at=at, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已恢复，并记入变更记录。"))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/revert.html",
        {
            "household": household,
            "version": version,
            "form": form,
            "at": raw,
        },
    )
