"""``documents.secrecy.secrecy_refuse``: the one refusal of state secrets, for every channel."""

from __future__ import annotations

import pytest

from qlvb.core.errors import ValidationFailed
from qlvb.documents.models import SECRECY_REFUSED_MESSAGE
from qlvb.documents.secrecy import secrecy_refuse


def _refusal(secrecy: str | None, *, stamp: str = "") -> ValidationFailed | None:
    try:
        secrecy_refuse(secrecy, stamp=stamp)
    except ValidationFailed as refused:
        return refused
    return None


@pytest.mark.parametrize("secrecy", ["", None, "  "])
def test_a_document_that_is_not_secret_passes(secrecy) -> None:
    assert _refusal(secrecy) is None
    assert _refusal(secrecy, stamp="") is None
    assert _refusal(secrecy, stamp="MẬT") is not None


@pytest.mark.parametrize(("secrecy", "label"), [("mat", "Mật"), ("toi_mat", "Tối mật"), ("tuyet_mat", "Tuyệt mật")])
def test_each_secrecy_level_is_refused_with_its_name(secrecy: str, label: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        secrecy_refuse(secrecy)
    assert caught.value.code == "state_secret" and caught.value.status_code == 422
    assert caught.value.message == str(SECRECY_REFUSED_MESSAGE)
    assert caught.value.details == {"secrecy": label}


def test_an_unknown_level_a_channel_sent_is_refused_too() -> None:
    """An edXML package or an API client may send a level that is not one of ours: still not "không mật"."""
    with pytest.raises(ValidationFailed) as caught:
        secrecy_refuse("Mật (A)")
    assert caught.value.code == "state_secret" and caught.value.details == {"secrecy": "Mật (A)"}


def test_a_secrecy_stamp_in_the_file_is_refused_naming_the_stamp() -> None:
    with pytest.raises(ValidationFailed) as caught:
        secrecy_refuse("", stamp="TỐI MẬT")
    assert caught.value.code == "state_secret" and caught.value.details == {"stamp": "TỐI MẬT"}
    assert caught.value.message.startswith("Tệp văn bản có dấu “TỐI MẬT”. Hệ thống không tiếp nhận")
