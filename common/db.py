"""Query helpers for set-based reads of many rows."""

from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, QuerySet


@Field.register_lookup
class AnyOf(Lookup):
    """`field = ANY(%s)` with the values as one array parameter (PostgreSQL). Unlike `IN (SELECT unnest(…))`
    the planner cannot turn it into a nested-loop semi-join that compares every row with every value when its
    statistics lag a bulk load (autovacuum off, or minutes behind): it stays an index condition."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [list(value)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


# Foreign keys keep their own lookups: `household_id__any_of` compares the column, ids as values.
ForeignObject.register_lookup(AnyOf)


def filter_in(queryset: QuerySet, field: str, values: list, *, bounded: bool = False) -> QuerySet:
    """`field IN values`. On PostgreSQL the values travel as one array parameter (`= ANY(%s)`), so a query can
    carry tens of thousands of keys without Django preparing each as a parameter of its own (the import and
    the recompute), and its plan does not depend on fresh statistics.

    With `bounded` (sortable keys such as ids), the range of the values is added too: PostgreSQL then reads
    just that stretch of the index instead of the whole table for a chunk of consecutive ids.
    """
    if not values:
        return queryset.none()  # an empty array has no type PostgreSQL could infer
    if bounded:
        queryset = queryset.filter(**{f"{field}__gte": min(values), f"{field}__lte": max(values)})
    if connection.vendor == "postgresql":
        return queryset.filter(**{f"{field}__any_of": values})
    return queryset.filter(**{f"{field}__in": values})
