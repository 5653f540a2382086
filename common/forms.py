"""Form helpers every app's views use."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError


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
