"""``python -m benchdata`` in its small mode: the data set is complete, coherent with the app's own rules
(consecutive arrival numbers, folded search text, roles), and the app's selectors find it."""

from __future__ import annotations

from collections import defaultdict

import pytest
from benchdata.__main__ import main
from benchdata.generator import DEFAULT_PASSWORD, Generator

from qlvb.assignments.models import Assignment
from qlvb.core.text import fold
from qlvb.directory.models import ORGAN_ID_RE, RoleAssignment, Unit, User
from qlvb.documents.models import Document, DocumentEvent, Register
from qlvb.documents.search import documents_matching
from qlvb.incoming import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    lines: list[str] = []
    summary = Generator(agencies=4, users=80, documents=2000, seed=3, out=lines.append).run()
    return summary, lines


def test_counts_and_directory(generated):
    summary, lines = generated
    assert summary.documents == 2000 and summary.users == 80 and summary.agencies == 4
    assert any("documents" in line for line in lines)
    agencies = Unit.objects.filter(kind="agency", external=False)
    assert agencies.count() == 4
    assert Document.objects.count() == 2000
    assert User.objects.count() == 80
    for agency in agencies:
        assert ORGAN_ID_RE.match(agency.organ_id), agency.organ_id
        assert agency.agency_id == agency.pk
        departments = Unit.objects.filter(parent=agency, kind="department")
        assert 3 <= departments.count() <= 6
        assert all(d.agency_id == agency.pk and d.name_folded == fold(d.name) for d in departments)
        roles = set(RoleAssignment.objects.filter(unit=agency).values_list("role", flat=True))
        assert {"clerk", "leader"} <= roles
        for d in departments:
            held = list(RoleAssignment.objects.filter(unit=d).values_list("role", flat=True))
            assert held.count("dept_leader") == 1 and "officer" in held
    user = User.objects.order_by("pk")[0]
    assert user.full_name_folded == fold(user.full_name)
    assert user.check_password(DEFAULT_PASSWORD)


def test_arrival_numbers_are_consecutive_per_register(generated):
    numbers: dict[int, list[tuple]] = defaultdict(list)
    for register_id, number, registered_at, year in Document.objects.filter(register__isnull=False).values_list(
        "register_id", "arrival_number", "registered_at", "year"
    ):
        numbers[register_id].append((registered_at, number, year))
    registers = {r.pk: r for r in Register.objects.all()}
    assert set(numbers) == set(registers)
    for register_id, rows in numbers.items():
        register = registers[register_id]
        in_order = [n for _at, n, _y in sorted(rows)]
        assert in_order == list(range(1, register.last_number + 1))
        assert {y for _at, _n, y in rows} == {register.year}
    assert not Document.objects.filter(status="received", arrival_number__isnull=False).exists()
    assert not Document.objects.exclude(status="received").filter(arrival_number__isnull=True).exists()


def test_search_text_is_what_the_app_computes(generated):
    for doc in Document.objects.all():
        expected = fold(" ".join(p for p in (doc.number_notation, doc.organ_name, doc.subject, doc.signer_name) if p))
        assert doc.search_folded == expected
    doc = Document.objects.order_by("?")[0]
    before = doc.search_folded
    doc.save()
    assert Document.objects.get(pk=doc.pk).search_folded == before


def test_the_flow_is_populated(generated):
    statuses = set(Document.objects.values_list("status", flat=True))
    assert {"completed", "in_progress"} <= statuses
    assert set(Assignment.objects.values_list("role", flat=True)) == {"lead", "support", "info"}
    completed = Document.objects.filter(status="completed").first()
    actions = list(
        DocumentEvent.objects.filter(document=completed).order_by("created_at", "pk").values_list("action", flat=True)
    )
    assert actions[:2] == ["received", "registered"] and actions[-1] == "completed"
    assert Assignment.objects.filter(document=completed, role="lead", parent__isnull=True, status="done").exists()


def test_app_selectors_find_generated_documents(generated):
    clerk = User.objects.filter(role_assignments__role="clerk")[0]
    assert clerk.unit is not None
    agency_docs = Document.objects.filter(agency=clerk.unit.agency)
    visible = selectors.inbox(clerk, key="all")
    assert visible.count() == agency_docs.count() > 0
    assert not visible.exclude(agency=clerk.unit.agency).exists()
    doc = agency_docs[0]
    assert selectors.document_get(clerk, pk=doc.pk) == doc
    found = documents_matching(visible, "quyet dinh ubnd")
    assert found.exists()
    assert all(all(w in d.search_folded for w in ("quyet", "dinh", "ubnd")) for d in found)
    assert any("quyết định" in d.subject.lower() and "UBND" in d.search_folded.upper() for d in found)

    mine = Assignment.objects.filter(user__isnull=False, role="lead", status__in=("pending", "in_progress")).first()
    assert mine is not None and mine.document_id is not None and mine.user is not None
    assert selectors.inbox(mine.user, key="to_handle").filter(pk=mine.document_id).exists()
    submitted = Document.objects.filter(status="submitted", submitted_to__isnull=False).first()
    if submitted is not None and submitted.submitted_to is not None:
        assert selectors.inbox(submitted.submitted_to, key="to_direct").filter(pk=submitted.pk).exists()


def test_command_runs():
    lines: list[str] = []
    main(["--agencies", "2", "--users", "30", "--documents", "300", "--seed", "5"], out=lines.append)
    assert "300 documents" in lines[-1]
    assert Document.objects.count() == 300


def test_bodies_are_what_the_index_would_hold(generated):
    """About 30 % of the documents carry the text of their files, stored exactly as ``search_text_set``
    stores it (NFC, character-aligned fold), and the full-text search finds a document by a word that
    only its body holds."""
    from qlvb.core.text import nfc
    from qlvb.documents.search import search_page
    from qlvb.documents.searchindex import SearchEntry, fold_aligned

    entries = SearchEntry.objects.select_related("document")
    assert entries.count() == 2000
    with_body = [e for e in entries if e.body]
    assert 0.2 * 2000 < len(with_body) < 0.4 * 2000
    for entry in entries:
        assert entry.meta_folded == entry.document.search_folded
        assert entry.body_folded == fold_aligned(entry.body)
        assert entry.body == nfc(entry.body)
    lengths = sorted(len(e.body) for e in with_body)
    assert lengths[0] > 300 and lengths[len(lengths) // 2] > 2000
    entry = next(e for e in with_body if "chuyển đổi số" in e.body and "chuyen doi so" not in e.meta_folded)
    clerk = User.objects.filter(role_assignments__role="clerk", unit__agency=entry.document.agency_id)[0]
    result = search_page(clerk, text='"chuyen doi so"', per_page=5000)
    assert result.page is not None
    assert entry.document_id in {h.document.pk for h in result.hits}


def test_tasks_are_written_as_the_app_writes_them(generated):
    """About one task per ten documents of each agency, each with one lead part (a department row, and the
    officer its head gave it to unless still pending), open ones partly overdue, done ones completed; the
    agency's tasks are what the app's own list finds; ``--only-tasks`` adds more to the same database."""
    from django.utils import timezone

    from qlvb.direction.models import Task, TaskEvent

    summary, _lines = generated
    tasks = Task.objects.all()
    assert summary.tasks == tasks.count() and 150 <= summary.tasks <= 250
    for task in tasks.prefetch_related("parts__assignment")[:100]:
        tops = [p.assignment for p in task.parts.all()]
        assert [a.role for a in tops].count("lead") == 1
        assert all(a.document_id is None and a.agency_id == task.agency_id and a.parent_id is None for a in tops)
        lead = next(a for a in tops if a.role == "lead")
        assert (task.status == "done") == (lead.status == "done") == (task.completed_at is not None)
        officers = Assignment.objects.filter(parent=lead)
        assert officers.count() == (0 if lead.status == "pending" else 1)
        assert TaskEvent.objects.filter(task=task, action="created").count() == 1
    today = timezone.localdate()
    assert tasks.filter(status="open", due_date__lt=today).exists() and tasks.filter(status="done").exists()
    assert Task.documents.through.objects.exists()
    from qlvb.direction.task_selectors import tasks_visible_to

    role = RoleAssignment.objects.filter(role="leader").select_related("user").first()
    assert role is not None
    mine = Task.objects.filter(agency_id=role.unit_id)
    assert set(tasks_visible_to(role.user).filter(agency_id=role.unit_id)) == set(mine) and mine.exists()
    before = tasks.count()
    main(["--only-tasks", "--seed", "9"], out=lambda _line: None)
    assert Task.objects.count() > before


def test_the_summary_counts_the_bodies_written(generated):
    from qlvb.documents.models import SearchEntry

    summary, _lines = generated
    bodies = SearchEntry.objects.exclude(body="")
    assert summary.bodies == bodies.count() > 0
    assert summary.body_chars == sum(len(b) for b in bodies.values_list("body", flat=True))
    assert SearchEntry.objects.filter(agency_id=None).count() == 0


def test_the_vocabulary_of_the_bodies_is_filled_as_the_index_service_fills_it(generated):
    """The words a slip in a search is corrected against (``SearchWord``) are those ``search_text_set`` would
    have added for the bodies written, so that the slips in the files' text are measured at scale; and
    ``qlvb search_vocabulary --replace`` rebuilds the same vocabulary from the bodies."""
    from django.core.management import call_command

    from qlvb.documents.models import SearchEntry
    from qlvb.documents.searchindex import SearchWord, vocabulary_words

    summary, _lines = generated
    expected: set[str] = set()
    for body in SearchEntry.objects.exclude(body_folded="").values_list("body_folded", flat=True):
        expected |= vocabulary_words(body)
    assert set(SearchWord.objects.values_list("word", flat=True)) == expected
    assert summary.words == len(expected) > 100
    SearchWord.objects.filter(word__in=sorted(expected)[:50]).delete()
    SearchWord.objects.create(word="khongconnua")  # a word no body holds any more
    call_command("search_vocabulary", "--replace", "--batch", "7", stdout=None)
    assert set(SearchWord.objects.values_list("word", flat=True)) == expected
