"""The registry list's 危房改造 filter (households.filters.register_list_filter) — plan ch. 7."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household

from .models import RetrofitCase, Stage

_ACCEPTED = [Stage.ACCEPTED, Stage.OCCUPIED]


def by_retrofit(households: QuerySet[Household], value: str) -> QuerySet[Household]:
    """Households whose valid retrofit is in progress, accepted, or overdue (not accepted by its deadline)."""
    cases = RetrofitCase.objects.valid().filter(household=OuterRef("pk"))
    if value == "open":
        return households.filter(Exists(cases.exclude(stage__in=_ACCEPTED)))
    if value == "accepted":
        return households.filter(Exists(cases.filter(stage__in=_ACCEPTED)))
    if value == "overdue":
        today = timezone.localdate()
        return households.filter(Exists(cases.filter(~Q(stage__in=_ACCEPTED), deadline__lt=today)))
    return households


RETROFIT_FILTER = {
    "name": "retrofit",
    "label": _("危房改造"),
    "choices": (("open", _("改造中")), ("accepted", _("已验收")), ("overdue", _("逾期未验收"))),
    "method": by_retrofit,
}
