"""The registry list's filters (django-filter); every choice list is limited to the user's scope."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.selectors import towns_in_scope, villages_in_scope

from .forms import style_fields, village_label
from .idnumber import normalise_id_number
from .models import Household, HouseholdAssessment, HouseholdAttribute, HouseholdStatus, Person, PovertyCause
from .rules import Gap, IncomeBand
from .selectors import default_year

SEARCH_SESSION_KEY = "household_search"


@dataclass(frozen=True)
class ListFilter:
    """A filter another app adds to the registry list (households imports none of them, DESIGN §3):
    `method(households, value)` narrows the already-scoped households, typically with an `Exists` on the
    app's own table. Registered from the app's AppConfig.ready() with `register_list_filter`."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...]
    method: Callable[[QuerySet[Household], str], QuerySet[Household]]


_list_filters: dict[str, ListFilter] = {}


def register_list_filter(list_filter: ListFilter) -> None:
    _list_filters[list_filter.name] = list_filter


_ID_LIKE = re.compile(r"[0-9]{6}\s*[0-9]{8,}")


def search_params(request: HttpRequest) -> QueryDict | None:
    """The list's filters for this request, never with an ID number taken from the URL.

    The search form posts (the list view keeps what was posted in the session and redirects to `?search=1`),
    so a searched ID number appears in no URL, browser history or server log. Plain filter links (village,
    status ...) still work as GET parameters; a GET `q` that looks like an ID number is dropped.
    """
    if request.GET.get("search") == "1":
        return QueryDict(request.session.get(SEARCH_SESSION_KEY, ""))
    params = request.GET.copy()
    if _ID_LIKE.search(unicodedata.normalize("NFKC", params.get("q", ""))):
        params.pop("q")
    return params or None


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    town = django_filters.ModelChoiceFilter(label=_("镇"), field_name="village__parent", empty_label=_("全部镇"))
    village = django_filters.ModelChoiceFilter(label=_("行政村"), empty_label=_("全部村"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=HouseholdStatus.choices, empty_label=_("全部状态"))
    attribute = django_filters.ChoiceFilter(
        label=_("贫困户属性"), choices=HouseholdAttribute.choices, empty_label=_("全部属性")
    )
    main_cause = django_filters.ChoiceFilter(
        label=_("致贫原因"), choices=PovertyCause.choices, empty_label=_("全部原因")
    )

    meets = django_filters.ChoiceFilter(
        label=_("达到脱贫标准"),
        choices=[("yes", _("是")), ("no", _("否"))],
        empty_label=_("全部"),
        method="by_assessment",
    )
    gap = django_filters.ChoiceFilter(
        label=_("未达标项"), choices=[(g.value, g.value) for g in Gap], empty_label=_("全部"), method="by_assessment"
    )
    band = django_filters.ChoiceFilter(
        label=_("收入档次"),
        choices=[(b.value, b.value) for b in IncomeBand],
        empty_label=_("全部"),
        method="by_assessment",
    )
    watch = django_filters.ChoiceFilter(
        label=_("返贫监测"), choices=[("yes", _("是"))], empty_label=_("全部"), method="by_assessment"
    )

    class Meta:
        model = Household
        fields = ["q", "town", "village", "status", "attribute", "main_cause", "meets", "gap", "band", "watch"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for extra in _list_filters.values():
            self.filters[extra.name] = django_filters.ChoiceFilter(
                label=extra.label,
                choices=extra.choices,
                empty_label=_("全部"),
                method=lambda queryset, _name, value, extra=extra: extra.method(queryset, value),
            )
            self.filters[extra.name].parent = self
        self.filters["town"].queryset = towns_in_scope(user)
        village = self.filters["village"]
        village.queryset = villages_in_scope(user)
        village.field.label_from_instance = village_label
        style_fields(self.form.fields)
        self.form.fields["q"].widget.attrs.update(placeholder=_("姓名、户编号或完整证件号码"))

    def search(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        """A member's name (any part), the household number, or a member's full ID number."""
        term = normalise_id_number(value)
        if not term:
            return queryset
        members = Person.objects.filter(household=OuterRef("pk"))
        if len(term) == 18:
            return queryset.filter(Exists(members.filter(id_number=term)))
        return queryset.filter(Q(number__icontains=term) | Exists(members.filter(name__contains=value.strip())))

    def by_assessment(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        """Filter on the stored assessment of the default year (what the nightly recompute last found)."""
        stored = HouseholdAssessment.objects.filter(household=OuterRef("pk"), year=default_year())
        condition = {
            "meets": {"meets_standard": value == "yes"},
            "gap": {"gaps__contains": value},
            "band": {"band": value},
            "watch": {"watch": True},
        }[name]
        return queryset.filter(Exists(stored.filter(**condition)))
