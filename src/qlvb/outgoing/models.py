"""Outgoing documents (văn bản đi): what NĐ 30/2020 Điều 10–19 needs beyond the shared ``Document``.

The ``Document`` row (direction ``outgoing``) holds the Phụ lục VI II.I metadata (type, subject, number,
notation, issue date, signer, priority, due date, identifier); :class:`Outgoing` (one-to-one, same
primary key) holds the drafting flow: its state, the drafter, the chosen signer and his competence, the
immutable draft versions, the approval chain, the numbering series and the issued PDF.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Đang soạn thảo")
    IN_REVIEW = "in_review", _("Đang trình duyệt")
    RETURNED = "returned", _("Bị trả lại, chờ sửa")
    FORMAT_CHECK = "format_check", _("Chờ văn thư kiểm tra thể thức")
    TO_SIGN = "to_sign", _("Chờ ký ban hành")
    SIGNED = "signed", _("Đã ký, chờ cấp số")
    NUMBERING = "numbering", _("Đã cấp số, chưa ghi số vào bản PDF")
    NUMBERED = "numbered", _("Đã cấp số, chờ ký số cơ quan")
    AGENCY_SIGNED = "agency_signed", _("Đã ký số cơ quan, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")
    REVOKED = "revoked", _("Đã thu hồi")
    REPLACED = "replaced", _("Đã bị thay thế")


EDITABLE_STATES = (State.DRAFT, State.RETURNED, State.IN_REVIEW, State.FORMAT_CHECK, State.TO_SIGN)
FROZEN_STATES = (State.ISSUED, State.REVOKED, State.REPLACED)
# Signed and not yet issued: the clerk's (number, agency signature, issue; how each typed recipient is sent).
SIGNED_STATES = (State.SIGNED, State.NUMBERING, State.NUMBERED, State.AGENCY_SIGNED)


class Competence(models.TextChoices):
    """Thẩm quyền ký (Phụ lục I.II.7; edXML ``SignerInfo/Competence``)."""

    DIRECT = "", _("Ký trực tiếp")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    KT = "KT.", _("KT. (ký thay người đứng đầu)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")
    Q = "Q.", _("Q. (quyền)")


class SeriesKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Văn bản hành chính")
    NORMATIVE = "normative", _("Văn bản quy phạm pháp luật (mỗi loại một hệ thống số)")
    COPY = "copy", _("Bản sao")
    OTHER = "other", _("Khác")


class NumberSeries(models.Model):
    """Hệ thống số (NĐ 30 Điều 15): the agency decides which series a type uses. A type not named in
    any series of the agency uses the agency's administrative series (created on first use)."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên hệ thống số"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=SeriesKind.choices, default=SeriesKind.ADMINISTRATIVE)
    doc_types = models.ManyToManyField(
        "documents.DocumentType", blank=True, related_name="+", verbose_name=_("loại văn bản dùng hệ thống số này")
    )
    is_default = models.BooleanField(_("mặc định cho văn bản hành chính"), default=False)

    class Meta:
        verbose_name = _("hệ thống số văn bản đi")
        verbose_name_plural = _("hệ thống số văn bản đi")
        constraints = [
            models.UniqueConstraint(fields=["agency"], condition=Q(is_default=True), name="series_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class SeriesCounter(models.Model):
    """The last number given in a series in a year. Changed only under a row lock (``numbering.py``)."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="series_counter_unique")]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.year}: {self.last_number}"


class TypeSetting(models.Model):
    """Per agency and type: the notation template and whether a paper copy is also sent."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.CASCADE, related_name="+")
    doc_type = models.ForeignKey("documents.DocumentType", on_delete=models.CASCADE, related_name="+")
    notation_template = models.CharField(
        _("mẫu ký hiệu"),
        max_length=60,
        blank=True,
        help_text=_("Ví dụ {type}-{agency} hoặc {agency}-{unit}; để trống dùng mặc định của Nghị định 30."),
    )
    also_paper = models.BooleanField(_("gửi kèm bản giấy"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "doc_type"], name="type_setting_unique")]

    def __str__(self) -> str:
        return f"{self.doc_type_id}: {self.notation_template}"


class AgencySetting(models.Model):
    """Per agency: the place name of the place-and-date line and the document identifier template."""

    agency = models.OneToOneField("directory.Unit", on_delete=models.CASCADE, related_name="+")
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)
    identifier_template = models.CharField(_("mẫu mã định danh văn bản"), max_length=100, blank=True)

    def __str__(self) -> str:
        return self.place_name or str(self.agency_id)


class ChainStep(models.Model):
    """A further approval step the agency configures after the department leader (e.g. the office chief)."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.CASCADE, related_name="+")
    ordinal = models.PositiveSmallIntegerField(default=1)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("bước"), max_length=100, default="Chánh văn phòng duyệt")

    class Meta:
        ordering = ["agency", "ordinal", "id"]

    def __str__(self) -> str:
        return self.label


class Outgoing(models.Model):
    document = models.OneToOneField(
        "documents.Document", primary_key=True, on_delete=models.CASCADE, related_name="outgoing"
    )
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.DRAFT)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người soạn thảo")
    )
    drafting_unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị soạn thảo")
    )
    drafter_initials = models.CharField(_("ký hiệu người soạn thảo"), max_length=20, blank=True)
    copy_count = models.PositiveSmallIntegerField(_("số lượng bản"), default=1)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ký")
    )
    competence = models.CharField(_("thẩm quyền ký"), max_length=8, choices=Competence.choices, blank=True, default="")
    # Signed under a delegation (ủy quyền): the person the signer signed for (the chosen signer).
    signed_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ký thay cho"),
    )
    answers = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("trả lời văn bản đến"),
    )
    # Recipients typed as text, one a line: ``free_recipients`` not yet matched to an agency of the
    # directory (cannot be reached until the clerk decides), ``paper_recipients`` sent on paper.
    free_recipients = models.TextField(_("nơi nhận khác (mỗi dòng một nơi)"), blank=True)
    paper_recipients = models.TextField(_("nơi nhận gửi bản giấy (mỗi dòng một nơi)"), blank=True)
    approved_version = models.ForeignKey(
        "DraftVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("phiên bản đã duyệt"),
    )
    signed_pdf = models.ForeignKey(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bản PDF đã ký"),
    )
    series = models.ForeignKey(NumberSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(_("số thứ tự"), null=True, blank=True)
    numbered_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    agency_signed_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    also_paper = models.BooleanField(_("gửi kèm bản giấy"), default=False)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("thay thế văn bản"),
    )
    business_type = models.PositiveSmallIntegerField(default=0)  # edXML BussinessDocType: 0 new, 2 update, 3 replace
    frozen_reason = models.TextField(blank=True)
    round = models.PositiveSmallIntegerField(default=0)  # approval round (restarts after a change)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="outgoing_number_unique", condition=Q(number__isnull=False)
            ),
            models.CheckConstraint(condition=Q(copy_count__lte=999), name="outgoing_copy_count_max"),
        ]

    def __str__(self) -> str:
        return str(self.document)


class Recipient(models.Model):
    """An addressee from the directory: an agency of this deployment or an outside agency (``external``)."""

    outgoing = models.ForeignKey(Outgoing, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outgoing", "unit"], name="recipient_unique")]

    def __str__(self) -> str:
        return str(self.unit_id)


class VersionKind(models.TextChoices):
    MAIN = "main", _("Dự thảo văn bản")
    APPENDIX = "appendix", _("Phụ lục")


class DraftVersion(models.Model):
    """One upload of a draft (or an appendix): immutable. ``pdf`` is its LibreOffice conversion;
    ``metadata`` the document's metadata when it was uploaded (to show what changed)."""

    outgoing = models.ForeignKey(Outgoing, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=10, choices=VersionKind.choices, default=VersionKind.MAIN)
    ordinal = models.PositiveSmallIntegerField()
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    pdf = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    page_count = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    metadata = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["outgoing", "kind", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["outgoing", "kind", "ordinal"], name="version_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.ordinal}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("DraftVersion is immutable")
        super().save(*args, **kwargs)


class StepKind(models.TextChoices):
    REVIEW = "review", _("Duyệt nội dung")
    FORMAT = "format", _("Kiểm tra thể thức")
    SIGN = "sign", _("Ký ban hành")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Chưa đến lượt")
    PENDING = "pending", _("Đang chờ")
    APPROVED = "approved", _("Đã đồng ý")
    RETURNED = "returned", _("Trả lại")
    CANCELLED = "cancelled", _("Hủy do văn bản thay đổi")


class ApprovalStep(models.Model):
    """One step of the approval chain in one round. A format step has no user: any clerk of the agency."""

    outgoing = models.ForeignKey(Outgoing, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField()
    ordinal = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=StepKind.choices)
    label = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["outgoing", "round", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["outgoing", "round", "ordinal"], name="step_unique")]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"


class Comment(models.Model):
    """A reviewer's comment on a draft (threaded by ``parent``)."""

    outgoing = models.ForeignKey(Outgoing, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["outgoing", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Consultation(models.Model):
    """A round of lấy ý kiến on a draft (NĐ 30 Điều 10.1.b): the drafter asks chosen people for their
    opinion by a deadline; each answers agree / disagree / other, with a comment and a file."""

    outgoing = models.ForeignKey(Outgoing, on_delete=models.CASCADE, related_name="consultations")
    ordinal = models.PositiveSmallIntegerField(_("lần lấy ý kiến"))
    version = models.ForeignKey(
        DraftVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("phiên bản xin ý kiến"),
    )
    message = models.TextField(_("nội dung đề nghị góp ý"), blank=True)
    deadline = models.DateField(_("hạn góp ý"))
    first_deadline = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    due_soon_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("lấy ý kiến dự thảo")
        verbose_name_plural = _("lấy ý kiến dự thảo")
        ordering = ["outgoing", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["outgoing", "ordinal"], name="consultation_unique"),
            models.UniqueConstraint(
                fields=["outgoing"], condition=Q(closed_at__isnull=True), name="consultation_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Lấy ý kiến lần {self.ordinal}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Opinion(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    DISAGREE = "disagree", _("Không đồng ý")
    OTHER = "other", _("Ý kiến khác")


class ConsultationAnswer(models.Model):
    """One invited person's answer in a round (created empty when the round is sent). Answering again
    while the round is open replaces the answer; ``revisions`` counts the changes and each one is in the
    document's history."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField(_("ý kiến"), max_length=10, choices=Opinion.choices, blank=True)
    comment = models.TextField(_("nội dung góp ý"), blank=True)
    stored_file = models.ForeignKey(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tệp kèm theo"),
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("sau hạn"), default=False)
    revisions = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["consultation", "id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="consultation_answer_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.opinion or '-'}"


class ReplyFollowUp(models.Model):
    """Follow-up of the reply due date of an issued document (Điều 14.3.b): the daily job notifies the
    drafter once when it is near and once when it has passed; the drafter marks it answered."""

    outgoing = models.OneToOneField(Outgoing, on_delete=models.CASCADE, primary_key=True, related_name="follow_up")
    due_soon_notified_on = models.DateField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return str(self.outgoing_id)
