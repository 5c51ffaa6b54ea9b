"""The full-text index of documents: one ``SearchEntry`` row per document, holding the folded metadata
(``Document.search_folded``, copied by ``Document.save``) and the ``body`` — the text of the document's
files, set by the text extraction through :func:`search_text_set`.

The database keeps the index itself, next to the row (migration ``0010_search_index``):

- PostgreSQL: a generated column ``vector tsvector`` (``to_tsvector('simple', ...)`` of the folded
  metadata and body, punctuation turned into spaces) with a GIN index;
- SQLite: an FTS5 table ``documents_searchentry_fts`` (external content on this table, tokenizer
  ``unicode61``), kept in step by three triggers on this table.

Both index folded text only (``core.text.fold``: lower case, no diacritics, đ→d), the same fold the
query goes through, so "quyet dinh" finds "Quyết định". ``body_folded`` is folded character by
character (:func:`fold_aligned`) so that a position in it is the same position in ``body``: the
snippet is cut from the original text where the folded one matched.

A Django migration that alters this table on SQLite rebuilds it and drops the triggers: such a
migration must re-create them (``SQLITE_FORWARDS`` of migration ``0010_search_index``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from qlvb.core.text import fold, nfc

# The body kept and indexed per document (~150 pages of text). A PostgreSQL tsvector holds at most 1 MB
# and positions up to 16,383; what lies beyond this is not searchable (docs/search.md).
BODY_LIMIT = 300_000
WORD_MAX = 24  # the longest word kept in the vocabulary of bodies (a longer "word" is not a word)
METADATA_FIELDS = frozenset({"code_number", "code_notation", "organ_name", "subject", "signer_name"})


class SearchEntry(models.Model):
    document = models.OneToOneField(
        "documents.Document", primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    meta_folded = models.TextField(default="", editable=False)
    body = models.TextField(_("nội dung tệp"), default="", blank=True)
    body_folded = models.TextField(default="", editable=False)
    body_updated_at = models.DateTimeField(null=True, blank=True)
    # A copy of ``Document.agency`` (set with the metadata): on PostgreSQL the GIN index
    # ``documents_searchentry_agency_vector`` holds it beside the words, so "these words in this agency" is
    # one index look-up (migration ``0015_searchentry_agency``, docs/search.md). No constraint: the row goes
    # with its document.
    agency = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm")
        verbose_name_plural = _("chỉ mục tìm kiếm")

    def __str__(self) -> str:
        return f"#{self.document_id}"


class SearchWord(models.Model):
    """Every word (folded) that the body of some document holds: the vocabulary a slip typed in a search is
    corrected against when the metadata has no close word (``fuzzy.py``). Words only — which document holds
    one is asked of the index, among the documents the person may see. Added to by :func:`search_text_set`;
    ``qlvb search_vocabulary`` fills it from the bodies already indexed."""

    word = models.CharField(max_length=WORD_MAX, primary_key=True)

    class Meta:
        verbose_name = _("từ trong nội dung tệp")
        verbose_name_plural = _("từ trong nội dung tệp")

    def __str__(self) -> str:
        return self.word


_VOCABULARY_WORD = re.compile(rf"\b[a-z]{{2,{WORD_MAX}}}\b")


def vocabulary_words(folded_body: str) -> set[str]:
    """The vocabulary words of a folded body: letters only, 2 to :data:`WORD_MAX` of them (numbers and codes
    are not corrected)."""
    return set(_VOCABULARY_WORD.findall(folded_body))


def vocabulary_insert(words: Iterable[str]) -> int:
    """Add ``words`` (folded vocabulary words) to the vocabulary, those already there left as they are, in
    batches of 2,000. Returns how many were given."""
    ordered = sorted(words)
    for start in range(0, len(ordered), 2000):
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in ordered[start : start + 2000]], ignore_conflicts=True
        )
    return len(ordered)


def vocabulary_add(folded_body: str) -> int:
    """Add the words of ``folded_body`` (:func:`vocabulary_words`) to the vocabulary. Returns how many
    distinct words the body has."""
    words = vocabulary_words(folded_body)
    vocabulary_insert(words)
    return len(words)


VOCABULARY_BATCH = 1000  # bodies read per statement by :func:`vocabulary_rebuild`


def vocabulary_rebuild(
    *,
    batch: int = VOCABULARY_BATCH,
    replace: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Add the words of every indexed body to the vocabulary (for bodies written without
    :func:`search_text_set`: the benchmark data, an import, a restored table). The bodies are read in
    batches of ``batch`` in the order of their document (each batch one statement, its new words written at
    once), so memory stays bounded whatever the number of documents. ``replace``: also remove the words no
    body holds any more (a body was replaced or deleted). ``progress(bodies read, words)`` after each batch.
    Returns how many words the vocabulary holds."""
    known = set(SearchWord.objects.values_list("word", flat=True))
    held: set[str] = set()
    last, read = -1, 0
    while True:
        rows = list(
            SearchEntry.objects.filter(document_id__gt=last)
            .exclude(body_folded="")
            .order_by("document_id")
            .values_list("document_id", "body_folded")[:batch]
        )
        if not rows:
            break
        last, read = rows[-1][0], read + len(rows)
        words: set[str] = set()
        for _document_id, body in rows:
            words |= vocabulary_words(body)
        held |= words
        vocabulary_insert(words - known)
        known |= words
        if progress is not None:
            progress(read, len(known))
    if replace:
        gone = sorted(known - held)
        for start in range(0, len(gone), 2000):
            SearchWord.objects.filter(word__in=gone[start : start + 2000]).delete()
    return SearchWord.objects.count()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded if len(folded) == 1 else " " if not folded else folded[0]


class _FoldTable(dict[int, str]):
    """``str.translate``'s table for :func:`fold_aligned`: each character's folded one, computed at its first
    sight (a snippet's ~150 characters are one call in C, not one Python call each)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 65_536:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_aligned(text: str) -> str:
    """``core.text.fold`` character by character, one folded character per character of ``text``
    (white space kept as one space each instead of collapsed), so positions in both agree.
    ``" ".join(fold_aligned(t).split()) == fold(t)`` for the text a document holds."""
    return text.translate(_FOLD_TABLE)


def search_metadata_sync(document_ids: Iterable[int] | None = None) -> int:
    """Copy ``Document.search_folded`` into the index for ``document_ids`` (all documents when
    ``None``): for documents written without ``Document.save`` (``bulk_create``, the benchmark
    data). Returns the number of entries written."""
    from .models import Document

    documents = Document.objects.all() if document_ids is None else Document.objects.filter(pk__in=document_ids)
    written = 0
    batch: list[SearchEntry] = []
    for pk, agency_id, folded in documents.values_list("pk", "agency_id", "search_folded").iterator(chunk_size=2000):
        batch.append(SearchEntry(document_id=pk, agency_id=agency_id, meta_folded=folded))
        if len(batch) >= 2000:
            written += _upsert_metadata(batch)
            batch = []
    if batch:
        written += _upsert_metadata(batch)
    return written


def _upsert_metadata(entries: list[SearchEntry]) -> int:
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["document"], update_fields=["meta_folded", "agency"]
    )
    return len(entries)


def search_entry_save_metadata(document_id: int, folded: str, agency_id: int | None = None) -> None:
    """Called by ``Document.save`` when a field of the folded metadata may have changed."""
    _upsert_metadata([SearchEntry(document_id=document_id, agency_id=agency_id, meta_folded=folded)])


def search_text_set(document_id: int, *, body: str) -> None:
    """Make ``body`` (the text of the document's files, joined) what the document is found by besides
    its metadata; the text extraction calls it after each extraction of a file of the document.
    Idempotent. The text is stored NFC, cut at :data:`BODY_LIMIT` characters; NUL and other control
    characters (but line breaks and tabs) become spaces."""
    from django.utils import timezone

    from .models import Document

    text = "".join(ch if ch in "\t\n\r" or (ch >= " " and ch != "\x7f") else " " for ch in nfc(body or ""))
    text = text[:BODY_LIMIT]
    row = Document.objects.filter(pk=document_id).values_list("search_folded", "agency_id").first()
    if row is None:
        return  # the document is gone: nothing to index
    folded, agency_id = row
    body_folded = fold_aligned(text)
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                document_id=document_id,
                agency_id=agency_id,
                meta_folded=folded,
                body=text,
                body_folded=body_folded,
                body_updated_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["document"],
        update_fields=["meta_folded", "agency", "body", "body_folded", "body_updated_at"],
    )
    vocabulary_add(body_folded)


def document_text_index(document_id: int) -> None:
    """What the document is found by in its files: the text of its current attachments whose text is
    read (``files.FileText``, *done*), joined in their order, handed to :func:`search_text_set`."""
    from qlvb.files.models import FileText, TextState

    from .models import Attachment

    files = list(
        Attachment.objects.filter(document_id=document_id, superseded_at__isnull=True)
        .order_by("ordinal", "version")
        .values_list("stored_file_id", flat=True)
    )
    texts = dict(
        FileText.objects.filter(stored_file_id__in=files, state=TextState.DONE).values_list("stored_file_id", "text")
    )
    search_text_set(document_id, body="\n\n".join(texts[f] for f in files if texts.get(f)))


def stored_file_text_index(stored_file_id: int) -> None:
    """A file's text was read: index again every document that holds the file (``files`` calls it)."""
    from .models import Attachment

    for document_id in set(
        Attachment.objects.filter(stored_file_id=stored_file_id).values_list("document_id", flat=True)
    ):
        document_text_index(document_id)


def document_text_index_after_commit(document_id: int) -> None:
    """Files were attached to the document: index its files' text once the caller's transaction commits
    (a file whose text was read before it was attached is found at once; the others when read)."""
    from django.db import transaction

    transaction.on_commit(lambda: document_text_index(document_id))
