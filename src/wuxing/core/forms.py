"""Helpers shared by forms across apps."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError, password_field: str | None = None) -> None:
    """Put a service's ValidationError onto the form, field by field where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    elif password_field is not None and any(getattr(e, "code", "") and "password" in e.code for e in exc.error_list):
        form.add_error(password_field, exc)
    else:
        form.add_error(None, exc)
