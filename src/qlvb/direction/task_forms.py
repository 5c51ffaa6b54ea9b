"""Forms of the task pages. They parse input only; the services hold the rules (a due date in the past, a
handler outside the agency, a department head giving outside his department are refused there)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from qlvb.assignments.assigning import Target
from qlvb.core.forms import DATE, StyledForm
from qlvb.core.permissions import has
from qlvb.directory import people
from qlvb.directory.models import Unit, User

from . import task_policies as policies
from .task_models import Recurrence, TaskFileKind, TaskPriority, TaskStatus


def target_choices(actor: User) -> list[tuple[str, str]]:
    """Whom ``actor`` may give a task: the departments and the people of his agency for a leader, his own
    department and its people for a department head ("u:<unit>", "p:<person>")."""
    unit = actor.unit
    if unit is None:
        return []
    agency = unit.agency or unit
    departments = [d for d in people.departments_of(agency) if has(actor, policies.TASK_CREATE, unit=d)]
    choices = [(f"u:{d.pk}", str(_("Phòng: %(name)s") % {"name": d.name})) for d in departments]
    persons = User.objects.filter(unit__agency=agency, is_active=True).select_related("unit").order_by("full_name")
    choices += [
        (f"p:{u.pk}", f"{u.full_name} ({u.unit.short_name})")
        for u in persons
        if u.unit is not None and has(actor, policies.TASK_CREATE, unit=u.unit)
    ]
    return choices


def target_of(value: str, role: str) -> Target:
    kind, _sep, pk = value.partition(":")
    if kind == "u":
        return Target(role=role, unit=Unit.objects.filter(pk=pk).first())
    return Target(role=role, user=User.objects.select_related("unit").filter(pk=pk).first())


def _ids(value: str, what: str = "văn bản") -> list[int]:
    out = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(_("Ghi mã %(what)s bằng số, cách nhau bằng dấu phẩy.") % {"what": what})
        out.append(int(part))
    return out


class IdsField(forms.Field):
    """Ids of documents or dossiers: the picker's ticked boxes (one value each), or ids typed with commas."""

    def __init__(self, *args: Any, what: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.what = what

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value or ""]
        what = str(self.what) if self.what else "văn bản"
        return sorted({i for v in values for i in _ids(str(v), what)})


class ChosenIds(forms.MultipleHiddenInput):
    """The dossiers' ids, read from the request; the picker (on the documents field) shows them."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return mark_safe("")


class LinkPicker(forms.Widget):
    """The documents-and-dossiers picker: the chosen ones as ticked boxes, a search (number, notation, subject)
    whose results come as more boxes (HTMX from ``direction:task_link_choices``; without JavaScript, the
    "Tìm" button posts the form back with the results)."""

    actor: User | None = None
    query: str = ""
    dossier_ids: list[int] = []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        from .task_links import chosen_labels, link_choices

        try:
            document_ids = IdsField().to_python(value)
        except forms.ValidationError:
            document_ids = []
        chosen = chosen_labels(self.actor, document_ids, self.dossier_ids) if self.actor else []
        taken = {(c.kind, c.id) for c in chosen}
        results = [c for c in link_choices(self.actor, self.query) if (c.kind, c.id) not in taken] if self.actor else []
        return mark_safe(  # noqa: S308  (a template's output, escaped by it)
            render_to_string(
                "direction/tasks/_link_picker.html",
                {
                    "chosen": chosen,
                    "results": results,
                    "query": self.query,
                    "searched": bool(self.query),
                    "input_id": (attrs or {}).get("id") or "link-q",
                },
            )
        )


def link_picker_bind(form: forms.Form, actor: User) -> None:
    """Give the form's picker its viewer, the dossiers chosen, and the search asked by "Tìm" (no JavaScript)."""
    widget = form.fields["documents"].widget
    assert isinstance(widget, LinkPicker)
    widget.actor = actor
    data = form.data if form.is_bound else {}
    if form.is_bound and data.get("action") == "search":
        widget.query = str(data.get("q", ""))[:200]
    raw = data.getlist("dossiers") if hasattr(data, "getlist") else form.initial.get("dossiers", [])
    try:
        widget.dossier_ids = IdsField().to_python(list(raw))
    except forms.ValidationError:
        widget.dossier_ids = []


class LinksMixin(forms.Form):
    """The picker's two fields: a wrong dossier id is said under the picker (the dossiers' field is hidden)."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        for error in self.errors.pop("dossiers", []):
            self.add_error("documents", error)
        return self.cleaned_data


class TaskLinksForm(LinksMixin, StyledForm):
    """The links of a task changed after it was given (``/cong-viec/<id>/van-ban/``)."""

    documents = IdsField(label=_("Văn bản, hồ sơ liên quan"), required=False, widget=LinkPicker())
    dossiers = IdsField(label=_("Hồ sơ liên quan"), required=False, what=_("hồ sơ"), widget=ChosenIds())

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        link_picker_bind(self, actor)  # the form's own copy of the widget holds the viewer


class TaskForm(LinksMixin, StyledForm):
    title = forms.CharField(label=_("Tên công việc"), max_length=500)
    content = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.ChoiceField(label=_("Chủ trì"))
    supports = forms.MultipleChoiceField(label=_("Phối hợp"), required=False)
    infos = forms.MultipleChoiceField(label=_("Để biết"), required=False)
    due_date = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)
    priority = forms.TypedChoiceField(
        label=_("Mức độ ưu tiên"), choices=TaskPriority.choices, coerce=int, initial=TaskPriority.NORMAL
    )
    recurrence = forms.ChoiceField(label=_("Lặp lại"), choices=Recurrence.choices, required=False)
    documents = IdsField(label=_("Văn bản, hồ sơ liên quan"), required=False, widget=LinkPicker())
    dossiers = IdsField(label=_("Hồ sơ liên quan"), required=False, what=_("hồ sơ"), widget=ChosenIds())
    file = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        link_picker_bind(self, actor)
        choices = target_choices(actor)
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["supports"].choices = choices  # type: ignore[attr-defined]
        self.fields["infos"].choices = [c for c in choices if c[0].startswith("p:")]  # type: ignore[attr-defined]
        self.fields["supports"].widget.attrs["size"] = 5
        self.fields["infos"].widget.attrs["size"] = 5

    def targets(self) -> list[Target]:
        d = self.cleaned_data
        targets = [target_of(d["lead"], "lead")]
        targets += [target_of(v, "support") for v in d["supports"]]
        targets += [target_of(v, "info") for v in d["infos"]]
        return targets


class FromDocumentForm(StyledForm):
    """A document's directive turned into tasks: one line, one task."""

    items = forms.CharField(label=_("Các nhiệm vụ (mỗi dòng một nhiệm vụ)"), widget=forms.Textarea(attrs={"rows": 5}))
    lead = forms.ChoiceField(label=_("Chủ trì"))
    supports = forms.MultipleChoiceField(label=_("Phối hợp"), required=False)
    due_date = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = target_choices(actor)
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["supports"].choices = choices  # type: ignore[attr-defined]

    def titles(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.cleaned_data["items"].splitlines() if line.strip(" -•\t")]


class FollowOutgoingForm(StyledForm):
    """An issued outgoing document that gives work to another agency, followed by one of ours."""

    title = forms.CharField(label=_("Nhiệm vụ giao"), max_length=500)
    outside_lead = forms.CharField(label=_("Cơ quan được giao chủ trì"), max_length=500)
    follower = forms.ChoiceField(label=_("Cán bộ theo dõi"))
    due_date = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)

    def __init__(self, *args: Any, actor: User, recipients: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [c for c in target_choices(actor) if c[0].startswith("p:")]
        self.fields["follower"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        if recipients:  # a "văn bản giao nhiệm vụ": every recipient at once, each its own task
            del self.fields["outside_lead"]
            self.fields["recipients"] = forms.MultipleChoiceField(
                label=_("Nơi nhận được giao (mỗi nơi một công việc)"),
                choices=[(r, r) for r in recipients],
                initial=recipients,
                widget=forms.CheckboxSelectMultiple,
            )
            self.order_fields(["title", "recipients", "follower", "due_date"])


class TaskFileForm(StyledForm):
    kind = forms.ChoiceField(label=_("Loại tệp"), choices=TaskFileKind.choices, initial=TaskFileKind.RESULT)
    file = forms.FileField(label=_("Tệp"))


class TaskFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Mọi trạng thái")), *TaskStatus.choices], required=False
    )
    due_from = forms.DateField(label=_("Hạn từ ngày"), required=False, widget=DATE)
    due_to = forms.DateField(label=_("Hạn đến ngày"), required=False, widget=DATE)
    assigner = forms.ModelChoiceField(
        label=_("Người giao"), queryset=User.objects.none(), required=False, empty_label=_("Mọi người giao")
    )

    def __init__(self, *args: Any, agency: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agency is not None:
            self.fields["assigner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
                role_assignments__role__in=["leader", "dept_leader"], unit__agency=agency, is_active=True
            ).distinct()
