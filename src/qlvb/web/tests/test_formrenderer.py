"""The form renderer writes the common widgets exactly as Django's templates do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from qlvb.web.formrenderer import FormRenderer


class Everything(forms.Form):
    q = forms.CharField(
        max_length=20, required=False, widget=forms.TextInput(attrs={"class": "form-control", "placeholder": 'a"<b>'})
    )
    status = forms.ChoiceField(choices=[("", "Mọi <trạng thái>"), ("a", "A & B"), ("b", mark_safe("<i>B</i>"))])
    grouped = forms.ChoiceField(choices=[("Nhóm 1", [("1", "một"), ("2", "hai")]), ("3", "ba")])
    number = forms.IntegerField(initial=1000)
    amount = forms.DecimalField(initial=1234.5)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date(2025, 1, 2))
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    flag = forms.BooleanField(initial=True)
    many = forms.MultipleChoiceField(choices=[("1", "x"), ("2", "y")], initial=["2"])
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x'y")
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="p<w>")
    radio = forms.ChoiceField(choices=[("1", "x")], widget=forms.RadioSelect)
    text = forms.CharField(widget=forms.Textarea)


def _both(data: dict[str, Any] | None) -> tuple[forms.Form, forms.Form]:
    return Everything(data, renderer=DjangoTemplates()), Everything(data, renderer=FormRenderer())


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": "<>&\"'", "status": "a", "grouped": "2", "number": "12", "day": "2024-03-04", "many": ["1", "2"]},
        {"status": "zzz", "flag": "on", "hidden": "<script>", "when": "2025-02-03T04:05"},
    ],
)
def test_same_text_as_django_templates(data: dict[str, Any] | None) -> None:
    django_form, ours = _both(data)
    for name in django_form.fields:
        assert str(ours[name]) == str(django_form[name]), name
    assert str(ours) == str(django_form)  # the whole form (div.html) still through its template


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30), st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12)), max_size=6))
def test_same_text_for_any_value_and_choices(value: str, choices: list[tuple[str, str]]) -> None:
    class AnyForm(forms.Form):
        q = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": value}))
        c = forms.ChoiceField(choices=choices, required=False)

    data = {"q": value, "c": value}
    assert str(AnyForm(data, renderer=FormRenderer())["q"]) == str(AnyForm(data, renderer=DjangoTemplates())["q"])
    assert str(AnyForm(data, renderer=FormRenderer())["c"]) == str(AnyForm(data, renderer=DjangoTemplates())["c"])


def test_the_setting_uses_it() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
