"""``{% load i18n %}`` loads ``web.templatetags.kept_i18n``: a constant ``{% translate %}`` is kept per language,
and every template renders what Django's own library renders — in Vietnamese and English, twice (the second time
from what was kept), with ``as``, filters, ``context``, ``noop``, a variable, percent signs and markup."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.template import Context, Engine
from django.template import engines as configured
from django.utils import translation

from qlvb.web.templatetags import kept_i18n


def _engine() -> Any:
    return cast(Any, configured["django"]).engine  # the project's engine: {% load i18n %} is kept_i18n


SOURCE = (
    "{% load i18n %}"
    '<p>{% translate "Tìm kiếm văn bản" %}|{% trans "Đăng xuất" %}|{% translate "Tìm" noop %}'
    '|{% translate "Tìm" context "động từ" %}|{% translate "Sau" as later %}[{{ later }}]'
    '|{% translate "Trước"|upper %}|{% translate message %}|{% translate "100%% <b>đậm</b> & \'x\'" %}'
    '|{% autoescape off %}{% translate "Tìm" %}{% endautoescape %}'
    "|{% blocktranslate with n=3 %}Trang {{ n }}/{{ n }}{% endblocktranslate %}</p>"
)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_same_text_as_djangos_library(language: str) -> None:
    kept = _engine()
    plain = Engine(libraries={"i18n": "django.templatetags.i18n"})  # Django's own i18n library
    assert kept.template_libraries["i18n"] is kept_i18n.register
    context = {"message": "Đăng xuất"}
    with translation.override(language):
        expected = plain.from_string(SOURCE).render(Context(context))
        first = kept.from_string(SOURCE).render(Context(context))
        second = kept.from_string(SOURCE).render(Context(context))
    assert first == second == expected
    if language == "en":
        assert "Sign out" in expected  # the catalogue was read: the test compares translated text


def test_a_language_switch_is_seen() -> None:
    template = _engine().from_string('{% load i18n %}{% translate "Đăng xuất" %}')
    with translation.override("vi"):
        assert template.render(Context()) == "Đăng xuất"
    with translation.override("en"):
        assert template.render(Context()) == "Sign out"
    with translation.override("vi"):
        assert template.render(Context()) == "Đăng xuất"
