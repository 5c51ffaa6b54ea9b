"""Property-based test of the whole API with schemathesis: every operation of /api/v1/openapi.json is called
in-process (the WSGI application, no server) with generated valid and invalid input, signed in with a
demo person's bearer token (one of the agency's, and another agency's), and no answer may be a server
error (5xx); each answer must also conform to the schema the operation declares (status code, content
type, body).

Bounded to stay quick in ``make test`` on both databases: a few examples per operation and per person, a
fixed seed (the same cases on every run), no shrinking. Each example runs in a savepoint that is rolled
back, so one case's writes (or a failed statement on PostgreSQL) never leak into the next. Set
``QLVB_SCHEMATHESIS_EXAMPLES`` to run more examples locally, ``QLVB_SCHEMATHESIS_PATHS`` (a regular
expression) to fuzz only some paths."""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qlvb.directory.tokens import token_issue

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("QLVB_SCHEMATHESIS_EXAMPLES", "3"))
ONLY = os.environ.get("QLVB_SCHEMATHESIS_PATHS", "")  # a regular expression: only the paths it finds
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]

# Who calls what: UBND's administrator the directory and the agency's signing set-up, its clerk every
# other desk (incoming, outgoing, files); Trạm Y tế's leader every operation, as another agency.
ADMIN_PATHS = re.compile(r"^/api/v1/(directory|signing)/")
CLERK, ADMIN, OUTSIDER = "ublienminh_lethuha", "ublienminh_tranthilan", "tytlienminh_dangvantoan"


@contextmanager
def _in_process() -> Iterator[list[str]]:
    """The WSGI application served inside the test's transaction, as Django's test client does it:
    no connection closing at request start/finish. Yields the tracebacks of the exceptions raised."""
    raised: list[str] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        raised.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(record)
    try:
        yield raised
    finally:
        got_request_exception.disconnect(record)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _failure_titles(exc: FailureGroup) -> str:
    return "; ".join(f"{f.title}: {f.message}".replace("\n", " ")[:300] for f in exc.exceptions)


def _run_operation(operation: Any, token: str, raised: list[str], errors: list[str], problems: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        _run_mode(operation, mode, headers, raised, errors, problems)


def _run_mode(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    raised: list[str],
    errors: list[str],
    problems: list[str],
) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        raised.clear()
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        where = f"{case.method} {operation.path} ({mode.value})"
        if response.status_code >= 500:
            detail = raised[-1] if raised else response.text[:500]
            cause = detail.strip().splitlines()[-1]
            if not any(e.startswith(f"{where}: {cause}") for e in errors):
                errors.append(f"{where}: {cause}\n{case.as_curl_command()}\n{detail[-1500:]}")
            return
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as exc:
            problems.append(f"{where}: {response.status_code} {_failure_titles(exc)}\n    {case.as_curl_command()}")

    try:
        check()
    except Unsatisfiable:
        # an operation that takes nothing (no parameter, no body, no token: /auth/passkey/options) has no
        # wrong input to make; any other operation must have one
        if mode is not GenerationMode.NEGATIVE or operation.path != "/api/v1/auth/passkey/options":
            raise


def test_no_operation_answers_a_server_error(demo: None) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    tokens = {name: token_issue(user=users.get(username=name)) for name in (CLERK, ADMIN, OUTSIDER)}
    errors: list[str] = []
    problems: list[str] = []
    with _in_process() as raised:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
        results = list(schema.get_all_operations())
        assert all(isinstance(result, Ok) for result in results), [r for r in results if not isinstance(r, Ok)]
        operations = [result.ok() for result in results if isinstance(result, Ok)]
        assert len(operations) > 70
        operations = [op for op in operations if re.search(ONLY, op.path)]
        for operation in operations:
            insider = ADMIN if ADMIN_PATHS.match(operation.path) else CLERK
            for name in (insider, OUTSIDER):
                _run_operation(operation, tokens[name], raised, errors, problems)
    assert not errors, (
        f"{len(errors)} lỗi máy chủ (5xx):\n"
        + "\n".join(e.partition("\n")[0] for e in errors)
        + "\n\n"
        + "\n\n".join(errors[:15])
    )
    assert not problems, f"{len(problems)} trả lời không đúng lược đồ:\n" + "\n".join(sorted(set(problems)))
