"""The cadre list's filters (django-filter)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from households.forms import style_fields

from .models import Cadre, CadreRank, UnitType


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名、单位或电话"), method="search")
    rank = django_filters.ChoiceFilter(label=_("干部类别"), choices=CadreRank.choices, empty_label=_("全部类别"))
    unit_type = django_filters.ChoiceFilter(label=_("单位类型"), choices=UnitType.choices, empty_label=_("全部类型"))
    active = django_filters.ChoiceFilter(
        label=_("在岗"),
        choices=[("yes", _("在岗")), ("no", _("不在岗"))],
        empty_label=_("全部"),
        method="by_active",
    )

    class Meta:
        model = Cadre
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self.form.fields)

    def search(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__contains=value) | Q(unit__contains=value) | Q(phone__contains=value))

    def by_active(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        return queryset.filter(active=value == "yes") if value in ("yes", "no") else queryset
