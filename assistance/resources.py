"""The cadre roster (干部名册) as an Excel sheet for the admin's import/export (django-import-export): dry run
with every row's problems, then confirm. Column names are the roster's own Chinese headings."""

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from households.phone import PhoneError, parse_phone

from .models import Cadre
from .rules import grade_refusal, rank_of_grade


class YesNoWidget(widgets.BooleanWidget):
    """是 / 否 in the sheet; a blank cell is 否."""

    TRUE = ("是", "√", "1", "TRUE", "Y", "y", "true")
    FALSE = ("否", "×", "0", "FALSE", "N", "n", "false", "")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = str(value if value is not None else "").strip()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"“{text}”不是“是”或“否”。")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "是" if value else "否"


class TextWidget(widgets.CharWidget):
    """Text as typed, a phone number stored by Excel as a number included (13800000000.0 → 13800000000)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value if value is not None else "").strip()


def _text(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


def _yes_no(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=YesNoWidget())


class CadreResource(resources.ModelResource):
    name = _text("name", "姓名")
    sex = _text("sex", "性别")
    unit = _text("unit", "帮扶单位")
    unit_type = _text("unit_type", "单位类型")
    rank = _text("rank", "干部类别")
    grade = _text("grade", "职务级别")
    phone = _text("phone", "联系电话")
    first_secretary = _yes_no("first_secretary", "第一书记")
    work_team = _yes_no("work_team", "驻村工作队员")
    active = _yes_no("active", "在岗")
    note = _text("note", "备注")

    class Meta:
        model = Cadre
        # Two cadres of the same name are told apart by their phone, as in the ledger import.
        import_id_fields = ["name", "phone"]
        fields = [
            "name", "sex", "unit", "unit_type", "rank", "grade", "phone", "first_secretary", "work_team", "active",
            "note",
        ]  # fmt: skip
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True  # choices and constraints are checked row by row, in the dry run too

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        raw = row.get("联系电话")
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        try:
            row["联系电话"] = parse_phone(str(raw if raw is not None else ""))
        except PhoneError as exc:
            raise ValidationError({"phone": str(exc)}) from exc
        row["姓名"] = "".join(str(row.get("姓名") or "").split())
        if not row["姓名"]:
            raise ValidationError({"name": "缺少姓名。"})

    def before_save_instance(self, instance: Cadre, row: Any, **kwargs: Any) -> None:
        if instance.grade and not instance.rank:
            instance.rank = rank_of_grade(instance.grade) or ""
        refusal = grade_refusal(rank=instance.rank, grade=instance.grade)
        if refusal:
            raise ValidationError(refusal)
