"""Filing from the search results (/tim-kiem/): a checkbox per result and "Đưa vào hồ sơ" with a picker of the
open dossiers the person may file into; the ticked documents go in through ``bulk.documents_file_bulk`` — all
or nothing, every one checked for visibility — and the person is sent back to his results."""

from __future__ import annotations

import pytest

from qlvb.dossiers.models import DossierItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(handled, free_dossier):
    docs = [handled(code_number=str(n), subject=f"Về việc tiêm chủng sởi đợt {n}") for n in (51, 52, 53)]
    return docs, free_dossier(title="Hồ sơ tiêm chủng sởi năm 2026")


def test_the_results_carry_checkboxes_and_the_picker_of_open_dossiers(found, page_as, free_dossier):
    docs, dossier = found
    free_dossier(notation="09.VX", by="ngothuytrang", title="Hồ sơ của người khác")
    page = page_as("dothanhhuong").get("/tim-kiem/", {"q": "tiêm chủng sởi"}).content.decode()
    assert 'data-qlvb="search-file"' in page
    for doc in docs:
        assert f'name="document" value="{doc.pk}" form="search-file-form"' in page
    assert f'<option value="{dossier.pk}">05.VX' in page
    assert "Hồ sơ của người khác" not in page  # only dossiers he may file into


def test_no_open_dossier_no_checkboxes(handled, page_as):
    handled(subject="Về việc tiêm chủng sởi đợt 60")
    page = page_as("dothanhhuong").get("/tim-kiem/", {"q": "tiêm chủng sởi"}).content.decode()
    assert 'data-qlvb="search-pick"' not in page and "Bạn chưa có hồ sơ nào đang lập." in page


def test_the_ticked_results_are_filed_and_the_person_goes_back(found, page_as):
    docs, dossier = found
    back = "/tim-kiem/?q=ti%C3%AAm+ch%E1%BB%A7ng+s%E1%BB%9Fi"
    response = page_as("dothanhhuong").post(
        "/ho-so/dua-vao-ho-so/", {"dossier": dossier.pk, "document": [docs[0].pk, docs[2].pk], "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert set(DossierItem.objects.filter(dossier=dossier).values_list("document_id", flat=True)) == {
        docs[0].pk,
        docs[2].pk,
    }
    # another site as "next" is ignored: the dossier's page instead
    response = page_as("dothanhhuong").post(
        "/ho-so/dua-vao-ho-so/", {"dossier": dossier.pk, "document": [docs[1].pk], "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/ho-so/{dossier.pk}/"


def test_one_unseen_document_refuses_all_and_another_persons_dossier_is_refused(found, page_as, handled, free_dossier):
    docs, dossier = found
    unseen = handled(code_number="99", to="ngothuytrang")
    client = page_as("dothanhhuong")
    response = client.post(
        "/ho-so/dua-vao-ho-so/", {"dossier": dossier.pk, "document": [docs[0].pk, unseen.pk]}, follow=True
    )
    assert "không tìm thấy hoặc bạn không có quyền xem" in response.content.decode()
    assert not DossierItem.objects.filter(dossier=dossier).exists()
    theirs = free_dossier(notation="09.VX", by="ngothuytrang")
    response = client.post("/ho-so/dua-vao-ho-so/", {"dossier": theirs.pk, "document": [docs[0].pk]})
    assert response.status_code == 404 and not DossierItem.objects.filter(dossier=theirs).exists()
    assert client.get("/ho-so/dua-vao-ho-so/").status_code == 405
