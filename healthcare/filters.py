"""The registry list's 健康扶贫 filter (households.filters.register_list_filter): households with a member the
医保 department found not insured in the assessed year, with a major illness, one of the 9 diseases treated
centrally, or with medical aid this year. Each is an `Exists` on this app's tables."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.filters import ListFilter
from households.models import Household
from households.selectors import default_year

from .models import CENTRAL_DISEASES, Expense, Illness, IllnessKind, Insurance, InsuranceKind

CHOICES = (
    ("uninsured", _("医保登记未参保（评估年度）")),
    ("major", _("有大病患者")),
    ("central", _("9 种大病集中救治")),
    ("aid", _("今年有医疗救助")),
)


def by_health(households: QuerySet[Household], value: str) -> QuerySet[Household]:
    here = OuterRef("pk")
    if value == "uninsured":
        found = Insurance.objects.filter(
            household=here, year=default_year(), kind=InsuranceKind.BASIC, insured=False, voided=False
        )
    elif value == "major":
        found = Illness.objects.filter(household=here, kind=IllnessKind.MAJOR, voided=False)
    elif value == "central":
        found = Illness.objects.filter(household=here, disease__in=CENTRAL_DISEASES, voided=False)
    elif value == "aid":
        found = Expense.objects.filter(
            household=here, visited_on__year=timezone.localdate().year, aid__gt=0, voided=False
        )
    else:
        return households
    return households.filter(Exists(found))


HEALTH_FILTER = ListFilter(name="health", label=_("健康扶贫"), choices=CHOICES, method=by_health)
