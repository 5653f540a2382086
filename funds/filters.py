"""The registry list's filter this app adds: households that benefit from a poverty-alleviation project."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from households.filters import ListFilter
from households.models import Household

from .models import Beneficiary


def by_beneficiary(households: QuerySet[Household], value: str) -> QuerySet[Household]:
    benefits = Exists(
        Beneficiary.objects.filter(household=OuterRef("pk"), voided_at__isnull=True, project__voided_at__isnull=True)
    )
    if value == "yes":
        return households.filter(benefits)
    if value == "no":
        return households.filter(~benefits)
    return households


BENEFICIARY_FILTER = ListFilter(
    name="fund_project",
    label=_("扶贫项目受益"),
    choices=(("yes", _("是项目受益户")), ("no", _("不是项目受益户"))),
    method=by_beneficiary,
)
