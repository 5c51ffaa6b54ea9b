"""XML-DSig on packages, and the ``qlvb edxml`` command."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from qlvb.exchange.edxml import build, parse
from qlvb.exchange.edxml.model import to_dict
from qlvb.exchange.edxml.signature import load_signing_key, sign_package, verify_package

from .conftest import REPO, make_edoc


@pytest.fixture(scope="module")
def agency_key(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return key_files(tmp_path_factory.mktemp("key"), "UBND tỉnh Nghệ An")


def key_files(d: Path, common_name: str) -> dict[str, Path]:
    d.mkdir(exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pem = d / "agency.pem"
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    p12 = d / "agency.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(b"a", key, cert, None, serialization.BestAvailableEncryption(b"matkhau"))
    )
    return {"pem": pem, "p12": p12}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    f = tmp_path / "cv.pdf"
    f.write_bytes(b"%PDF-1.7 noi dung")
    out = tmp_path / "cv.edxml"
    build(make_edoc([f]), out)
    return out


def test_signed_package_verifies_and_still_parses(package: Path, agency_key: dict[str, Path], tmp_path: Path) -> None:
    signed = tmp_path / "signed.edxml"
    sign_package(package, signed, key_path=agency_key["pem"])
    verdict = verify_package(signed)
    assert verdict.verdict == "valid" and "Nghệ An" in verdict.signer
    parsed = parse(signed)
    assert parsed.signature == "present" and parsed.warnings == []
    assert b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">' in signed.read_bytes()


def test_pkcs12_key_signs_too(package: Path, agency_key: dict[str, Path], tmp_path: Path) -> None:
    signed = tmp_path / "signed.edxml"
    sign_package(package, signed, key_path=agency_key["p12"], password="matkhau")
    assert verify_package(signed).verdict == "valid"


def test_the_key_is_decoded_once_and_read_again_when_its_file_is_replaced(package: Path, tmp_path: Path) -> None:
    """The outbox signs one package per outside recipient: the key file is decoded once, not 200 times,
    yet an agency that installs a new key signs with it from the next package on."""
    first = key_files(tmp_path / "a", "UBND tỉnh Nghệ An")["p12"]
    assert load_signing_key(first, password="matkhau")[0] is load_signing_key(first, password="matkhau")[0]
    installed = tmp_path / "agency.p12"
    installed.write_bytes(first.read_bytes())
    sign_package(package, tmp_path / "1.edxml", key_path=installed, password="matkhau")
    assert "Nghệ An" in verify_package(tmp_path / "1.edxml").signer
    installed.write_bytes(key_files(tmp_path / "b", "UBND tỉnh Hà Tĩnh")["p12"].read_bytes())
    sign_package(package, tmp_path / "2.edxml", key_path=installed, password="matkhau")
    assert "Hà Tĩnh" in verify_package(tmp_path / "2.edxml").signer


def test_altered_package_is_invalid(package: Path, agency_key: dict[str, Path], tmp_path: Path) -> None:
    signed = tmp_path / "signed.edxml"
    sign_package(package, signed, key_path=agency_key["pem"])
    altered = tmp_path / "altered.edxml"
    altered.write_bytes(signed.read_bytes().replace("Ngày hội".encode(), "Ngày hộp".encode()))
    assert verify_package(altered).verdict == "invalid"


def test_unsigned_package_is_absent(package: Path) -> None:
    assert verify_package(package).verdict == "absent"


def test_parse_command_prints_metadata_and_json(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("edxml", "parse", str(package))
    out = capsys.readouterr().out
    assert "Trích yếu: V/v tổ chức Ngày hội" in out and "Đính kèm: cv.pdf" in out and "absent" in out
    call_command("edxml", "parse", str(package), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["package"]["header"]["code"]["code_number"] == "125"
    assert data["signature"]["verdict"] == "absent"


def test_build_command_from_json_round_trips(package: Path, agency_key: dict[str, Path], tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    parsed = parse(package, attachments_dir=tmp_path / "files")
    data = to_dict(parsed.package)
    data["attachments"] = []
    meta.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "again.edxml"
    call_command("edxml", "build", "--json", str(meta), "--attach", str(tmp_path / "files" / "cv.pdf"), "-o", str(out))
    assert out.read_bytes() == package.read_bytes()
    signed = tmp_path / "signed.edxml"
    call_command("edxml", "build", "--json", str(meta), "-o", str(signed), "--key", str(agency_key["pem"]))
    assert verify_package(signed).verdict == "valid"


def test_refused_package_exits_1_with_the_reason_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(b'<?xml version="1.0"?>\n<edXML><From><OrganId>000.00.00.H41</OrganId></From>\n<a></b></edXML>')
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "DJANGO_SETTINGS_MODULE": "qlvb.settings"}
    res = subprocess.run(
        [sys.executable, "-m", "qlvb.cli", "edxml", "parse", str(bad)], capture_output=True, text=True, env=env
    )
    assert res.returncode == 1
    assert "Gói tin bị từ chối" in res.stderr and "dòng 3" in res.stderr
    assert "Bên gửi: 000.00.00.H41" in res.stderr  # so the transport can answer with status 02
    assert "Traceback" not in res.stderr
