"""Ủy quyền (NĐ 30/2020 Điều 13; the seed's quy chế): a leader lets another person of his agency sign
outgoing documents, direct incoming documents, review (approve) drafts at his approval steps and/or
follow up the assignments he gave (accept results, decide extensions, remind) in his place, for a range of days, under a
competence of Phụ lục I.II.7 — KT. (ký thay), TL. (thừa lệnh), TUQ. (thừa ủy quyền), Q. (quyền).
A row is never deleted: revoking it stamps ``revoked_at``; an expired one simply stops applying."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DelegationKind(models.TextChoices):
    KT = "KT.", _("KT. (ký thay)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")
    Q = "Q.", _("Q. (quyền)")


class DelegationScope(models.TextChoices):
    SIGN = "sign", _("Ký ban hành văn bản đi")
    DIRECT = "direct", _("Cho ý kiến chỉ đạo văn bản đến")
    APPROVE = "approve", _("Duyệt dự thảo văn bản đi")
    FOLLOW = "follow", _("Đôn đốc, theo dõi việc đã giao")


class Delegation(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("người ủy quyền"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("người được ủy quyền"),
    )
    kind = models.CharField(_("hình thức"), max_length=8, choices=DelegationKind.choices)
    sign = models.BooleanField(_("ký ban hành văn bản đi"), default=False)
    direct = models.BooleanField(_("cho ý kiến chỉ đạo văn bản đến"), default=False)
    approve = models.BooleanField(_("duyệt dự thảo văn bản đi"), default=False)
    follow = models.BooleanField(_("đôn đốc, theo dõi việc đã giao"), default=False)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="delegation_range"),
            models.CheckConstraint(condition=~Q(grantor=F("delegate")), name="delegation_not_self"),
            models.CheckConstraint(
                condition=Q(sign=True) | Q(direct=True) | Q(approve=True) | Q(follow=True), name="delegation_has_scope"
            ),
        ]
        indexes = [
            models.Index(fields=["delegate", "ends_on"], name="delegation_delegate_idx"),
            models.Index(fields=["grantor", "ends_on"], name="delegation_grantor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.grantor_id} → {self.delegate_id}"

    @property
    def scope_labels(self) -> list[str]:
        return [str(s.label) for s in DelegationScope if getattr(self, s.value)]
