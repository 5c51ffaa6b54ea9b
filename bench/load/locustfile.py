"""The mixed load of a working day (issue 17, "Load, measured"), for locust in headless mode.

Run by ``bench/bench_load.py`` (which starts the cluster, prepares the people and their work, then runs
``locust -f bench/load/locustfile.py --headless``); it reads the pool of people written by its ``prepare``
step from ``QLVB_LOAD_POOL`` (a JSON file). Every simulated user is one real person of the data set: he signs
in once through the sign-in form (its CSRF token, the Argon2 check), then keeps his session for the whole run.

Request kinds (the ``name`` of each request, the rows of the printed table):

- ``inbox``: the officer's "Cần xử lý", the clerk's "Tất cả", the leader's "Chờ cho ý kiến" list;
- ``open``: a document's page; ``pdf``: download its PDF (a file the prepare step attached);
- ``search``: the search page with a few words; ``home``: the home page (the dashboard's figures);
- ``register``: the clerk receives and registers an incoming document with its PDF (form + POST);
- ``direct``: the leader opens the direction form of a submitted document and directs it to a department;
- ``complete``: the officer opens "Hoàn thành xử lý" of one of his assignments and completes it;
- ``approve``: the reviewing leader opens a submitted draft and approves it.

A write kind whose prepared work has run out (each document is directed once, each assignment completed
once) falls back to the person's inbox, so the mix stays a working day's and no request is a deliberate
error. Every response is checked (status, and that a form POST was accepted: a redirect, not the form again).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import threading
import time
from typing import Any

from locust import HttpUser, between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

sys.path.insert(0, os.path.dirname(__file__))
from loadforms import form_of  # beside this file, which locust loads by path

POOL: dict[str, Any] = json.loads(open(os.environ["QLVB_LOAD_POOL"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD: str = POOL["password"]
PDF = open(POOL["pdf"], "rb").read()  # noqa: SIM115
WORDS = POOL["words"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_lock = threading.Lock()
_log: list[tuple[float, str, float, int]] = []  # (end time, kind, milliseconds, 1 if failed): the runner's window


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **kw: Any) -> None:
    _log.append((time.time(), name, response_time, 1 if exception else 0))


@events.quitting.add_listener
def _write_log(**kw: Any) -> None:
    path = os.environ.get("QLVB_LOAD_REQUESTS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(_log, out)


_next = {role: itertools.count() for role in ("officer", "clerk", "leader", "reviewer")}


def _person(role: str) -> dict[str, Any]:
    """The next person of this role (round robin over the pool: each simulated user is a different person
    while there are enough)."""
    people = POOL[role]
    with _lock:
        return people[next(_next[role]) % len(people)]


def _take(items: list[Any]) -> Any:
    """One piece of prepared work, used once (gevent: no two users take the same)."""
    with _lock:
        return items.pop() if items else None


# The HTTP client: geventhttpclient (FastHttpUser) by default, a few times less CPU per request than requests
# (HttpUser, QLVB_LOAD_CLIENT=requests) — the load tool shares the machine's cores with what it measures.
Client: type[HttpUser] | type[FastHttpUser] = FastHttpUser
if os.environ.get("QLVB_LOAD_CLIENT") == "requests":
    Client = HttpUser


class Person(Client):  # type: ignore[valid-type,misc]
    """One person of the data set, signed in once through the form."""

    abstract = True
    role = ""
    wait_time = between(1, 3)  # overridden by QLVB_LOAD_THINK (seconds) through bench_load.py

    def on_start(self) -> None:
        think = float(os.environ.get("QLVB_LOAD_THINK", "2"))
        self.wait_time = lambda: random.uniform(think * 0.5, think * 1.5)
        self.me = _person(self.role)
        page = self.client.get("/dang-nhap/", name="sign-in")
        token = CSRF_RE.search(page.text)
        if token is None:
            raise StopUser
        with self.client.post(
            "/dang-nhap/",
            data={"username": self.me["username"], "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{self.host}/dang-nhap/"},
            name="sign-in",
            catch_response=True,
        ) as r:
            if r.status_code != 200 or "dang-xuat" not in r.text:
                r.failure(f"sign-in of {self.me['username']} refused: {r.status_code}")
                raise StopUser
        self.client.get("/", name="home")

    # --- the kinds -------------------------------------------------------------------------------------------------

    def _get(self, url: str, name: str) -> Any:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{url}: {r.status_code}")
            return r

    def _post_form(self, url: str, name: str, values: dict[str, Any], files: dict[str, Any] | None = None) -> None:
        """Open the form page, fill it as the person would, send it: both requests under ``name``."""
        page = self._get(url, name)
        if page.status_code != 200:
            return
        form = form_of(page.text)
        data = {**form["fields"], **values}
        for field in form["required"]:
            if not data.get(field):
                data[field] = "Đã xử lý theo chỉ đạo."
        with self.client.post(
            form["action"] or url,
            data=data,
            files=files,
            headers={"Referer": f"{self.host}{url}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{url}: {r.status_code} (form not accepted)")

    def open_document(self) -> None:
        self._get(f"/van-ban-den/{random.choice(self.me['documents'])}/", "open")

    def download(self) -> None:
        if not self.me["pdfs"]:
            return self.open_document()
        doc, attachment = random.choice(self.me["pdfs"])
        with self.client.get(f"/van-ban-den/{doc}/tep/{attachment}/", name="pdf", catch_response=True) as r:
            if r.status_code != 200 or not r.content.startswith(b"%PDF"):
                r.failure(f"pdf {doc}/{attachment}: {r.status_code}")

    def search(self) -> None:
        self._get("/tim-kiem/?q=" + random.choice(WORDS).replace(" ", "+"), "search")

    def home(self) -> None:
        self._get("/", "home")


class Officer(Person):
    """Chuyên viên: lives in his inbox and the documents given to him; completes some."""

    weight = 6
    role = "officer"

    @task(10)
    def inbox(self) -> None:
        self._get("/van-ban-den/?box=to_handle", "inbox")

    @task(8)
    def open(self) -> None:
        self.open_document()

    @task(3)
    def pdf(self) -> None:
        self.download()

    @task(3)
    def find(self) -> None:
        self.search()

    @task(2)
    def home_page(self) -> None:
        self.home()

    @task(2)
    def complete(self) -> None:
        assignment = _take(self.me["open"])
        if assignment is None:
            return self.inbox()
        self._post_form(
            f"/van-ban-den/phan-cong/{assignment}/hoan-thanh/", "complete", {"result": "Đã tham mưu, hoàn thành."}
        )


class Clerk(Person):
    """Văn thư: registers what arrives, looks up documents."""

    weight = 2
    role = "clerk"

    @task(6)
    def inbox(self) -> None:
        self._get("/van-ban-den/?box=all", "inbox")

    @task(5)
    def open(self) -> None:
        self.open_document()

    @task(2)
    def pdf(self) -> None:
        self.download()

    @task(4)
    def find(self) -> None:
        self.search()

    @task(3)
    def register(self) -> None:
        if os.environ.get("QLVB_LOAD_READ_ONLY"):
            return self.inbox()
        n = random.randint(1, 10**6)
        self._post_form(
            "/van-ban-den/tiep-nhan/",
            "register",
            {
                "subject": f"V/v triển khai nhiệm vụ chuyển đổi số đợt {n}",
                "code_notation": f"{n}/UBND-VP",
                "channel": "email",
            },
            files={"main_file": (f"cv-{n}.pdf", PDF, "application/pdf")},
        )
        return None


class Leader(Person):
    """Lãnh đạo cơ quan: directs what is submitted, watches the figures."""

    weight = 1
    role = "leader"

    @task(4)
    def inbox(self) -> None:
        self._get("/van-ban-den/?box=to_direct", "inbox")

    @task(4)
    def open(self) -> None:
        self.open_document()

    @task(3)
    def home_page(self) -> None:
        self.home()

    @task(1)
    def find(self) -> None:
        self.search()

    @task(3)
    def direct(self) -> None:
        doc = _take(self.me["submitted"])
        if doc is None:
            return self.inbox()
        self._post_form(f"/van-ban-den/{doc}/chi-dao/", "direct", {"directive": "Giao phòng chủ trì tham mưu."})


class Reviewer(Person):
    """Lãnh đạo phòng: reviews the drafts of the department, approves them."""

    weight = 1
    role = "reviewer"

    @task(4)
    def inbox(self) -> None:
        self._get("/van-ban-di/?box=todo", "inbox")

    @task(4)
    def open(self) -> None:
        self.open_document()

    @task(1)
    def find(self) -> None:
        self.search()

    @task(3)
    def approve(self) -> None:
        draft = _take(self.me["drafts"])
        if draft is None:
            return self.inbox()
        page = self._get(f"/van-ban-di/{draft}/", "approve")
        token = CSRF_RE.search(page.text) if page.status_code == 200 else None
        if token is None:
            return None
        with self.client.post(
            f"/van-ban-di/{draft}/approve/",
            data={"comment": "Đồng ý.", "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{self.host}/van-ban-di/{draft}/"},
            name="approve",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"approve {draft}: {r.status_code}")
        return None
