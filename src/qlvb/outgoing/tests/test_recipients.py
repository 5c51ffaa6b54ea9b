"""Issue 8, "outside recipients are dropped without a word": before issuing, the clerk sees who gets the
document electronically, who waits for the axis, who gets paper and who cannot be reached, fixes each
unreachable one, and every recipient typed as text ends on a delivery with a clear status."""

from __future__ import annotations

import pytest

from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.directory.services import outside_agency_create
from qlvb.documents.models import DocumentEvent
from qlvb.exchange.models import Status, Transport
from qlvb.outgoing import recipients, services
from qlvb.outgoing.models import State, StepKind
from qlvb.outgoing.tests.conftest import PIN

pytestmark = pytest.mark.django_db(transaction=False)

MELINH = "Trung tâm Y tế huyện Mê Linh"
FREE = f"- {MELINH};\n- Như trên;\n- Lưu: VT, VHXH."


@pytest.fixture
def outside(person):
    """An outside agency on the axis, added by the clerk from the directory page's service."""
    return outside_agency_create(
        actor=person("lethuha"),
        name="Sở Y tế tỉnh Vĩnh Phúc",
        organ_id="000.00.20.h26",
        address="Số 1 đường Nguyễn Trãi, Vĩnh Yên",
    )


@pytest.fixture
def agency_signed(signed, person):
    def make(**overrides):
        clerk = person("lethuha")
        outgoing = signed(**overrides)
        services.outgoing_number(actor=clerk, outgoing=outgoing)
        return services.outgoing_sign_agency(actor=clerk, outgoing=outgoing, pin=PIN)

    return make


def test_summary_sorts_every_recipient_by_how_it_is_sent(draft, tyt, outside, person):
    paperless = outside_agency_create(actor=person("lethuha"), name="Hợp tác xã Tiến Thắng")  # no code: paper
    outgoing = draft(
        recipients=[tyt, outside, paperless], free_recipients=FREE, paper_recipients="Bệnh viện Đa khoa tỉnh"
    )
    summary = recipients.recipients_summary(outgoing)
    names = {key: [x["name"] for x in items] for key, items in summary["groups"].items()}
    assert names == {
        "internal": ["Trạm Y tế xã Liên Minh"],
        "axis": ["Sở Y tế tỉnh Vĩnh Phúc"],
        "paper": ["Hợp tác xã Tiến Thắng", "Bệnh viện Đa khoa tỉnh"],
        "unreachable": [MELINH],
        "not_sent": ["Như trên", "Lưu: VT, VHXH"],
    }
    assert summary["counts"]["unreachable"] == 1 and summary["electronic"] == 1
    # the document's "Nơi nhận" keeps every recipient, typed ones included
    assert MELINH in outgoing.document.to_places and "Bệnh viện Đa khoa tỉnh" in outgoing.document.to_places


def test_issue_refuses_unreachable_until_accepted_and_records_each_class(
    agency_signed, person, tyt, outside, committed
):
    clerk = person("lethuha")
    outgoing = agency_signed(recipients=[tyt, outside], free_recipients=FREE, paper_recipients="Bệnh viện Đa khoa tỉnh")
    with pytest.raises(Conflict, match=f"1 nơi nhận chưa có địa chỉ liên thông.*{MELINH}") as refused:
        services.outgoing_issue(actor=clerk, outgoing=outgoing)
    assert refused.value.code == "unreachable_recipients"
    outgoing.refresh_from_db()
    assert outgoing.state == State.AGENCY_SIGNED and not outgoing.document.deliveries.exists()
    with committed():
        services.outgoing_issue(actor=clerk, outgoing=outgoing, accept_unreachable=True)
    got = {d.organ_name: (d.transport, d.status, d.unit_id) for d in outgoing.document.deliveries.all()}
    assert got == {
        "Trạm Y tế xã Liên Minh": (Transport.INTERNAL, Status.ARRIVED, tyt.pk),
        "Sở Y tế tỉnh Vĩnh Phúc": (Transport.AXIS, Status.WAITING, outside.pk),
        "Bệnh viện Đa khoa tỉnh": (Transport.PAPER, Status.PAPER, None),
        MELINH: (Transport.NONE, Status.NO_ADDRESS, None),
    }
    assert str(Status.NO_ADDRESS.label) == "Chưa có địa chỉ liên thông" and str(Status.PAPER.label) == "Gửi bản giấy"
    issued = DocumentEvent.objects.get(document=outgoing.document, action="issued")
    assert issued.text == (
        "Phát hành 01/UBND-VHXH tới 1 nơi nhận điện tử, 1 nơi chờ gửi liên thông, "
        "1 nơi gửi bản giấy, 1 nơi chưa có địa chỉ liên thông."
    )
    assert issued.data["unreachable"] == 1 and issued.data["paper"] == 1 and issued.data["deliveries"] == 4


def test_clerk_fixes_an_unreachable_recipient_after_signature(agency_signed, person, tyt, outside, committed):
    clerk = person("lethuha")
    melinh = outside_agency_create(actor=clerk, name=MELINH, organ_id="000.00.31.H26")
    outgoing = agency_signed(recipients=[tyt], free_recipients=f"{MELINH}\nUBND huyện Sóc Sơn\nPhòng Y tế")
    to_places = outgoing.document.to_places
    summary = recipients.recipients_summary(outgoing)
    first = summary["groups"]["unreachable"][0]
    assert first["name"] == MELINH and first["suggestions"][0]["id"] == melinh.pk  # the directory's match
    with pytest.raises(PermissionDenied):  # after the signature only the clerk decides the route
        recipients.recipient_fix(actor=outgoing.drafter, outgoing=outgoing, name=MELINH, action="remove")
    recipients.recipient_fix(actor=clerk, outgoing=outgoing, name=MELINH, action="match", unit=melinh)
    recipients.recipient_fix(actor=clerk, outgoing=outgoing, name="UBND huyện Sóc Sơn", action="paper")
    recipients.recipient_fix(actor=clerk, outgoing=outgoing, name="Phòng Y tế", action="remove")
    with pytest.raises(ValidationFailed, match="Không có nơi nhận"):
        recipients.recipient_fix(actor=clerk, outgoing=outgoing, name="Phòng Y tế", action="remove")
    outgoing.refresh_from_db()
    assert outgoing.state == State.AGENCY_SIGNED and outgoing.document.to_places == to_places  # signed text kept
    routed = DocumentEvent.objects.filter(document=outgoing.document, action="recipients_routed")
    assert [e.text for e in routed.order_by("id")] == [
        f"Nơi nhận “{MELINH}” là {MELINH} (chờ gửi liên thông).",
        "Nơi nhận “UBND huyện Sóc Sơn”: gửi bản giấy.",
        "Nơi nhận “Phòng Y tế”: bỏ, không gửi.",
    ]
    with committed():
        services.outgoing_issue(actor=clerk, outgoing=outgoing)  # nothing unreachable left: no confirmation needed
    assert sorted(outgoing.document.deliveries.values_list("organ_name", "status")) == [
        ("Trung tâm Y tế huyện Mê Linh", "00"),
        ("Trạm Y tế xã Liên Minh", "01"),
        ("UBND huyện Sóc Sơn", "GG"),
    ]


def test_fix_before_signature_is_a_metadata_change(draft, with_version, person, tyt):
    """The clerk decides routes during her format check: sending a named recipient on paper leaves the
    approved "Nơi nhận" as it was (no new round); taking a recipient out changes it (approve again)."""
    outgoing = with_version(draft(free_recipients=f"{MELINH}\nTrường THCS Liên Minh"))
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    outgoing.refresh_from_db()
    assert outgoing.state == State.FORMAT_CHECK
    places = outgoing.document.to_places
    assert MELINH in places
    clerk = person("lethuha")
    recipients.recipient_fix(actor=clerk, outgoing=outgoing, name=MELINH, action="paper")
    outgoing.refresh_from_db()
    assert outgoing.paper_recipients == MELINH and outgoing.free_recipients == "Trường THCS Liên Minh"
    assert outgoing.state == State.FORMAT_CHECK and outgoing.round == 1  # the approval stands
    assert outgoing.document.to_places == places  # the printed "Nơi nhận" is the approved one
    step = services.current_step(outgoing)  # still the format check: she goes on with the next recipient
    assert step is not None and step.kind == StepKind.FORMAT
    change = DocumentEvent.objects.get(document=outgoing.document, action="metadata_changed")
    assert change.data["changes"]["paper_recipients"] == {"before": "", "after": MELINH}
    assert not DocumentEvent.objects.filter(document=outgoing.document, action="chain_restarted").exists()

    recipients.recipient_fix(actor=clerk, outgoing=outgoing, name="Trường THCS Liên Minh", action="remove")
    outgoing.refresh_from_db()
    assert "Trường THCS Liên Minh" not in outgoing.document.to_places
    assert outgoing.state == State.IN_REVIEW and outgoing.round == 2  # the draft changed: approve again
    assert DocumentEvent.objects.filter(document=outgoing.document, action="chain_restarted").count() == 1


def test_outside_agency_added_by_a_clerk_only_with_a_valid_code(person):
    with pytest.raises(PermissionDenied):
        outside_agency_create(actor=person("dothanhhuong"), name="Sở Tài chính", organ_id="000.00.10.H26")
    with pytest.raises(ValidationFailed, match="Quyết định 20/2020"):
        outside_agency_create(actor=person("lethuha"), name="Sở Tài chính", organ_id="000-00-10-H26")
    unit = outside_agency_create(
        actor=person("lethuha"),
        name="Sở Tài chính tỉnh Vĩnh Phúc",
        organ_id="000.00.10.h26",
        email="stc@vinhphuc.gov.vn",
    )
    assert unit.external and unit.organ_id == "000.00.10.H26" and unit.email == "stc@vinhphuc.gov.vn"
    with pytest.raises(Conflict, match="đã có trong danh bạ"):
        outside_agency_create(actor=person("lethuha"), name="Sở tài chính tỉnh Vĩnh Phúc")


# --- pages and API -----------------------------------------------------------------------------------


def test_issue_page_shows_the_summary_and_fixes(agency_signed, person, tyt, outside, page_as, committed):
    outgoing = agency_signed(recipients=[tyt, outside], free_recipients=FREE)
    ha = page_as("lethuha")
    detail = f"/van-ban-di/{outgoing.pk}/"
    page = ha.get(detail).content.decode()
    assert 'data-qlvb="recipient-summary"' in page and 'data-qlvb="route-unreachable"' in page
    assert "Chưa gửi được: chưa có địa chỉ liên thông: 1" in page and MELINH in page
    assert 'name="accept_unreachable"' in page and 'data-qlvb="fix-paper"' in page
    r = ha.post(f"{detail}issue/", follow=True)  # not confirmed: refused with the names
    assert "chưa có địa chỉ liên thông" in r.content.decode()
    outgoing.refresh_from_db()
    assert outgoing.state == State.AGENCY_SIGNED
    ha.post(f"{detail}recipient/", {"name": MELINH, "fix": "paper", "unit": ""})
    page = ha.get(detail).content.decode()
    assert 'name="accept_unreachable"' not in page and "Gửi bản giấy: 1" in page
    with committed():
        ha.post(f"{detail}issue/")
    outgoing.refresh_from_db()
    assert outgoing.state == State.ISSUED
    page = ha.get(detail).content.decode()
    assert "Gửi bản giấy" in page and "00 — Chờ gửi liên thông" in page and "01 — Đã đến" in page


def test_issue_preview_and_refusal_in_the_api(agency_signed, person, tyt, api_as, committed):
    outgoing = agency_signed(recipients=[tyt], free_recipients=FREE)
    api = api_as("lethuha")
    preview = api.get(f"/api/v1/outgoing/{outgoing.pk}/issue-preview").json()
    assert preview["counts"] == {"internal": 1, "axis": 0, "paper": 0, "unreachable": 1, "not_sent": 2}
    assert preview["groups"]["unreachable"][0]["name"] == MELINH
    r = api.post(f"/api/v1/outgoing/{outgoing.pk}/issue", {}, content_type="application/json")
    assert r.status_code == 409 and MELINH in r.json()["detail"]
    r = api.post(
        f"/api/v1/outgoing/{outgoing.pk}/recipients/fix",
        {"name": MELINH, "action": "paper"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["counts"]["paper"] == 1
    with committed():
        r = api.post(f"/api/v1/outgoing/{outgoing.pk}/issue", {}, content_type="application/json")
    assert r.status_code == 200, r.content
    statuses = {d["organ_name"]: d["status_label"] for d in r.json()["deliveries"]}
    # the answer is written before the exchange carries the internal delivery (after the commit)
    assert statuses == {"Trạm Y tế xã Liên Minh": "Chờ gửi liên thông", MELINH: "Gửi bản giấy"}
    assert outgoing.document.deliveries.get(unit=tyt).status == "01"


def test_directory_page_adds_an_outside_agency_then_it_is_a_recipient(person, page_as):
    assert page_as("dothanhhuong").get("/quan-tri/co-quan-ngoai/").status_code == 403
    ha = page_as("lethuha")
    page = ha.get("/quan-tri/co-quan-ngoai/", {"ten": MELINH, "next": "/van-ban-di/"}).content.decode()
    assert f'value="{MELINH}"' in page
    r = ha.post("/quan-tri/co-quan-ngoai/", {"name": MELINH, "organ_id": "abc", "next": "/van-ban-di/"})
    assert r.status_code == 200 and "Quyết định 20/2020" in r.content.decode()
    r = ha.post(
        "/quan-tri/co-quan-ngoai/",
        {"name": MELINH, "organ_id": "000.00.31.H26", "address": "Mê Linh", "next": "/van-ban-di/"},
    )
    assert r.status_code == 302 and r["Location"] == "/van-ban-di/"
    assert "000.00.31.H26" in ha.get("/quan-tri/co-quan-ngoai/").content.decode()
    form = page_as("dothanhhuong").get("/van-ban-di/soan/").content.decode()
    assert f"{MELINH} — ngoài hệ thống, chờ gửi liên thông" in form
    r = ha.post("/quan-tri/co-quan-ngoai/", {"name": MELINH, "next": "https://example.org/"})
    assert r.status_code == 200 and "đã có trong danh bạ" in r.content.decode()
