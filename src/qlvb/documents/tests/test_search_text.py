"""``Document.search_folded`` has one rule (``documents.models.folded_search_text``), used by
``Document.save`` and by the benchmark data generator with a cached fold: folding part by part must
equal folding the parts joined, for every text."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given
from hypothesis import strategies as st

from qlvb.core.text import fold
from qlvb.documents.models import folded_search_text

parts = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
vietnamese = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠẮẰẲẴẶĐÉỀỂỄỆỚỜỞỠỢỨỪỬỮỰÝ /-.,\t\n", max_size=40)


@given(st.lists(parts | vietnamese, min_size=4, max_size=4))
def test_folding_part_by_part_equals_folding_the_whole(four):
    whole = fold(" ".join(p for p in four if p))
    assert folded_search_text(*four) == whole
    assert folded_search_text(*four, fold_part=lru_cache(maxsize=None)(fold)) == whole


def test_what_a_clerk_types_finds_it():
    text = folded_search_text("15/QĐ-UBND", "Ủy ban nhân dân xã Liên Minh", "Về việc  phê duyệt", "")
    assert text == "15/qd-ubnd uy ban nhan dan xa lien minh ve viec phe duyet"
