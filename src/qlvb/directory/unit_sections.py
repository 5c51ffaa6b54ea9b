"""More sections of an agency's page (``/quan-tri/don-vi/<pk>/``), filled at start-up by the apps above
this layer, as the other registries are (``documents.visibility``): a section is
``section(request, actor, unit) -> str | None``, the rendered HTML of a card (``None``: nothing to show
here). The incoming flow adds the agency's seen-receipt setting ("Ghi nhận đã xem") this way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Unit, User

UnitSection = Callable[["HttpRequest", "User", "Unit"], "str | None"]
_SECTIONS: list[UnitSection] = []


def unit_section_register(section: UnitSection) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def unit_sections(request: HttpRequest, actor: User, unit: Unit) -> list[SafeString]:
    """The registered sections' HTML for this unit (already escaped by their templates)."""
    found = (section(request, actor, unit) for section in _SECTIONS)
    return [mark_safe(html) for html in found if html]  # noqa: S308 — rendered by Django templates
