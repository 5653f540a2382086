"""django-import-export resources for the admin import/export of the yearly standards."""

from import_export import resources

from .models import PovertyStandard


class PovertyStandardResource(resources.ModelResource):
    class Meta:
        model = PovertyStandard
        import_id_fields = ["year"]
        fields = ["year", "poverty_line", "dibao_line"]
        skip_unchanged = True
        report_skipped = True
