"""What the administrator and the directory sync keep about the national axis (docs/axis.md, "Liên
thông" page): each agency's connection (:class:`AxisConnection`) and the axis's agency directory as last
imported (:class:`AxisAgency`). Imported at the end of ``exchange/models.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AxisConnection(models.Model):
    """One agency's connection to the axis (VDXP or a provincial LGSP). The secret is kept sealed
    (Fernet, key derived from the deployment's secret key) and never shown again once saved; several
    agencies may share one connected system (same endpoint and system id)."""

    agency = models.OneToOneField(
        "directory.Unit", on_delete=models.CASCADE, related_name="axis_connection", verbose_name=_("cơ quan")
    )
    endpoint = models.URLField(_("địa chỉ trục liên thông"), max_length=300)
    system_id = models.CharField(_("mã hệ thống"), max_length=100)
    secret_sealed = models.TextField(editable=False)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tested_at = models.DateTimeField(null=True, blank=True)
    test_ok = models.BooleanField(null=True)
    test_message = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name = _("kết nối trục liên thông")
        verbose_name_plural = _("kết nối trục liên thông")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.system_id} @ {self.endpoint}"


class AxisAgency(models.Model):
    """One entry of the axis's agency directory (``getAgenciesList``, QĐ 20/2020 code) as last seen, with
    the outside agency of the directory it became. ``gone_at``: no longer listed by the axis."""

    code = models.CharField(max_length=35, unique=True)
    name = models.CharField(max_length=255)
    parent_code = models.CharField(max_length=35, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    fax = models.CharField(max_length=64, blank=True)
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seen_at = models.DateTimeField()
    gone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan trên trục liên thông")
        verbose_name_plural = _("cơ quan trên trục liên thông")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
