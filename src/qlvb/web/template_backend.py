"""The template backend: Django's own, whose check of library names knows the project's two replacements.

``settings.TEMPLATES`` loads ``web.templatetags.kept_i18n`` for ``{% load i18n %}`` and ``kept_static`` for
``{% load static %}`` on purpose (Django's libraries with their constant tags kept). Django's check
``templates.W003`` warns of any library name with two modules; here it still does, except for exactly those two
pairs — so ``manage.py check --deploy`` stays clean and a name used twice by accident is still reported."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.checks import Warning as CheckWarning
from django.template.backends.django import DjangoTemplates, get_template_tag_modules

REPLACED = {
    "i18n": frozenset({"django.templatetags.i18n", "qlvb.web.templatetags.kept_i18n"}),
    "static": frozenset({"django.templatetags.static", "qlvb.web.templatetags.kept_static"}),
}


class Templates(DjangoTemplates):
    def _check_for_template_tags_with_the_same_name(self) -> list[Any]:
        libraries: defaultdict[str, set[str]] = defaultdict(set)
        for module_name, module_path in get_template_tag_modules():
            libraries[module_name].add(module_path)
        for module_name, module_path in self.engine.libraries.items():
            libraries[module_name].add(module_path)
        return [
            CheckWarning(
                f"{name!r} is used for multiple template tag modules: {', '.join(repr(i) for i in sorted(items))}",
                obj=self,
                id="templates.W003",
            )
            for name, items in libraries.items()
            if len(items) > 1 and frozenset(items) != REPLACED.get(name)
        ]
