#!/usr/bin/env python3
"""Example client of the qlvb integration API (docs/integration.md): a starting point for a provincial
integrator (one-stop desk, task tracking, finance, HR software). Standard library + requests only.

Configuration comes from the environment, never from the command line or a URL (a secret there stays in
shell history, logs and proxies):

    QLVB_URL            https://qlvb.example.gov.vn
    QLVB_CLIENT_ID      qlvb-…          (shown on the "Hệ thống kết nối" page)
    QLVB_CLIENT_SECRET  …               (shown once when the system is registered or its secret rotated)
    QLVB_USER_CODE      your own code of the person the call is made for (mapped on the same page)
    QLVB_AUTH           "token" (default: OAuth2 client credentials) or "hmac" (every call signed with
                        the secret: Authorization: QLVB-HMAC-SHA256 …, no token)

Commands:

    integration_client.py submit --id MC-1 --type CV --subject "…" --signer U09 --to TYT du-thao.docx [phu-luc.pdf …]
    integration_client.py status MC-1
    integration_client.py poll [--every 60] [--out ./ket-qua]    # download issued PDFs, then acknowledge
    integration_client.py incoming --id HS-1 --type CV --subject "…" --organ "…" van-ban.pdf
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests

API = "/api/integration/v1"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
SCHEME = "QLVB-HMAC-SHA256"


def canonical_string(prepared: requests.PreparedRequest, timestamp: str, nonce: str, user_code: str) -> str:
    """What a signed call signs (docs/integration.md, "Signed calls"): eight lines."""
    url = urlsplit(prepared.url or "")
    pairs = sorted(parse_qsl(url.query, keep_blank_values=True))
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    digest = hashlib.sha256(body).hexdigest()
    method = (prepared.method or "GET").upper()
    return "\n".join((SCHEME, method, unquote(url.path), query, timestamp, nonce, user_code, digest))


class IntegrationError(Exception):
    """An answer 4xx/5xx: ``status``, the Vietnamese ``detail`` and the machine ``code``."""

    def __init__(self, status: int, body: dict[str, Any]):
        self.status = status
        self.detail = str(body.get("detail") or body.get("error_description") or body)
        self.code = str(body.get("code") or body.get("error") or "")
        super().__init__(f"{status} {self.code}: {self.detail}")


class IntegrationClient:
    """Takes an OAuth2 access token with the client credentials (HTTP Basic), keeps it until shortly before
    it expires, takes a new one on a 401, and sends ``X-Acting-User`` on every call; on every write call also
    ``X-Qlvb-Timestamp`` (now) and ``X-Qlvb-Nonce`` (a new UUID), the replay protection: keep the machine's
    clock synchronised (NTP), the server refuses a call more than 5 minutes off.

    ``signed=True``: no token; every call (reads too) carries the timestamp, a new nonce and
    ``Authorization: QLVB-HMAC-SHA256 Credential=<client id>, Signature=<HMAC-SHA256 of the canonical
    string with the secret>``."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        user_code: str,
        *,
        timeout: float = 60.0,
        session: requests.Session | None = None,
        signed: bool = False,
    ):
        self.base = base_url.rstrip("/") + API
        self.client_id, self.client_secret, self.user_code = client_id, client_secret, user_code
        self.timeout = timeout
        self.http = session or requests.Session()
        self._token = ""
        self._token_until = 0.0
        self.signed = signed

    @classmethod
    def from_environment(cls) -> IntegrationClient:
        missing = [
            n for n in ("QLVB_URL", "QLVB_CLIENT_ID", "QLVB_CLIENT_SECRET", "QLVB_USER_CODE") if not os.environ.get(n)
        ]
        if missing:
            raise SystemExit(f"Thiếu biến môi trường: {', '.join(missing)}")
        return cls(
            os.environ["QLVB_URL"],
            os.environ["QLVB_CLIENT_ID"],
            os.environ["QLVB_CLIENT_SECRET"],
            os.environ["QLVB_USER_CODE"],
            signed=os.environ.get("QLVB_AUTH", "token").lower() == "hmac",
        )

    # -- authentication ------------------------------------------------------------------------------
    def token(self) -> str:
        if self._token and time.monotonic() < self._token_until:
            return self._token
        answer = self.http.post(
            f"{self.base}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
            timeout=self.timeout,
        )
        body = self._json(answer)
        self._token = str(body["access_token"])
        self._token_until = time.monotonic() + int(body["expires_in"]) - 30
        return self._token

    def _signed(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        stream = bool(kwargs.pop("stream", False))
        prepared = self.http.prepare_request(requests.Request(method, self.base + path, **kwargs))
        stamp, nonce = str(int(time.time())), uuid.uuid4().hex
        canonical = canonical_string(prepared, stamp, nonce, self.user_code)
        signature = hmac.new(self.client_secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()
        prepared.headers.update(
            {
                "Authorization": f"{SCHEME} Credential={self.client_id}, Signature={signature}",
                "X-Qlvb-Timestamp": stamp,
                "X-Qlvb-Nonce": nonce,
                "X-Acting-User": self.user_code,
            }
        )
        return self.http.send(prepared, timeout=self.timeout, stream=stream)

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if self.signed:
            return self._signed(method, path, **kwargs)
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.token()}", "X-Acting-User": self.user_code}
            if method.upper() in WRITES:  # replay protection: the time of the call and a value never sent before
                headers["X-Qlvb-Timestamp"] = str(int(time.time()))
                headers["X-Qlvb-Nonce"] = uuid.uuid4().hex
            answer = self.http.request(method, self.base + path, headers=headers, timeout=self.timeout, **kwargs)
            if answer.status_code == 401 and attempt == 1 and self._expired(answer):  # one new token, once
                self._token = ""
                continue
            return answer
        return answer

    @staticmethod
    def _expired(answer: requests.Response) -> bool:
        """A 401 for the token (expired, rotated), not a refused timestamp or nonce (request_stale, …)."""
        try:
            return str(answer.json().get("code", "")) == "unauthenticated"
        except ValueError:
            return True

    @staticmethod
    def _json(answer: requests.Response) -> dict[str, Any]:
        try:
            body = answer.json()
        except ValueError:
            body = {"detail": answer.text[:500]}
        if answer.status_code >= 400:
            raise IntegrationError(answer.status_code, body)
        return dict(body)

    def _files(self, main: Path, appendices: list[Path]) -> list[tuple[str, tuple[str, Any]]]:
        parts = [("main", (main.name, main.open("rb")))]
        parts += [("appendix", (p.name, p.open("rb"))) for p in appendices]
        return parts

    # -- drafts --------------------------------------------------------------------------------------
    def submit_draft(
        self,
        *,
        external_id: str,
        type_code: str,
        subject: str,
        signer_code: str,
        main: Path,
        appendices: list[Path] | None = None,
        recipient_codes: list[str] | None = None,
        free_recipients: str = "",
        due_date: str = "",
        urgency: int = 0,
        description: str = "",
        drafter_initials: str = "",
    ) -> dict[str, Any]:
        """Submit a draft; the same ``external_id`` again answers the draft already submitted (200)."""
        data = {
            "external_id": external_id,
            "type_code": type_code,
            "subject": subject,
            "signer_code": signer_code,
            "recipient_codes": ",".join(recipient_codes or []),
            "free_recipients": free_recipients,
            "due_date": due_date,
            "urgency": str(urgency),
            "description": description,
            "drafter_initials": drafter_initials,
        }
        files = self._files(main, appendices or [])
        try:
            return self._json(self._request("POST", "/drafts", data=data, files=files))
        finally:
            for _name, (_file, handle) in files:
                handle.close()

    def result(self, external_id: str) -> dict[str, Any]:
        return self._json(self._request("GET", f"/drafts/{requests.utils.quote(external_id, safe='')}"))

    def results(self) -> list[dict[str, Any]]:
        """The results not yet acknowledged (issued, returned, revoked, replaced)."""
        return list(self._json(self._request("GET", "/drafts/results"))["results"])

    def signed_pdf(self, external_id: str, target: Path) -> Path:
        answer = self._request("GET", f"/drafts/{requests.utils.quote(external_id, safe='')}/signed-pdf", stream=True)
        if answer.status_code >= 400:
            self._json(answer)
        with target.open("wb") as out:
            for chunk in answer.iter_content(1024 * 1024):
                out.write(chunk)
        return target

    def acknowledge(self, external_id: str) -> dict[str, Any]:
        return self._json(self._request("POST", f"/drafts/{requests.utils.quote(external_id, safe='')}/ack"))

    def poll_once(self, folder: Path) -> list[dict[str, Any]]:
        """Take every waiting result: download the signed PDF of an issued one, then acknowledge it.
        A result is acknowledged only after it was kept, so a crash in between loses nothing."""
        folder.mkdir(parents=True, exist_ok=True)
        taken = []
        for result in self.results():
            if result["signed_pdf"]:
                self.signed_pdf(result["external_id"], folder / f"{result['external_id']}.pdf")
            (folder / f"{result['external_id']}.json").write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            taken.append(self.acknowledge(result["external_id"]))
        return taken

    def issued(self, *, since: str = "", page: int = 1) -> dict[str, Any]:
        """The issued documents of the system's unit (scope read_issued), newest first, 50 a page."""
        return self._json(self._request("GET", "/issued", params={"since": since, "page": page}))

    # -- incoming ------------------------------------------------------------------------------------
    def register_incoming(
        self,
        *,
        external_id: str,
        type_code: str,
        subject: str,
        organ_name: str,
        main: Path,
        appendices: list[Path] | None = None,
        **metadata: str,
    ) -> dict[str, Any]:
        data = {"external_id": external_id, "type_code": type_code, "subject": subject, "organ_name": organ_name}
        data.update(metadata)
        files = self._files(main, appendices or [])
        try:
            return self._json(self._request("POST", "/incoming", data=data, files=files))
        finally:
            for _name, (_file, handle) in files:
                handle.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ví dụ gọi API tích hợp của hệ thống quản lý văn bản")
    commands = parser.add_subparsers(dest="command", required=True)
    submit = commands.add_parser("submit", help="gửi dự thảo văn bản đi")
    submit.add_argument("--id", required=True)
    submit.add_argument("--type", required=True)
    submit.add_argument("--subject", required=True)
    submit.add_argument("--signer", required=True)
    submit.add_argument("--to", action="append", default=[])
    submit.add_argument("--other-recipients", default="")
    submit.add_argument("files", nargs="+", type=Path)
    status = commands.add_parser("status", help="xem kết quả một dự thảo")
    status.add_argument("id")
    poll = commands.add_parser("poll", help="nhận các kết quả và xác nhận")
    poll.add_argument("--every", type=int, default=0, help="giây giữa hai lần (0: một lần)")
    poll.add_argument("--out", type=Path, default=Path("ket-qua"))
    incoming = commands.add_parser("incoming", help="chuyển văn bản đến để vào sổ")
    incoming.add_argument("--id", required=True)
    incoming.add_argument("--type", required=True)
    incoming.add_argument("--subject", required=True)
    incoming.add_argument("--organ", required=True)
    incoming.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    client = IntegrationClient.from_environment()
    try:
        if args.command == "submit":
            out: Any = client.submit_draft(
                external_id=args.id,
                type_code=args.type,
                subject=args.subject,
                signer_code=args.signer,
                main=args.files[0],
                appendices=args.files[1:],
                recipient_codes=args.to,
                free_recipients=args.other_recipients,
            )
        elif args.command == "status":
            out = client.result(args.id)
        elif args.command == "poll":
            while True:
                out = client.poll_once(args.out)
                print(json.dumps(out, ensure_ascii=False, indent=2))
                if not args.every:
                    return 0
                time.sleep(args.every)
        else:
            out = client.register_incoming(
                external_id=args.id,
                type_code=args.type,
                subject=args.subject,
                organ_name=args.organ,
                main=args.files[0],
                appendices=args.files[1:],
            )
    except IntegrationError as exc:
        print(f"Lỗi {exc.status} ({exc.code}): {exc.detail}", file=sys.stderr)
        return 1
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
