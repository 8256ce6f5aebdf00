"""schemathesis against /api/v1/openapi.json: generated requests, no server error, every answer as
the schema says.

Every operation of the OpenAPI document is called by three users of the cast (a workplace clerk,
a residence clerk and a residence cell secretary, each with their own API key) with inputs that
schemathesis generates from the schema: valid ones and broken ones (wrong types, missing fields,
huge numbers, odd Unicode). Every answer must be no 5xx, have a status code the schema declares,
the declared content type, and a body matching the declared schema. POSTs really run the actions
(on the test database of this test, rolled back at the end), so conflicts and refusals are
exercised too.

`make test` runs a bounded number of examples per operation and user (FUZZ_EXAMPLES, default 20:
over 2,000 requests; 10 in the PostgreSQL suite, over 1,000); `make fuzz` runs many more.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from accounts.models import ApiToken
from books.models import Book, CommentRequest, IntroductionLetter, ViolationNotice
from members.models import Member

from ..api.conftest import world  # noqa: F401  (the fixture: a few members in each state)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CALLERS = ("finance_clerk", "lc_clerk", "lc_cell_secretary")

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(client):
    """The OpenAPI document as the app serves it, bound to the app in this process.

    The WSGI handler sends request_started/request_finished, whose receiver closes "old"
    connections: on PostgreSQL that closed the test's own connection in the middle of its
    transaction. Django's test client disconnects it for the same reason; so does this fixture.
    """
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = get_wsgi_application()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 30, "the API has lost operations"
    return found


# A path parameter named like these takes, half of the time, the id of a real row (of the caller's
# own committee or of a foreign one) instead of a random number, so that the actions run.
REAL_IDS = {
    "member_id": Member,
    "letter_id": IntroductionLetter,
    "comment_id": CommentRequest,
    "book_id": Book,
    "notice_id": ViolationNotice,
}


def test_generated_requests_never_fail_the_server_nor_the_schema(api_schema, cast, world):  # noqa: F811
    from tests.cast import request_comments

    request_comments(cast)  # comments in the requested state, for the comment operations
    keys = {name: ApiToken.issue(getattr(cast, name), "fuzz")[1] for name in CALLERS}
    ids = {name: sorted(model.objects.values_list("pk", flat=True)) or [1] for name, model in REAL_IDS.items()}
    calls = {"n": 0}
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    def fuzzer(operation: Any, key: str) -> Any:
        """A hypothesis test calling one operation with one caller's key."""

        cases = [operation.as_strategy(GenerationMode.POSITIVE)]
        if operation.path_parameters or operation.query or operation.body:
            cases.append(operation.as_strategy(GenerationMode.NEGATIVE))  # wrong types, missing fields…

        @given(case=st.one_of(cases), real=st.data())
        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, real: Any) -> None:
            calls["n"] += 1
            for name in list(case.path_parameters or {}):
                if name in ids and real.draw(st.booleans(), label=f"real {name}"):
                    case.path_parameters[name] = real.draw(st.sampled_from(ids[name]), label=name)
            response = case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)
            statuses[response.status_code] += 1

        return run

    for operation in operations(api_schema):
        for caller, key in keys.items():
            try:
                fuzzer(operation, key)()
            except (Exception, BaseExceptionGroup) as error:  # collect them all, report at once
                failures.append(f"{operation.label} as {caller}: {type(error).__name__}: {str(error)[:1500]}")

    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    print(f"{calls['n']} generated requests; answers: {dict(sorted(statuses.items()))}")
    assert calls["n"] >= EXAMPLES * len(CALLERS) * 33  # ≥ 2,000 at the default 20
    # not only refusals: reads and actions really ran
    assert statuses[200] >= calls["n"] // 20 and statuses[404] and statuses[422]
