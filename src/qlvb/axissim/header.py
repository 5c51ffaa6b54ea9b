"""Read the addressing of an edXML package, and nothing else: who sends it (``From/OrganId``), to
whom (every ``To/OrganId`` of a document package; ``ResponseFor/OrganId`` of a status package) and
the kind of package. A minimal streaming read: parsing stops at the end of ``edXMLHeader``, so the
attachments are never read; DTDs, entities and network access are refused. The full edXML library is
``qlvb.exchange.edxml``; the simulator stands apart from it on purpose (it plays someone else's
server)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
_HEADER = f"{{{NS}}}edXMLHeader"
_ORGAN_ID = f"{{{NS}}}OrganId"
_PARENTS = {f"{{{NS}}}From": "from", f"{{{NS}}}To": "to", f"{{{NS}}}ResponseFor": "response_for"}
_STATUS_CODE = f"{{{NS}}}StatusCode"
_MESSAGE_HEADER = f"{{{NS}}}MessageHeader"
_DOCUMENT_ID = f"{{{NS}}}DocumentId"


class HeaderError(ValueError):
    """The package is not an edXML package the simulator can route (message in Vietnamese)."""


@dataclass
class Addressing:
    sender: str = ""
    to: list[str] = field(default_factory=list)
    response_for: str = ""
    is_status: bool = False
    document_id: str = ""  # MessageHeader/DocumentId of a document package (the simulator's answers)
    status_code: str = ""  # StatusCode of a status package
    about: str = ""  # ResponseFor/DocumentId: the document a status is about

    @property
    def recipients(self) -> list[str]:
        """Where the axis delivers: the ``To`` list of a document, the original sender of a status."""
        if self.is_status:
            return [self.response_for] if self.response_for else []
        return list(dict.fromkeys(self.to))


def read_addressing(stream: BinaryIO) -> Addressing:
    found = Addressing()
    context = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    parents: list[str] = []
    checked_doctype = False
    try:
        for event, element in context:
            if not checked_doctype:
                checked_doctype = True
                if element.getroottree().docinfo.doctype:
                    raise HeaderError("Gói tin có khai báo DOCTYPE — không được phép.")
            tag = element.tag
            if event == "start":
                parents.append(tag if isinstance(tag, str) else "")
                continue
            parents.pop()
            if tag == _HEADER:
                break
            _note(found, tag, (element.text or "").strip(), parent=parents[-1] if parents else "")
    except etree.XMLSyntaxError as exc:
        raise HeaderError(f"Gói tin không phải XML hợp lệ: {exc.msg}") from None
    if not found.sender:
        raise HeaderError("Gói tin thiếu From/OrganId trong edXMLHeader.")
    if not found.recipients:
        raise HeaderError("Gói tin không có nơi nhận (To/OrganId hoặc ResponseFor/OrganId).")
    return found


def _note(found: Addressing, tag: object, value: str, *, parent: str) -> None:
    """Records what the element just closed (``tag``, under ``parent``) says about the addressing."""
    if tag == _STATUS_CODE:
        found.is_status = True
        found.status_code = value
    elif tag == _DOCUMENT_ID and parent == f"{{{NS}}}ResponseFor" and not found.about:
        found.about = value
    elif tag == _DOCUMENT_ID and parent == _MESSAGE_HEADER and not found.document_id:
        found.document_id = value
    elif tag == _ORGAN_ID and parent in _PARENTS:
        role = _PARENTS[parent]
        if role == "from" and not found.sender:
            found.sender = value
        elif role == "to" and value:
            found.to.append(value)
        elif role == "response_for" and not found.response_for:
            found.response_for = value
