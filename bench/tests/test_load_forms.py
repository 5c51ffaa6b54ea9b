"""The load's form filler (bench/load/loadforms.py) sends what a person's browser sends: the clerk's real
receive form, filled only where the locustfile fills it, is accepted and the document is registered."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.documents.models import Document
from qlvb.files.tests.samples import pdf_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "load"))
from loadforms import form_of  # beside the locustfile, which locust loads by path

pytestmark = pytest.mark.django_db


def test_the_receive_form_filled_as_the_load_does_registers_the_document(person, files_dir_tmp):
    clerk = Client(enforce_csrf_checks=True)  # as a browser meets it
    clerk.force_login(person("lethuha"))
    page = clerk.get("/van-ban-den/tiep-nhan/")
    form = form_of(page.content.decode())
    assert form["fields"]["csrfmiddlewaretoken"]
    data = {
        **form["fields"],
        "subject": "V/v triển khai nhiệm vụ chuyển đổi số đợt 7",
        "code_notation": "7/UBND-VP",
        "channel": "email",
        "main_file": SimpleUploadedFile("cv-7.pdf", pdf_bytes(), content_type="application/pdf"),
    }
    for field in form["required"]:
        data[field] = data.get(field) or "Đã xử lý theo chỉ đạo."
    response = clerk.post(form["action"] or "/van-ban-den/tiep-nhan/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get(subject="V/v triển khai nhiệm vụ chuyển đổi số đợt 7")
    assert doc.arrival_number and doc.attachments.count() == 1


@pytest.fixture
def files_dir_tmp(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
