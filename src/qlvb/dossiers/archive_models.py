"""The agency archive (Lưu trữ cơ quan): nộp lưu batches (NĐ 30/2020 Điều 30–31, Phụ lục V) and disposal
(hủy tài liệu hết giá trị) with the council's appraisal and the head's approval.

A :class:`TransferBatch` is prepared by the owner of closed dossiers (or the head of his unit) and submitted;
the archivist decides each :class:`TransferItem` (accepted: the dossier is ``archived``; returned: back to
``closed`` with the reason). A :class:`DisposalProposal` lists expired, fixed-term, archived dossiers; once
executed the dossiers are ``disposed``: their files are deleted, their metadata and the proposal stay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Rights(models.TextChoices):
    """Chế độ sử dụng (Phụ lục VI ``Rights``): who may read an archived dossier."""

    PUBLIC = "Công khai", _("Công khai")
    RESTRICTED = "Hạn chế", _("Hạn chế")
    SECRET = "Mật", _("Mật")


class TransferState(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    SUBMITTED = "submitted", _("Đã nộp, chờ lưu trữ kiểm tra")
    DONE = "done", _("Lưu trữ đã kiểm tra xong")


class Decision(models.TextChoices):
    PENDING = "pending", _("Chờ kiểm tra")
    ACCEPTED = "accepted", _("Đã nhận")
    RETURNED = "returned", _("Trả lại")


class TransferBatch(models.Model):
    """Một đợt nộp lưu: closed dossiers of one unit handed to the agency archive."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="transfer_batches")
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("số đợt nộp lưu"))
    title = models.CharField(_("tên khối tài liệu nộp lưu"), max_length=500)
    state = models.CharField(_("trạng thái"), max_length=16, choices=TransferState.choices, default=TransferState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("kiểm tra xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt nộp lưu")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="transferbatch_number_unique")]
        indexes = [models.Index(fields=["agency", "state"], name="transferbatch_agency_state_idx")]

    def __str__(self) -> str:
        return f"Đợt nộp lưu số {self.number}: {self.title}"


class TransferItem(models.Model):
    """A dossier of a batch and the archivist's decision on it (a return carries its reason)."""

    batch = models.ForeignKey(TransferBatch, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="transfer_items")
    decision = models.CharField(
        _("kết quả kiểm tra"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "dossier__notation"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "dossier"], name="transferitem_once"),
            # a dossier waits in one batch at a time
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(decision="pending"), name="transferitem_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.dossier_id}"


class TransferReminder(models.Model):
    """The 30-days-before reminder of a dossier's transfer deadline, sent once."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(_("hạn nộp lưu"))
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.due_date}"


class DossierKeep(models.Model):
    """Giữ lại hồ sơ đến hạn nộp lưu (NĐ 30/2020 Điều 31): a unit keeps a due dossier with the written
    approval of the head of the agency, for at most 2 years from its transfer deadline. While kept, the transfer
    reminder waits for the end of the keeping; the nộp lưu page shows it. The latest record of a dossier counts."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="keeps")
    reason = models.CharField(_("lý do giữ lại"), max_length=1000)
    due_date = models.DateField(_("hạn nộp lưu"))
    until = models.DateField(_("giữ lại đến ngày"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("đồng ý lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ giữ lại")
        ordering = ["dossier", "-approved_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "until"], name="dossierkeep_dossier_until_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.until}"


class UnfiledReminder(models.Model):
    """The quarterly "chưa lập hồ sơ" reminder of a quarter, sent once (a rerun of the job sends nothing)."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    people = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="unfiledreminder_quarter_unique")]

    def __str__(self) -> str:
        return f"Q{self.quarter}/{self.year}"


class DisposalState(models.TextChoices):
    DRAFT = "draft", _("Đề nghị hủy")
    APPRAISED = "appraised", _("Hội đồng đã thẩm định")
    REJECTED = "rejected", _("Hội đồng không đồng ý hủy")
    APPROVED = "approved", _("Lãnh đạo đã duyệt hủy")
    EXECUTED = "executed", pgettext_lazy("disposal", "Đã hủy")


class DisposalProposal(models.Model):
    """Đề nghị hủy tài liệu hết giá trị: the archivist's list, the council's appraisal (recorded as it was
    concluded), the head's approval, then the execution. Kept forever with its items."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="disposals")
    number = models.PositiveIntegerField(_("số đề nghị"))
    reason = models.CharField(_("lý do hủy"), max_length=1000)
    state = models.CharField(_("trạng thái"), max_length=16, choices=DisposalState.choices, default=DisposalState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    council_members = models.TextField(_("thành phần hội đồng xác định giá trị tài liệu"), blank=True)
    council_opinion = models.TextField(_("ý kiến thẩm định của hội đồng"), blank=True)
    council_date = models.DateField(_("ngày họp hội đồng"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đề nghị hủy tài liệu")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="disposal_number_unique")]

    def __str__(self) -> str:
        return f"Đề nghị hủy tài liệu số {self.number}"


class DisposalItem(models.Model):
    """A dossier of a proposal; after execution, how many files and bytes were deleted."""

    proposal = models.ForeignKey(DisposalProposal, on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="disposal_items")
    files_deleted = models.PositiveIntegerField(default=0)
    bytes_deleted = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["proposal", "dossier__notation"]
        constraints = [models.UniqueConstraint(fields=["proposal", "dossier"], name="disposalitem_once")]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.dossier_id}"
