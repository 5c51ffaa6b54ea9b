"""The signing part of ``qlvb demo``: the demo PKI (``demo_pki``), a PKCS#12 key and a signature
image for each demo leader, a key and a seal for each demo agency, the demo root as a trust anchor.

* leaders sign with the PKCS#12 uploaded to their profile (as a user does on his "Chữ ký số" page),
  except Phạm Thị Mai, who signs through the demo remote signing service (CSC) to show that path;
* the agencies (UBND xã Liên Minh, Trạm Y tế) sign with their own PKCS#12 and red seal;
* the password of every demo key is the demo password (``QLVB_DEMO_PASSWORD``, README).

Idempotent: a profile the demo already configured (or that a person configured himself) is left as it
is; only what is missing is added.
"""

from __future__ import annotations

import io
import math
from typing import Any

from django.conf import settings
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from qlvb.directory.demo import PEOPLE
from qlvb.directory.models import RoleAssignment, Unit, User
from qlvb.directory.selectors import agency_of

from . import anchors
from .demo_pki import ARCH, DEMO_CA_NAME, DemoPKI, Subject, csc_url
from .keys import KeyMethod
from .models import SigningProfile

REMOTE_SIGNERS = {"ublienminh_phamthimai"}  # the demo's remote-signing (CSC) user
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf"


def _font(size: int) -> Any:
    for candidate in (
        FONT,
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ):
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_image(name: str) -> bytes:
    """A blue signature: the given name (the last word) in italics with a flourish, transparent."""
    width, height = 600, 220
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    blue = (20, 40, 190, 255)
    draw.text((60, 40), name.split()[-1], font=_font(110), fill=blue)
    points = [(int(50 + t * 2.5), int(175 + math.sin(t / 12) * 14)) for t in range(200)]
    draw.line(points, fill=blue, width=5)
    return _png(image)


def seal_image() -> bytes:
    """A red round seal (two rings, a star, "DEMO"), transparent."""
    size = 500
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (215, 25, 32, 255)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    draw.ellipse((60, 60, size - 60, size - 60), outline=red, width=6)
    c = size / 2
    star = []
    for k in range(10):
        r = size * (0.15 if k % 2 == 0 else 0.06)
        a = math.pi / 2 + k * math.pi / 5
        star.append((c + r * math.cos(a), c - 30 - r * math.sin(a)))
    draw.polygon(star, fill=red)
    draw.text((c, c + 95), "DEMO", font=_font(60), fill=red, anchor="mm")
    return _png(image)


def _label(user: User) -> str:
    return user.username


def _agency_label(agency: Unit) -> str:
    return f"coquan-{agency.username_prefix or agency.pk}"


def _signers() -> list[User]:
    """The demo people holding the leader role (the signers of the outgoing flow)."""
    ids = RoleAssignment.objects.filter(role="leader").values_list("user_id", flat=True)
    demo_people = [p.username for p in PEOPLE]
    return list(
        User.objects.filter(pk__in=list(ids), username__in=demo_people, is_active=True)
        .select_related("unit__agency")
        .order_by("username")
    )


def _agencies() -> list[Unit]:
    """The demo agencies (the agencies of the demo people)."""
    people = User.objects.filter(username__in=[p.username for p in PEOPLE]).exclude(unit=None)
    ids = set(people.values_list("unit__agency_id", flat=True)) - {None}
    return list(Unit.objects.filter(pk__in=[int(i) for i in ids if i is not None], kind="agency").order_by("pk"))


def _agency_name(user: User) -> str:
    agency = agency_of(user)
    return agency.name if agency is not None else ""


def load_signing_demo(*, pki: DemoPKI | None = None) -> dict[str, int]:
    """Create the demo PKI and configure every demo leader and agency that has no signing profile."""
    pki = pki or DemoPKI()
    signers, agencies = _signers(), _agencies()
    subjects = [Subject(_label(u), u.full_name, _agency_name(u)) for u in signers]
    subjects += [Subject(_agency_label(a), a.name, a.name) for a in agencies]
    created_pki = pki.ensure(subjects)
    anchors.store_anchor(pki.root.dump(), demo=True)
    password = settings.QLVB_DEMO_PASSWORD
    configured = 0
    with transaction.atomic():
        for user in signers:
            if SigningProfile.objects.filter(user=user).exclude(method="").exists():
                continue
            values: dict[str, Any] = {"image_png": signature_image(user.full_name)}
            if user.username in REMOTE_SIGNERS:
                values.update(
                    method=KeyMethod.CSC, csc_service_url=csc_url(), csc_credential_id=f"{ARCH}/{_label(user)}"
                )
            else:
                values.update(
                    method=KeyMethod.PKCS12,
                    pkcs12_data=pki.pkcs12(_label(user), password),
                    pkcs12_name=f"{_label(user)}-demo.p12",
                    cert_der=pki.cert(_label(user)).dump(),
                )
            SigningProfile.objects.update_or_create(user=user, defaults=values)
            configured += 1
        for agency in agencies:
            if SigningProfile.objects.filter(agency=agency).exclude(method="").exists():
                continue
            SigningProfile.objects.update_or_create(
                agency=agency,
                defaults={
                    "method": KeyMethod.PKCS12,
                    "pkcs12_data": pki.pkcs12(_agency_label(agency), password),
                    "pkcs12_name": f"{_agency_label(agency)}-demo.p12",
                    "cert_der": pki.cert(_agency_label(agency)).dump(),
                    "image_png": seal_image(),
                    "image_width_mm": 36.0,
                },
            )
            configured += 1
    return {"pki_created": int(created_pki), "profiles": configured}


def demo_command_line() -> str:
    """``qlvb demo``'s line for the signing part."""
    done = load_signing_demo()
    pki = DemoPKI()
    return (
        f"Chữ ký số mẫu: CA thử nghiệm “{DEMO_CA_NAME}” ({pki.directory}), {done['profiles']} cấu hình ký số mới; "
        "mật khẩu các khóa mẫu là mật khẩu mẫu."
    )
