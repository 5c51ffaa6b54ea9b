"""Ký thay theo ủy quyền: while Nguyễn Văn Hùng's delegation (scope "ký") is in force, Phạm Thị Mai sees
his drafts waiting for signature and signs them; the document records KT., her name and position, and
whom she signed for; its signature block reads "KT. CHỦ TỊCH UBND XÃ / PHÓ CHỦ TỊCH UBND XÃ / Phạm Thị
Mai" (the page, edXML). A draft without the competence line is refused; a revoked delegation at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.directory.delegation import DelegationInput, delegation_grant, delegation_revoke
from qlvb.documents.models import DocumentEvent
from qlvb.outgoing import selectors, services
from qlvb.outgoing.actions import can_act
from qlvb.outgoing.models import ApprovalStep, State, StepKind
from qlvb.outgoing.signature_block import outgoing_signature_block, signature_block_lines
from qlvb.reports.waiting import waiting_for
from qlvb.signing.models import SigningProfile
from qlvb.signing.tests.pki import PERSONAL

from .conftest import CONG_VAN_LINES, PIN, docx_bytes

pytestmark = pytest.mark.django_db

KT_LINES = [*CONG_VAN_LINES[:-6], ("KT. CHỦ TỊCH", "right"), ("PHÓ CHỦ TỊCH", "right")]
KT_LINES += [("", "right")] * 4 + [("Phạm Thị Mai", "right")]


@pytest.fixture
def mai_signs(person, signing_settings, signature_image, profiles):
    SigningProfile.objects.create(
        user=person("phamthimai"),
        method="pkcs12",
        pkcs12_path=str(signing_settings.p12(PERSONAL)),
        image_png=signature_image,
    )


def _delegate(person):
    hung = person("nguyenvanhung")
    today = timezone.localdate()
    return delegation_grant(
        actor=hung,
        data=DelegationInput(
            grantor=hung,
            delegate=person("phamthimai"),
            kind="KT.",
            scopes=["sign"],
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
        ),
    )


def _to_sign_kt(draft, with_version, person):
    outgoing = with_version(draft(), data=docx_bytes(KT_LINES))
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    services.outgoing_format_check(
        actor=person("lethuha"), outgoing=outgoing, checks=dict.fromkeys(services.FORMAT_CHECKLIST, True)
    )
    return type(outgoing).objects.get(pk=outgoing.pk)


def test_signature_block_lines():
    assert signature_block_lines(competence="", authority="", position="Chủ tịch", name="A") == ["CHỦ TỊCH", "A"]
    assert signature_block_lines(competence="KT.", authority="Chủ tịch", position="Phó Chủ tịch", name="B") == [
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "B",
    ]
    assert signature_block_lines(competence="Q.", authority="Chủ tịch", position="Phó Chủ tịch", name="C") == [
        "Q. CHỦ TỊCH",
        "C",
    ]
    assert signature_block_lines(competence="TL.", authority="", position="Chánh Văn phòng", name="D") == [
        "TL.",
        "CHÁNH VĂN PHÒNG",
        "D",
    ]


def test_the_delegate_signs_for_the_leader(draft, with_version, person, mai_signs, committed):
    outgoing = _to_sign_kt(draft, with_version, person)
    mai = person("phamthimai")
    with pytest.raises(PermissionDenied):  # without a delegation the step is Hùng's
        services.outgoing_sign(actor=mai, outgoing=outgoing, pin=PIN)
    _delegate(person)
    mai = person("phamthimai")
    assert list(selectors.outgoing_box(mai, box="todo")) == [outgoing]
    assert {w.key: w.count for w in waiting_for(mai)}["sign"] == 1
    assert "sign" in can_act(mai, outgoing)
    services.outgoing_sign(actor=mai, outgoing=outgoing, pin=PIN)
    outgoing.refresh_from_db()
    document = outgoing.document
    assert outgoing.state == State.SIGNED and outgoing.competence == "KT."
    assert outgoing.signed_for == person("nguyenvanhung") and outgoing.signer == person("nguyenvanhung")
    assert (document.signer_name, document.signer_position) == ("Phạm Thị Mai", "Phó Chủ tịch UBND xã")
    assert outgoing_signature_block(outgoing) == ["KT. CHỦ TỊCH UBND XÃ", "PHÓ CHỦ TỊCH UBND XÃ", "Phạm Thị Mai"]
    event = DocumentEvent.objects.get(document=document, action="signed_personal")
    assert event.actor == mai and event.text.endswith("(KT. Nguyễn Văn Hùng)")
    assert event.data["on_behalf_of"] == person("nguyenvanhung").pk
    step = ApprovalStep.objects.get(outgoing=outgoing, kind=StepKind.SIGN)
    assert step.user == person("nguyenvanhung") and step.decided_by == mai
    from qlvb.core.models import AuditEntry

    acted = AuditEntry.objects.get(action="delegation.acted")
    assert (acted.actor_id, acted.data["scope"], acted.data["action"]) == (mai.pk, "sign", "signed_personal")
    # The page shows the block and for whom; the edXML package names the competence line.
    from qlvb.exchange.axis_packages import _competence

    assert _competence(document) == "KT. CHỦ TỊCH UBND XÃ"


def test_the_page_shows_the_signature_block(draft, with_version, person, mai_signs, page_as):
    outgoing = _to_sign_kt(draft, with_version, person)
    _delegate(person)
    services.outgoing_sign(actor=person("phamthimai"), outgoing=outgoing, pin=PIN)
    html = page_as("phamthimai").get(f"/van-ban-di/{outgoing.pk}/").content.decode()
    assert "KT. CHỦ TỊCH UBND XÃ<br>PHÓ CHỦ TỊCH UBND XÃ<br>Phạm Thị Mai" in html
    assert "Ký thay Nguyễn Văn Hùng theo ủy quyền" in html


def test_a_draft_without_the_competence_line_is_refused(to_sign, person, mai_signs):
    outgoing = to_sign()  # the block reads "CHỦ TỊCH / Nguyễn Văn Hùng"
    _delegate(person)
    with pytest.raises(Conflict, match=r"KT\. CHỦ TỊCH UBND XÃ"):
        services.outgoing_sign(actor=person("phamthimai"), outgoing=outgoing, pin=PIN)
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN and outgoing.competence == ""


def test_revoked_stops_at_once(draft, with_version, person, mai_signs):
    outgoing = _to_sign_kt(draft, with_version, person)
    delegation = _delegate(person)
    delegation_revoke(actor=person("nguyenvanhung"), delegation_id=delegation.pk)
    mai = person("phamthimai")
    assert "sign" not in can_act(mai, outgoing)
    assert list(selectors.outgoing_box(mai, box="todo")) == []
    with pytest.raises(PermissionDenied):
        services.outgoing_sign(actor=mai, outgoing=outgoing, pin=PIN)
