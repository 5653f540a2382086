"""django-import-export resources for the admin import/export of reference tables."""

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .models import PARENT_LEVEL, Area, AreaLevel


class AreaResource(resources.ModelResource):
    parent = fields.Field(
        column_name="parent_code", attribute="parent", widget=widgets.ForeignKeyWidget(Area, field="code")
    )

    class Meta:
        model = Area
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "parent"]
        export_order = ["code", "name", "level", "parent"]
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance: Area, row: Any, **kwargs: Any) -> None:
        """The same tree rules as load_areas: a known level, and the parent exactly one level up."""
        if instance.level not in AreaLevel.values:
            raise ValidationError(f"级别“{instance.level}”无效，只能是 district、town 或 village。")
        expected = PARENT_LEVEL[AreaLevel(instance.level)]
        parent_level = instance.parent.level if instance.parent else None
        if parent_level != expected:
            raise ValidationError(
                f"{AreaLevel(instance.level).label}“{instance.name}”的上级应是"
                f"{AreaLevel(expected).label if expected else '空'}。"
            )
