"""``{% url %}`` (a builtin of the project's engine) and ``{% load static %}`` keep the address of a constant
name or path; every template renders what Django's own tags render — a constant name, a name with arguments, a
name in a variable, ``as``; a constant path, ``as`` — twice (the second time from what was kept), and a changed
script prefix (a deployment under a sub-path) is seen."""

from __future__ import annotations

from typing import Any, cast

from django.template import Context, Engine
from django.template import engines as configured
from django.urls import get_script_prefix, reverse, set_script_prefix

from qlvb.web.templatetags import kept_static, kept_url

SOURCE = (
    "{% load static %}"
    "<a href=\"{% url 'web:home' %}\">{% url 'web:search' %}</a>|{% url 'incoming:detail' 12 %}"
    "|{% url name %}|{% url 'web:search' as found %}[{{ found }}]"
    "|{% static 'web/qlvb.css' %}|{% static 'vendor/htmx/htmx.min.js' as js %}[{{ js }}]|{% static path %}"
)


def _engine() -> Any:
    return cast(Any, configured["django"]).engine


def test_the_same_addresses_as_djangos_tags() -> None:
    kept = _engine()
    assert kept.template_libraries["static"] is kept_static.register
    assert kept_url.register in kept.template_builtins
    plain = Engine(libraries={"static": "django.templatetags.static"})
    context = {"name": "web:home", "path": "web/qlvb.css"}
    expected = plain.from_string(SOURCE).render(Context(context))
    first = kept.from_string(SOURCE).render(Context(context))
    second = kept.from_string(SOURCE).render(Context(context))
    assert first == second == expected
    assert reverse("web:search") in expected and "/van-ban-den/12/" in expected


def test_a_changed_script_prefix_is_seen() -> None:
    template = _engine().from_string("{% url 'web:search' %}")
    before = get_script_prefix()
    try:
        assert template.render(Context()) == "/tim-kiem/"
        set_script_prefix("/qlvb/")
        assert template.render(Context()) == "/qlvb/tim-kiem/"
    finally:
        set_script_prefix(before)
    assert template.render(Context()) == "/tim-kiem/"


def test_the_library_name_check_still_reports_a_name_used_twice_by_accident() -> None:
    """``manage.py check``: the two deliberate replacements are not reported, any other name used twice is."""
    from qlvb.web.template_backend import Templates

    params = {"DIRS": [], "APP_DIRS": True, "NAME": "check", "OPTIONS": {}}
    ours = Templates({**params, "OPTIONS": {"libraries": {"i18n": "qlvb.web.templatetags.kept_i18n"}}})
    assert ours._check_for_template_tags_with_the_same_name() == []
    accident = Templates({**params, "OPTIONS": {"libraries": {"qlvb_web": "qlvb.web.templatetags.kept_url"}}})
    warnings = accident._check_for_template_tags_with_the_same_name()
    assert [w.id for w in warnings] == ["templates.W003"] and "'qlvb_web'" in warnings[0].msg
