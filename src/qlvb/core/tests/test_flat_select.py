"""``core.forms.FlatSelectMultiple`` writes the same HTML as Django's ``SelectMultiple``: unbound and bound, with
values chosen or not, markup and quotes in the labels, an empty value, a field in error, grouped choices (left to
Django), through the project's form renderer as every page renders it."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from qlvb.core.forms import FlatSelectMultiple, StyledForm

CHOICES: list[Any] = [
    (1, "Nguyễn Văn An"),
    (2, 'Trần "Bình" <b>&</b>'),
    ("", "— trống —"),
    (30, "Lê Thu Hà"),
    ("x y", "khoảng trắng"),
]
GROUPED: list[Any] = [("Phòng A", [(1, "An"), (2, "Bình")]), (3, "Hà")]


def _forms(choices: list[Any], data: dict[str, Any] | None) -> tuple[forms.Form, forms.Form]:
    class Plain(StyledForm):
        people = forms.MultipleChoiceField(label="Người", choices=choices)

    class Flat(StyledForm):
        people = forms.MultipleChoiceField(label="Người", choices=choices, widget=FlatSelectMultiple)

    for form_class in (Plain, Flat):
        form_class.base_fields["people"].widget.attrs["size"] = 6
    return Plain(data), Flat(data)


@pytest.mark.parametrize(
    "data",
    [None, {}, {"people": ["2", "30"]}, {"people": ["1"]}, {"people": ["99"]}, {"people": ["x y", ""]}],
)
@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
def test_the_same_html_as_djangos_widget(data: dict[str, Any] | None, choices: list[Any]) -> None:
    plain, flat = _forms(choices, data)
    if data is not None:
        assert plain.is_valid() == flat.is_valid()
    assert str(flat["people"]) == str(plain["people"])
    assert str(flat["people"]).count("<option") == sum(len(c[1]) if isinstance(c[1], list) else 1 for c in choices)


def test_chosen_values_are_marked() -> None:
    _plain, flat = _forms(CHOICES, {"people": ["2", "30"]})
    html = str(flat["people"])
    assert '<option value="2" selected>Trần &quot;Bình&quot; &lt;b&gt;&amp;&lt;/b&gt;</option>' in html
    assert '<option value="30" selected>Lê Thu Hà</option>' in html
    assert '<option value="1">Nguyễn Văn An</option>' in html
    assert "multiple" in html and 'class="form-select"' in html
