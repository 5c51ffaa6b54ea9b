"""A realistic data set for the benchmarks (``python -m benchdata``): agencies
with departments, people with roles, and incoming documents across the whole handling flow — registers
with consecutive arrival numbers, assignments (lead / support / for information), updates, events and
notifications.

Fast by construction: every row is built as a tuple in Python with explicit primary keys (so no
round trip is needed to learn an id) and written with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``);
on another database with ``bulk_create`` in large batches. On PostgreSQL the large tables' secondary
indexes and foreign keys are dropped for the load and restored from their exact definitions at the end,
inside the same transaction (the way ``pg_restore`` loads data), then the tables are analysed.

Derived columns are computed exactly as the models compute them on ``save()``: ``Unit.name_folded``,
``User.full_name_folded`` use ``qlvb.core.text.fold`` and ``Document.search_folded`` the model's own
``qlvb.documents.models.folded_search_text``. One Argon2 hash is computed once and shared by every
generated account.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from qlvb.assignments.models import Assignment, AssignmentUpdate, Notification
from qlvb.core.text import fold, fold_compact
from qlvb.directory.models import RoleAssignment, Unit, User
from qlvb.documents.models import (
    Channel,
    Direction,
    Document,
    DocumentEvent,
    DocumentType,
    Register,
    folded_search_text,
)
from qlvb.documents.numbering import REGISTER_NAMES

from . import vocabulary as V  # noqa: N812

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS_BACK = 2  # documents from 1 January two years ago until now
CHUNK_DOCUMENTS = 50_000  # documents generated before they are written (memory bound)
LOAD_TABLES = (Document, Assignment, AssignmentUpdate, DocumentEvent, Notification)
ROLE_LABELS = {"lead": "Chủ trì", "support": "Phối hợp", "info": "Để biết"}
DEFAULT_PASSWORD = "LienMinh@2025"


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    """``fold`` of a phrase, cached: documents are built from a few thousand phrases."""
    return fold(text)


# --- Writers ---------------------------------------------------------------------------------------------------------


def _columns(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [fields[n] for n in names]


def _with_defaults(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """COPY does not apply Django's defaults: a NOT NULL column added to a model after its column list was
    written here gets its model default, so a new field never breaks the generator."""
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in columns
        and not f.null
        and not f.primary_key
        and (f.has_default() or (f.blank and f.empty_strings_allowed))
    ]
    if not extra:
        return list(columns), list(rows)
    values = tuple(f.get_default() for f in extra)
    return [*columns, *(f.attname for f in extra)], [(*row, *values) for row in rows]


class Writer:
    """Writes rows (tuples in the order of ``columns``, which are attribute names like ``unit_id``)."""

    def put(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        raise NotImplementedError


class CopyWriter(Writer):
    """PostgreSQL: ``COPY table (columns) FROM STDIN`` through psycopg 3."""

    def put(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns, rows = _with_defaults(model, columns, rows)
        fields = _columns(model, columns)
        quote = connection.ops.quote_name
        sql = f"COPY {quote(str(model._meta.db_table))} ({', '.join(quote(str(f.column)) for f in fields)}) FROM STDIN"
        with connection.cursor() as wrapper:
            raw = wrapper.cursor  # the psycopg cursor
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


class BulkWriter(Writer):
    """Any database: ``bulk_create`` in batches (JSON columns arrive as JSON text and are decoded)."""

    batch_size = 2000

    def put(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        json_at = [i for i, f in enumerate(_columns(model, columns)) if isinstance(f, models.JSONField)]
        objects = []
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            for i in json_at:
                values[columns[i]] = json.loads(row[i])
            objects.append(model(**values))
        model._default_manager.bulk_create(objects, batch_size=self.batch_size)


# --- Column lists ----------------------------------------------------------------------------------------------------

UNIT_COLS = (
    "id",
    "kind",
    "parent_id",
    "agency_id",
    "name",
    "short_name",
    "username_prefix",
    "organ_id",
    "organ_id_warning",
    "external",
    "is_active",
    "name_folded",
    "created_at",
)
USER_COLS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "full_name",
    "unit_id",
    "position",
    "phone",
    "full_name_folded",
    "locked_at",
    "locked_reason",
)
ROLE_COLS = ("id", "user_id", "unit_id", "role", "granted_at")
REGISTER_COLS = ("id", "agency_id", "direction", "year", "name", "last_number", "created_at")
DOC_COLS = (
    "id",
    "direction",
    "agency_id",
    "status",
    "channel",
    "doc_type_id",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "organ_id",
    "subject",
    "language",
    "page_amount",
    "description",
    "signer_position",
    "signer_name",
    "urgency",
    "secrecy",
    "to_places",
    "due_date",
    "document_identifier",
    "register_id",
    "year",
    "arrival_number",
    "arrival_date",
    "received_at",
    "registered_at",
    "completed_at",
    "created_by_id",
    "submitted_to_id",
    "duplicate_of_id",
    "search_folded",
    "created_at",
    "updated_at",
)
ASSIGN_COLS = (
    "id",
    "document_id",
    "agency_id",
    "parent_id",
    "role",
    "unit_id",
    "user_id",
    "assigned_by_id",
    "assigned_at",
    "directive",
    "due_date",
    "status",
    "progress",
    "result",
    "return_reason",
    "completed_at",
    "overdue_notified_on",
    "due_soon_notified_on",
)
UPDATE_COLS = ("id", "assignment_id", "author_id", "kind", "text", "progress", "created_at")
EVENT_COLS = ("id", "document_id", "actor_id", "actor_name", "actor_unit", "action", "text", "data", "created_at")
NOTE_COLS = ("id", "user_id", "kind", "text", "document_id", "assignment_id", "created_at", "read_at")


# --- The data set's people and units ---------------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    name: str
    unit_name: str


@dataclass
class Dept:
    id: int
    name: str
    short: str
    leader: Person
    officers: list[Person] = field(default_factory=list)


@dataclass
class Agency:
    id: int
    name: str
    short: str
    organ_id: str
    province: str
    commune: str
    weight: float
    prefix: str = ""  # the agency's account-name prefix
    depts: list[Dept] = field(default_factory=list)
    clerks: list[Person] = field(default_factory=list)
    leaders: list[Person] = field(default_factory=list)
    organs: list[tuple[str, str, str]] = field(default_factory=list)  # issuing organs that write to it


@dataclass
class Summary:
    agencies: int = 0
    departments: int = 0
    users: int = 0
    documents: int = 0
    registers: int = 0
    assignments: int = 0
    events: int = 0
    notifications: int = 0
    updates: int = 0
    seconds: float = 0.0


class Ids:
    """Next primary key per model, starting after what the database already holds."""

    def __init__(self, models_: Iterable[type[models.Model]]):
        self.next = {m: (m._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in models_}

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(V.SURNAMES)} {rng.choice(V.MIDDLE_MALE)} {rng.choice(V.GIVEN_MALE)}"
    return f"{rng.choice(V.SURNAMES)} {rng.choice(V.MIDDLE_FEMALE)} {rng.choice(V.GIVEN_FEMALE)}"


def _spread(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` proportionally to ``weights`` (each at least ``minimum``); exact sum."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("too few to give each its minimum")
    s = sum(weights)
    shares = [rest * w / s for w in weights]
    counts = [b + int(x) for b, x in zip(base, shares, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Generator:
    def __init__(
        self,
        *,
        agencies: int,
        users: int,
        documents: int,
        seed: int = 1,
        out: Callable[[str], None] = print,
        password: str = DEFAULT_PASSWORD,
    ):
        self.n_agencies, self.n_users, self.n_documents = agencies, users, documents
        self.rng = random.Random(seed)
        self.out = out
        self.password = password
        self.now = dt.datetime.now(TZ).replace(microsecond=0)
        self.summary = Summary()
        self.started = time.perf_counter()
        self.postgres = connection.vendor == "postgresql"
        self.writer: Writer = CopyWriter() if self.postgres else BulkWriter()
        self.ids = Ids((Unit, User, RoleAssignment, Register, *LOAD_TABLES))
        self.types = {t.name: t.pk for t in DocumentType.objects.all()}
        self.type_abbr = {t.name: t.abbreviation for t in DocumentType.objects.all()}

    def say(self, text: str) -> None:
        self.out(f"[{time.perf_counter() - self.started:7.1f} s] {text}")

    # --- directory -------------------------------------------------------------------------------------------------

    def make_directory(self) -> list[Agency]:
        rng = self.rng
        used_ids = set(Unit.objects.exclude(organ_id="").values_list("organ_id", flat=True))
        used_prefixes = set(Unit.objects.exclude(username_prefix="").values_list("username_prefix", flat=True))
        used_names = set(User.objects.values_list("username", flat=True))
        unit_rows: list[tuple[Any, ...]] = []
        agencies: list[Agency] = []
        serial = 0
        for _i in range(self.n_agencies):
            province, code = rng.choice(V.PROVINCES)
            commune = rng.choice(V.COMMUNES)
            if rng.random() < 0.75:
                ward = rng.random() < 0.2
                name = f"Ủy ban nhân dân {'phường' if ward else 'xã'} {commune}"
                short, base_prefix = "UBND", "ub" + fold_compact(commune)
                depts = list(V.COMMUNE_DEPARTMENTS[:3]) + rng.sample(V.COMMUNE_DEPARTMENTS[3:], rng.randint(0, 3))
            else:
                sector, short = rng.choice(V.SECTORS)
                name = f"{sector} tỉnh {province}"
                base_prefix = fold_compact(short) + fold_compact(province)
                depts = list(V.SECTOR_DEPARTMENTS[:1]) + rng.sample(V.SECTOR_DEPARTMENTS[1:], rng.randint(2, 5))
            prefix, k = base_prefix[:28], 1
            while prefix in used_prefixes:
                k += 1
                prefix = f"{base_prefix[:26]}{k}"
            used_prefixes.add(prefix)
            while True:
                serial += 1
                organ_id = f"{serial // 10000:03d}.{serial // 100 % 100:02d}.{serial % 100:02d}.{code}"
                if organ_id not in used_ids:
                    break
            used_ids.add(organ_id)
            agency_id = self.ids.take(Unit)
            unit_rows.append(
                (
                    agency_id,
                    "agency",
                    None,
                    agency_id,
                    name,
                    short,
                    prefix,
                    organ_id,
                    "",
                    False,
                    True,
                    fold(name),
                    self.now,
                )
            )
            agency = Agency(
                agency_id, name, short, organ_id, province, commune, weight=0.4 + rng.random() ** 3 * 6, prefix=prefix
            )
            for dname, dshort in depts:
                dept_id = self.ids.take(Unit)
                unit_rows.append(
                    (
                        dept_id,
                        "department",
                        agency_id,
                        agency_id,
                        dname,
                        dshort,
                        "",
                        "",
                        "",
                        False,
                        True,
                        fold(dname),
                        self.now,
                    )
                )
                agency.depts.append(Dept(dept_id, dname, dshort, leader=Person(0, "", "")))
            agencies.append(agency)
        self.writer.put(Unit, UNIT_COLS, unit_rows)
        self.summary.agencies = len(agencies)
        self.summary.departments = len(unit_rows) - len(agencies)

        # People: per agency, by size; clerks and leaders first, one leader per department, officers.
        password = make_password(self.password)
        minimum = max(len(a.depts) for a in agencies) * 2 + 3
        sizes = _spread(self.n_users, [a.weight**0.5 for a in agencies], minimum=minimum)
        user_rows: list[tuple[Any, ...]] = []
        role_rows: list[tuple[Any, ...]] = []
        for agency, size in zip(agencies, sizes, strict=True):
            prefix = agency.prefix
            n_clerks = 2 if size >= 60 else 1
            n_leaders = min(4, 2 + size // 60)
            plan: list[tuple[str, int, str, str]] = []  # (role, unit id, unit name, position)
            office = agency.depts[0]
            plan += [("clerk", office.id, office.name, "Văn thư")] * n_clerks
            top, deputy = ("Chủ tịch", "Phó Chủ tịch") if agency.short == "UBND" else ("Giám đốc", "Phó Giám đốc")
            plan += [("leader", agency.id, agency.name, top)]
            plan += [("leader", agency.id, agency.name, deputy)] * (n_leaders - 1)
            for d in agency.depts:
                head = (
                    "Chánh Văn phòng"
                    if d.short == "VP"
                    else ("Chánh Thanh tra" if d.short == "TTr" else "Trưởng phòng")
                )
                plan.append(("dept_leader", d.id, d.name, head))
            rest = size - len(plan)
            dept_share = _spread(rest, [1.0] * len(agency.depts), minimum=1)
            for d, count in zip(agency.depts, dept_share, strict=True):
                plan += [("officer", d.id, d.name, "Chuyên viên")] * count
            for role, unit_id, unit_name, position in plan:
                full_name = _name(rng)
                base = f"{prefix}_{fold_compact(full_name)}"
                username, k = base, 1
                while username in used_names:
                    k += 1
                    username = f"{base}{k}"
                used_names.add(username)
                uid = self.ids.take(User)
                home_unit = office.id if role == "clerk" else unit_id
                home_name = office.name if role == "clerk" else unit_name
                user_rows.append(
                    (
                        uid,
                        password,
                        None,
                        False,
                        username,
                        "",
                        "",
                        f"{username}@qlvb.example.vn",
                        False,
                        True,
                        self.now,
                        full_name,
                        home_unit,
                        position,
                        "",
                        fold(full_name),
                        None,
                        "",
                    )
                )
                role_unit = agency.id if role in ("clerk", "leader") else unit_id
                role_rows.append((self.ids.take(RoleAssignment), uid, role_unit, role, self.now))
                person = Person(uid, full_name, home_name)
                if role == "clerk":
                    agency.clerks.append(person)
                elif role == "leader":
                    agency.leaders.append(person)
                else:
                    dept = next(d for d in agency.depts if d.id == unit_id)
                    if role == "dept_leader":
                        dept.leader = person
                    else:
                        dept.officers.append(person)
        self.writer.put(User, USER_COLS, user_rows)
        self.writer.put(RoleAssignment, ROLE_COLS, role_rows)
        self.summary.users = len(user_rows)
        self._issuing_organs(agencies)
        self.say(f"{len(agencies)} agencies, {self.summary.departments} departments, {len(user_rows)} users")
        return agencies

    def _issuing_organs(self, agencies: list[Agency]) -> None:
        rng = self.rng
        national = [(n, s, f"000.00.00.G{i + 1:02d}") for i, (n, s) in enumerate(V.NATIONAL_ORGANS)]
        provincial: dict[str, list[tuple[str, str, str]]] = {}
        for p, code in V.PROVINCES:
            provincial[p] = [
                (pattern.format(p=p), s, f"000.00.{i + 1:02d}.{code}")
                for i, (pattern, s) in enumerate(V.OUTSIDE_ORGANS)
            ]
        peers = [(a.name, a.short, a.organ_id) for a in agencies]
        for a in agencies:
            a.organs = provincial[a.province] * 4 + national + rng.sample(peers, min(8, len(peers)))

    # --- documents -------------------------------------------------------------------------------------------------

    def _subject(self, type_name: str, when: dt.datetime, agency: Agency) -> str:
        rng = self.rng
        y = when.year
        topic = rng.choice(V.TOPICS).format(y=y, y1=y + 1, n=rng.randint(1, 40))
        place = rng.choice(V.PLACES).format(p=agency.province, c=agency.commune)
        tail = f" {place}" if place else ""
        if type_name == "Quyết định":
            return f"Quyết định về việc {rng.choice(V.ACTIONS)} {topic}{tail}"
        if type_name == "Công văn":
            r = rng.random()
            if r < 0.3:
                return f"Công văn V/v triển khai Quyết định số {rng.randint(1, 3000)}/QĐ-UBND về {topic}{tail}"
            return f"Công văn V/v {rng.choice(V.ACTIONS)} {topic}{tail}"
        if type_name == "Báo cáo":
            period = rng.choice(V.PERIODS).format(m=when.month, q=(when.month - 1) // 3 + 1, y=y)
            return f"Báo cáo {rng.choice(V.REPORT_TOPICS).format(period=period)}{tail}"
        if type_name == "Giấy mời":
            return f"Giấy mời {rng.choice(V.MEETINGS).format(t=topic)}"
        return f"{type_name} {rng.choice(V.ACTIONS)} {topic}{tail}"

    def _working_days(self) -> list[dt.datetime]:
        start = dt.datetime(self.now.year - YEARS_BACK, 1, 1, tzinfo=TZ)
        days = []
        day = start
        while day <= self.now:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def make_documents(self, agencies: list[Agency]) -> None:
        days = self._working_days()
        counts = _spread(self.n_documents, [a.weight for a in agencies])
        batch = Batch()
        for agency, count in zip(agencies, counts, strict=True):
            self._agency_documents(agency, count, days, batch)
            if batch.documents_count >= CHUNK_DOCUMENTS:
                self._flush(batch)
                batch = Batch()
        self._flush(batch)

    def _flush(self, b: Batch) -> None:
        if not b.documents and not b.registers:
            return
        w = self.writer
        w.put(Register, REGISTER_COLS, b.registers)
        w.put(Document, DOC_COLS, b.documents)
        w.put(Assignment, ASSIGN_COLS, b.assignments)
        w.put(AssignmentUpdate, UPDATE_COLS, b.updates)
        w.put(DocumentEvent, EVENT_COLS, b.events)
        w.put(Notification, NOTE_COLS, b.notifications)
        s = self.summary
        s.registers += len(b.registers)
        s.documents += len(b.documents)
        s.assignments += len(b.assignments)
        s.updates += len(b.updates)
        s.events += len(b.events)
        s.notifications += len(b.notifications)
        self.say(f"{s.documents:,}/{self.n_documents:,} documents, {s.assignments:,} assignments, {s.events:,} events")

    def _agency_documents(self, agency: Agency, count: int, days: list[dt.datetime], b: Batch) -> None:
        rng, now, ids = self.rng, self.now, self.ids
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
            abbr = self.type_abbr[type_name]
            if abbr:
                notation = f"{abbr}-{organ_short}"
            else:
                notation = f"{organ_short}-{rng.choice(('VP', 'KT', 'VX', 'TH', 'NC', 'TCKH'))}"
            code_number = str(rng.randint(1, 2500))
            subject = self._subject(type_name, received_at, agency)
            signer_position = rng.choice(V.SIGNER_POSITIONS.get(organ_short, V.SIGNER_POSITIONS[""]))
            signer = _name(rng)
            r = rng.random()
            urgency = 0 if r < 0.85 else (1 if r < 0.95 else (2 if r < 0.99 else 3))
            r = rng.random()
            channel = (
                Channel.EMAIL
                if r < 0.6
                else Channel.PAPER
                if r < 0.85
                else Channel.AXIS
                if r < 0.95
                else Channel.MEDIUM
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
                status = self._status(age_days)
            else:
                status = "received"
            number_notation = f"{code_number}/{notation}"
            doc = Doc(doc_id, agency, clerk, received_at, registered_at, due, subject, status)
            b.events += self._reception_events(doc, channel, number, register_id)
            self._flow(doc, b)
            b.documents.append(
                (
                    doc_id,
                    Direction.INCOMING.value,
                    agency.id,
                    doc.status,
                    channel,
                    self.types[type_name],
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
                    folded_search_text(number_notation, organ_name, subject, signer, fold_part=_fold_cached),
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

    def _status(self, age: float) -> str:
        r = self.rng.random()
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

    def _event(
        self, b: Batch, doc: Doc, actor: Person, action: str, at: dt.datetime, text: str = ""
    ) -> tuple[Any, ...]:
        return self._event_raw(doc, actor, action, at, text, "{}")

    def _reception_events(
        self, doc: Doc, channel: str, number: int | None, register_id: int | None
    ) -> list[tuple[Any, ...]]:
        label = Channel(channel).label.lower()
        events = [
            self._event_raw(
                doc, doc.clerk, "received", doc.received_at, f"Tiếp nhận qua {label}.", json.dumps({"channel": channel})
            )
        ]
        if doc.registered_at is not None:
            events.append(
                self._event_raw(
                    doc,
                    doc.clerk,
                    "registered",
                    doc.registered_at,
                    f"Số đến {number}, ngày đến {doc.registered_at:%d/%m/%Y}.",
                    json.dumps({"arrival_number": number, "register": register_id}),
                )
            )
        return events

    def _event_raw(
        self, doc: Doc, actor: Person, action: str, at: dt.datetime, text: str, data: str
    ) -> tuple[Any, ...]:
        return (self.ids.take(DocumentEvent), doc.id, actor.id, actor.name, actor.unit_name, action, text, data, at)

    def _later(self, t: dt.datetime, lo_min: int, hi_min: int) -> dt.datetime:
        return min(self.now, t + dt.timedelta(minutes=self.rng.randint(lo_min, hi_min)))

    def _flow(self, doc: Doc, b: Batch) -> None:
        """Submission, direction, assignments and their history, as far as the document's status goes."""
        rng, a = self.rng, doc.agency
        doc.updated_at = doc.registered_at or doc.received_at
        if doc.status in ("received", "registered"):
            return
        t = doc.registered_at
        assert t is not None
        leader = rng.choice(a.leaders)
        routed = doc.status in ("in_progress", "completed") and rng.random() < 0.15
        if not routed:
            t = self._later(t, 5, 240)
            doc.submitted_to = leader.id if rng.random() < 0.7 else None
            b.events.append(self._event(b, doc, doc.clerk, "submitted", t, f"Trình {leader.name}."))
            if doc.status == "submitted":
                doc.updated_at = t
                return
            if doc.status == "returned":
                t = self._later(t, 30, 600)
                b.events.append(
                    self._event(b, doc, leader, "returned_to_clerk", t, "Đề nghị văn thư chuyển đúng đơn vị tham mưu.")
                )
                doc.updated_at = t
                return
        completed = doc.status == "completed"
        assigner = doc.clerk if routed else leader
        depts = a.depts[1:] if len(a.depts) > 1 else a.depts
        lead_dept = rng.choice(depts)
        support_dept = rng.choice(depts) if rng.random() < 0.35 else None
        if support_dept is lead_dept:
            support_dept = None
        t = self._later(t, 30, 1440)
        due = doc.due or (t + dt.timedelta(days=rng.randint(7, 20))).date()
        directive = (
            f"Giao {lead_dept.name} chủ trì tham mưu"
            + (f", {support_dept.name} phối hợp" if support_dept else "")
            + "."
        )
        b.events.append(self._event(b, doc, assigner, "routed" if routed else "directed", t, directive))
        waiting = not completed and rng.random() < 0.12  # the department leader has not assigned yet
        finished = self._later(t, 600, 60 * 24 * 12) if completed else None
        lead_parent = self._assignment(
            b,
            doc,
            "lead",
            lead_dept,
            None,
            None,
            assigner,
            t,
            directive,
            due,
            "done" if completed else ("pending" if waiting else "in_progress"),
            finished,
        )
        if not waiting:
            self._officer(b, doc, "lead", lead_dept, lead_parent, t, due, completed, finished)
        if support_dept is not None:
            sup_parent = self._assignment(
                b,
                doc,
                "support",
                support_dept,
                None,
                None,
                assigner,
                t,
                directive,
                due,
                "done" if completed else ("pending" if waiting else "in_progress"),
                finished,
            )
            if not waiting:
                self._officer(b, doc, "support", support_dept, sup_parent, t, due, completed, finished)
        if rng.random() < 0.25:
            other = rng.choice(a.depts)
            self._assignment(b, doc, "info", other, other.leader, None, assigner, t, directive, None, "pending", None)
        doc.updated_at = t
        if completed:
            assert finished is not None
            doc.completed_at = finished
            doc.updated_at = finished

    def _assignment(
        self,
        b: Batch,
        doc: Doc,
        role: str,
        unit: Dept,
        user: Person | None,
        parent: int | None,
        by: Person,
        at: dt.datetime,
        directive: str,
        due: dt.date | None,
        status: str,
        finished: dt.datetime | None,
    ) -> int:
        aid = self.ids.take(Assignment)
        progress = 100 if status == "done" else 0
        result = "Đã tham mưu xử lý xong." if status == "done" else ""
        b.assignments.append(
            (
                aid,
                doc.id,
                doc.agency.id,
                parent,
                role,
                unit.id,
                user.id if user else None,
                by.id,
                at,
                directive,
                due,
                status,
                progress,
                result,
                "",
                finished,
                None,
                None,
            )
        )
        if status != "done" and doc.received_at > self.now - dt.timedelta(days=60):
            for person in [user] if user is not None else [unit.leader]:
                read = self.now if doc.received_at < self.now - dt.timedelta(days=7) else None
                b.notifications.append(
                    (
                        self.ids.take(Notification),
                        person.id,
                        "assigned",
                        f"{ROLE_LABELS[role]}: {doc.subject[:200]}",
                        doc.id,
                        aid,
                        at,
                        read,
                    )
                )
        return aid

    def _officer(
        self,
        b: Batch,
        doc: Doc,
        role: str,
        dept: Dept,
        parent: int,
        t: dt.datetime,
        due: dt.date,
        completed: bool,
        finished: dt.datetime | None,
    ) -> None:
        rng = self.rng
        officer = rng.choice(dept.officers)
        at = self._later(t, 30, 1440)
        if finished is not None and at > finished:
            at = finished
        b.events.append(
            self._event(
                b, doc, dept.leader, "assigned", at, f"{'Chủ trì' if role == 'lead' else 'Phối hợp'}: {officer.name}."
            )
        )
        status = "done" if completed else ("in_progress" if rng.random() < 0.6 else "pending")
        if finished is not None and role != "lead":  # a support reports its part before the lead completes
            finished = max(at, finished - dt.timedelta(minutes=rng.randint(30, 600)))
        aid = self._assignment(b, doc, role, dept, officer, parent, dept.leader, at, "", due, status, finished)
        if status == "in_progress":
            when = self._later(at, 60, 4000)
            progress = rng.choice((20, 30, 50, 70, 80))
            text = f"Đã dự thảo văn bản trả lời, tiến độ {progress}%."
            b.updates.append((self.ids.take(AssignmentUpdate), aid, officer.id, "progress", text, progress, when))
            b.events.append(self._event(b, doc, officer, "progress", when, text))
            b.assignments[-1] = (*b.assignments[-1][:12], progress, *b.assignments[-1][13:])
        if completed:
            assert finished is not None
            b.events.append(self._event(b, doc, officer, "assignment_done", finished, "Đã tham mưu xử lý xong."))
            if role == "lead":
                b.events.append(self._event(b, doc, officer, "completed", finished, "Văn bản đã được xử lý xong."))

    # --- the whole run -------------------------------------------------------------------------------------------

    def run(self) -> Summary:
        missing = [name for name, _w in V.TYPE_MIX if name not in self.types]
        if missing:
            raise RuntimeError(f"document types missing (run migrate first): {missing}")
        with transaction.atomic():
            restore = _pg_unindex() if self.postgres else []
            if restore:
                self.say(f"dropped {len(restore)} secondary indexes and foreign keys of the large tables for the load")
            agencies = self.make_directory()
            self.make_documents(agencies)
            if restore:
                self.say("restoring indexes and foreign keys")
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                    for statement in restore:
                        cursor.execute(statement)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Unit, User, RoleAssignment, Register, *LOAD_TABLES]
                ):
                    cursor.execute(statement)
        if self.postgres:
            self.say("analysing")
            with connection.cursor() as cursor:
                for model in (Unit, User, RoleAssignment, Register, *LOAD_TABLES):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary


@dataclass
class Batch:
    registers: list[tuple[Any, ...]] = field(default_factory=list)
    documents: list[tuple[Any, ...]] = field(default_factory=list)
    assignments: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    notifications: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def documents_count(self) -> int:
        return len(self.documents)


@dataclass
class Doc:
    """A document while its history is generated."""

    id: int
    agency: Agency
    clerk: Person
    received_at: dt.datetime
    registered_at: dt.datetime | None
    due: dt.date | None
    subject: str
    status: str
    submitted_to: int | None = None
    completed_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


def _pg_unindex() -> list[str]:
    """Drop the large tables' secondary indexes and foreign keys; return the statements that restore them
    exactly (``pg_get_indexdef`` / ``pg_get_constraintdef``), foreign keys after indexes."""
    tables = [m._meta.db_table for m in LOAD_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
            "WHERE c.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT cl.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class cl ON cl.oid = k.conrelid WHERE k.contype = 'f' AND cl.relname = ANY(%s)",
            [tables],
        )
        foreign = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in foreign:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    return [d for _t, _n, d in indexes] + [
        f"ALTER TABLE {connection.ops.quote_name(t)} ADD CONSTRAINT {connection.ops.quote_name(n)} {d}"
        for t, n, d in foreign
    ]
