"""The data set's incoming documents: spread over the agencies and the working days of the last years,
registered with consecutive arrival numbers per agency and year, each with the status its age makes
likely; written in chunks."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from qlvb.assignments.models import Assignment, AssignmentUpdate, Notification
from qlvb.documents.models import Channel, Direction, Document, DocumentEvent, Register, folded_search_text
from qlvb.documents.numbering import REGISTER_NAMES
from qlvb.documents.searchindex import SearchEntry, vocabulary_words

from . import vocabulary as V  # noqa: N812
from .bodies import body_make
from .flow import event_row, flow_make
from .records import Agency, Batch, Doc, spread
from .tables import ASSIGN_COLS, DOC_COLS, ENTRY_COLS, EVENT_COLS, NOTE_COLS, REGISTER_COLS, UPDATE_COLS
from .texts import fold_cached, person_name, subject_make

if TYPE_CHECKING:
    from .generator import Generator

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS_BACK = 2  # documents from 1 January two years ago until now
CHUNK_DOCUMENTS = 50_000  # documents generated before they are written (memory bound)


def _working_days(g: Generator) -> list[dt.datetime]:
    start = dt.datetime(g.now.year - YEARS_BACK, 1, 1, tzinfo=TZ)
    days = []
    day = start
    while day <= g.now:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def documents_make(g: Generator, agencies: list[Agency]) -> None:
    days = _working_days(
        g,
    )
    counts = spread(g.n_documents, [a.weight for a in agencies])
    batch = Batch()
    for agency, count in zip(agencies, counts, strict=True):
        _agency_documents(g, agency, count, days, batch)
        if batch.documents_count >= CHUNK_DOCUMENTS:
            _flush(g, batch)
            batch = Batch()
    _flush(g, batch)


def _flush(g: Generator, b: Batch) -> None:
    if not b.documents and not b.registers:
        return
    w = g.writer
    w.put(Register, REGISTER_COLS, b.registers)
    w.put(Document, DOC_COLS, b.documents)
    w.put(SearchEntry, ENTRY_COLS, b.entries)
    w.put(Assignment, ASSIGN_COLS, b.assignments)
    w.put(AssignmentUpdate, UPDATE_COLS, b.updates)
    w.put(DocumentEvent, EVENT_COLS, b.events)
    w.put(Notification, NOTE_COLS, b.notifications)
    s = g.summary
    s.registers += len(b.registers)
    s.documents += len(b.documents)
    s.bodies += sum(1 for e in b.entries if e[3])  # ENTRY_COLS: document, agency, meta_folded, body, …
    s.body_chars += sum(len(e[3]) for e in b.entries)
    s.assignments += len(b.assignments)
    s.updates += len(b.updates)
    s.events += len(b.events)
    s.notifications += len(b.notifications)
    g.say(f"{s.documents:,}/{g.n_documents:,} documents, {s.assignments:,} assignments, {s.events:,} events")


def _agency_documents(g: Generator, agency: Agency, count: int, days: list[dt.datetime], b: Batch) -> None:
    rng, now, ids = g.rng, g.now, g.ids
    seconds = [rng.randint(27_000, 61_200) for _ in range(count)]  # 07:30–17:00
    times = sorted(
        min(d + dt.timedelta(seconds=s), now - dt.timedelta(minutes=rng.randint(1, 120)))
        for d, s in zip(rng.choices(days, k=count), seconds, strict=True)
    )
    type_names = rng.choices([t for t, _w in V.TYPE_MIX], weights=[w for _t, w in V.TYPE_MIX], k=count)
    registers: dict[int, list[int]] = {}  # year -> [register id, last number]
    last_registered = times[0] if times else now
    clerk_of = agency.clerks
    for received_at, type_name in zip(times, type_names, strict=True):
        doc_id = ids.take(Document)
        clerk = rng.choice(clerk_of)
        organ_name, organ_short, organ_id = rng.choice(agency.organs)
        abbr = g.type_abbr[type_name]
        if abbr:
            notation = f"{abbr}-{organ_short}"
        else:
            notation = f"{organ_short}-{rng.choice(('VP', 'KT', 'VX', 'TH', 'NC', 'TCKH'))}"
        code_number = str(rng.randint(1, 2500))
        subject = subject_make(g.rng, type_name, received_at, agency)
        signer_position = rng.choice(V.SIGNER_POSITIONS.get(organ_short, V.SIGNER_POSITIONS[""]))
        signer = person_name(rng)
        r = rng.random()
        urgency = 0 if r < 0.85 else (1 if r < 0.95 else (2 if r < 0.99 else 3))
        r = rng.random()
        channel = (
            Channel.EMAIL if r < 0.6 else Channel.PAPER if r < 0.85 else Channel.AXIS if r < 0.95 else Channel.MEDIUM
        ).value
        received_date = received_at.date()
        issued = received_date - dt.timedelta(days=rng.randint(0, 5))
        due = received_date + dt.timedelta(days=rng.randint(5, 30)) if rng.random() < 0.4 else None
        age_days = (now - received_at).total_seconds() / 86400

        # Registration: consecutive per agency and year, in registration order.
        registered_at: dt.datetime | None = max(
            last_registered + dt.timedelta(seconds=1), received_at + dt.timedelta(minutes=rng.randint(5, 900))
        )
        assert registered_at is not None
        if registered_at > now or (age_days < 1 and rng.random() < 0.3):
            registered_at = None
        register_id = year = number = None
        arrival_date = None
        if registered_at is not None:
            last_registered = registered_at
            year = registered_at.year
            slot = registers.get(year)
            if slot is None:
                slot = registers[year] = [ids.take(Register), 0]
            slot[1] += 1
            register_id, number = slot[0], slot[1]
            arrival_date = registered_at.date()
            status = _status(g, age_days)
        else:
            status = "received"
        number_notation = f"{code_number}/{notation}"
        doc = Doc(doc_id, agency, clerk, received_at, registered_at, due, subject, status)
        b.events += _reception_events(g, doc, channel, number, register_id)
        flow_make(g, doc, b)
        search_folded = folded_search_text(number_notation, organ_name, subject, signer, fold_part=fold_cached)
        b.entries.append(_entry(g, doc_id, agency, subject, signer, received_at, search_folded))
        b.documents.append(
            (
                doc_id,
                Direction.INCOMING.value,
                agency.id,
                doc.status,
                channel,
                g.types[type_name],
                code_number,
                notation,
                issued,
                organ_name,
                organ_id,
                subject,
                "Tiếng Việt",
                rng.randint(1, 24),
                "",
                signer_position,
                signer,
                urgency,
                "",
                agency.name,
                due,
                "",
                register_id,
                year,
                number,
                arrival_date,
                received_at,
                registered_at,
                doc.completed_at,
                clerk.id,
                doc.submitted_to,
                None,
                search_folded,
                received_at,
                doc.updated_at,
            )
        )
    for year, (register_id, last) in sorted(registers.items()):
        b.registers.append(
            (
                register_id,
                agency.id,
                Direction.INCOMING.value,
                year,
                str(REGISTER_NAMES[Direction.INCOMING]),
                last,
                now,
            )
        )


def _entry(
    g: Generator, doc_id: int, agency: Agency, subject: str, signer: str, received_at: dt.datetime, folded: str
) -> tuple[Any, ...]:
    """The document's ``SearchEntry``: its folded metadata (as ``Document.save`` copies it) and, for
    ``g.body_share`` of the documents, the text of its files (from their own random source, so that the
    rest of the data set does not depend on the bodies); the body's words join ``g.vocabulary``."""
    rng = g.body_rng
    if rng.random() >= g.body_share:
        return (doc_id, agency.id, folded, "", "", None)
    text, text_folded = body_make(rng, agency, subject, received_at.year, signer)
    g.vocabulary |= vocabulary_words(text_folded)  # what search_text_set adds to SearchWord
    return (doc_id, agency.id, folded, text, text_folded, received_at + dt.timedelta(minutes=rng.randint(2, 600)))


def _status(g: Generator, age: float) -> str:
    r = g.rng.random()
    if age < 1:
        return "registered" if r < 0.35 else ("submitted" if r < 0.7 else "in_progress")
    if age < 7:
        return (
            "registered"
            if r < 0.03
            else "submitted"
            if r < 0.13
            else "returned"
            if r < 0.15
            else "in_progress"
            if r < 0.85
            else "completed"
        )
    if age < 45:
        return "submitted" if r < 0.01 else ("in_progress" if r < 0.36 else "completed")
    return "in_progress" if r < 0.025 else "completed"


def _reception_events(
    g: Generator, doc: Doc, channel: str, number: int | None, register_id: int | None
) -> list[tuple[Any, ...]]:
    label = Channel(channel).label.lower()
    events = [
        event_row(
            g, doc, doc.clerk, "received", doc.received_at, f"Tiếp nhận qua {label}.", json.dumps({"channel": channel})
        )
    ]
    if doc.registered_at is not None:
        events.append(
            event_row(
                g,
                doc,
                doc.clerk,
                "registered",
                doc.registered_at,
                f"Số đến {number}, ngày đến {doc.registered_at:%d/%m/%Y}.",
                json.dumps({"arrival_number": number, "register": register_id}),
            )
        )
    return events
