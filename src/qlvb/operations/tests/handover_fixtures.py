"""The work a person holds, made through each app's own services (no row written by hand): an incoming
document assigned to him, his draft, an approval step waiting for him, a document waiting for his
signature, a task he gave, a dossier he opened."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from qlvb.assignments.assigning import Target as TaskTarget
from qlvb.assignments.models import Assignment
from qlvb.direction.task_models import Task
from qlvb.direction.task_services import TaskInput, task_create
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document, DocumentType
from qlvb.dossiers.models import Dossier
from qlvb.dossiers.services import dossier_open
from qlvb.files.intake import file_intake
from qlvb.files.tests.samples import a4_section, docx_package
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.services import Target, assignment_assign, incoming_direct
from qlvb.incoming.tests.conftest import make_data
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import ChainStep, Outgoing


def ubnd() -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


def dept(short: str) -> Unit:
    return Unit.objects.get(short_name=short, agency=ubnd())


def who(name: str) -> User:
    return User.objects.get(username=name if "_" in name else f"ublienminh_{name}")


def incoming_to(person: User, subject: str = "Kế hoạch tiêm chủng mở rộng năm 2026") -> Assignment:
    """A document received by the clerk, directed to the person's department, assigned to him."""
    document = incoming_receive(
        actor=who("lethuha"), agency=ubnd(), channel="email", data=make_data(subject=subject), confirm_duplicate=True
    ).document
    assert person.unit is not None
    (lead,) = incoming_direct(
        actor=who("nguyenvanhung"), document=document, directive="", targets=[Target(role="lead", unit=person.unit)]
    )
    leader = who("hoangvannam") if person.unit.short_name == "VHXH" else who("vuquanghuy")
    (mine,) = assignment_assign(actor=leader, assignment=lead, targets=[Target(role="lead", user=person)])
    return mine


def draft_by(person: User, *, subject: str = "Báo cáo phong trào văn hóa", signer: str = "nguyenvanhung") -> Outgoing:
    data = outgoing.DraftData(
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
        signer=who(signer),
        recipients=[Unit.objects.get(short_name="TYT", kind="agency")],
        drafter_initials="X",
    )
    return outgoing.outgoing_create(actor=person, data=data)


def _docx() -> bytes:
    body = '<w:p><w:r><w:t xml:space="preserve">Dự thảo công văn</w:t></w:r></w:p>'
    return docx_package(body + a4_section(left=1814))


def submitted_with_step_for(reviewer: User, drafter: User) -> Outgoing:
    """A draft of ``drafter`` submitted; the agency's chain has a step of ``reviewer`` after the head."""
    ChainStep.objects.create(agency=ubnd(), user=reviewer, label="Chánh văn phòng duyệt")
    o = draft_by(drafter, subject="Kế hoạch kinh tế quý I")
    stored = file_intake(actor=drafter, stream=io.BytesIO(_docx()), original_name="du-thao.docx", channel="web")
    version = outgoing.version_upload(actor=drafter, outgoing=o, stored_file=stored)
    outgoing.version_convert(version_id=version.pk)  # what the Celery task does after the commit
    outgoing.outgoing_submit(actor=drafter, outgoing=Outgoing.objects.get(pk=o.pk))
    return Outgoing.objects.get(pk=o.pk)


def task_given_by(leader: User, to: User) -> Task:
    data = TaskInput(
        title="Rà soát hộ nghèo năm 2026",
        due_date=timezone.localdate() + dt.timedelta(days=10),
        targets=[TaskTarget(role="lead", user=to)],
    )
    return task_create(actor=leader, data=data)


def dossier_of(person: User, notation: str = "01.VHXH") -> Dossier:
    return dossier_open(actor=person, title="Hồ sơ phong trào văn hóa năm 2026", notation=notation, retention_years=10)


def document_of(o: Outgoing) -> Document:
    return o.document
