"""Issue 9: the administrator could download by id the files of documents he could not open. Content
follows the document: by id, a file's content goes to its uploader and to whoever may open a document
holding it — an administrator who may not open the document gets 404 like an outsider. The document
page also says when a PDF carries scripts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.core.errors import NotFound
from qlvb.files.tests.samples import pdf_with_javascript
from qlvb.incoming import selectors
from qlvb.incoming.services import IncomingFile, incoming_receive

from .conftest import make_data
from .test_attachments import files_dir, pdf_bytes, take_in  # noqa: F401  (files_dir: fixture)

pytestmark = pytest.mark.usefixtures("files_dir")


@pytest.fixture
def received(person, ubnd):
    ha = person("lethuha")
    stored = take_in(ha, "cong-van-mat.pdf", pdf_bytes(1))
    doc = incoming_receive(
        actor=ha, agency=ubnd, channel="paper", data=make_data(), files=[IncomingFile(stored)]
    ).document
    return doc, stored


def test_an_administrator_who_cannot_open_the_document_cannot_download_its_file(client, person, received, api_as):
    doc, stored = received
    lan = person("tranthilan")  # administrator of UBND xã Liên Minh
    with pytest.raises(NotFound):
        selectors.document_get(lan, pk=doc.pk)
    response = api_as(lan).get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 404
    assert response.json() == api_as(lan).get("/api/v1/files/999999").json()
    client.force_login(lan)
    assert client.get(f"/tep/{stored.pk}/").status_code == 404


def test_whoever_may_open_the_document_downloads_its_file_by_id(client, person, received, api_as):
    doc, stored = received
    leader = person("nguyenvanhung")
    assert selectors.document_get(leader, pk=doc.pk) == doc
    response = api_as(leader).get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert api_as("lethuha").get(f"/api/v1/files/{stored.pk}").status_code == 200  # the uploader


def test_an_outsider_of_another_agency_gets_404(client, person, received, api_as):
    _doc, stored = received
    assert api_as("tytlienminh_buithiloan").get(f"/api/v1/files/{stored.pk}").status_code == 404


def test_the_document_page_says_a_pdf_carries_scripts(client, person, ubnd):
    ha = person("lethuha")
    stored = take_in(ha, "co-ma-lenh.pdf", pdf_with_javascript())
    plain = take_in(ha, "sach.pdf", pdf_bytes(1))
    doc = incoming_receive(
        actor=ha,
        agency=ubnd,
        channel="paper",
        data=make_data(),
        files=[IncomingFile(stored), IncomingFile(plain, kind="appendix")],
    ).document
    client.force_login(ha)
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert page.count('data-qlvb="file-scripts"') == 1
    assert "có mã lệnh tự chạy" in page
