"""The text read from a document's files is what search finds it by (issue 12): the extraction hands each
file's text to ``documents`` (``files.texts.text_done_register``), and attaching a file whose text was read
before indexes it too. Real files read by the real pipeline; no search index written by hand."""

from __future__ import annotations

import io

from qlvb.documents.search import documents_search, query_parse
from qlvb.documents.searchindex import SearchEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel, FileText, TextState
from qlvb.files.texts import file_text_extract
from qlvb.incoming.attaching import IncomingFile, incoming_files_add

WORDS = "Phê duyệt phương án trồng khoai lang tím vụ đông tại xã Liên Minh."


def _search(actor, text):
    return list(documents_search(actor, query=query_parse(text)))


def _stored(person, name="ke-hoach.txt"):
    data = f"KẾ HOẠCH\n{WORDS}\n".encode()
    return file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)


def test_a_file_read_after_it_was_attached_is_found_by_its_words(receive, person, django_capture_on_commit_callbacks):
    clerk = person("lethuha")
    document = receive(subject="Kế hoạch sản xuất vụ đông")
    stored = _stored(person)
    with django_capture_on_commit_callbacks(execute=True):
        incoming_files_add(actor=clerk, document=document, files=[IncomingFile(stored_file=stored, kind="main")])
    assert _search(clerk, "khoai lang tim") == []  # not read yet
    file_text_extract(stored)  # what the ``ocr`` queue's task does
    assert FileText.objects.get(stored_file=stored).state == TextState.DONE
    assert _search(clerk, "khoai lang tim") == [document]
    assert "khoai lang tím" in SearchEntry.objects.get(document=document).body


def test_a_file_read_before_it_was_attached_is_found_once_attached(receive, person, django_capture_on_commit_callbacks):
    clerk = person("lethuha")
    document = receive(subject="Kế hoạch sản xuất vụ đông")
    stored = _stored(person)
    file_text_extract(stored)  # read before any document holds it: nothing to index yet
    assert _search(clerk, "khoai lang tim") == []
    with django_capture_on_commit_callbacks(execute=True):
        incoming_files_add(actor=clerk, document=document, files=[IncomingFile(stored_file=stored, kind="main")])
    assert _search(clerk, "khoai lang tim") == [document]
    assert _search(person("dothanhhuong"), "khoai lang tim") == []  # nothing routed to her: no hit
