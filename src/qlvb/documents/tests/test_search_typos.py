"""A slip of the keyboard still finds the document, and the organ and signer filters ignore accents (issue 12).
Run this module on SQLite and on PostgreSQL (pg_trgm there, a bounded trigram + edit-distance check on
SQLite): both must answer the same. The permission filter holds for approximate hits too."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from qlvb.documents.fuzzy import accent_pattern, distance
from qlvb.documents.search import SearchFilters, documents_search, query_parse, search_page
from qlvb.documents.searchindex import SearchEntry, SearchWord, search_text_set


@pytest.fixture
def plan(receive):
    return receive(
        subject="Quyết định phê duyệt kế hoạch chuyển đổi số năm 2026",
        organ_name="UBND huyện Bến Lức",
        signer_name="Nguyễn Văn An",
        code_number="15",
        code_notation="QĐ-UBND",
    )


@pytest.fixture
def other(receive):
    return receive(subject="Thông báo lịch tiếp công dân", organ_name="Sở Tài chính", signer_name="Trần Thị Lan")


def test_one_wrong_letter_still_finds_the_document(plan, other, person):
    clerk = person("lethuha")
    for typed in ("quyet dinh phe duyet kê hoahc", "Bến Lứ", "chuyen doi sô nam 2062", "phe duyet ke hoạc"):
        result = search_page(clerk, text=typed)
        assert result.approximate, typed
        assert [h.document for h in result.hits] == [plan], typed
    assert search_page(clerk, text="Bến Lứ").suggestion == "Bến Lức"
    slip = search_page(clerk, text="duyet ke hoahc")
    assert "<mark>duyệt</mark> <mark>kế</mark> <mark>hoạch</mark>" in slip.hits[0].snippet_html  # corrected, marked
    assert search_page(clerk, text="quyet dinh phe duyet ke hoahc").suggestion == "quyet dinh phe duyet ke hoạch"


def test_an_exact_match_is_not_mixed_with_approximate_ones(plan, other, person):
    result = search_page(person("lethuha"), text="ke hoach")
    assert not result.approximate and result.suggestion == ""
    assert [h.document for h in result.hits] == [plan]


def test_two_wrong_letters_in_a_short_word_find_nothing(plan, person):
    result = search_page(person("lethuha"), text="ban lic")
    assert not result.approximate and result.hits == []
    assert result.message == "Không tìm thấy văn bản nào phù hợp."


def test_approximate_hits_respect_what_the_person_may_see(plan, person):
    # Đỗ Thanh Hương (an officer) was not given the document: no hit, no suggestion
    result = search_page(person("dothanhhuong"), text="Bến Lứ")
    assert result.hits == [] and result.suggestion == ""


def test_the_organ_and_signer_filters_ignore_accents_and_case(plan, other, person):
    clerk = person("lethuha")

    def found(**filters):
        return list(documents_search(clerk, query=query_parse(""), filters=SearchFilters(**filters)))

    assert found(organ="ubnd ben luc") == [plan]  # words need not be next to each other
    assert found(organ="BẾN LỨC") == [plan]
    assert found(organ="ben lu") == [plan]  # a part of a word, as before
    assert found(organ="ben luc tai chinh") == []  # every word must occur in the organ
    assert found(signer="nguyen van an") == [plan]
    assert found(signer="tran thi") == [other]
    assert found(signer="van", organ="so tai") == []
    # the subject holds "phê duyệt": not an organ
    assert found(organ="phe duyet") == []


def test_the_api_offers_the_correction(plan, api_as):
    body = api_as("lethuha").get("/api/v1/search", {"q": "Bến Lứ"}).json()
    assert body["approximate"] is True and body["suggestion"] == "Bến Lức"
    assert [r["id"] for r in body["results"]] == [plan.pk]
    by_organ = api_as("lethuha").get("/api/v1/search", {"organ": "ubnd ben luc"}).json()
    assert [r["id"] for r in by_organ["results"]] == [plan.pk]


def test_the_page_offers_the_correction(plan, page_as):
    html = page_as("lethuha").get("/tim-kiem/", {"q": "Bến Lứ"}).content.decode()
    assert "Có phải bạn muốn tìm:" in html and "Bến Lức" in html and "gần đúng" in html


def test_distance_and_pattern():
    assert distance("hoahc", "hoach", bound=2) == 1  # a transposition counts once
    assert distance("lu", "luc", bound=1) == 1
    assert distance("ban", "bien", bound=1) == 2  # above the bound
    import re

    assert re.fullmatch(accent_pattern("luc"), "Lức") and re.fullmatch(accent_pattern("dong"), "ĐỒNG")


def test_a_slip_in_a_word_of_the_files_text_only_is_corrected_against_the_bodies(plan, other, person):
    """ "phong chong thien taj": no metadata holds "thiên tai", the scanned text of the plan does."""
    search_text_set(plan.pk, body="Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026")
    search_text_set(other.pk, body="Lịch tiếp công dân của Chủ tịch Ủy ban nhân dân")
    clerk = person("lethuha")
    result = search_page(clerk, text="chong thien taj")
    assert result.approximate and [h.document for h in result.hits] == [plan]
    assert result.suggestion == "chong thien tai"  # the corrected word spelled as the text spells it, in lower case
    accented = search_page(clerk, text="Thiên Taj")
    assert [h.document for h in accented.hits] == [plan] and accented.suggestion == "Thiên tai"
    # a word only a document she may not see holds is never suggested
    officer = search_page(person("dothanhhuong"), text="thien taj")
    assert officer.hits == [] and officer.suggestion == ""
    # numbers and codes are not vocabulary; two slips in a short word are not corrected
    assert not SearchWord.objects.filter(word="2026").exists()
    assert search_page(clerk, text="thien tzz").hits == []


def test_the_vocabulary_is_rebuilt_from_bodies_written_without_the_index_service(plan):
    SearchEntry.objects.filter(document=plan).update(body="Phòng chống lụt bão", body_folded="phong chong lut bao")
    out = StringIO()
    call_command("search_vocabulary", stdout=out)
    assert set(SearchWord.objects.values_list("word", flat=True)) >= {"phong", "chong", "lut", "bao"}
    assert out.getvalue().startswith("Từ điển nội dung tệp: ")
