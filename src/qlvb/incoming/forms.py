"""Forms of the incoming pages. They parse input only; the services hold the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.assignments.forms import (  # noqa: F401  (the handling's forms, shared with the tasks of direction)
    AssignForm,
    CompleteForm,
    DecideForm,
    ExtensionForm,
    NoteForm,
    ReasonForm,
    RemindForm,
    ReportForm,
)
from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus
from qlvb.core.forms import DATE, ListedModelChoiceField, StyledForm
from qlvb.core.statements import KeptStatement
from qlvb.directory.models import Unit, User
from qlvb.documents.models import (
    MAX,
    AttachmentKind,
    Channel,
    Document,
    DocumentStatus,
    DocumentType,
    Secrecy,
    Urgency,
)

from . import fields, people
from .fields import INCOMING_FIELDS, form_field


def _metadata_form() -> type[StyledForm]:
    """A form of the Phụ lục VI fields (``fields.INCOMING_FIELDS``) with the model's labels and limits; only
    what the page needs differently is written here (widgets, the active types, the page range)."""
    page_needs: dict[str, dict[str, Any]] = {
        "doc_type": {"queryset": DocumentType.objects.filter(is_active=True)},
        "issued_date": {"widget": DATE},
        "due_date": {"widget": DATE},
        "subject": {"widget": forms.Textarea(attrs={"rows": 3})},
        "description": {"widget": forms.Textarea(attrs={"rows": 2})},
        "secrecy": {"choices": Secrecy.choices, "help_text": _("Văn bản mật không được tiếp nhận trên hệ thống.")},
        "page_amount": {
            "min_value": 1,
            "max_value": MAX["page_amount"],
            "help_text": _("Để trống: hệ thống tự đếm trang của tệp PDF."),
        },
    }
    declared = {name: form_field(name, **page_needs.get(name, {})) for name in INCOMING_FIELDS}
    return type("MetadataForm", (StyledForm,), declared)


if TYPE_CHECKING:
    MetadataForm = StyledForm
else:
    MetadataForm = _metadata_form()


class PhotoInput(forms.FileInput):
    """Several photos at once, straight from the phone's back camera."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """The pages photographed with the phone, in the order taken (files/photos.py makes one PDF of them)."""

    widget = PhotoInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in items]


class ReceiveForm(MetadataForm):
    channel = forms.ChoiceField(
        label=_("Kênh tiếp nhận"),
        choices=[(c.value, c.label) for c in (Channel.EMAIL, Channel.PAPER, Channel.MEDIUM, Channel.OTHER)],
    )
    main_file = forms.FileField(label=_("Tệp văn bản (PDF bản điện tử hoặc bản quét)"), required=False)
    appendix = forms.FileField(label=_("Phụ lục (nếu có)"), required=False)
    photos = PhotosField(
        label=_("Hoặc chụp các trang bằng điện thoại"),
        required=False,
        help_text=_(
            "Chụp lần lượt từng trang, đúng thứ tự: các ảnh thành một tệp PDF bản quét, rồi được nhận dạng chữ."
        ),
    )
    assigns_tasks = forms.BooleanField(
        label=_("Văn bản giao nhiệm vụ"),
        required=False,
        help_text=_("Văn bản giao việc cho cơ quan: lãnh đạo giao các nhiệm vụ theo văn bản và theo dõi thực hiện."),
    )
    defer_registration = forms.BooleanField(
        label=_("Chưa vào sổ: xem kết quả kiểm tra chữ ký số trước"),
        required=False,
        help_text=_("Văn bản chờ trong hộp “Chờ vào sổ”; văn thư vào sổ hoặc từ chối tiếp nhận sau khi xem kết quả."),
    )
    confirm_duplicate = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # Files already taken in on the submission that raised the duplicate warning: "main:12,appendix:13".
    # The service checks each one again (the clerk's own upload, recent, not attached elsewhere).
    kept_files = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photos") and data.get("main_file"):
            self.add_error("photos", _("Chọn tệp văn bản hoặc chụp ảnh các trang, không dùng cả hai."))
        return data

    def clean_kept_files(self) -> dict[str, int]:
        kept: dict[str, int] = {}
        for part in filter(None, (self.cleaned_data.get("kept_files") or "").split(",")):
            kind, _sep, pk = part.partition(":")
            if kind not in ("main", "appendix") or not pk.isdigit() or kind in kept:
                raise forms.ValidationError(_("Tham chiếu tệp đã chọn không hợp lệ: hãy chọn lại tệp."))
            kept[kind] = int(pk)
        return kept


# The metadata a clerk may correct after registration (not the channel, the files, the register or numbers).
CORRECTABLE = fields.CORRECTABLE


class CorrectForm(ReceiveForm):
    """ "Sửa thông tin văn bản": the Phụ lục VI fields of the receive form, filled with the document's values."""

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        kwargs["initial"] = {name: getattr(document, name) for name in CORRECTABLE}
        kwargs["initial"]["assigns_tasks"] = document.assigns_tasks
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in CORRECTABLE and name != "assigns_tasks":
                del self.fields[name]
        self.fields["doc_type"].queryset = DocumentType.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk=document.doc_type_id)
        )
        self.fields["page_amount"].help_text = ""


class FileForm(StyledForm):
    """Add a file to a registered document, or a new version of one of its files."""

    file = forms.FileField(label=_("Tệp"))
    target = forms.ChoiceField(label=_("Thêm làm"))

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = list(document.attachments.filter(superseded_at__isnull=True).order_by("ordinal"))
        choices: list[tuple[str, Any]] = []
        if not any(a.kind == AttachmentKind.MAIN for a in current):
            choices.append(("main", _("Tệp văn bản chính")))
        choices.append(("appendix", _("Phụ lục mới")))
        choices += [
            (
                f"replace:{a.pk}",
                _("Phiên bản mới của “%(name)s” (thay phiên bản %(v)s)") % {"name": a.name, "v": a.version},
            )
            for a in current
        ]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]


# The list's filter offers every document type on every page of the lists: the statement kept compiled.
DOCUMENT_TYPES: KeptStatement[DocumentType] = KeptStatement("incoming.document_types", DocumentType.objects.all)


class FilterForm(StyledForm):
    q = forms.CharField(label=_("Tìm nhanh"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=[("", _("Mọi trạng thái")), *DocumentStatus.choices], required=False
    )
    urgency = forms.TypedChoiceField(
        label=_("Độ khẩn"),
        choices=[("", _("Mọi độ khẩn")), *Urgency.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE)
    doc_type = ListedModelChoiceField(label=_("Loại văn bản"), listed=DOCUMENT_TYPES, required=False)
    organ = forms.CharField(label=_("Cơ quan ban hành"), required=False, max_length=200)
    assigns_tasks = forms.BooleanField(label=_("Chỉ văn bản giao nhiệm vụ"), required=False)


def target_choices(agency: Unit, *, units: bool = True, persons: bool = True) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    if units:
        choices += [(f"u:{u.pk}", str(u.name)) for u in people.departments_of(agency)]
    if persons:
        users = User.objects.filter(unit__agency=agency, is_active=True).select_related("unit").order_by("full_name")
        choices += [
            (f"p:{u.pk}", f"{u.full_name} — {u.position or (u.unit.short_name if u.unit else '')}") for u in users
        ]
    return choices


class DirectForm(StyledForm):
    directive = forms.CharField(
        label=_("Ý kiến chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 3, "data-qlvb-voice": True})
    )
    lead = forms.ChoiceField(label=_("Chủ trì"), error_messages={"required": _("Cần chọn đơn vị hoặc người chủ trì.")})
    lead_due = forms.DateField(label=_("Hạn xử lý của đơn vị chủ trì"), required=False, widget=DATE)
    supports = forms.MultipleChoiceField(label=_("Phối hợp"), required=False)
    support_due = forms.DateField(label=_("Hạn của đơn vị phối hợp"), required=False, widget=DATE)
    infos = forms.MultipleChoiceField(label=_("Để biết"), required=False)
    assigns_tasks = forms.BooleanField(
        label=_("Văn bản giao nhiệm vụ"),
        required=False,
        help_text=_("Đánh dấu để giao các nhiệm vụ theo văn bản và theo dõi thực hiện."),
    )

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = target_choices(agency)
        # "Chủ trì" starts empty: the leader chooses it, nothing is pre-selected for him.
        self.fields["lead"].choices = [("", _("— Chọn đơn vị hoặc người chủ trì —")), *choices]  # type: ignore[attr-defined]
        for name in ("supports", "infos"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]


class SubmitForm(StyledForm):
    leader = forms.ModelChoiceField(
        label=_("Trình lãnh đạo"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Lãnh đạo cơ quan (bất kỳ)"),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = people.leaders_of(agency)  # type: ignore[attr-defined]


class AcceptForm(StyledForm):
    """Accepting the lead's result; the page says which parts are still open (they are closed on acceptance)."""

    note = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        still_open = [
            a
            for a in Assignment.objects.filter(
                document=assignment.document, status__in=(AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
            ).select_related("unit", "user")
            if a.role != AssignmentRole.LEAD
        ]
        if still_open:
            listed = "; ".join(
                f"{a.assignee_label} ({a.get_role_display().lower()}, {a.get_status_display().lower()})"
                for a in still_open
            )
            self.fields["note"].help_text = _(
                "Còn chưa xong: %(list)s. Khi chấp nhận, văn bản hoàn thành, các phần việc này được đóng và "
                "người nhận được thông báo."
            ) % {"list": listed}


class ConfirmForm(StyledForm):
    confirm_duplicate = forms.BooleanField(label=_("Vẫn vào sổ nếu trùng với văn bản đã có"), required=False)


class RangeForm(StyledForm):
    date_from = forms.DateField(label=_("Từ ngày"), widget=DATE)
    date_to = forms.DateField(label=_("Đến ngày"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
