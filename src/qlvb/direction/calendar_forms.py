"""The forms of the calendar and announcement pages (they parse; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.directory.models import Unit, User

from .announcement_models import ANNOUNCEMENT_MAX, Audience
from .calendar_models import CALENDAR_MAX, MeetingRoom
from .calendar_repeat import MAX_COUNT, RepeatFreq

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
DATE = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}, format="%d/%m/%Y"
)


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _datetime(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


MAX_FILES = 10  # files of one posting


class FilesInput(forms.ClearableFileInput):
    """Several files chosen at once."""

    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Every file chosen, in the order sent (each then taken in by the one intake, which checks it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", FilesInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(items) > MAX_FILES:
            raise forms.ValidationError(_("Tối đa %(n)d tệp mỗi lần đăng.") % {"n": MAX_FILES})
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(FilesField, self).clean(item, initial) for item in items]


class EventForm(StyledForm):
    title = forms.CharField(
        label=_("Nội dung"), max_length=CALENDAR_MAX["title"], widget=forms.Textarea(attrs={"rows": 2})
    )
    all_day = forms.BooleanField(
        label=_("Cả ngày"),
        required=False,
        help_text=_("Sự kiện chiếm trọn các ngày (không ghi giờ): chọn ngày bắt đầu và ngày kết thúc."),
    )
    starts_at = _datetime(_("Bắt đầu"), required=False)
    ends_at = _datetime(_("Kết thúc"), required=False)
    start_day = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y"], widget=DATE)
    end_day = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=DATE,
        help_text=_("Để trống nếu chỉ một ngày."),
    )
    chair = forms.ModelChoiceField(label=_("Chủ trì"), queryset=User.objects.none(), required=False)
    attendee_users = forms.ModelMultipleChoiceField(
        label=_("Thành phần (người)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Giữ Ctrl (trên máy Mac: Cmd) để chọn nhiều."),
    )
    attendee_units = forms.ModelMultipleChoiceField(
        label=_("Thành phần (đơn vị)"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Giữ Ctrl (trên máy Mac: Cmd) để chọn nhiều."),
    )
    guests = forms.CharField(label=_("Khách mời ngoài cơ quan"), max_length=CALENDAR_MAX["guests"], required=False)
    room = forms.ModelChoiceField(label=_("Phòng họp"), queryset=MeetingRoom.objects.none(), required=False)
    place = forms.CharField(label=_("Địa điểm khác"), max_length=CALENDAR_MAX["place"], required=False)
    preparing_unit = forms.ModelChoiceField(label=_("Đơn vị chuẩn bị"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=CALENDAR_MAX["note"], required=False)
    file = forms.FileField(label=_("Tệp đính kèm"), required=False)
    repeat = forms.ChoiceField(
        label=_("Lặp lại"), choices=[("", _("Không lặp lại")), *RepeatFreq.choices], required=False
    )
    repeat_until = forms.DateField(
        label=_("Lặp đến ngày"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=DATE,
        help_text=_("Hoặc ghi số buổi ở ô dưới."),
    )
    repeat_count = forms.IntegerField(
        label=_("Số buổi"),
        required=False,
        min_value=1,
        max_value=MAX_COUNT,
        help_text=_("Mỗi buổi là một sự kiện riêng: sửa hoặc hủy từng buổi, hoặc hủy các buổi từ một buổi trở đi."),
    )

    def __init__(self, *args: Any, agency: Unit, repeatable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not repeatable:  # a change applies to one occurrence: the repetition is chosen when the event is made
            del self.fields["repeat"], self.fields["repeat_until"], self.fields["repeat_count"]
        people = User.objects.filter(unit__agency=agency, is_active=True).order_by("full_name_folded")
        units = Unit.objects.filter(agency=agency, is_active=True).order_by("kind", "name")
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["attendee_users"].queryset = people  # type: ignore[attr-defined]
        self.fields["attendee_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["preparing_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["room"].queryset = MeetingRoom.objects.filter(agency=agency, is_active=True)  # type: ignore[attr-defined]
        self.fields["attendee_users"].widget.attrs["size"] = 6
        self.fields["attendee_units"].widget.attrs["size"] = 4
        # the page's script shows either the times or the days as "Cả ngày" is ticked (both work without it)
        self.fields["all_day"].widget.attrs["data-qlvb"] = "all-day"
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget.attrs["data-qlvb-when"] = "timed"
        for name in ("start_day", "end_day"):
            self.fields[name].widget.attrs["data-qlvb-when"] = "all-day"

    def clean(self) -> dict[str, Any]:
        """The times of a timed event, the days of a whole-day one (its end day defaults to its first)."""
        super().clean()
        d = self.cleaned_data
        if d.get("all_day"):
            if d.get("start_day") is None and "start_day" not in self.errors:
                self.add_error("start_day", _("Chọn ngày bắt đầu (dd/mm/yyyy)."))
            if d.get("start_day") and d.get("end_day") is None:
                d["end_day"] = d["start_day"]
        else:
            for name in ("starts_at", "ends_at"):
                if d.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Chọn thời gian."))
        return d


class RoomForm(StyledForm):
    name = forms.CharField(label=_("Tên phòng họp"), max_length=CALENDAR_MAX["room"])
    capacity = forms.IntegerField(label=_("Số chỗ"), min_value=1, max_value=10000, required=False)


class AnnouncementForm(StyledForm):
    title = forms.CharField(label=_("Tiêu đề"), max_length=ANNOUNCEMENT_MAX["title"])
    body = forms.CharField(
        label=_("Nội dung"),
        max_length=ANNOUNCEMENT_MAX["body"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    audience = forms.ChoiceField(label=_("Gửi đến"), choices=Audience.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị nhận"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Giữ Ctrl (trên máy Mac: Cmd) để chọn nhiều."),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Người nhận"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Giữ Ctrl (trên máy Mac: Cmd) để chọn nhiều."),
    )
    must_read = forms.BooleanField(label=_("Phải đọc (theo dõi ai đã đọc)"), required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), required=False, input_formats=["%d/%m/%Y"], widget=DATE)
    valid_until = forms.DateField(label=_("Hiệu lực đến ngày"), required=False, input_formats=["%d/%m/%Y"], widget=DATE)
    attachments = FilesField(
        label=_("Tệp đính kèm"),
        required=False,
        help_text=_("Chọn được nhiều tệp một lần (tối đa %(n)d tệp); mỗi tệp được kiểm tra như mọi tệp tải lên.")
        % {"n": MAX_FILES},
    )

    def __init__(self, *args: Any, agency: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(agency=agency, is_active=True).order_by("kind", "name")  # type: ignore[attr-defined]
        self.fields["people"].queryset = User.objects.filter(unit__agency=agency, is_active=True).order_by(  # type: ignore[attr-defined]
            "full_name_folded"
        )
