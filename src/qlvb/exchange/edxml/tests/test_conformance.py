"""Every SDK sample of the Government Office handled as shared/conformance/edxml-vpcp-sdk/README.md says."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlvb.exchange.edxml import EdxmlRefused, parse
from qlvb.exchange.edxml.model import Edoc, Status
from qlvb.exchange.edxml.parse import peek_sender
from qlvb.exchange.edxml.signature import verify_package

STATUS_FILES = {
    "status.edxml": "01",
    "status_inbox_01.edxml": "01",
    "status_rejection_02.edxml": "02",
    "status_acceptance_03.edxml": "03",
    "status_assignment_04.edxml": "04",
    "status_processing_05.edxml": "05",
    "status_finish_06.edxml": "06",
    "status_cancellation_13.edxml": "13",
    "status_change-acceptance_15.edxml": "15",
    "status_change-rejection_16.edxml": "16",
}


@pytest.mark.parametrize(("name", "code"), sorted(STATUS_FILES.items()))
def test_status_samples_parse_with_their_code(samples: Path, name: str, code: str) -> None:
    parsed = parse(samples / name)
    assert isinstance(parsed.package, Status)
    assert parsed.package.status_code == code
    assert parsed.package.response_for.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    # 13 (take back) comes from the document's sender, every other status from its receiver
    assert parsed.package.from_.organ_id == ("000.00.00.G22" if code == "13" else "000.00.00.H41")
    assert parsed.package.description


def test_update_sample_has_document_info_and_two_receivers(samples: Path, tmp_path: Path) -> None:
    parsed = parse(samples / "edoc_update.edxml", attachments_dir=tmp_path)
    edoc = parsed.package
    assert isinstance(edoc, Edoc) and edoc.bussiness is not None
    assert edoc.bussiness.bussiness_doc_type == "2"
    assert edoc.bussiness.document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
    info = edoc.bussiness.document_info
    assert info is not None and (info.document_info, info.document_receiver) == ("1", "1")
    assert [(r.organ_id, r.receiver_type) for r in info.receivers] == [("000.00.00.H41", "0"), ("000.00.00.H14", "1")]
    # the impossible date 2014/02/30 is kept, with a warning
    assert any("2014/02/30" in w.message for w in parsed.warnings)
    # the attachment (a zip holding a nested .edxml) is written under its AttachmentName
    (att,) = edoc.attachments
    assert att.path == tmp_path / "1896_QD-TTg_m_294779.doc"
    assert att.path.read_bytes().startswith(b"<?xml") and att.size == att.path.stat().st_size


def test_replacement_sample_has_two_replacement_infos(samples: Path) -> None:
    edoc = parse(samples / "edoc_replacement.edxml").package
    assert isinstance(edoc, Edoc) and edoc.bussiness is not None
    assert edoc.bussiness.bussiness_doc_type == "3"
    assert len(edoc.bussiness.replacements) == 2
    assert edoc.bussiness.replacements[0].organ_ids == ["000.00.00.H41", "000.00.00.H14"]


def test_revocation_sample_points_at_the_revoked_document(samples: Path) -> None:
    edoc = parse(samples / "edoc_revocation.edxml").package
    assert isinstance(edoc, Edoc) and edoc.bussiness is not None
    assert edoc.bussiness.bussiness_doc_type == "1"
    (rf,) = edoc.header.response_for
    assert rf.document_id and rf.organ_id


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("edoc_new.edxml", 1, "4 byte lạ trước phần khai báo XML"),
        ("edoc.edxml", 116, "tiền tố không gian tên"),
    ],
)
def test_malformed_samples_refused_with_position(samples: Path, name: str, line: int, words: str) -> None:
    with pytest.raises(EdxmlRefused) as exc:
        parse(samples / name)
    assert exc.value.line == line
    assert words in exc.value.message and f"dòng {line}" in exc.value.message


@pytest.mark.parametrize(
    ("name", "sender", "doc"),
    [
        ("edoc_new.edxml", "002.00.20.H13", "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"),
        ("edoc.edxml", "002.00.20.H13", "9fbfbad2-f1f8-4256-a2eb-50fb1061cddb"),
    ],
)
def test_refused_samples_still_name_their_sender_for_status_02(samples: Path, name: str, sender: str, doc: str) -> None:
    hint = peek_sender(samples / name)
    assert hint.organ_id == sender
    assert hint.document_id == doc


def test_odd_values_of_edoc_new_are_kept_as_warnings(samples: Path, tmp_path: Path) -> None:
    fixed = tmp_path / "edoc_new_fixed.edxml"
    fixed.write_bytes((samples / "edoc_new.edxml").read_bytes()[4:])  # without the 4 stray bytes
    parsed = parse(fixed)
    edoc = parsed.package
    assert isinstance(edoc, Edoc)
    assert "28.22.H17" in [t.organ_id for t in edoc.header.to]
    assert edoc.header.code.code_number == "74fass22"
    text = " ".join(str(w) for w in parsed.warnings)
    assert "28.22.H17" in text and "74fass22" in text and "2014/02/30" in text


@pytest.mark.parametrize("name", ["edoc_update.edxml", "edoc_replacement.edxml", "edoc_revocation.edxml"])
def test_dummy_signature_is_a_warning_not_a_refusal(samples: Path, name: str) -> None:
    parsed = parse(samples / name)
    assert parsed.signature == "present"
    assert verify_package(samples / name).verdict == "dummy"


def test_every_sample_file_is_covered(samples: Path) -> None:
    covered = set(STATUS_FILES) | {
        "edoc_update.edxml",
        "edoc_replacement.edxml",
        "edoc_revocation.edxml",
        "edoc_new.edxml",
        "edoc.edxml",
    }
    assert {p.name for p in samples.glob("*.edxml")} == covered
