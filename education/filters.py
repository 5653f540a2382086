"""The registry list's filter this app adds (households.filters.register_list_filter): households by what the
education records say for the current school year (plan ch. 5 §2)."""

from django.db.models import Exists, OuterRef, QuerySet

from households.models import Household

from .models import Enrolment, LeftBehindChild
from .selectors import current_school_year

CHOICES = (
    ("student", "有在籍学生（本学年）"),
    ("dropout", "有辍学学生（本学年）"),
    ("left_behind", "有留守儿童（在档）"),
)


def filter_households(households: QuerySet[Household], value: str) -> QuerySet[Household]:
    """Narrow already-scoped households by an `Exists` on the enrolments or 留守儿童 files."""
    enrolments = Enrolment.objects.valid().filter(household=OuterRef("pk"), school_year=current_school_year())
    if value == "student":
        return households.filter(Exists(enrolments))
    if value == "dropout":
        return households.filter(Exists(enrolments.filter(status="辍学")))
    if value == "left_behind":
        return households.filter(
            Exists(LeftBehindChild.objects.filter(household=OuterRef("pk"), closed_on__isnull=True))
        )
    return households
