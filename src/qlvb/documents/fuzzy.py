"""Search with a typing slip (issue 12): when the exact search finds nothing, the documents whose metadata
(number and notation, organ, subject, signer: ``Document.search_folded``) hold every typed word or a word
one letter away ("Bến Lứ" → "Bến Lức", "ke hoahc" → "kế hoạch"; two letters for words of 7 or more), and
the query corrected from them ("Có phải bạn muốn tìm …").

1. Each typed word is asked of the full-text index (tsvector + GIN, FTS5) among the visible documents:
   the words no document holds are the slips.
2. Candidates: the newest visible documents holding every word typed right (the same index); when no word
   was typed right, those whose folded metadata holds a trigram of a slipped word (``LIKE``, served by the
   GIN trigram index ``document_search_trgm`` on PostgreSQL); at most :data:`CANDIDATES`.
3. Each candidate is confirmed in Python: every slipped word within its allowed slip of a word of the
   metadata (edit distance, transpositions counted once); ordered by the sum of the slips, then newest.

4. When no candidate's metadata holds a close word, each slip is corrected against the vocabulary of the
   files' text (``SearchWord``: every folded word some body holds) and the corrected query is asked of the
   full-text index among the visible documents, nearest correction first (a word is suggested only when a
   document the person may see holds it); the suggestion is spelled as the best hit's text spells it.

Every step reads from the same candidates as the exact search (a :class:`Scope`: what the person may see
within the filters, in SQL; on PostgreSQL by the same paths as the exact search — the agency's (agency,
words) index, the GIN index, or a walk of the visible documents, newest first, stopped at the limit), so a
search with no exact hit costs about what an exact one does, and the approximate search never reads, shows
or suggests from a document outside what the person may see and the filters. When the filters alone leave
nothing, there is nothing to correct. Both databases run the same steps, so both answer alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.db.models import Q
from django.db.models.functions import Length

from qlvb.core.text import fold

from .models import Document
from .searchindex import SearchEntry, SearchWord, fold_aligned

if TYPE_CHECKING:
    from .search import ParsedQuery

LIMIT = 20  # approximate hits shown
CANDIDATES = 1000  # rows compared at most
_WORD = re.compile(r"[^\W_]+")


class Scope(Protocol):
    """The documents a search reads from: what one person may see, within the filters (docs/search.md)."""

    def matching(self, query: ParsedQuery, limit: int) -> list[int]:
        """The ids of at most ``limit`` of them that match ``query`` exactly, newest first."""
        ...

    def holding(self, condition: Q, limit: int) -> list[int]:
        """The ids of at most ``limit`` of them whose document row meets ``condition``, newest first."""
        ...


@dataclass
class Approximate:
    documents: list[Document] = field(default_factory=list)
    suggestion: str = ""  # the query corrected from the best hit, as the person would type it ("" = none)


def slip_allowed(word: str) -> int:
    return 1 if len(word) < 7 else 2


def distance(a: str, b: str, *, bound: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment); ``bound + 1`` once above ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        previous2, previous = previous, current
    return min(previous[-1], bound + 1)


def _closest(word: str, vocabulary: list[str]) -> tuple[int, str]:
    """(distance, word) of the vocabulary word nearest ``word`` within its allowed slip; the first one wins."""
    bound = slip_allowed(word)
    best = (bound + 1, "")
    for known in vocabulary:
        if known == word:
            return 0, known
        d = distance(word, known, bound=bound)
        if d < best[0]:
            best = (d, known)
    return best


def _score(words: list[str], folded: str, cache: dict[tuple[str, str], int]) -> int | None:
    """The sum of the slips of ``words`` in the folded metadata; None if one word has no close match.
    ``cache`` keeps the distances already computed (the documents of an agency share most of their words)."""
    vocabulary = set(_WORD.findall(folded))
    total = 0
    for word in words:
        bound = slip_allowed(word)
        best = bound + 1
        for known in vocabulary:
            d = cache.get((word, known))
            if d is None:
                d = cache[(word, known)] = distance(word, known, bound=bound)
            best = min(best, d)
        if best > bound:
            return None
        total += best
    return total


def _trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)] or [word]


def _one(words: list[str]) -> ParsedQuery:
    from .search import ParsedQuery, Term

    return ParsedQuery(tuple(Term((w,)) for w in words), " ".join(words))


def _slipped(scope: Scope, words: list[str]) -> tuple[list[str], list[str]]:
    """(words some document of ``scope`` holds, words none holds: the slips), each asked of the full-text index."""
    found: list[str] = []
    slipped: list[str] = []
    for word in words:
        (found if scope.matching(_one([word]), 1) else slipped).append(word)
    return found, slipped


def _candidates(scope: Scope, found: list[str], slipped: list[str]) -> list[tuple[int, str]]:
    """The newest documents of ``scope`` that hold every word typed right (the full-text index) and, when no
    word was typed right, a trigram of a slipped word (``LIKE``, served by the trigram index on PostgreSQL);
    at most :data:`CANDIDATES`, with their folded metadata."""
    if found:
        ids = scope.matching(_one(found), CANDIDATES)
    else:
        condition = Q(pk__in=[])
        for word in slipped:
            for trigram in _trigrams(word):
                condition |= Q(search_folded__contains=trigram)
        ids = scope.holding(condition, CANDIDATES)
    folded = dict(Document.objects.filter(pk__in=ids).values_list("pk", "search_folded"))
    return [(pk, folded[pk]) for pk in ids if pk in folded]


def documents_approximate(*, query: ParsedQuery, raw: str, scope: Scope, filtered: bool = False) -> Approximate:
    """Documents of ``scope`` (what the person may see within the filters) that match ``query`` but for a
    slip, best first, and the corrected query (``raw``: what was typed). ``filtered``: the scope has filters,
    which may leave no document at all (then nothing is corrected, at the cost of one look-up)."""
    words = list(dict.fromkeys(w for t in query.terms for w in t.words))
    if not words or sum(len(w) for w in words) < 2:
        return Approximate()
    if filtered and not scope.holding(Q(), 1):
        return Approximate()  # the filters alone leave nothing the person may see
    found, slipped = _slipped(scope, words)
    if not slipped:
        return Approximate()  # every word is somewhere, only not together: no slip to correct
    scored = []
    cache: dict[tuple[str, str], int] = {}
    for position, (pk, folded) in enumerate(_candidates(scope, found, slipped)):
        score = _score(slipped, folded, cache)
        if score is not None:
            scored.append((score, position, pk))
    scored.sort()
    ids = [pk for _score_, _position, pk in scored[:LIMIT]]
    if not ids:
        return _in_bodies(scope, raw, found, slipped)
    by_id = {d.pk: d for d in Document.objects.filter(pk__in=ids).select_related("doc_type")}
    documents = [by_id[pk] for pk in ids if pk in by_id]
    return Approximate(documents, _suggestion(raw, documents[0]))


WORDS_NEAR = 1000  # vocabulary words compared at most per slip
TRIES = 6  # corrected queries asked of the index at most


def _near_words(word: str) -> list[tuple[int, str]]:
    """(slip, word) of the vocabulary of the files' text within ``word``'s allowed slip, nearest first: those
    of a close length sharing a trigram — a pair of letters for a word of 5 or fewer, as most Vietnamese
    syllables are (``LIKE``, the trigram index ``search_word_trgm`` on PostgreSQL). A three-letter word whose
    middle letter slipped shares no pair with the word meant and is not corrected."""
    bound = slip_allowed(word)
    condition = Q(pk__in=[])
    pieces = _trigrams(word) if len(word) > 5 else [word[i : i + 2] for i in range(len(word) - 1)] or [word]
    for piece in pieces:
        condition |= Q(word__contains=piece)
    near = []
    words = SearchWord.objects.annotate(n=Length("word")).filter(
        condition, n__gte=len(word) - bound, n__lte=len(word) + bound
    )
    for known in words.values_list("word", flat=True)[:WORDS_NEAR]:
        d = distance(word, known, bound=bound)
        if 0 < d <= bound:
            near.append((d, known))
    return sorted(near)


def _in_bodies(scope: Scope, raw: str, found: list[str], slipped: list[str]) -> Approximate:
    """The metadata held no close word: correct each slip against the vocabulary of the files' text, and ask
    the index for the corrected query among the documents of ``scope`` (so a word of a document the person
    may not see, or outside the filters, is never suggested). The corrections are tried nearest first, at
    most :data:`TRIES` queries."""
    options = [_near_words(word)[:3] for word in slipped]
    if not all(options):
        return Approximate()
    tries: list[tuple[int, tuple[str, ...]]] = [(0, ())]
    for choices in options:
        tries = sorted((total + d, (*words, w)) for total, words in tries for d, w in choices)[:TRIES]
    for _total, corrected in tries:
        ids = scope.matching(_one([*found, *corrected]), LIMIT)
        if ids:
            by_id = {d.pk: d for d in Document.objects.filter(pk__in=ids).select_related("doc_type")}
            documents = [by_id[pk] for pk in ids if pk in by_id]
            return Approximate(
                documents, _suggestion_from_body(raw, documents[0], dict(zip(slipped, corrected, strict=True)))
            )
    return Approximate()


def _suggestion_from_body(raw: str, best: Document, corrected: dict[str, str]) -> str:
    """``raw`` with each slipped word replaced by its correction, spelled as ``best``'s file text spells it
    (accents included: the folded body is aligned with the body character by character)."""
    entry = SearchEntry.objects.filter(document=best).values_list("body", "body_folded").first()
    body, folded = entry if entry is not None else ("", "")
    out = []
    for token in _WORD.findall(raw[:500]):
        fix = corrected.get(fold(token))
        if fix is None:
            out.append(token)
            continue
        match = re.search(rf"\b{fix}\b", folded)
        spelled = body[match.start() : match.end()] if match else fix
        out.append(spelled.lower() if token.islower() else spelled)
    return " ".join(out)


def _suggestion(raw: str, best: Document) -> str:
    """``raw`` with each word that is not in ``best``'s metadata replaced by the nearest word there, in the
    document's own spelling (accents included): "Bến Lứ" → "Bến Lức"."""
    original = " ".join(p for p in (best.number_notation, best.organ_name, best.subject, best.signer_name) if p)
    aligned = fold_aligned(original)
    spelled: dict[str, str] = {}
    for match in _WORD.finditer(aligned):
        spelled.setdefault(match.group(), original[match.start() : match.end()])
    vocabulary = list(spelled)
    out, changed = [], False
    for token in _WORD.findall(raw[:500]):
        folded = fold(token)
        d, known = _closest(folded, vocabulary)
        if d == 0 or not known:
            out.append(token)
        else:
            out.append(spelled[known].lower() if token.islower() else spelled[known])
            changed = True
    return " ".join(out) if changed else ""


def accent_free(field_name: str, text: str, *, limit: int) -> Q:
    """Rows whose ``field_name`` holds every word of ``text``, case and accents aside ("ubnd ben luc" finds
    "UBND huyện Bến Lức"): each word as a regular expression of its accented forms (the same on PostgreSQL and
    SQLite), after the folded metadata (``search_folded``, trigram index on PostgreSQL) was found to hold it."""
    condition = Q()
    for word in fold(text[:limit]).split()[:8]:
        condition &= Q(search_folded__contains=word) & Q(**{f"{field_name}__regex": accent_pattern(word)})
    return condition


def _variants() -> dict[str, str]:
    forms: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        folded = fold(ch)
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            forms.setdefault(folded, set()).add(ch)
    return {k: "[" + "".join(sorted(v)) + "]" for k, v in forms.items()}


_VARIANTS = _variants()


def accent_pattern(word: str) -> str:
    """A regular expression matching ``word`` (folded) in any case and with any Vietnamese marks."""
    return "".join(_VARIANTS.get(ch, re.escape(ch)) for ch in word)
