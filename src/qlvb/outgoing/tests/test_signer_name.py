"""The signature image is laid out above the signer's name (NĐ 30 Phụ lục I, ô 7c). A draft whose PDF lacks
that name cannot be signed: the clerk's format check says so before it reaches the signer, and the signature
refuses before anything is signed, each with what to do (found by a first-user run: an ordinary template
without the signature block ended in "hãy chỉ định vị trí", with nothing on the page to do it)."""

from __future__ import annotations

import pytest

from qlvb.core.errors import Conflict
from qlvb.outgoing import services
from qlvb.outgoing.errors import ErrorCode
from qlvb.outgoing.models import State, StepKind, StepStatus
from qlvb.outgoing.tests.conftest import ALL_OK, CONG_VAN_LINES, PIN, docx_bytes

pytestmark = pytest.mark.django_db(transaction=False)

NO_BLOCK = CONG_VAN_LINES[:-6]  # the text, "Nơi nhận", and no "CHỦ TỊCH / Nguyễn Văn Hùng"
KT_BLOCK = [*NO_BLOCK, ("KT. CHỦ TỊCH", "right"), ("PHÓ CHỦ TỊCH", "right"), ("", "right"), ("Phạm Thị Mai", "right")]


def _at_format_check(draft, with_version, person, lines):
    outgoing = with_version(draft(), data=docx_bytes(lines))
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    outgoing.refresh_from_db()
    assert outgoing.state == State.FORMAT_CHECK
    return outgoing


def test_format_check_refuses_a_draft_without_the_signers_name(draft, with_version, person):
    outgoing = _at_format_check(draft, with_version, person, NO_BLOCK)
    clerk = person("lethuha")
    with pytest.raises(Conflict) as refused:
        services.outgoing_format_check(actor=clerk, outgoing=outgoing, checks=ALL_OK)
    assert refused.value.code == ErrorCode.SIGNER_NAME_MISSING
    assert "Nguyễn Văn Hùng" in str(refused.value) and "ô 7c" in str(refused.value)
    outgoing.refresh_from_db()
    assert outgoing.state == State.FORMAT_CHECK  # nothing moved: the step is still hers
    assert outgoing.steps.get(kind=StepKind.FORMAT, round=1).status == StepStatus.PENDING
    # As the message says: the item unticked sends it back to the drafter.
    services.outgoing_format_check(actor=clerk, outgoing=outgoing, checks={**ALL_OK, "tham_quyen_ky": False})
    outgoing.refresh_from_db()
    assert outgoing.state == State.RETURNED


def test_signing_refuses_before_signing_when_the_block_names_another(draft, with_version, person, profiles):
    """A "KT." block names the deputy: it passes the format check, but the leader himself cannot sign it."""
    outgoing = _at_format_check(draft, with_version, person, KT_BLOCK)
    services.outgoing_format_check(actor=person("lethuha"), outgoing=outgoing, checks=ALL_OK)
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN
    with pytest.raises(Conflict) as refused:
        services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=outgoing, pin=PIN)
    assert refused.value.code == ErrorCode.SIGNER_NAME_MISSING
    assert "Trả lại" in str(refused.value)
    outgoing.refresh_from_db()
    assert outgoing.state == State.TO_SIGN and outgoing.signed_pdf is None  # nothing signed, nothing written
