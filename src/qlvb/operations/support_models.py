"""Support tickets (Điều 21.9 of the seed: the support line): a person files what went wrong or what he
needs from the "Hỗ trợ" page; the system administrator answers and closes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Chờ trả lời")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


class SupportTicket(models.Model):
    """One request for help. The author sees his own; the system administrator sees all."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_tickets", verbose_name=_("người gửi")
    )
    subject = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung"))
    page = models.CharField(_("trang đang dùng"), max_length=500, blank=True)
    attachment = models.ForeignKey(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tệp đính kèm"),
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["author", "created_at"], name="ticket_author_idx"),
            models.Index(fields=["status", "created_at"], name="ticket_status_idx"),
        ]

    def __str__(self) -> str:
        return self.subject
