"""django-import-export resources for the admin import/export of reference tables."""

from import_export import fields, resources, widgets

from .models import Area


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
