"""edXML packages of QCVN 102:2016 (the national document axis): build, parse, sign, verify.

A pure library — no database, no Django models. See docs/edxml.md.

    from qlvb.exchange.edxml import parse, build, Edoc, Status
"""

from .attachments import Limits
from .build import build
from .errors import EdxmlRefused, EdxmlWarning, WarningCode
from .model import Attachment, Edoc, Organization, ResponseFor, Status
from .parse import Parsed, parse

__all__ = [
    "Attachment",
    "Edoc",
    "EdxmlRefused",
    "EdxmlWarning",
    "Limits",
    "Organization",
    "Parsed",
    "ResponseFor",
    "Status",
    "WarningCode",
    "build",
    "parse",
]
