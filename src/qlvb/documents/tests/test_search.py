"""Full-text search (documents/search.py) on the database the suite runs on — run this module on SQLite
and on PostgreSQL (docs/search.md): accents, phrases, prefixes, the exact number first, filters, sorting,
snippets, bad input, and permission filtering in the same statement as the text match."""

from __future__ import annotations

import datetime as dt

import pytest

from qlvb.documents.models import Direction, Document, SearchEntry, Urgency
from qlvb.documents.search import CappedPaginator, SearchFilters, documents_search, query_parse, search_page
from qlvb.documents.searchindex import fold_aligned, search_metadata_sync, search_text_set

BODY = (
    "ỦY BAN NHÂN DÂN HUYỆN MÊ LINH\nQUYẾT ĐỊNH\nVề việc phê duyệt kế hoạch đầu tư công trung hạn.\n"
    "Điều 1. Phê duyệt danh mục công trình đường giao thông nông thôn Đồng Tâm năm 2026.\n"
    "Điều 2. Giao Phòng Kinh tế chủ trì tổ chức thực hiện."
)


def _found(actor, text, **filters) -> list[Document]:
    return list(documents_search(actor, query=query_parse(text), filters=SearchFilters(**filters)))


@pytest.fixture
def decision(receive):
    document = receive(subject="Quyết định phê duyệt kế hoạch đầu tư công", code_number="123", code_notation="QĐ-UBND")
    search_text_set(document.pk, body=BODY)
    return document


def test_accents_and_d_do_not_matter(decision, person):
    clerk = person("lethuha")
    assert _found(clerk, "quyet dinh phe duyet") == [decision]
    assert _found(clerk, "QUYẾT ĐỊNH") == [decision]
    assert _found(clerk, "duong giao thong dong tam") == [decision]  # body only, đ = d
    assert _found(clerk, "giao thông thành phố") == []  # every word must occur


def test_phrase_and_prefix(decision, person):
    clerk = person("lethuha")
    assert _found(clerk, '"giao thong nong thon"') == [decision]
    assert _found(clerk, '"nong thon giao thong"') == []
    assert _found(clerk, "nong th*") == [decision]
    assert _found(clerk, "nong th") == []  # without the star a word is a whole word


def test_the_exact_number_comes_first(decision, receive, person):
    other = receive(subject="Triển khai Quyết định 123/QĐ-UBND của huyện", code_number="7", code_notation="UBND-VP")
    clerk = person("lethuha")
    assert _found(clerk, "123/QĐ-UBND")[0] == decision
    assert set(_found(clerk, "123/qd-ubnd")) == {decision, other}
    assert _found(clerk, "123")[0] == decision
    partial = _found(clerk, "123/qd-ub")  # part of a notation, as a substring (pg_trgm)
    assert set(partial) == {decision, other} and partial[0] == decision
    assert _found(clerk, "50%_\\") == []  # LIKE's own characters are taken literally


def test_metadata_changes_reach_the_index(decision, person):
    decision.subject = "Kế hoạch phòng chống thiên tai"
    decision.save(update_fields=["subject"])
    assert _found(person("lethuha"), "thien tai") == [decision]
    assert _found(person("lethuha"), "dau tu cong") == [decision]  # still in its body
    assert SearchEntry.objects.get(pk=decision.pk).meta_folded == decision.search_folded


def test_documents_written_in_bulk_are_indexed_by_the_sync(decision, person):
    SearchEntry.objects.filter(pk=decision.pk).delete()
    assert _found(person("lethuha"), "phe duyet") == []
    assert search_metadata_sync() == 1
    assert _found(person("lethuha"), "phe duyet") == [decision]


def test_snippet_comes_from_the_original_text_with_the_words_marked(decision, person):
    result = search_page(person("lethuha"), text="duong giao thong")
    (hit,) = result.hits
    assert hit.from_body
    assert "<mark>đường</mark> <mark>giao</mark> <mark>thông</mark> nông thôn Đồng Tâm" in hit.snippet_html
    metadata_only = search_page(person("lethuha"), text="ke hoach").hits[0]
    assert "<mark>kế</mark> <mark>hoạch</mark>" in metadata_only.snippet_html


def test_snippets_escape_the_text(receive, person):
    document = receive(subject="Công văn về bảo mật")
    search_text_set(document.pk, body="<script>alert(1)</script> bao mat thong tin")
    (hit,) = search_page(person("lethuha"), text="bao mat thong tin").hits
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html


def test_an_officer_sees_no_hit_and_no_snippet_of_what_he_may_not_open(decision, receive, route_to_huong, person):
    routed = route_to_huong(receive(subject="Kế hoạch giao thông nông thôn xã Liên Minh"))
    search_text_set(routed.pk, body="Đường giao thông nông thôn thôn Đồng Tâm, đợt 2")
    huong, trang, clerk = person("dothanhhuong"), person("ngothuytrang"), person("lethuha")
    assert set(_found(clerk, "giao thong nong thon")) == {decision, routed}
    assert _found(huong, "giao thong nong thon") == [routed]  # not the decision, not routed to her
    assert _found(trang, "giao thong nong thon") == []  # another department
    assert _found(person("tytlienminh_buithiloan"), "giao thong") == []  # another agency
    page = search_page(huong, text="dong tam")
    assert [h.document for h in page.hits] == [routed]
    assert all("Điều 1" not in h.snippet for h in page.hits)
    assert search_page(trang, text="dong tam").hits == []


def test_permission_and_text_match_are_one_statement(decision, person, django_assert_num_queries):
    huong = person("dothanhhuong")
    huong.roles_for(None)
    query = query_parse("quyet dinh")
    assert list(documents_search(huong, query=query)) == []  # reads whom she acts for, once per request
    with django_assert_num_queries(1):  # then permission and text match: one statement
        assert list(documents_search(huong, query=query)) == []


def test_filters_and_sort(decision, receive, person):
    urgent = receive(
        subject="Quyết định khẩn về phòng chống dịch",
        urgency=Urgency.URGENT,
        issued_date=dt.date(2026, 1, 5),
        signer_name="Trần Văn Bình",
    )
    clerk = person("lethuha")
    assert _found(clerk, "quyet dinh", urgency=Urgency.URGENT) == [urgent]
    assert _found(clerk, "quyet dinh", date_from=dt.date(2026, 2, 1)) == [decision]
    assert _found(clerk, "quyet dinh", date_to=dt.date(2026, 1, 31)) == [urgent]
    assert _found(clerk, "quyet dinh", signer="Bình") == [urgent]
    assert _found(clerk, "quyet dinh", direction=Direction.OUTGOING) == []
    assert _found(clerk, "", direction=Direction.INCOMING, urgency=Urgency.URGENT) == [urgent]  # filters alone
    newest = list(documents_search(clerk, query=query_parse("quyet dinh"), sort="date"))
    assert newest == [decision, urgent]
    assert list(documents_search(clerk, query=query_parse("quyet dinh"), sort="date_asc")) == [urgent, decision]


def test_handler_filter(decision, receive, route_to_huong, person):
    routed = route_to_huong(receive(subject="Quyết định về văn hóa"))
    assert _found(person("lethuha"), "quyet dinh", handler=person("dothanhhuong").pk) == [routed]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "quyết định " * 1000,
        "& | ! : * ( ) ' \"",
        "quyet & dinh | (phe) !duyet: 'x' \"",
        'NEAR(quyet dinh) OR "unclosed',
        "quyet\x00dinh",
        "-- ; DROP TABLE documents_document",
        "*",
        "",
        "   ",
    ],
)
def test_bad_input_is_answered_without_an_error(decision, person, text):
    result = search_page(person("lethuha"), text=text)
    assert isinstance(result.hits, list)
    if not query_parse(text).terms:
        assert result.hits == [] and result.message


def test_a_long_query_is_cut_and_says_so(decision, person):
    result = search_page(person("lethuha"), text="quyet dinh " + "x" * 10_000)
    assert "quá dài" in result.message


def test_fold_aligned_keeps_positions():
    text = "Quyết  định\tĐiều 1 ỦY BAN"
    aligned = fold_aligned(text)
    assert len(aligned) == len(text)
    assert " ".join(aligned.split()) == "quyet dinh dieu 1 uy ban"


def test_words_in_the_metadata_outrank_words_only_in_the_files(receive, person):
    in_subject = receive(subject="Kế hoạch phòng chống lụt bão năm 2026")
    in_body = receive(subject="Công văn gửi các xã")  # newer, but the words are only in its file
    search_text_set(in_body.pk, body="Triển khai kế hoạch phòng chống lụt bão")
    assert _found(person("lethuha"), "phong chong lut bao") == [in_subject, in_body]


def test_a_broad_search_counts_up_to_a_cap_and_says_there_are_more(receive, person):
    """Counting stops at the cap (10,000 on the results page): the page then says "more than"."""
    for i in range(4):
        receive(subject=f"Kế hoạch tổ chức hội nghị số {i + 1}")
    found = documents_search(person("lethuha"), query=query_parse("ke hoach hoi nghi"))
    capped = CappedPaginator(found, 2, cap=3)
    assert (capped.count, capped.more, capped.num_pages) == (3, True, 2)
    assert len(capped.page(1).object_list) == 2
    whole = CappedPaginator(found, 2, cap=4)
    assert (whole.count, whole.more) == (4, False)
