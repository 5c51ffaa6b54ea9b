"""Reading the filters a page or an API client sends (period, unit, person, document type, kind of work)
into a checked ``stats.Filters``: a unit or a person outside the actor's scope is refused."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from qlvb.core.errors import ValidationFailed
from qlvb.documents.models import DocumentType

from .errors import ErrorCode
from .periods import Period, current_half, period_from
from .scope import Scope, person_in_scope, unit_in_scope
from .stats import KINDS, Filters


def _int(params: Mapping[str, str], name: str, label: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise ValidationFailed(_("%(label)s không hợp lệ.") % {"label": label}, code=ErrorCode.FILTER_REFUSED)
    return int(value)


def filters_from(params: Mapping[str, str], scope: Scope, *, default: Period | None = None) -> Filters:
    period = period_from(dict(params.items()), default=default or current_half())
    unit_id = _int(params, "don_vi", _("Đơn vị"))
    user_id = _int(params, "nguoi", _("Người xử lý"))
    doc_type_id = _int(params, "loai", _("Loại văn bản"))
    kind = params.get("nhom") or "all"
    if kind not in KINDS:
        raise ValidationFailed(_("Nhóm công việc không hợp lệ."), code=ErrorCode.FILTER_REFUSED)
    if unit_id is not None:
        unit_in_scope(scope, unit_id)
    if user_id is not None:
        person_in_scope(scope, user_id)
    if doc_type_id is not None and not DocumentType.objects.filter(pk=doc_type_id).exists():
        raise ValidationFailed(_("Loại văn bản không tồn tại."), code=ErrorCode.FILTER_REFUSED)
    return Filters(period=period, unit_id=unit_id, user_id=user_id, doc_type_id=doc_type_id, kind=kind)
