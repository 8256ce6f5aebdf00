"""The API as a script sees it: a bearer token per cast member, JSON in and out."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine

from accounts.models import ApiToken
from books import actions
from tests.cast import PHU_KHUONG, introduce

PREFIX = "/api/v1"


class Api:
    """A client that speaks for one user with their API key."""

    def __init__(self, client: Any, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"} if self.secret else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(PREFIX + path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {}, default=str)
        return self.client.post(PREFIX + path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def api(client, cast):
    """`api(user)`: a client with a fresh key of that user; `api(None)`: no key at all."""
    secrets: dict[int, str] = {}

    def for_user(user: Any) -> Api:
        if user is None:
            return Api(client, None)
        if user.pk not in secrets:
            secrets[user.pk] = ApiToken.issue(user, "tests")[1]
        return Api(client, secrets[user.pk])

    return for_user


@pytest.fixture
def world(cast):
    """Who lives where on 10/01/2026:

    - An (Sở Tài chính) received at Long Châu, Khóm 1;
    - Lý Thị Y (Sở Y tế) received at Phú Khương, Khu phố 3;
    - Phan Văn Chờ (Sở Tài chính): letter sent to Long Châu, not yet received;
    - Hoàng Văn Mật (Sở Tài chính): introduced to Long Châu, then made E2.
    """
    with time_machine.travel(datetime.date(2026, 1, 10)):
        introduce(cast, cast.member, cell=cast.lc_cell_1)
        health = cast.member_factory(cell=cast.health_cell, commune_code=PHU_KHUONG, full_name="Lý Thị Y")
        introduce(cast, health, cell=cast.pk_cell)
        waiting = cast.member_factory(full_name="Phan Văn Chờ")
        waiting_letter = actions.issue_letter(waiting, by=cast.finance_clerk)
        secret = cast.member_factory(full_name="Hoàng Văn Mật")
        introduce(cast, secret, cell=cast.lc_cell_1)
    actions.set_exemption(secret, exemption="E2", reason="Nhiệm vụ cần giữ bí mật", by=cast.finance_secretary)
    return {
        "an": cast.member,
        "health": health,
        "waiting": waiting,
        "waiting_letter": waiting_letter,
        "secret": secret,
    }


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(
        item["member"]["full_name"] if "member" in item else item["full_name"] for item in response.json()["items"]
    )


def refusal(response: Any, status: int) -> dict[str, Any]:
    """The body of a refusal, after checking its status and shape."""
    assert response.status_code == status, (response.status_code, response.content.decode())
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    return body
