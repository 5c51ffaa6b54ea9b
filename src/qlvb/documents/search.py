"""Search for documents: the quick search of the lists (``documents_matching``) and the full-text search
of everything a person may see (``documents_search`` / ``search_page``), on one index with two backends
(``searchindex.py``; PostgreSQL tsvector + GIN, SQLite FTS5). docs/search.md.

The same ``core.text.fold`` runs at index time and on the query, so "quyet dinh ubnd" finds "Quyết định
... UBND". The query language is small and cannot fail: words (all must occur), ``"a phrase"``,
``prefix*``; any other character separates words. Permission filtering is part of the same SQL
statement as the text match: the visibility rules of ``documents.visibility`` go in as subqueries, and
snippets are cut only from the documents of the page that statement returned.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection, connections, router
from django.db.models import BooleanField, Case, Exists, F, FloatField, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Greatest, StrIndex, Substr
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from qlvb.core.statements import Ids, KeptPages, KeptStatement, Shape
from qlvb.core.text import fold, nfc

from .fuzzy import accent_free, documents_approximate
from .models import Direction, Document
from .searchindex import SearchEntry, fold_aligned
from .visibility import documents_visible_sql, documents_visible_to

if TYPE_CHECKING:
    from qlvb.directory.models import User

MAX_WORDS = 8
QUERY_LIMIT = 500  # characters of a query that are read; the rest is ignored (a 10,000-character paste)
TERMS_LIMIT = 12
PER_PAGE = 20
COUNT_CAP = 10_000  # matches counted; beyond it the page says "more than 10,000" (docs/search.md)
SNIPPET_BEFORE, SNIPPET_LENGTH = 90, 280
SORTS = ("relevance", "date", "date_asc")
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')


def documents_matching(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """The lists' quick search: every word of the folded query occurs in ``search_folded``."""
    return documents_containing(queryset, quick_words(query))


def quick_words(query: str) -> list[str]:
    """The words the quick search looks for: the query folded (``core.text.fold``), at most ``MAX_WORDS``."""
    return fold(query).split()[:MAX_WORDS]


def documents_containing(queryset: QuerySet[Document], words: Sequence[str]) -> QuerySet[Document]:
    """Those whose ``search_folded`` holds every one of ``words`` (already folded)."""
    for word in words:
        queryset = queryset.filter(search_folded__contains=word)
    return queryset


# --- The query ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word, or a phrase (several words in a row); ``prefix``: the last word may continue."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    key: str  # the folded query as typed, for the exact number/notation match
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def looks_like_number(self) -> bool:
        return any(ch.isdigit() for ch in self.key)

    @property
    def words(self) -> list[tuple[str, bool]]:
        """Every word with whether it is a prefix, for highlighting."""
        return [(w, t.prefix and i == len(t.words) - 1) for t in self.terms for i, w in enumerate(t.words)]


def query_parse(text: str | None) -> ParsedQuery:
    """Words, ``"phrases"`` and ``prefix*`` of ``text``, folded. Never fails: NUL and the characters of
    the FTS languages (``& | ! : * ( ) ' "``) only separate words; at most :data:`QUERY_LIMIT`
    characters and :data:`TERMS_LIMIT` terms are read."""
    raw = (text or "").replace("\x00", " ")
    truncated = len(raw) > QUERY_LIMIT
    folded = fold(raw[:QUERY_LIMIT])
    terms: list[Term] = []
    for match in _TOKEN.finditer(folded):
        phrase, token = match.group(1), match.group(2)
        words = tuple(_WORD.findall(phrase if phrase is not None else token))[:MAX_WORDS]
        if not words:
            continue
        prefix = phrase is None and token.endswith("*")
        term = Term(words, prefix)
        if term not in terms:
            terms.append(term)
        if len(terms) >= TERMS_LIMIT:
            truncated = True
            break
    key = " ".join(folded.replace('"', " ").replace("*", " ").split())
    return ParsedQuery(tuple(terms), key, truncated)


# --- The two backends --------------------------------------------------------------------------------------------


def _pg_tsquery(query: ParsedQuery) -> str:
    parts = []
    for term in query.terms:
        words = [f"'{w}'" for w in term.words]  # words are [^\W_]+: no quote can occur
        if term.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def _fts5_query(query: ParsedQuery) -> str:
    parts = []
    for term in query.terms:
        phrase = '"' + " ".join(term.words) + '"'
        parts.append(phrase + (" *" if term.prefix else ""))
    return " AND ".join(parts)


def _text_match(queryset: QuerySet[Document], query: ParsedQuery, *, broad: bool = False) -> QuerySet[Document]:
    """``queryset`` narrowed to the documents matching ``query`` and annotated with ``rank`` (higher is
    better), for the current database. ``broad`` (PostgreSQL): the words occur in so many documents that
    the search must start from the documents the person may see (see :func:`_pg_broad`)."""
    rank: Any
    if connection.vendor == "postgresql":
        # joined (``search_entry``: the table keeps its own name as alias), so that the rank is
        # computed from the row at hand rather than by a subquery per document
        tsq = _pg_tsquery(query)
        queryset = queryset.filter(search_entry__isnull=False)
        condition: Any = RawSQL(
            "documents_searchentry.vector @@ to_tsquery('simple', %s)", [tsq], output_field=BooleanField()
        )
        if _notation_like(query):
            # a number and notation typed as written ("15/qd-ubnd", "vpubnd-tc"): also a substring of the
            # folded metadata, on the same table so that both indexes serve it (GIN + pg_trgm)
            like = "%" + re.sub(r"([\\%_])", r"\\\1", query.key) + "%"
            condition = RawSQL(
                "(documents_searchentry.vector @@ to_tsquery('simple', %s) "
                "OR documents_searchentry.meta_folded LIKE %s)",
                [tsq, like],
                output_field=BooleanField(),
            )
        if broad:
            condition = _not_indexed(condition)
        # one ranking for both databases: the metadata's relevance (a match in the subject, number,
        # organ or signer outranks one in the body only), then the newest
        rank = RawSQL(
            "ts_rank_cd(documents_searchentry.meta_vector, to_tsquery('simple', %s))", [tsq], output_field=FloatField()
        )
    else:
        fts = _fts5_query(query)
        hits = RawSQL("SELECT rowid FROM documents_searchentry_fts WHERE documents_searchentry_fts MATCH %s", [fts])
        condition = Q(pk__in=hits)
        # bm25 in a subquery per row would run the whole MATCH again for every hit: the metadata's
        # relevance here is the number of terms the folded metadata holds
        rank = sum(
            (
                Case(
                    When(search_folded__contains=" ".join(term.words), then=Value(1.0)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
                for term in query.terms
            ),
            Value(0.0, output_field=FloatField()),
        )
        if _notation_like(query):
            condition = Q(condition) | Q(search_folded__contains=query.key)
    return queryset.filter(condition).annotate(rank=rank)


# --- Broad words at scale (PostgreSQL) -----------------------------------------------------------------------------

# Estimated matches beyond which a search starts from the documents the person may see (an agency holds
# at most tens of thousands) rather than from the GIN index (which would hand over every match of every
# agency — "ủy ban" is in most of a million documents — to be filtered by permission). docs/search.md.
BROAD_MATCHES = 5_000
_STATS_SECONDS = 600
_stats: dict[str, tuple[float, float, dict[str, float], float]] = {}  # database -> (read at, rows, freqs, min)


def _vector_stats() -> tuple[float, dict[str, float], float]:
    """The index's row count and the frequencies ANALYZE keeps for its most common words
    (``pg_stats.most_common_elems``), read at most every ten minutes per database."""
    name = str(connection.settings_dict["NAME"])
    cached = _stats.get(name)
    if cached and time.monotonic() - cached[0] < _STATS_SECONDS:
        return cached[1], cached[2], cached[3]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'documents_searchentry'")
        row = cursor.fetchone()
        rows = float(row[0]) if row else 0.0
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = 'documents_searchentry' AND attname = 'vector'"
        )
        stats = cursor.fetchone()
    freqs: dict[str, float] = {}
    least = 0.0
    if stats and stats[0] and stats[1]:
        words, values = stats
        freqs = dict(zip(words, values[: len(words)], strict=True))
        least = float(values[len(words)])  # ANALYZE stores the minimum after the frequencies
    _stats[name] = (time.monotonic(), rows, freqs, least)
    return rows, freqs, least


def _pg_broad(query: ParsedQuery) -> bool:
    """Whether ``query`` matches more than :data:`BROAD_MATCHES` documents by the statistics: every
    word must occur, so the rarest word bounds the matches (a word not among the most common occurs
    in fewer documents than the least common of them; a prefix in as many as the common words it
    begins)."""
    if query.empty or connection.vendor != "postgresql":
        return False
    rows, freqs, _least = _vector_stats()
    if rows < BROAD_MATCHES or not freqs:
        return False
    return rows * _pg_share(query) > BROAD_MATCHES


def _pg_share(query: ParsedQuery) -> float:
    """The share of the indexed documents that ``query`` may match at most (its rarest word's)."""
    _rows, freqs, least = _vector_stats()
    rarest = 1.0
    for term in query.terms:
        for i, word in enumerate(term.words):
            if term.prefix and i == len(term.words) - 1:
                share = min(1.0, sum(f for w, f in freqs.items() if w.startswith(word))) or least
            else:
                share = freqs.get(word, least)
            rarest = min(rarest, share)
    return rarest


def _not_indexed(condition: RawSQL) -> RawSQL:
    """The same test, written so that no index serves it (``IS TRUE``): checked on each document the
    person may see instead of listing every match of the index."""
    sql, params = condition.sql, condition.params
    return RawSQL(f"(({sql}) IS TRUE)", params, output_field=BooleanField())  # noqa: S611  (our own SQL, params kept)


def _notation_like(query: ParsedQuery) -> bool:
    return query.looks_like_number and len(query.key) >= 2


# --- Filters and the search itself -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    direction: str = ""
    doc_type: int | None = None
    organ: str = ""
    register: int | None = None
    date_from: dt.date | None = None  # issue date (ngày văn bản)
    date_to: dt.date | None = None
    status: str = ""
    urgency: int | None = None
    signer: str = ""
    handler: int | None = None  # a user assigned to handle the document

    @property
    def any(self) -> bool:
        return any(v not in ("", None) for v in self.__dict__.values())


def documents_visible_all(actor: User, *, start_here: bool = False) -> Q:
    """The documents of every direction ``actor`` may see, as a condition of subqueries (one statement).

    By default an ``OR`` of one ``IN`` per direction: PostgreSQL tests it on each row by two hashed
    sub-plans, the right form when the text index hands over few matches. ``start_here``: one ``IN``
    over a ``UNION ALL`` of the directions, which the planner turns into a semi-join it can start from
    (the agency's documents, the person's assignments): for broad words and for filters alone, where
    the ``OR`` form would scan every document of the deployment (docs/benchmarks.md)."""
    arms = [documents_visible_to(actor, direction).values("pk") for direction in Direction.values]
    arms = [arm for arm in arms if not arm.query.is_empty()]
    if not arms:
        return Q(pk__in=[])
    if not start_here:
        condition = Q(pk__in=arms[0])
        for arm in arms[1:]:
            condition |= Q(pk__in=arm)
        return condition
    if len(arms) == 1:
        return Q(pk__in=arms[0])
    return Q(pk__in=arms[0].union(*arms[1:], all=True))


def _filtered(queryset: QuerySet[Document], f: SearchFilters) -> QuerySet[Document]:
    if f.direction in Direction.values:
        queryset = queryset.filter(direction=f.direction)
    if f.doc_type:
        queryset = queryset.filter(doc_type_id=f.doc_type)
    if f.organ:  # accents and case aside: "ubnd ben luc" finds "UBND huyện Bến Lức"
        queryset = queryset.filter(accent_free("organ_name", nfc(f.organ), limit=200))
    if f.register:
        queryset = queryset.filter(register_id=f.register)
    if f.date_from:
        queryset = queryset.filter(issued_date__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(issued_date__lte=f.date_to)
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.urgency is not None:
        queryset = queryset.filter(urgency=f.urgency)
    if f.signer:  # "nguyen van an" finds "Nguyễn Văn An"
        queryset = queryset.filter(accent_free("signer_name", nfc(f.signer), limit=50))
    if f.handler:
        # ``assignments`` is the reverse name of assignments.Assignment.document (layer 4): a lookup by
        # name, no import upward
        queryset = queryset.filter(pk__in=Document.objects.filter(assignments__user_id=f.handler).values("pk"))
    return queryset


def documents_search(
    actor: User, *, query: ParsedQuery, filters: SearchFilters | None = None, sort: str = "relevance"
) -> QuerySet[Document]:
    """The documents ``actor`` may see that match ``query`` and ``filters``, ordered by ``sort``, in one
    SQL statement (annotated ``rank`` and ``exact``: an exact number/notation match comes first).
    An empty query with no filter finds nothing. Use the result as the outer query (its relevance
    refers to the outer table by name), not as a subquery of another."""
    filters = filters or SearchFilters()
    if query.empty and not filters.any:
        return Document.objects.none()
    broad = _pg_broad(query)
    visible = documents_visible_all(actor, start_here=broad or query.empty)
    queryset = _filtered(Document.objects.filter(visible), filters)
    if query.empty:
        queryset = queryset.annotate(rank=Value(0.0, output_field=FloatField()), exact=Value(0))
    else:
        queryset = _text_match(queryset, query, broad=broad).annotate(exact=_exact(query))
    return _ordered(queryset.select_related("doc_type"), sort)


def _exact(query: ParsedQuery) -> Any:
    """2: the number and notation as typed; 1: the number alone or the beginning of them; else 0."""
    if not query.looks_like_number:
        return Value(0)
    return Case(
        When(Q(search_folded=query.key) | Q(search_folded__startswith=query.key + " "), then=Value(2)),
        # the number alone, or the beginning of the number and notation
        When(Q(code_number=query.key) | Q(search_folded__startswith=query.key), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _ordered(queryset: QuerySet[Document], sort: str) -> QuerySet[Document]:
    if sort == "date":
        return queryset.order_by(F("issued_date").desc(nulls_last=True), "-received_at", "-id")
    if sort == "date_asc":
        return queryset.order_by(F("issued_date").asc(nulls_last=True), "received_at", "id")
    return queryset.order_by("-exact", F("rank").desc(nulls_last=True), "-received_at", "-id")  # type: ignore[misc]


# --- Snippets ----------------------------------------------------------------------------------------------------


def highlight_spans(text: str, words: list[tuple[str, bool]]) -> list[tuple[int, int]]:
    """Where the words (folded; ``True`` = prefix) start a word of ``text``, accents and case aside:
    ``[(start, end), ...]`` in ``text``, sorted, not overlapping."""
    folded = fold_aligned(text)
    spans: list[tuple[int, int]] = []
    for word, prefix in words:
        tail = r"[^\W_]*" if prefix else r"(?![^\W_])"
        for m in re.finditer(r"(?<![^\W_])" + re.escape(word) + tail, folded):
            spans.append((m.start(), m.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_html(text: str, spans: list[tuple[int, int]]) -> SafeString:
    out, at = [], 0
    for start, end in spans:
        out.append(html.escape(text[at:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        at = end
    out.append(html.escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece escaped above)


@dataclass
class Hit:
    document: Document
    snippet: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    from_body: bool = False

    @property
    def snippet_html(self) -> SafeString:
        return highlight_html(self.snippet, self.spans)


def _window(text: str, pos: int) -> str:
    """A snippet of ``text`` cut at word boundaries around 0-based ``pos``."""
    start = max(0, pos - SNIPPET_BEFORE)
    piece = text[start : start + SNIPPET_LENGTH]
    if start > 0 and " " in piece[:20]:
        piece = piece[piece.index(" ") + 1 :]
    if start + SNIPPET_LENGTH < len(text) and " " in piece[-20:]:
        piece = piece[: piece.rindex(" ")]
    piece = " ".join(piece.split())
    return ("… " if start > 0 else "") + piece + (" …" if start + SNIPPET_LENGTH < len(text) else "")


def _windows(ids: Sequence[int], n: int, w0: str, w1: str, w2: str, w3: str) -> QuerySet[Any]:
    """Where the first of the ``n`` words (each " " + a folded word) occurs in each document's body, and the
    window of the body around it."""
    cases = [When(**{f"p{i}__gt": 0}, then=F(f"p{i}")) for i in range(n)]
    positions = {
        f"p{i}": StrIndex(Concat(Value(" "), "body_folded"), Value(word)) for i, word in enumerate((w0, w1, w2, w3)[:n])
    }
    return (
        SearchEntry.objects.filter(document_id__in=ids)
        .annotate(**positions)
        .annotate(pos=Case(*cases, default=Value(0), output_field=IntegerField()))
        .annotate(window=Substr("body", Greatest(F("pos") - SNIPPET_BEFORE - 20, Value(1)), SNIPPET_LENGTH + 60))
        .filter(pos__gt=0)
        .values_list("document_id", "pos", "window")
    )


# A page's snippets: compiled once per number of words and of documents (core/statements.py).
_WINDOWS: KeptStatement[tuple[int, int, str]] = KeptStatement(
    "documents.search_windows", _windows, ids=Ids, n=Shape, w0=str, w1=str, w2=str, w3=str
)


def hits_for(documents: list[Document], query: ParsedQuery) -> list[Hit]:
    """Snippets for documents already filtered by :func:`documents_search` (one page): the body's text
    around the first word found, else the subject, the words highlighted. One query, which reads only
    a window of each body."""
    words = query.words
    windows: dict[int, tuple[int, str]] = {}
    if words and documents:
        placed = [" " + word for word, _ in words[:4]]  # the first few words are enough to place a window
        values = dict(zip(("w0", "w1", "w2", "w3"), [*placed, "", "", "", ""][:4], strict=True))
        rows = _WINDOWS.fetch(ids=[d.pk for d in documents], n=len(placed), **values)
        for pk, pos, window in rows:
            offset = max(pos - SNIPPET_BEFORE - 20, 1)
            windows[pk] = (pos - offset, window)
    hits = []
    for document in documents:
        if document.pk in windows:
            at, window = windows[document.pk]
            snippet = _window(window, at)
            hits.append(Hit(document, snippet, highlight_spans(snippet, words), from_body=True))
        else:
            hits.append(Hit(document, document.subject, highlight_spans(document.subject, words)))
    return hits


class CappedPaginator(Paginator):
    """A paginator that counts at most :data:`COUNT_CAP` matches: counting every document that holds a
    broad term ("ủy ban") costs as much as finding them all, and nobody reads past the first pages.
    ``more``: there are more than ``count``."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int = COUNT_CAP, counted: int | None = None):
        super().__init__(object_list, per_page)
        self.cap = cap
        if counted is not None:  # already known (the candidates of :func:`_pg_candidates`)
            self.__dict__["counted"] = counted

    @cached_property
    def counted(self) -> int:
        object_list: Any = self.object_list
        if not isinstance(object_list, QuerySet):
            return len(object_list)
        return object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def more(self) -> bool:
        return self.counted > self.cap


@dataclass
class SearchResult:
    page: Page[Document] | None
    hits: list[Hit]
    message: str = ""
    query: ParsedQuery = field(default_factory=lambda: query_parse(""))
    approximate: bool = False  # ``hits`` match the query but for a typing slip (nothing matched exactly)
    suggestion: str = ""  # "Có phải bạn muốn tìm …": the query corrected from the best approximate hit


def search_page(
    actor: User,
    *,
    text: str | None,
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """One page of :func:`documents_search` with its snippets and, where useful, a message for the
    person (empty query, shortened query, nothing found)."""
    query = query_parse(text)
    filters = filters or SearchFilters()
    if sort not in SORTS:
        sort = "relevance"
    if query.empty and not filters.any:
        message = gettext("Nhập từ cần tìm (số, ký hiệu, trích yếu, nội dung) hoặc chọn một điều kiện lọc.")
        if (text or "").strip():
            message = gettext("Từ khóa không có chữ hoặc số nào để tìm.")
        return SearchResult(None, [], message, query)
    if connection.vendor == "postgresql":
        ids = _pg_candidates(actor, query, filters)
        found = _pg_ranked(ids[:PG_CANDIDATES], query, sort)
        paginator = CappedPaginator(found, per_page, cap=PG_CANDIDATES, counted=len(ids))
    else:
        found = documents_search(actor, query=query, filters=filters, sort=sort)
        paginator = CappedPaginator(found, per_page)
    paged = paginator.get_page(page)
    documents = list(paged.object_list)
    message = ""
    if query.truncated:
        message = gettext("Từ khóa quá dài: chỉ tìm theo phần đầu.")
    if not documents and not query.empty and paged.number == 1:
        scope = SearchScope(actor, filters)
        near = documents_approximate(query=query, raw=text or "", scope=scope, filtered=filters.any)
        if near.documents:
            message = " ".join(
                filter(
                    None, [message, gettext("Không có văn bản nào khớp đúng từ khóa; dưới đây là kết quả gần đúng.")]
                )
            )
            marked = query_parse(near.suggestion) if near.suggestion else query  # the corrected words highlighted
            return SearchResult(paged, hits_for(near.documents, marked), message, query, True, near.suggestion)
    if paginator.more:
        message = " ".join(filter(None, [message, _more_message(paginator.cap)]))
    if not documents:
        message = " ".join(filter(None, [message, gettext("Không tìm thấy văn bản nào phù hợp.")]))
    return SearchResult(paged, hits_for(documents, query), message, query)


@dataclass(frozen=True)
class SearchScope:
    """The documents ``actor`` may see within ``filters``, as the approximate search reads them
    (``fuzzy.Scope``): by the same statements as the exact search — on PostgreSQL :func:`_pg_candidates`
    (the agency's (agency, words) index, the GIN index or a walk of the visible documents, newest first,
    stopped at the limit), on SQLite the one statement of :func:`documents_search` — so a search with no
    exact hit costs about what an exact one does, and always holds the permission and the filters."""

    actor: User
    filters: SearchFilters

    def _visible(self) -> QuerySet[Document]:
        return _filtered(Document.objects.filter(documents_visible_all(self.actor)), self.filters)

    def matching(self, query: ParsedQuery, limit: int) -> list[int]:
        if connection.vendor == "postgresql":
            return _pg_candidates(self.actor, query, self.filters, limit=limit)[:limit]
        return list(_text_match(self._visible(), query).order_by("-id").values_list("pk", flat=True)[:limit])

    def holding(self, condition: Q, limit: int) -> list[int]:
        if connection.vendor == "postgresql":
            return _pg_candidates(self.actor, query_parse(""), self.filters, limit=limit, where=condition)[:limit]
        return list(self._visible().filter(condition).order_by("-id").values_list("pk", flat=True)[:limit])


def _more_message(cap: int) -> str:
    return gettext("Hơn %(n)s kết quả: thêm từ khóa hoặc điều kiện lọc để thu hẹp.") % {
        "n": f"{cap:,}".replace(",", ".")
    }


# --- The results page at scale (PostgreSQL) ----------------------------------------------------------------------

# The page of a search ranks at most this many candidates: the newest matches the person may see (the
# exact number/notation first). Beyond it the page says "more than 1,000" (docs/search.md, "At scale").
PG_CANDIDATES = 1_000


def _pg_candidates(
    actor: User, query: ParsedQuery, filters: SearchFilters, *, limit: int = PG_CANDIDATES + 1, where: Q | None = None
) -> list[int]:
    """The ids of at most ``limit`` (``PG_CANDIDATES + 1``) documents ``actor`` may see that match, newest first
    (an exact number first), in one statement: permission, filters and text together, on the index's
    own rows (``SearchEntry.document_id``) so that no document row is read for a match that is not shown.

    Selective words start from the GIN index; each match is checked against the permission's hashed
    sub-plans. Broad words and filters alone start from the documents the person may see
    (``document_id = ANY(ARRAY(...))``, which PostgreSQL walks backwards on the primary key), newest
    first, and stop at the limit: a clerk of a large agency never has every match of "ủy ban" counted
    and ranked. ``where`` (filters alone): a further condition on the document row (the approximate
    search's trigrams).

    A smaller ``limit`` (the approximate search asks whether a word occurs at all) is given to the walks
    only: a statement that starts from an index keeps ``PG_CANDIDATES + 1``, since with ``LIMIT 1`` and
    the newest first PostgreSQL would rather walk every entry of the deployment backwards on the primary
    key, expecting to meet a match soon — for a slipped word, which nothing matches, all of them."""
    arms = _visible_arms(actor)
    if not arms:
        return []
    if query.empty:  # filters alone: the documents themselves (an entry may not be written yet)
        documents = _filtered(Document.objects.filter(_pg_any_of("documents_document.id", arms)), filters)
        if where is not None:
            documents = documents.filter(where)
        return _ids(documents.order_by("-pk").values_list("pk")[:limit])
    tsq = _pg_tsquery(query)
    match, params = "documents_searchentry.vector @@ to_tsquery('simple', %s)", [tsq]
    if _notation_like(query):
        match = f"({match} OR documents_searchentry.meta_folded LIKE %s)"
        params.append("%" + re.sub(r"([\\%_])", r"\\\1", query.key) + "%")
    broad = _pg_broad(query)
    agencies = _pg_agency_first(actor, query) if broad else ()
    if agencies:
        matched = RawSQL(match, params, output_field=BooleanField())  # noqa: S611  (constant SQL)
        return _pg_agency_candidates(actor, agencies, matched, filters, limit)
    if broad:
        conditions = [
            _pg_any_of("documents_searchentry.document_id", arms),
            RawSQL(f"({match}) IS TRUE", params, output_field=BooleanField()),  # noqa: S611  (constant SQL)
        ]
    else:
        conditions = [
            RawSQL(match, params, output_field=BooleanField()),  # noqa: S611  (constant SQL)
            _pg_in_any("documents_searchentry.document_id", arms),
        ]
    exact: Any = None
    if query.looks_like_number and not broad:
        # as :func:`_exact`, on the copy of ``search_folded`` the entry holds; for a number made of common
        # words ("9/QĐ-UBND") only among the newest candidates, which the walk must not read all of
        key = query.key
        exact = Case(
            When(Q(meta_folded=key) | Q(meta_folded__startswith=key + " "), then=Value(2)),
            When(meta_folded__startswith=key, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    fetched = limit if broad else max(limit, PG_CANDIDATES + 1)  # see above: the index's plan, whatever the limit
    return _entry_ids(conditions, filters, fetched, exact=exact)[:limit]


def _entry_ids(conditions: list[RawSQL], filters: SearchFilters, limit: int, *, exact: Any = None) -> list[int]:
    """The documents of the search entries that meet every condition and ``filters``, newest first (``exact``:
    an exact number first), at most ``limit``. Without filters nor ``exact`` (most searches) the statement is
    written here from the conditions' SQL — the same statement the ORM writes, without building and compiling a
    queryset on every page (docs/benchmarks.md, "CPU per request, part 8")."""
    if not filters.any and exact is None:
        where = " AND ".join(f"({condition.sql})" for condition in conditions)
        params = [param for condition in conditions for param in condition.params]
        sql = (
            'SELECT "documents_searchentry"."document_id" FROM "documents_searchentry" '  # noqa: S608  (the conditions' SQL is ours)
            f'WHERE {where} ORDER BY "documents_searchentry"."document_id" DESC LIMIT {int(limit)}'
        )
        return _rows_ids(router.db_for_read(SearchEntry), sql, params)
    entries = SearchEntry.objects.filter(*conditions)
    if filters.any:
        entries = entries.filter(Exists(_filtered(Document.objects.filter(pk=OuterRef("document_id")), filters)))
    order: list[Any] = ["-document_id"]
    if exact is not None:
        entries = entries.annotate(exact=exact)
        order = ["-exact", "-document_id"]
    return _ids(entries.order_by(*order).values_list("document_id")[:limit])


def _ids(rows: QuerySet[Any]) -> list[int]:
    """The first column of ``rows``' statement (up to 1,001 candidate ids) as a list, read in one piece: the
    queryset's own iteration is a Python call per row (docs/benchmarks.md, "CPU per request, part 8")."""
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:
        return []
    return _rows_ids(rows.db, sql, params)


def _rows_ids(alias: str, sql: str, params: Sequence[Any]) -> list[int]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


Arm = tuple[str, tuple[Any, ...]]  # ``SELECT id`` of the documents of one direction a person may see, compiled


def _visible_arms(actor: User, *, outside: tuple[int, ...] = ()) -> list[Arm]:
    """The ids of the documents ``actor`` may see, one compiled subquery per direction that has any
    (``documents.visibility.documents_visible_sql``: compiled once per person's rule, not per page);
    ``outside``: only those of other agencies than these."""
    arms = (documents_visible_sql(actor, direction, outside=outside) for direction in Direction.values)
    return [arm for arm in arms if arm is not None]


def _pg_in_any(column: str, arms: list[Arm]) -> RawSQL:
    """``column IN (one direction's ids) OR column IN (another's)``: each tested by a hashed sub-plan, the
    right form when an index hands over few rows (:func:`documents_visible_all`)."""
    sql = " OR ".join(f"{column} IN ({arm_sql})" for arm_sql, _ in arms)
    params = [param for _, arm_params in arms for param in arm_params]
    return RawSQL(f"({sql})", params, output_field=BooleanField())  # noqa: S611  (compiled by Django)


# --- Words common in the deployment but rare together in one agency ----------------------------------------------

# A broad query whose matches in the agencies of a clerk or leader are estimated at no more than this many is
# looked up in the GIN index on (agency_id, vector) instead of walking every document of the agency: the walk
# reads the words of each visible document until it has PG_CANDIDATES matches, all of them when two common
# words are rarely together ("khiếu nại" in the largest agency: 16,833 read for 561 matches). Above it the
# matches are dense and the walk stops early (docs/search.md, "At scale").
AGENCY_MATCHES = 4_000
AGENCY_WIDE_HINT = ("clerk", "leader")  # who usually sees a whole agency: a hint for speed, never a permission
_sizes: dict[tuple[str, tuple[int, ...]], tuple[float, tuple[int, ...], int]] = {}


def _pg_agency_size(units: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    """The agencies of ``units`` and how many documents they hold, read at most every ten minutes."""
    key = (str(connection.settings_dict["NAME"]), units)
    cached = _sizes.get(key)
    if cached and time.monotonic() - cached[0] < _STATS_SECONDS:
        return cached[1], cached[2]
    from qlvb.directory.models import Unit

    agencies = tuple(sorted({a or u for u, a in Unit.objects.filter(pk__in=units).values_list("pk", "agency_id")}))
    size = Document.objects.filter(agency_id__in=agencies).count()
    _sizes[key] = (time.monotonic(), agencies, size)
    return agencies, size


def _pg_agency_first(actor: User, query: ParsedQuery) -> tuple[int, ...]:
    """The agencies whose matches to read from the (agency, words) index first, or none (walk)."""
    units = tuple(actor.units_with_role(*AGENCY_WIDE_HINT))
    if not units:
        return ()  # an officer sees few documents: walking them is cheap
    agencies, size = _pg_agency_size(units)
    return agencies if size * _pg_share(query) <= AGENCY_MATCHES else ()


def _pg_agency_candidates(
    actor: User,
    agencies: tuple[int, ...],
    match: RawSQL,
    filters: SearchFilters,
    limit: int = PG_CANDIDATES + 1,
) -> list[int]:
    """The candidates in two statements, merged newest first: the matches in ``agencies`` from the index on
    (agency_id, vector), each still checked against the permission; then the walk over what ``actor`` may
    see in the other agencies (a few assigned or delivered documents, if any)."""
    visible_arms = _visible_arms(actor)
    if not visible_arms:
        return []
    visible = _pg_in_any("documents_searchentry.document_id", visible_arms)
    # ``= %s::bigint``, one per agency: the GIN's btree_gin operator class serves bigint = bigint only (a
    # parameter sent as a small integer, or an IN list, would leave the agency out of the index condition)
    in_agencies = " OR ".join(["documents_searchentry.agency_id = %s::bigint"] * len(agencies))
    mine = RawSQL(f"({in_agencies})", list(agencies), output_field=BooleanField())  # noqa: S611  (constant SQL)
    # from the index: its plan (_pg_candidates)
    found = _entry_ids([mine, match, visible], filters, max(limit, PG_CANDIDATES + 1))
    outside_arms = _visible_arms(actor, outside=agencies)
    if outside_arms:
        not_indexed = RawSQL(f"({match.sql}) IS TRUE", match.params, output_field=BooleanField())  # noqa: S611
        walk = [_pg_any_of("documents_searchentry.document_id", outside_arms), not_indexed]
        found = sorted({*found, *_entry_ids(walk, filters, limit)}, reverse=True)
    return found[:limit]


def _pg_any_of(column: str, arms: list[Arm]) -> RawSQL:
    """``column = ANY(ARRAY(the visible ids))``: computed once, then walked on the primary key in order."""
    union = " UNION ALL ".join(f"({arm_sql})" for arm_sql, _ in arms) if len(arms) > 1 else arms[0][0]
    params = [param for _, arm_params in arms for param in arm_params]
    return RawSQL(f"{column} = ANY(ARRAY({union}))", params, output_field=BooleanField())  # noqa: S611  (compiled by Django)


def _pg_ranked(ids: list[int], query: ParsedQuery, sort: str) -> QuerySet[Document] | KeptPages[Document]:
    """The candidates ranked as :func:`documents_search` ranks (exact number, metadata relevance, newest) or
    sorted by date. ``ids`` are those :func:`_pg_candidates` has just found for the person, with the visibility
    rule in its SQL: this statement only orders them and reads their rows.

    A query that is not a number (most) is read by a kept statement, one page at a time (its shape: the order,
    whether words rank, the page's offset and size; its values: the ids and the words), instead of a queryset
    built and compiled on every page (docs/benchmarks.md, "CPU per request, part 8")."""
    # the candidates as one array parameter, not up to 1,000 (one placeholder each to build and to bind),
    # written as an array's text: ids are integers, and psycopg dumps a list value by value
    among = "{" + ",".join(map(str, map(int, ids))) + "}"
    if not query.looks_like_number:
        values = {
            "ids": among,
            "tsq": "" if query.empty else _pg_tsquery(query),
            "sort": sort,
            "ranked": not query.empty,
        }
        return KeptPages(_RANKED, values, count=len(ids), counted=lambda: len(ids))
    queryset = _ranked(among, _pg_tsquery(query), sort, True).annotate(exact=_exact(query))
    return _ordered(queryset, sort)


def _ranked(ids: str, tsq: str, sort: str, ranked: bool) -> QuerySet[Document]:
    among = RawSQL('"documents_document"."id" = ANY(%s::bigint[])', [ids], output_field=BooleanField())
    queryset = Document.objects.filter(among).select_related("doc_type")
    if not ranked:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    rank = RawSQL(
        "ts_rank_cd(documents_searchentry.meta_vector, to_tsquery('simple', %s))", [tsq], output_field=FloatField()
    )
    return queryset.filter(search_entry__isnull=False).annotate(rank=rank)


def _ranked_page(ids: str, tsq: str, sort: str, ranked: bool, offset: int, limit: int) -> QuerySet[Document]:
    queryset = _ranked(ids, tsq, sort, ranked).annotate(exact=Value(0))
    return _ordered(queryset, sort)[offset : offset + limit]


_RANKED: KeptStatement[Document] = KeptStatement(
    "documents.search_ranked",
    _ranked_page,
    ids=str,
    tsq=str,
    sort=Shape,
    ranked=Shape,
    offset=Shape,
    limit=Shape,
)
