"""Forms of the outgoing pages. They parse input only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import DATE, FlatSelectMultiple, StyledForm
from qlvb.core.statements import KeptStatement
from qlvb.directory.models import Unit, User
from qlvb.documents.models import DocumentType, Secrecy, Urgency

from .models import Competence, Opinion
from .services import FORMAT_CHECKLIST

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class AgencySelect(forms.SelectMultiple):
    """Each option carries the agency's code (``data-code``) for the search box (web/agency-search.js)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if instance is not None and instance.organ_id:
            option["attrs"]["data-code"] = instance.organ_id
        return option


class RecipientChoiceField(forms.ModelMultipleChoiceField):
    """Agencies of the directory; an outside one says how it will be reached."""

    widget = AgencySelect(attrs={"data-qlvb-search": _("Tìm cơ quan nhận theo tên hoặc mã định danh")})

    def label_from_instance(self, obj: Any) -> str:
        if not obj.external:
            return str(obj.name)
        if obj.organ_id:
            return f"{obj.name} — {_('ngoài hệ thống, chờ gửi liên thông')}"
        return f"{obj.name} — {_('ngoài hệ thống, gửi bản giấy')}"


class DraftForm(StyledForm):
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.none())
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=500, help_text=_("Công văn: hệ thống tự thêm “V/v”.")
    )
    recipients = RecipientChoiceField(
        label=_("Nơi nhận trong danh bạ"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "Cơ quan trong hệ thống nhận ngay; cơ quan ngoài chờ gửi liên thông. Chưa có trong danh bạ? "
            "Văn thư thêm ở trang Cơ quan ngoài hệ thống."
        ),
    )
    free_recipients = forms.CharField(
        label=_("Nơi nhận khác (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Nơi chưa có trong danh bạ không nhận được văn bản điện tử: trước khi phát hành, văn thư chọn "
            "cơ quan trong danh bạ, đánh dấu gửi bản giấy hoặc bỏ. “Như trên”, “Lưu: VT” không gửi."
        ),
    )
    paper_recipients = forms.CharField(
        label=_("Nơi nhận gửi bản giấy (mỗi dòng một nơi)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    signer = forms.ModelChoiceField(label=_("Người ký"), queryset=User.objects.none())
    competence = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=Competence.choices, required=False)
    urgency = forms.TypedChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, coerce=int, initial=0)
    secrecy = forms.ChoiceField(
        label=_("Độ mật"), choices=Secrecy.choices, required=False, help_text=_("Hệ thống không xử lý văn bản mật.")
    )
    due_date = forms.DateField(
        label=_("Hạn trả lời"),
        required=False,
        widget=DATE,
        input_formats=DATE_FORMATS,
        help_text=_("Để trống nếu không cần trả lời; không chọn ngày đã qua."),
    )
    drafter_initials = forms.CharField(label=_("Ký hiệu người soạn thảo"), max_length=20, required=False)
    copy_count = forms.IntegerField(label=_("Số lượng bản"), min_value=1, max_value=999, initial=1)
    description = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    assigns_tasks = forms.BooleanField(
        label=_("Văn bản giao nhiệm vụ"),
        required=False,
        help_text=_("Sau khi phát hành, theo dõi việc giao cho từng nơi nhận như một công việc."),
    )
    file = forms.FileField(label=_("Tệp dự thảo (docx, odt)"), required=False)

    def __init__(self, *args: Any, agency: Unit, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the file has its own form (a new version); secrecy cannot change from "none"
            del self.fields["file"], self.fields["secrecy"]
        self.fields["due_date"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["doc_type"].queryset = DocumentType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.filter(kind="agency", is_active=True)
            .exclude(pk=agency.pk)
            .filter(Q(external=True) | Q(external=False))
        )
        self.fields["signer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role_assignments__unit=agency, role_assignments__role="leader", is_active=True
        ).distinct()


class UploadForm(StyledForm):
    file = forms.FileField(label=_("Tệp dự thảo (docx, odt)"))
    kind = forms.ChoiceField(label=_("Loại"), choices=[("main", _("Dự thảo văn bản")), ("appendix", _("Phụ lục"))])
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CommentForm(StyledForm):
    text = forms.CharField(label=_("Góp ý"), widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(StyledForm):
    comment = forms.CharField(label=_("Ý kiến / lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TakeBackForm(StyledForm):
    delivery = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Lý do lấy lại"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FormatForm(StyledForm):
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in FORMAT_CHECKLIST.items():
            # Unticked: the clerk ticks each item she has checked herself (issue 8).
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False, initial=False)
            self.fields[f"check_{key}"].widget.attrs["class"] = "form-check-input"


class PinForm(StyledForm):
    pin = forms.CharField(label=_("Mã PIN / mật khẩu khóa ký số"), widget=forms.PasswordInput(render_value=False))


class SignForm(PinForm):
    version = forms.IntegerField(label=_("Phiên bản ký"), required=False, min_value=1, widget=forms.HiddenInput)


class NoInputForm(forms.Form):
    """An action that takes no input (submit, number, replace)."""


class VersionForm(forms.Form):
    version = forms.IntegerField(label=_("Phiên bản"), min_value=1)


class IssueForm(forms.Form):
    accept_unreachable = forms.BooleanField(required=False)


class RecipientFixForm(forms.Form):
    name = forms.CharField(label=_("Nơi nhận"), max_length=200)
    fix = forms.ChoiceField(
        label=_("Cách xử lý"),
        choices=[("match", _("Gửi cơ quan này")), ("paper", _("Gửi bản giấy")), ("remove", _("Bỏ"))],
    )
    unit = forms.ModelChoiceField(label=_("Cơ quan trong danh bạ"), queryset=Unit.objects.all(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fix") == "match" and data.get("unit") is None:
            self.add_error("unit", _("Hãy chọn cơ quan trong danh bạ."))
        return data


def _people(agency: int, drafter: int) -> QuerySet[User]:
    return (
        User.objects.filter(Q(unit_id=agency) | Q(unit__agency_id=agency), is_active=True)
        .exclude(pk=drafter)
        .order_by("full_name")
    )


# The people of the drafter's agency, as the consultation form lists them: kept compiled (core/statements.py).
_PEOPLE: KeptStatement[tuple[int, str, str]] = KeptStatement(
    "outgoing.consult_people",
    lambda agency, drafter: _people(agency, drafter).values_list("pk", "full_name", "username"),
    agency=int,
    drafter=int,
)


class ConsultationForm(StyledForm):
    people = forms.ModelMultipleChoiceField(
        label=_("Người được lấy ý kiến"), queryset=User.objects.none(), widget=FlatSelectMultiple
    )
    deadline = forms.DateField(label=_("Hạn góp ý"), widget=DATE, input_formats=DATE_FORMATS)
    message = forms.CharField(
        label=_("Nội dung đề nghị góp ý"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agency: Unit, drafter: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people(agency.pk, drafter.pk)  # type: ignore[attr-defined]  # the answer is checked against it
        # the select's options as plain pairs, read when the form is shown: one model instance per person of
        # the agency was ~13,000 Python calls for 50 people on every page the drafter opens (the same labels:
        # ``str(user)``, docs/benchmarks.md, "CPU per request, part 8")
        self.fields["people"].choices = lambda: [  # type: ignore[attr-defined]
            (pk, full_name or username)
            for pk, full_name, username in _PEOPLE.fetch(agency=agency.pk, drafter=drafter.pk)
        ]
        self.fields["people"].widget.attrs["size"] = 6
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()


class AnswerForm(StyledForm):
    opinion = forms.ChoiceField(label=_("Ý kiến"), choices=Opinion.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Nội dung góp ý"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Tệp kèm theo (nếu có)"), required=False)


class DeadlineForm(StyledForm):
    deadline = forms.DateField(label=_("Hạn mới"), widget=DATE, input_formats=DATE_FORMATS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()


class RegisterForm(StyledForm):
    date_from = forms.DateField(label=_("Từ ngày"), widget=DATE, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("Đến ngày"), widget=DATE, input_formats=DATE_FORMATS)
