"""Who gets an outgoing document, and how — shown before it is issued (issue 8).

Each recipient has a route:

- ``internal`` — an agency of this deployment: receives the document electronically at once;
- ``axis`` — an outside agency of the directory with an electronic identifier: "chờ gửi liên thông"
  (sent when the national-axis module exists);
- ``paper`` — an outside agency without an identifier, or a recipient typed as text and marked "gửi bản
  giấy": sent on paper (the postal book lists it);
- ``unreachable`` — typed as text and matched to no agency: nothing can be sent until the clerk matches it
  to an agency of the directory, marks it paper, or removes it;
- ``not_sent`` — the lines of the "Nơi nhận" block that are not addressees ("Như trên", "Lưu: VT, …").

:func:`recipients_summary` is the pre-issue summary (page and ``GET /outgoing/{id}/issue-preview``);
:func:`recipient_fix` applies the clerk's decision on one typed recipient. Before the signature the
recipients are part of the draft: a fix is a metadata change (recorded, and after an approval the chain
starts again, NĐ 30 Điều 11). Once signed, the text of the document — its "Nơi nhận" — is fixed; the
clerk only decides how each line is sent (recorded as ``recipients_routed``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Value
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import fold
from qlvb.directory.models import Unit, UnitKind, User
from qlvb.documents.deliveries import Transport
from qlvb.documents.events import event_record
from qlvb.documents.sending import recipient_check, route_of

from .draft_state import _metadata
from .drafting import _changed, recipient_lines, to_places_text
from .models import Outgoing, Recipient, State
from .preconditions import outgoing_recipient_fix_check

ROUTES: dict[str, str] = {
    "internal": "Nhận văn bản điện tử ngay (cơ quan trong hệ thống)",
    "axis": "Chờ gửi liên thông (cơ quan ngoài, gửi qua Trục liên thông khi có kết nối)",
    "paper": "Gửi bản giấy",
    "unreachable": "Chưa gửi được: chưa có địa chỉ liên thông",
    "not_sent": "Không phải nơi nhận gửi đi (Như trên, Lưu)",
}
# "Như trên" (the addressees above) and "Lưu: VT, …" (the file copies) are lines of the block, not addressees.
NOT_AN_ADDRESSEE = re.compile(r"^(nhu tren|luu\b|luu:)")
FIXES = ("match", "paper", "remove")


@dataclass
class Line:
    name: str
    route: str
    unit_id: int | None = None
    organ_id: str = ""
    typed: bool = False  # typed as text (free or paper line), not chosen from the directory
    suggestions: list[dict[str, Any]] = field(default_factory=list)


def suggestions_for(name: str, *, sender: Unit, limit: int = 5) -> list[dict[str, Any]]:
    """Agencies of the directory whose folded name equals, contains or is contained in the typed name."""
    folded = fold(name)
    if len(folded) < 3:
        return []
    found = (
        Unit.objects.filter(kind=UnitKind.AGENCY, is_active=True)
        .exclude(pk=sender.pk)
        .annotate(typed=Value(folded))
        .filter(Q(name_folded=folded) | Q(name_folded__contains=folded) | Q(typed__contains=F("name_folded")))
        .order_by("name")[: limit * 2]
    )
    ranked = sorted(found, key=lambda u: (u.name_folded != folded, u.name))[:limit]
    return [{"id": u.pk, "name": u.name, "organ_id": u.organ_id, "route": route_of(u)} for u in ranked]


def recipients_summary(outgoing: Outgoing, *, rows: list[Recipient] | None = None) -> dict[str, Any]:
    """Every recipient with its route, grouped; the counts; warnings (a reply due date already passed).
    ``rows``: ``outgoing.recipients.select_related("unit").order_by("unit__name")`` when the caller has read them."""
    sender = outgoing.document.agency
    lines: list[Line] = []
    if rows is None:
        rows = list(outgoing.recipients.select_related("unit").order_by("unit__name"))
    for r in rows:
        lines.append(Line(name=r.unit.name, route=route_of(r.unit), unit_id=r.unit_id, organ_id=r.unit.organ_id))
    for name in recipient_lines(outgoing.paper_recipients):
        lines.append(Line(name=name, route="paper", typed=True))
    for name in recipient_lines(outgoing.free_recipients):
        if NOT_AN_ADDRESSEE.match(fold(name)):
            lines.append(Line(name=name, route="not_sent", typed=True))
        else:
            lines.append(
                Line(name=name, route="unreachable", typed=True, suggestions=suggestions_for(name, sender=sender))
            )
    groups = {key: [asdict(x) for x in lines if x.route == key] for key in ROUTES}
    warnings = []
    due = outgoing.document.due_date
    if (
        due is not None
        and due < timezone.localdate()
        and outgoing.state not in (State.ISSUED, State.REVOKED, State.REPLACED)
    ):
        warnings.append(f"Hạn trả lời {due:%d/%m/%Y} đã qua.")
    return {
        "groups": groups,
        "labels": ROUTES,
        "counts": {key: len(items) for key, items in groups.items()},
        "sections": [
            {"key": key, "label": label, "items": groups[key]} for key, label in ROUTES.items() if groups[key]
        ],
        "electronic": len(groups["internal"]),
        "warnings": warnings,
    }


def unreachable_names(outgoing: Outgoing) -> list[str]:
    return [x["name"] for x in recipients_summary(outgoing)["groups"]["unreachable"]]


def issue_counts_text(counts: dict[str, int]) -> str:
    """ "1 nơi nhận điện tử, 1 nơi chờ gửi liên thông, 1 nơi gửi bản giấy, 1 nơi chưa có địa chỉ liên thông"."""
    parts = [f"{counts.get('internal', 0)} nơi nhận điện tử"]
    for key, words in (
        ("axis", "chờ gửi liên thông"),
        ("paper", "gửi bản giấy"),
        ("unreachable", "chưa có địa chỉ liên thông"),
    ):
        if counts.get(key):
            parts.append(f"{counts[key]} nơi {words}")
    return ", ".join(parts)


def _without(text: str, name: str) -> str:
    return "\n".join(line for line in recipient_lines(text) if line != name)


@transaction.atomic
def recipient_fix(*, actor: User, outgoing: Outgoing, name: str, action: str, unit: Unit | None = None) -> Outgoing:
    """Decide how a recipient typed as text is sent: ``match`` it to ``unit`` of the directory, send it on
    ``paper``, or ``remove`` it. Before the signature: whoever may edit the draft (a metadata change);
    once signed and until issued: the clerk (the route only; the signed "Nơi nhận" stays as signed)."""
    outgoing = row_locked(outgoing, related=("document",))
    agency = outgoing.document.agency
    content = outgoing_recipient_fix_check(actor, outgoing)
    if action not in FIXES:
        raise ValidationFailed("Cách xử lý nơi nhận phải là: chọn cơ quan trong danh bạ, gửi bản giấy hoặc bỏ.")
    name = (name or "").strip()
    free, paper = recipient_lines(outgoing.free_recipients), recipient_lines(outgoing.paper_recipients)
    if name not in free and name not in paper:
        raise ValidationFailed(f"Không có nơi nhận “{name}” trong các nơi nhận ghi bằng chữ của văn bản.")
    before = _metadata(outgoing)
    outgoing.free_recipients = _without(outgoing.free_recipients, name)
    outgoing.paper_recipients = _without(outgoing.paper_recipients, name)
    if action == "match":
        if unit is None:
            raise ValidationFailed("Hãy chọn cơ quan trong danh bạ.")
        recipient_check(unit, sender=agency)
        if outgoing.recipients.filter(unit=unit).exists():
            raise ValidationFailed(f"{unit.name} đã có trong nơi nhận.")
        Recipient.objects.create(outgoing=outgoing, unit=unit)
        done = f"“{name}” là {unit.name} ({route_label(route_of(unit))})"
    elif action == "paper":
        outgoing.paper_recipients = "\n".join([*recipient_lines(outgoing.paper_recipients), name])
        done = f"“{name}”: gửi bản giấy"
    else:
        done = f"“{name}”: bỏ, không gửi"
    outgoing.save(update_fields=["free_recipients", "paper_recipients"])
    if content:
        document = outgoing.document
        units = [r.unit for r in outgoing.recipients.select_related("unit").order_by("unit__name")]
        places = to_places_text(units, outgoing.free_recipients, outgoing.paper_recipients)
        # NĐ 30 Điều 11 asks the chain again when the draft changes. Sending a named recipient on paper, or
        # matching it to a directory entry of the same name, leaves the printed "Nơi nhận" as approved:
        # the route is recorded, the approvals stand (the clerk decides routes during the format check).
        same = sorted(recipient_lines(places)) == sorted(recipient_lines(document.to_places))
        if not same:
            document.to_places = places
            document.save(update_fields=["to_places"])
        return _changed(actor, outgoing, before, restart=not same)
    event_record(
        outgoing.document,
        actor=actor,
        action="recipients_routed",
        text=f"Nơi nhận {done}.",
        data={"name": name, "action": action, "unit": unit.pk if unit else None},
    )
    return outgoing


def route_label(route: str) -> str:
    return {
        Transport.INTERNAL: "nhận điện tử",
        Transport.AXIS: "chờ gửi liên thông",
        Transport.PAPER: "gửi bản giấy",
    }.get(route, route)  # type: ignore[call-overload]
