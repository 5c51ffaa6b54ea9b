"""Outgoing numbers (NĐ 30 Điều 15): from 01 each year, 01–09 with a leading zero, separate series as
configured, notation and identifier templates; under 32 concurrent clerks exactly 1..N."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import transaction

from qlvb.conftest import run_together, sqlite_in_memory
from qlvb.directory.models import Unit
from qlvb.documents.models import DocumentType
from qlvb.outgoing import numbering
from qlvb.outgoing.models import AgencySetting, NumberSeries, SeriesKind, TypeSetting


def test_number_text_has_leading_zero_below_ten():
    assert [numbering.number_text(n) for n in (1, 9, 10, 123)] == ["01", "09", "10", "123"]


@pytest.mark.django_db
def test_notations_per_type(ubnd, cong_van):
    vhxh = Unit.objects.get(short_name="VHXH", agency=ubnd)
    qd = DocumentType.objects.get(name="Quyết định")
    assert numbering.notation_for(agency=ubnd, doc_type=qd, drafting_unit=vhxh) == "QĐ-UBND"
    assert numbering.notation_for(agency=ubnd, doc_type=cong_van, drafting_unit=vhxh) == "UBND-VHXH"
    TypeSetting.objects.create(agency=ubnd, doc_type=qd, notation_template="{type}-{agency}-{unit}")
    assert numbering.notation_for(agency=ubnd, doc_type=qd, drafting_unit=vhxh) == "QĐ-UBND-VHXH"


@pytest.mark.django_db
def test_identifier_template_and_place(ubnd):
    day = dt.date(2026, 2, 5)
    assert (
        numbering.identifier_for(agency=ubnd, issued=day, number="07", notation="UBND-VHXH")
        == "000.00.31.H42,2026/02/05,07/UBND-VHXH"
    )
    assert numbering.place_name(ubnd) == "Liên Minh"
    assert numbering.date_line("Liên Minh", day) == "Liên Minh, ngày 05 tháng 02 năm 2026"
    assert numbering.date_line("Liên Minh", dt.date(2026, 6, 29)) == "Liên Minh, ngày 29 tháng 6 năm 2026"
    AgencySetting.objects.create(agency=ubnd, identifier_template="{organ_id}.{year}.{number}/{notation}")
    assert (
        numbering.identifier_for(agency=ubnd, issued=day, number="07", notation="QĐ-UBND")
        == "000.00.31.H42.2026.07/QĐ-UBND"
    )


@pytest.mark.django_db
def test_series_restart_each_year_and_are_separate(ubnd, cong_van):
    nq = DocumentType.objects.get(name="Nghị quyết")
    normative = NumberSeries.objects.create(agency=ubnd, name="Nghị quyết (QPPL)", kind=SeriesKind.NORMATIVE)
    normative.doc_types.add(nq)
    admin = numbering.series_for(agency=ubnd, doc_type=cong_van)
    assert admin.is_default and numbering.series_for(agency=ubnd, doc_type=nq) == normative
    with transaction.atomic():
        assert [numbering.number_take(admin, 2026) for _ in range(3)] == [1, 2, 3]
        assert numbering.number_take(normative, 2026) == 1
        assert numbering.number_take(admin, 2027) == 1


THREADS = 32
EACH = 4


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_clerks_no_duplicate_no_gap(demo):
    if sqlite_in_memory():
        pytest.skip("the in-memory SQLite test database does not wait for a second writer; run on PostgreSQL")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    # (no DocumentType here: another transactional test may have flushed the migration-seeded types)
    series = NumberSeries.objects.create(agency=agency, name="Văn bản hành chính", is_default=True)
    kept: list[int] = []
    lock = threading.Lock()

    class RollbackError(Exception):
        pass

    def worker(t: int, ready: Callable[[], object]) -> None:
        ready()
        for i in range(EACH):
            try:
                with transaction.atomic():
                    n = numbering.number_take(series, 2026)
                    if (t + i) % 5 == 0:
                        raise RollbackError  # a numbering that fails gives its number back
                with lock:
                    kept.append(n)
            except RollbackError:
                pass

    errors = run_together(THREADS, worker)
    assert not errors, errors
    expected = sum(1 for t in range(THREADS) for i in range(EACH) if (t + i) % 5 != 0)
    assert sorted(kept) == list(range(1, expected + 1))
