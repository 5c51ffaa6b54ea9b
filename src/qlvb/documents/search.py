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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Greatest, StrIndex, Substr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from qlvb.core.text import fold, nfc

from .models import Direction, Document
from .searchindex import SearchEntry, fold_aligned
from .visibility import documents_visible_to

if TYPE_CHECKING:
    from qlvb.directory.models import User

MAX_WORDS = 8
QUERY_LIMIT = 500  # characters of a query that are read; the rest is ignored (a 10,000-character paste)
TERMS_LIMIT = 12
PER_PAGE = 20
SNIPPET_BEFORE, SNIPPET_LENGTH = 90, 280
SORTS = ("relevance", "date", "date_asc")
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')


def documents_matching(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """The lists' quick search: every word of the folded query occurs in ``search_folded``."""
    for word in fold(query).split()[:MAX_WORDS]:
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


def _text_match(queryset: QuerySet[Document], query: ParsedQuery) -> QuerySet[Document]:
    """``queryset`` narrowed to the documents matching ``query`` and annotated with ``rank`` (higher is
    better), for the current database."""
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


def documents_visible_all(actor: User) -> Q:
    """The documents of every direction ``actor`` may see, as a condition of subqueries (one statement)."""
    condition = Q(pk__in=[])
    for direction in Direction.values:
        visible = documents_visible_to(actor, direction)
        if not visible.query.is_empty():
            condition |= Q(pk__in=visible.values("pk"))
    return condition


def _filtered(queryset: QuerySet[Document], f: SearchFilters) -> QuerySet[Document]:
    if f.direction in Direction.values:
        queryset = queryset.filter(direction=f.direction)
    if f.doc_type:
        queryset = queryset.filter(doc_type_id=f.doc_type)
    if f.organ:
        queryset = queryset.filter(organ_name__icontains=nfc(f.organ)[:200])
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
    if f.signer:
        queryset = queryset.filter(signer_name__icontains=nfc(f.signer)[:50])
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
    queryset = _filtered(Document.objects.filter(documents_visible_all(actor)), filters)
    if query.empty:
        queryset = queryset.annotate(rank=Value(0.0, output_field=FloatField()), exact=Value(0))
    else:
        exact: Any = Value(0)
        if query.looks_like_number:
            exact = Case(
                When(Q(search_folded=query.key) | Q(search_folded__startswith=query.key + " "), then=Value(2)),
                # the number alone, or the beginning of the number and notation
                When(Q(code_number=query.key) | Q(search_folded__startswith=query.key), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        queryset = _text_match(queryset, query).annotate(exact=exact)
    queryset = queryset.select_related("doc_type")
    if sort == "date":
        return queryset.order_by(F("issued_date").desc(nulls_last=True), "-received_at", "-id")
    if sort == "date_asc":
        return queryset.order_by(F("issued_date").asc(nulls_last=True), "received_at", "id")
    return queryset.order_by("-exact", F("rank").desc(nulls_last=True), "-received_at", "-id")


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


def hits_for(documents: list[Document], query: ParsedQuery) -> list[Hit]:
    """Snippets for documents already filtered by :func:`documents_search` (one page): the body's text
    around the first word found, else the subject, the words highlighted. One query, which reads only
    a window of each body."""
    words = query.words
    windows: dict[int, tuple[int, str]] = {}
    if words and documents:
        cases = [
            When(**{f"p{i}__gt": 0}, then=F(f"p{i}"))
            for i in range(min(len(words), 4))  # the first few words are enough to place a window
        ]
        positions = {
            f"p{i}": StrIndex(Concat(Value(" "), "body_folded"), Value(" " + word))
            for i, (word, _) in enumerate(words[:4])
        }
        rows = (
            SearchEntry.objects.filter(document_id__in=[d.pk for d in documents])
            .annotate(**positions)
            .annotate(pos=Case(*cases, default=Value(0), output_field=IntegerField()))
            .annotate(window=Substr("body", Greatest(F("pos") - SNIPPET_BEFORE - 20, Value(1)), SNIPPET_LENGTH + 60))
            .filter(pos__gt=0)
            .values_list("document_id", "pos", "window")
        )
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


@dataclass
class SearchResult:
    page: Page[Document] | None
    hits: list[Hit]
    message: str = ""
    query: ParsedQuery = field(default_factory=lambda: query_parse(""))


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
    found = documents_search(actor, query=query, filters=filters, sort=sort)
    paged = Paginator(found, per_page).get_page(page)
    documents = list(paged.object_list)
    message = ""
    if query.truncated:
        message = gettext("Từ khóa quá dài: chỉ tìm theo phần đầu.")
    if not documents:
        message = " ".join(filter(None, [message, gettext("Không tìm thấy văn bản nào phù hợp.")]))
    return SearchResult(paged, hits_for(documents, query), message, query)
