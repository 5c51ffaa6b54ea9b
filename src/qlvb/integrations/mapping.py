"""The code tables of a system: its own codes of people, units and document types, mapped to ours by the
administrator; and the resolution of a code in a call, with a clear refusal for a code not mapped."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.directory.units import unit_subtree_ids
from qlvb.documents.models import DocumentType

from .accounts import system_get
from .errors import ErrorCode
from .models import CodeKind, CodeMapping, ConnectedSystem


def _in_agency(unit: Unit | None, system: ConnectedSystem) -> bool:
    return unit is not None and (unit.agency_id or unit.pk) == system.agency_id


@transaction.atomic
def code_map(
    *,
    actor: User,
    system: ConnectedSystem,
    kind: str,
    code: str,
    user: User | None = None,
    unit: Unit | None = None,
    doc_type: DocumentType | None = None,
) -> CodeMapping:
    system = system_get(actor, pk=system.pk)
    if kind not in CodeKind.values:
        raise ValidationFailed(_("Loại mã không hợp lệ."))
    code = text_clean(code, label="mã của hệ thống", limit=64, required=True)
    mapping = CodeMapping(system=system, kind=kind, code=code)
    if kind == CodeKind.USER:
        if user is None or not user.is_active or not _in_agency(user.unit, system):
            raise ValidationFailed(_("Chọn một người đang làm việc ở cơ quan."))
        mapping.user = user
    elif kind == CodeKind.UNIT:
        if unit is None or not unit.is_active:
            raise ValidationFailed(_("Chọn một đơn vị trong danh bạ."))
        mapping.unit = unit
    else:
        if doc_type is None or not doc_type.is_active:
            raise ValidationFailed(_("Chọn một loại văn bản đang dùng."))
        mapping.doc_type = doc_type
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:
        table = str(CodeKind(kind).label).lower()
        raise ValidationFailed(
            _("Mã “%(code)s” đã có trong bảng mã %(table)s.") % {"code": code, "table": table}
        ) from None
    audit.record(
        "integrations.code_mapped",
        actor=actor,
        obj=system,
        data={"table": kind, "system_code": code, "target": mapping.user_id or mapping.unit_id or mapping.doc_type_id},
    )
    return mapping


@transaction.atomic
def code_unmap(*, actor: User, system: ConnectedSystem, mapping_id: int) -> None:
    system = system_get(actor, pk=system.pk)
    mapping = CodeMapping.objects.filter(system=system, pk=mapping_id).first()
    if mapping is None:
        raise ValidationFailed(_("Không có mã này trong bảng mã."))
    mapping.delete()
    audit.record(
        "integrations.code_unmapped", actor=actor, obj=system, data={"table": mapping.kind, "system_code": mapping.code}
    )


def _find(system: ConnectedSystem, kind: str, code: str) -> CodeMapping | None:
    return (
        CodeMapping.objects.select_related("user__unit", "unit", "doc_type")
        .filter(system=system, kind=kind, code=code[:64])
        .first()
    )


def person_for(system: ConnectedSystem, code: str) -> User:
    """The person a user code of the system stands for: mapped, active, and in the system's own unit (or
    below it). The system acts with that person's rights, never more."""
    if not code:
        raise PermissionDenied(
            "Thiếu mã người dùng: mỗi lời gọi phải nêu người thực hiện (tiêu đề X-Acting-User).",
            code=ErrorCode.NO_ACTING_USER,
        )
    mapping = _find(system, CodeKind.USER, code)
    if mapping is None or mapping.user is None:
        raise PermissionDenied(
            _("Mã người dùng “%(code)s” chưa được ánh xạ sang người dùng nào của hệ thống quản lý văn bản.")
            % {"code": code[:64]},
            code=ErrorCode.UNMAPPED_USER,
        )
    person = mapping.user
    if not person.is_active or person.unit_id is None or person.unit_id not in unit_subtree_ids(system.owner_unit):
        raise PermissionDenied(
            _("%(person)s không thuộc %(unit)s: hệ thống kết nối chỉ được thay mặt người của đơn vị mình.")
            % {"person": person.full_name, "unit": system.owner_unit.name},
            code=ErrorCode.OUTSIDE_UNIT,
        )
    return person


def doc_type_for(system: ConnectedSystem, code: str) -> DocumentType:
    mapping = _find(system, CodeKind.DOC_TYPE, code)
    if mapping is None or mapping.doc_type is None:
        raise ValidationFailed(
            f"Mã loại văn bản “{code[:64]}” chưa được ánh xạ sang loại văn bản nào: đề nghị quản trị bổ sung "
            "bảng mã loại văn bản của hệ thống kết nối.",
            code=ErrorCode.UNMAPPED_TYPE,
            details={"field": "type_code"},
        )
    return mapping.doc_type


def unit_for(system: ConnectedSystem, code: str) -> Unit:
    mapping = _find(system, CodeKind.UNIT, code)
    if mapping is None or mapping.unit is None:
        raise ValidationFailed(
            f"Mã đơn vị “{code[:64]}” chưa được ánh xạ sang đơn vị nào trong danh bạ.",
            code=ErrorCode.UNMAPPED_UNIT,
            details={"field": "recipient_codes"},
        )
    return mapping.unit
