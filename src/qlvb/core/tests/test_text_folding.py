"""The folded form (search, account names) holds for every Vietnamese text, whatever its normalisation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qlvb.core.text import fold, fold_compact, nfc

# Tone marks: none, grave (huyền), acute (sắc), hook above (hỏi), tilde (ngã), dot below (nặng).
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# Each vowel of the alphabet with the letter it folds to.
VOWELS = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}
CONSONANTS = "bcdđghklmnpqrstvx"


def _toned(vowel: str, tone: str, upper: bool) -> str:
    letter = vowel.upper() if upper else vowel
    return unicodedata.normalize("NFC", letter + tone)


TONED_VOWELS = [(_toned(v, t, up), base) for v, base in VOWELS.items() for t in TONES for up in (False, True)]
LETTERS = [ch for ch, _ in TONED_VOWELS] + list(CONSONANTS) + list(CONSONANTS.upper())

vietnamese_text = st.lists(st.sampled_from([*LETTERS, " ", " ", "-", ",", "0", "9"]), max_size=60).map("".join)


def test_the_alphabet_covers_every_vowel_with_every_tone_in_both_cases() -> None:
    assert len(TONED_VOWELS) == 12 * 6 * 2
    assert len({ch for ch, _ in TONED_VOWELS}) == 144  # all distinct precomposed letters
    assert all(len(ch) == 1 for ch, _ in TONED_VOWELS)


@pytest.mark.parametrize(("letter", "base"), TONED_VOWELS)
def test_every_toned_vowel_folds_to_its_base_letter(letter: str, base: str) -> None:
    assert fold(letter) == base
    assert fold(unicodedata.normalize("NFD", letter)) == base


def test_d_with_stroke_folds_to_d() -> None:
    assert fold("đ") == "d"
    assert fold("Đ") == "d"


def test_known_phrases() -> None:
    assert fold("Quyết định") == "quyet dinh"
    assert fold("  Ủy ban   nhân dân\txã Liên Minh ") == "uy ban nhan dan xa lien minh"
    assert fold_compact("Trần Thị Lan") == "tranthilan"
    assert fold_compact("Đỗ Thanh Hương") == "dothanhhuong"


@given(vietnamese_text)
def test_nfc_and_nfd_input_fold_alike(text: str) -> None:
    nfc_form = unicodedata.normalize("NFC", text)
    nfd_form = unicodedata.normalize("NFD", text)
    assert fold(nfc_form) == fold(nfd_form)
    assert fold_compact(nfc_form) == fold_compact(nfd_form)


@given(vietnamese_text)
def test_output_is_ascii_lower_case_for_vietnamese_input(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded
    assert folded == folded.strip()


@given(vietnamese_text)
def test_folding_keeps_the_letters_and_is_idempotent(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    # one letter in, one letter out: nothing is dropped but repeated white space
    assert len(folded.replace(" ", "")) == len(unicodedata.normalize("NFC", text).replace(" ", "").strip())


@given(vietnamese_text)
def test_compact_form_is_ascii_letters_and_digits(text: str) -> None:
    compact = fold_compact(text)
    assert compact.isascii()
    assert all(ch.isalnum() for ch in compact)


@given(st.text(max_size=40))
def test_any_text_folds_alike_in_nfc_and_nfd(text: str) -> None:
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@given(vietnamese_text)
def test_nfc_is_stable(text: str) -> None:
    assert nfc(nfc(text)) == nfc(text)
    assert nfc(unicodedata.normalize("NFD", text)) == unicodedata.normalize("NFC", text).strip()
