"""Who sees an incoming document: its agency's clerks and leaders, its assignees and their department
leaders — nobody else. Checked on the selector (the SQL) here and on every HTTP route in test_http."""

from __future__ import annotations

import pytest

from qlvb.core.errors import NotFound
from qlvb.incoming import selectors
from qlvb.incoming.services import Target, assignment_assign, incoming_direct


@pytest.fixture
def directed(receive, person, dept):
    doc = receive()
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"), document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
    )
    assignment_assign(
        actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
    )
    return doc


@pytest.mark.parametrize("name", ["lethuha", "nguyenvanhung", "phamthimai", "hoangvannam", "dothanhhuong"])
def test_insiders_see_it(directed, person, name):
    assert selectors.document_get(person(name), pk=directed.pk) == directed
    assert directed in selectors.documents_visible_to(person(name))


@pytest.mark.parametrize(
    "name", ["ngothuytrang", "vuquanghuy", "tranthilan", "tytlienminh_buithiloan", "tytlienminh_dangvantoan", "admin"]
)
def test_outsiders_cannot_see_it_by_any_id(directed, person, name):
    outsider = person(name)
    assert not selectors.documents_visible_to(outsider).exists()
    for guess in (directed.pk, str(directed.pk), directed.pk + 1, "abc", None):
        with pytest.raises(NotFound):
            selectors.document_get(outsider, pk=guess)  # type: ignore[arg-type]  # what a caller may send
    for assignment in directed.assignments.all():
        with pytest.raises(NotFound):
            selectors.assignment_get(outsider, pk=assignment.pk)


def test_before_assignment_only_clerks_and_leaders_see_it(receive, person):
    doc = receive()
    assert selectors.documents_visible_to(person("hoangvannam")).count() == 0
    assert selectors.documents_visible_to(person("nguyenvanhung")).get() == doc


def test_the_visibility_query_is_one_sql_statement(directed, person, django_assert_num_queries):
    huong = person("dothanhhuong")
    huong.roles_for(None)
    with django_assert_num_queries(2):  # whom she acts for by delegation (once per request), then the documents
        assert len(list(selectors.documents_visible_to(huong))) == 1
    with django_assert_num_queries(1):  # the next list of the same request: one statement
        assert len(list(selectors.documents_visible_to(huong))) == 1


def test_inboxes(directed, person, receive):
    from qlvb.incoming.services import incoming_submit

    other = receive(code_number="77", urgency=3)
    incoming_submit(actor=person("lethuha"), document=other, leader=person("nguyenvanhung"))
    assert list(selectors.inbox(person("nguyenvanhung"), key="to_direct")) == [other]
    assert list(selectors.inbox(person("phamthimai"), key="to_direct")) == []
    assert list(selectors.inbox(person("dothanhhuong"), key="to_handle")) == [directed]
    assert list(selectors.inbox(person("hoangvannam"), key="to_assign")) == []
    assert set(selectors.inbox(person("lethuha"), key="registered_today")) == {directed, other}
    assert selectors.inbox(person("lethuha"), key="all").first() == other  # hỏa tốc first
    counts = selectors.inbox_counts(person("lethuha"), keys=selectors.inboxes_for(person("lethuha")))
    assert counts == {"to_register": 0, "registered_today": 2, "returned": 0}


def test_quick_search_is_accent_insensitive(receive, person):
    from qlvb.documents.models import DocumentType

    qd = DocumentType.objects.get(name="Quyết định")
    wanted = receive(
        doc_type=qd,
        subject="Quyết định về việc thành lập tổ công tác",
        organ_name="UBND huyện Mê Linh",
        code_notation="QĐ-UBND",
    )
    receive(code_number="2", subject="Báo cáo tình hình dịch bệnh", organ_name="Trung tâm Y tế huyện")
    visible = selectors.documents_visible_to(person("lethuha"))
    for q in ("quyet dinh ubnd", "QUYẾT ĐỊNH ubnd", "qđ-ubnd", "me linh to cong tac"):
        assert list(selectors.apply_filters(visible, selectors.Filters(q=q))) == [wanted], q
    assert not selectors.apply_filters(visible, selectors.Filters(q="quyet dinh y te")).exists()
