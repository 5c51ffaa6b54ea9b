"""Tasks (giao việc) that no document started, or that a document's directive turned into work to follow.

A task's handling is the assignments' handling: its lead, supporting and informed parts are
``assignments.Assignment`` rows with ``document`` empty, linked to the task by :class:`TaskPart` (the top
rows; a department's own assignment below them hangs from its parent). Counts and reports over
assignments therefore include tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.appendonly import AppendOnly


class TaskPriority(models.IntegerChoices):
    LOW = 0, _("Thấp")
    NORMAL = 1, _("Bình thường")
    HIGH = 2, _("Cao")
    URGENT = 3, _("Khẩn")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class Recurrence(models.TextChoices):
    NONE = "", _("Không lặp lại")
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")


class TaskOrigin(models.TextChoices):
    DIRECT = "direct", _("Giao trực tiếp")
    INCOMING = "incoming", _("Từ văn bản giao nhiệm vụ")
    OUTGOING = "outgoing", _("Theo dõi văn bản đi giao việc cho cơ quan khác")


class Task(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tên công việc"), max_length=500)
    content = models.TextField(_("nội dung"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("mức độ ưu tiên"), choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    due_date = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người giao"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("công việc cha"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subtasks",
    )
    origin = models.CharField(max_length=16, choices=TaskOrigin.choices, default=TaskOrigin.DIRECT)
    source_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("văn bản giao nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outside_lead = models.CharField(_("cơ quan chủ trì bên ngoài"), max_length=500, blank=True)
    recurrence = models.CharField(
        _("lặp lại"), max_length=16, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    series = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences"
    )  # the first task of a recurring series (empty on the first itself)
    next_made = models.BooleanField(default=False)  # the next occurrence of a recurring task exists
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    dossiers = models.ManyToManyField("dossiers.Dossier", blank=True, related_name="+")

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"], name="task_agency_status_idx"),
            models.Index(fields=["created_by", "status"], name="task_creator_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_document", "title"],
                condition=Q(source_document__isnull=False, parent__isnull=True),
                name="task_once_per_document_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == TaskStatus.OPEN and self.due_date < timezone.localdate()


class TaskPart(models.Model):
    """The link from a task to one of its top assignment rows (lead, support, info)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="parts")
    assignment = models.OneToOneField("assignments.Assignment", on_delete=models.CASCADE, related_name="task_part")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.assignment_id}"


class TaskFileKind(models.TextChoices):
    ATTACHMENT = "attachment", _("Tệp giao việc")
    RESULT = "result", _("Tệp kết quả")


class TaskFile(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=TaskFileKind.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stored_file_id}"


class TaskEvent(AppendOnly):
    """The history of a task: never edited or deleted."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    append_only_name = _("lịch sử công việc")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.text[:60]}"
