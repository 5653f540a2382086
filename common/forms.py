"""Form helpers every app's views use."""

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, if the form has it, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def half_width(value: str) -> str:
    """Full-width digits, letters and punctuation as typed by a Chinese input method, made half-width (NFKC),
    and trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


PHOTO_TYPES = ("JPEG", "PNG")


class PhotoField(forms.ImageField):
    """A JPG or PNG photo, checked by its content (Pillow), not by its name; the size is capped."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("照片"))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = "image/jpeg,image/png"
        self.help_text = _("可选，JPG 或 PNG，不超过 %(mb)s MB。") % {
            "mb": settings.VISIT_PHOTO_MAX_BYTES // (1024 * 1024)
        }

    def clean(self, data: Any, initial: Any = None) -> Any:
        photo = super().clean(data, initial)
        if not photo:
            return photo
        if photo.size > settings.VISIT_PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("照片太大（%(mb).1f MB），请压缩到 %(max)s MB 以内。")
                % {"mb": photo.size / 1024 / 1024, "max": settings.VISIT_PHOTO_MAX_BYTES // (1024 * 1024)}
            )
        # ImageField has opened it with Pillow: the format comes from the content, not the file name.
        if getattr(getattr(photo, "image", None), "format", None) not in PHOTO_TYPES:
            raise forms.ValidationError(_("照片只能是 JPG 或 PNG 图片。"))
        return photo
