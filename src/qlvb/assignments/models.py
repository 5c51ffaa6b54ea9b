"""Who handles what: assignments (lead / support / for information) with deadline, progress, result,
extensions and reminders; and the in-app notifications they create."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core.appendonly import AppendOnly


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    SUPPORT = "support", _("Phối hợp")
    INFO = "info", _("Để biết")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    AWAITING = "awaiting", _("Chờ chấp nhận kết quả")
    DONE = "done", _("Đã hoàn thành")
    RETURNED = "returned", _("Bị trả lại")
    CLOSED = "closed", _("Đã đóng (văn bản đã hoàn thành)")


class Assignment(models.Model):
    """One row of "phân công xử lý". A department assignment (``user`` empty) waits for its department
    leader to assign officers (child rows, ``parent`` set); a personal assignment has ``user`` and the
    unit is the person's department. ``document`` is empty for a task that no document started."""

    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    role = models.CharField(_("vai trò"), max_length=16, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "directory.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("giao lúc"))
    directive = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    result = models.TextField(_("kết quả"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chấp nhận kết quả"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("chấp nhận kết quả lúc"), null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)
    due_soon_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="assignment_progress_max"),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="assignment_user_status_idx"),
            models.Index(fields=["unit", "status"], name="assignment_unit_status_idx"),
            models.Index(fields=["status", "due_date"], name="assignment_due_idx"),
            # The leader's dashboard and the statistics (reports.stats): an agency's lead rows with a deadline,
            # by due date — top-level rows (by unit, overdue, longest overdue, by state) and people's rows (by
            # person). Partial and covering, so the aggregates are index-only scans (docs/benchmarks.md).
            models.Index(
                fields=["agency", "due_date"],
                include=["id", "unit", "completed_at", "status", "document"],
                condition=Q(role="lead", due_date__isnull=False, parent__isnull=True),
                name="assignment_lead_unit_due_idx",
            ),
            models.Index(
                fields=["agency", "due_date"],
                include=["id", "user", "completed_at"],
                condition=Q(role="lead", due_date__isnull=False, user__isnull=False),
                name="assignment_lead_user_due_idx",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.unit
        return f"{self.get_role_display()}: {who}"

    @property
    def assignee_label(self) -> str:
        if self.user_id is not None and self.user is not None:
            return f"{self.user.full_name} ({self.unit.short_name})"
        return self.unit.name

    @property
    def is_open(self) -> bool:
        return self.status in (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


class AssignmentUpdate(models.Model):
    """An opinion or a progress report by a handler (append-only)."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("Ý kiến")
        PROGRESS = "progress", _("Tiến độ")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    GRANTED = "granted", _("Đồng ý")
    REFUSED = "refused", _("Từ chối")


class Extension(models.Model):
    """Đề nghị gia hạn: requested by the handler with a reason, decided by whoever assigned."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("lý do"))
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(_("hạn đề nghị"))
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(status="pending"), name="extension_one_pending"),
        ]

    def __str__(self) -> str:
        return f"Gia hạn đến {self.new_due_date:%d/%m/%Y}"


class ReminderKind(models.TextChoices):
    NOTICE = "nhac_nho", _("Nhắc nhở")
    CRITICISM = "phe_binh", _("Phê bình")
    REVIEW = "kiem_diem", _("Kiểm điểm")


class Reminder(AppendOnly):
    """Đôn đốc: typed, numbered per assignment, never edited or deleted (counted in reports)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reminders")
    seq = models.PositiveIntegerField(_("lần đôn đốc"))
    kind = models.CharField(_("hình thức"), max_length=16, choices=ReminderKind.choices)
    text = models.CharField(_("nội dung"), max_length=1000)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()

    append_only_name = _("các lần đôn đốc")

    class Meta:
        ordering = ["assignment", "seq"]
        constraints = [models.UniqueConstraint(fields=["assignment", "seq"], name="reminder_seq_unique")]

    def __str__(self) -> str:
        return f"Đôn đốc lần {self.seq} ({self.get_kind_display()})"


class NotificationKind(models.TextChoices):
    NEW_DOCUMENT = "new_document", _("Văn bản mới")
    ASSIGNED = "assigned", _("Được phân công")
    REMINDER = "reminder", _("Đôn đốc")
    RETURNED = "returned", _("Bị trả lại")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    EXTENSION = "extension", _("Gia hạn")
    COMPLETED = "completed", _("Hoàn thành")
    ACCEPTANCE = "acceptance", _("Chờ chấp nhận kết quả")
    SECURITY = "security", _("An toàn tài khoản")
    SYSTEM = "system", _("Sự cố, bảo trì hệ thống")
    CALENDAR = "calendar", _("Lịch công tác")
    ANNOUNCEMENT = "announcement", _("Thông báo nội bộ")
    REPLY = "reply", _("Phản hồi của cơ quan ngoài")


class Notification(models.Model):
    """An in-app notification. Created by a Celery task after the action's transaction commits."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    text = models.CharField(max_length=500)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text
