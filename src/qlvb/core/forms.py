"""What every app's page forms share: Bootstrap's classes on every widget (``StyledForm``) and the date
input typed dd/mm/yyyy (``DATE``; ``settings.DATE_INPUT_FORMATS`` also accepts ISO). Forms parse input
only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from qlvb.core.statements import KeptStatement

# Dates are typed dd/mm/yyyy like the rest of the interface: a browser's native date picker shows the
# browser's own locale order (e.g. mm/dd/yyyy).
DATE = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "class": "form-control", "autocomplete": "off"},
    format="%d/%m/%Y",
)


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes (a class set by the form itself is kept)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The choices read with one plain query: Django reads them with ``iterator()``, which on PostgreSQL
    is a server-side cursor — three round trips (DECLARE, FETCH, CLOSE) for a list of a few dozen rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = getattr(self.field, "listed", None)
        for obj in listed.fetch() if listed is not None else list(self.queryset):
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over a short list (document types, registers): the same field, one query.
    With ``listed`` (a ``core.statements.KeptStatement`` without parameters), the list is read through it
    and its queryset (``listed.build()``) checks the chosen value."""

    iterator = _ListedChoices

    def __init__(self, *args: Any, listed: KeptStatement[Any] | None = None, **kwargs: Any) -> None:
        if listed is not None:
            kwargs["queryset"] = listed.build()
        super().__init__(*args, **kwargs)
        self.listed = listed


class FlatSelectMultiple(forms.SelectMultiple):
    """``SelectMultiple`` whose options — flat choices, no groups — are made in one loop, each the dictionary
    ``ChoiceWidget.create_option`` makes (the same keys and values, so the same HTML): a list of every person of
    an agency made a method call and a copy of the attributes per option, ~80 Python calls each
    (docs/benchmarks.md, "CPU per request, part 8"). Grouped choices go through Django's own code."""

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices) or self.option_inherits_attrs:
            return super().optgroups(name, value, attrs)
        wanted = set(value)  # ``format_value``: the chosen values as text
        kind, template = self.input_type, self.option_template_name
        groups: list[Any] = []
        for index, (option_value, label) in enumerate(choices):
            if option_value is None:
                option_value = ""
            selected = str(option_value) in wanted
            option = {
                "name": name,
                "value": option_value,
                "label": label,
                "selected": selected,
                "index": str(index),
                "attrs": dict(self.checked_attribute) if selected else {},
                "type": kind,
                "template_name": template,
                "wrap_label": True,
            }
            groups.append((None, [option], index))
        return groups
