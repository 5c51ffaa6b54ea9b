"""The Phụ lục VI metadata a channel hands in for a received document (Nghị định 30/2020): one list, used
by receiving (``IncomingData`` and its checks), the receive and correct forms, the API schemas and the
exchange (the metadata of a copy delivered inside the deployment). Labels and length limits are those of
the ``Document`` model's fields, so a limit changed there changes everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst

from qlvb.core.bounds import SmallCount
from qlvb.documents.models import Document

# In the order of the receive form.
INCOMING_FIELDS: tuple[str, ...] = (
    "doc_type",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "organ_id",
    "subject",
    "signer_position",
    "signer_name",
    "urgency",
    "secrecy",
    "page_amount",
    "due_date",
    "to_places",
    "document_identifier",
    "language",
    "description",
)


def _field(name: str) -> models.Field[Any, Any]:
    field = Document._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


# What a clerk may correct after registration: all but the secrecy (a secret document is never received).
CORRECTABLE: tuple[str, ...] = tuple(name for name in INCOMING_FIELDS if name != "secrecy")


# The free-text fields, each with the model's length limit (checked when any channel hands them in).
TEXT_FIELDS: tuple[str, ...] = tuple(
    name
    for name in INCOMING_FIELDS
    if isinstance(_field(name), models.CharField) and not _field(name).choices  # secrecy is a choice
)


def label(name: str) -> str:
    """The field's label in the current language ("Trích yếu")."""
    return capfirst(str(_field(name).verbose_name))


def max_length(name: str) -> int:
    limit = _field(name).max_length
    assert limit is not None, name
    return limit


def form_field(name: str, **overrides: Any) -> forms.Field:
    """The form field of one metadata field: the model's label, limit and requiredness (``overrides`` for the
    widget, a narrower queryset or range)."""
    field = _field(name).formfield(**overrides)
    assert field is not None, name
    return field


def values_of(document: Document, *, omit: tuple[str, ...] = ()) -> dict[str, Any]:
    """The document's metadata, by field name (``omit``: fields a channel does not carry)."""
    return {name: getattr(document, name) for name in INCOMING_FIELDS if name not in omit}


def schema_fields(*, optional: bool, omit: tuple[str, ...] = ()) -> dict[str, Any]:
    """The API's fields for the metadata, as ``pydantic.create_model`` takes them: the type from the model
    field, the model's default (``optional``: every field may be left out, ``None`` = unchanged). The
    document type is named (``"Quyết định"``); lengths are checked by the service, which names the field."""
    out: dict[str, Any] = {}
    for name in INCOMING_FIELDS:
        if name in omit:
            continue
        field = _field(name)
        kind: Any
        if isinstance(field, models.ForeignKey | models.CharField):
            kind = str
        elif isinstance(field, models.DateField):
            kind = dt.date
        else:
            kind = SmallCount
        if optional or isinstance(field, models.DateField) or (field.null and not field.has_default()):
            out[name] = (kind | None, None)
        elif field.has_default():
            out[name] = (kind, field.get_default())
        elif field.blank:
            out[name] = (kind, "")
        else:
            out[name] = (kind, ...)
    return out
