"""The fields of a page's form as a browser would send them (the locustfile fills and posts forms with it)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class FormFields(HTMLParser):
    """The fields of the page's main form (``form[method=post]`` holding ``csrfmiddlewaretoken``): what a
    browser would send when the person only fills what the caller gives."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select_name: str | None = None
        self._textarea_name: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}, "required": set()}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "option" and self._select_name:
            self._option(a)
        elif name and tag in ("input", "select", "textarea"):
            if "required" in a:
                self._form["required"].add(name)
            getattr(self, f"_{tag}")(name, a)

    def _input(self, name: str, a: dict[str, str]) -> None:
        kind = a.get("type", "text").lower()
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                self._form["fields"][name] = a.get("value", "on")
        elif kind not in ("file", "submit", "button"):
            self._form["fields"][name] = a.get("value", "")

    def _select(self, name: str, a: dict[str, str]) -> None:
        self._select_name = name
        self._form["options"] = self._form.get("options", {})
        self._form["options"][name] = []
        self._form["fields"].setdefault(name, None)
        self._form["multiple"] = self._form.get("multiple", set()) | ({name} if "multiple" in a else set())

    def _option(self, a: dict[str, str]) -> None:
        """As a browser: the selected option, else the first one (of a single choice); the person then picks
        the first real one where a choice is required (``main``)."""
        name = self._select_name
        value = a.get("value", "")
        self._form["options"][name].append(value)
        if "selected" in a:
            self._form["fields"][name] = value

    def _textarea(self, name: str, a: dict[str, str]) -> None:
        self._textarea_name = name
        self._form["fields"][name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select_name = None
        elif tag == "textarea":
            self._textarea_name = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._textarea_name and self._form is not None:
            self._form["fields"][self._textarea_name] += data

    def main(self) -> dict[str, Any]:
        with_token = [f for f in self.forms if "csrfmiddlewaretoken" in f["fields"]]
        if not with_token:
            raise AssertionError("no form with a CSRF token on the page")
        form = max(with_token, key=lambda f: len(f["fields"]))  # the page's form, not the sign-out button
        fields = form["fields"]
        for name, options in form.get("options", {}).items():
            if fields[name] is None and options and name not in form.get("multiple", set()):
                fields[name] = options[0]
            if not fields[name] and name in form["required"]:
                fields[name] = next((o for o in options if o), None)
        form["fields"] = {k: v for k, v in fields.items() if v is not None}
        return form


def form_of(html: str) -> dict[str, Any]:
    parser = FormFields()
    parser.feed(html)
    return parser.main()
