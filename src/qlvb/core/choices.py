"""A field's choice label, read from a table kept per field and language.

Django's ``get_<field>_display`` rebuilds a dictionary of the field's choices and translates each label on
every call: ~0.5 ms for the document's status (docs/benchmarks.md "CPU per request, part 4"), twice a row
of a list. ``choice_label`` answers the same text from a table built once per field and language.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=512)
def _labels(field: models.Field[Any, Any], language: str | None) -> dict[Any, str]:
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


def choice_label(instance: models.Model, name: str) -> Any:
    """What ``instance.get_<name>_display()`` answers, in the active language."""
    field = instance._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column with choices, not a reverse relation
    value = getattr(instance, field.attname)
    return _labels(field, get_language()).get(make_hashable(value), value)
