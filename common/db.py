"""Query helpers for set-based reads of many rows."""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


def filter_in(queryset: QuerySet, field: str, values: list, *, bounded: bool = False) -> QuerySet:
    """`field IN values`. On PostgreSQL the values travel as one array parameter, so a query can carry tens of
    thousands of keys without Django preparing each as a parameter of its own (the import and the recompute).

    With `bounded` (sortable keys such as ids), the range of the values is added too: PostgreSQL then reads
    just that stretch of the index instead of the whole table for a chunk of consecutive ids.
    """
    if not values:
        return queryset.none()  # an empty array has no type PostgreSQL could infer
    if bounded:
        queryset = queryset.filter(**{f"{field}__gte": min(values), f"{field}__lte": max(values)})
    if connection.vendor == "postgresql":
        return queryset.filter(**{f"{field}__in": RawSQL("SELECT unnest(%s)", [values])})
    return queryset.filter(**{f"{field}__in": values})
