"""Downloads by id: the uploader, or whoever may open a document holding the file — not an
administrator as such (he sees metadata, not content: issue 9); anyone else gets 404 (cannot tell the
file exists); every download is audited; the name sent is the safe one."""

from __future__ import annotations

import io

import pytest

from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel

from . import samples


@pytest.fixture
def stored(person):
    return file_intake(
        actor=person("lethuha"),
        stream=io.BytesIO(samples.pdf_bytes()),
        original_name="Quyết định số 15.pdf",
        channel=Channel.WEB,
    )


def test_uploader_downloads_over_the_api(client, person, stored, api_as):
    response = api_as("lethuha").get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Quyet-dinh-so-15.pdf\"; filename*=UTF-8''Quyet-dinh-so-15.pdf"
    )
    assert response["Content-Length"] == str(len(samples.pdf_bytes()))
    entry = AuditEntry.objects.filter(action="file.downloaded").get()
    assert entry.actor_username == "ublienminh_lethuha"
    assert entry.object_id == str(stored.pk)


def test_the_administrator_of_the_agency_does_not_get_the_content_by_id(client, person, stored, api_as):
    """Being administrator over the uploader's unit shows the file's metadata, not its content."""
    response = api_as("tranthilan").get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="file.downloaded").exists()


@pytest.mark.parametrize("outsider", ["dothanhhuong", "nguyenvanhung", "tytlienminh_buithiloan"])
def test_outsider_gets_404(client, person, stored, outsider, api_as):
    response = api_as(outsider).get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy hoặc bạn không có quyền xem."
    assert api_as(outsider).get("/api/v1/files/999999").json() == response.json()
    assert not AuditEntry.objects.filter(action="file.downloaded").exists()


def test_anonymous_gets_401(client, stored):
    assert client.get(f"/api/v1/files/{stored.pk}").status_code == 401


def test_web_download_with_the_same_checks(client, person, stored):
    client.force_login(person("lethuha"))
    response = client.get(f"/tep/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="Quyet-dinh-so-15.pdf"')
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == samples.pdf_bytes()
    client.force_login(person("dothanhhuong"))
    assert client.get(f"/tep/{stored.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/tep/{stored.pk}/").status_code == 302  # to the sign-in page
    assert AuditEntry.objects.filter(action="file.downloaded").count() == 1
