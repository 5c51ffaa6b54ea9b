"""``GET /api/v1/files/{id}/fields``: what the receive form pre-fills from a file's text (issue 12). The file
goes through the real intake and the real text extraction; the uploader gets the fields once the text is
read ("pending" before), an officer who may not read the file gets 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.documents.models import DocumentType
from qlvb.documents.types_data import document_types_ensure
from qlvb.files.models import StoredFile
from qlvb.files.texts import file_text_extract

from .test_fieldread import LETTER_IN_COLUMNS


@pytest.fixture
def files_dir(settings, tmp_path, demo):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def test_the_uploader_gets_the_fields_once_the_text_is_read(api_as, files_dir):
    document_types_ensure()
    clerk = api_as("lethuha")
    data = LETTER_IN_COLUMNS.encode()
    upload = clerk.post("/api/v1/files", {"file": SimpleUploadedFile("cong-van-45.txt", data)})
    assert upload.status_code == 201, upload.content
    file_id = upload.json()["id"]

    pending = clerk.get(f"/api/v1/files/{file_id}/fields")
    assert pending.status_code == 200
    assert pending.json() == {"file_id": file_id, "state": "pending", "reason": "", "fields": None}

    file_text_extract(StoredFile.objects.get(pk=file_id))  # what the "ocr" queue's task does
    done = clerk.get(f"/api/v1/files/{file_id}/fields").json()
    assert done["state"] == "done"
    assert done["fields"] == {
        "code_number": "45",
        "code_notation": "TCKH-NS",
        "issued_date": "2026-01-12",
        "place": "Bến Lức",
        "organ_name": "Phòng Tài chính - Kế hoạch",
        "doc_type": "Công văn",
        "doc_type_id": DocumentType.objects.get(name="Công văn").pk,
        "subject": "Hướng dẫn lập dự toán ngân sách năm 2027",
        "signer_position": "Trưởng phòng",
        "signer_name": "Lê Thị Bích Ngọc",
        "urgency": None,
        "recipients": ["Như trên", "Lưu: VT"],
    }


def test_someone_who_may_not_read_the_file_gets_404(api_as, files_dir):
    upload = api_as("lethuha").post("/api/v1/files", {"file": SimpleUploadedFile("cv.txt", LETTER_IN_COLUMNS.encode())})
    file_id = upload.json()["id"]
    assert api_as("dothanhhuong").get(f"/api/v1/files/{file_id}/fields").status_code == 404
    assert api_as("dothanhhuong").get("/api/v1/files/999999/fields").status_code == 404
