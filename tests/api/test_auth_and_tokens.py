"""Who may call the API: a bearer key per user; the browser session may only read."""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import ApiToken
from tests.cast import PASSWORD

from .conftest import PREFIX, Api, refusal

READ_PATHS = [
    "/members",
    "/members/1",
    "/books",
    "/books/1",
    "/letters",
    "/letters/1",
    "/comments",
    "/comments/1",
    "/register",
    "/notices",
    "/notices/1",
    "/meetings",
    "/organisations",
    "/units",
]


@pytest.mark.parametrize("path", READ_PATHS)
def test_a_read_without_a_key_is_refused_with_401_in_vietnamese(api, path):
    body = refusal(api(None).get(path), 401)
    assert "Authorization: Bearer" in body["detail"]


def test_an_action_without_a_key_is_refused_with_401_and_says_how_to_authenticate(api, cast):
    response = api(None).post("/letters/issue", {"member_ids": [cast.member.pk]})
    refusal(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert cast.book(cast.member).letters.count() == 0


def test_a_wrong_key_is_refused(client, cast):
    refusal(Api(client, "slh_00000000_khong-phai-khoa-that").get("/members"), 401)
    refusal(Api(client, "").get("/members"), 401)


def test_only_the_hash_of_the_key_is_kept(cast):
    token, secret = ApiToken.issue(cast.finance_clerk, "Phần mềm văn phòng")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"slh_{stored.prefix}_")
    row = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert secret not in row and secret.rsplit("_", 1)[-1] not in row


def test_a_key_works_until_it_is_revoked(client, cast):
    token, secret = ApiToken.issue(cast.finance_clerk, "tạm")
    assert Api(client, secret).get("/members").status_code == 200
    token.revoke()
    refusal(Api(client, secret).get("/members"), 401)


def test_the_key_of_a_deactivated_user_no_longer_works(client, cast):
    _token, secret = ApiToken.issue(cast.finance_clerk, "tạm")
    cast.finance_clerk.is_active = False
    cast.finance_clerk.save()
    refusal(Api(client, secret).get("/members"), 401)


def test_using_a_key_records_when_it_was_last_used(client, cast):
    token, secret = ApiToken.issue(cast.finance_clerk, "tạm")
    assert token.last_used_at is None
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        Api(client, secret).get("/members")
    token.refresh_from_db()
    assert token.last_used_at == datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)


def test_the_logged_in_browser_may_read_but_every_post_needs_a_key(client, cast):
    assert client.login(username=cast.finance_clerk.username, password=PASSWORD)
    listed = client.get(PREFIX + "/members")
    assert listed.status_code == 200
    assert [m["full_name"] for m in listed.json()["items"]] == ["Nguyễn Văn An"]
    response = client.post(PREFIX + "/letters/issue", {"member_ids": [cast.member.pk]}, content_type="application/json")
    refusal(response, 401)
    assert cast.book(cast.member).letters.count() == 0


# --------------------------------------------------------------------------- the keys page


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_anonymous_visitors_of_the_keys_page_are_sent_to_login(client, db):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_keys_page_shows_a_new_key_once_and_then_only_its_prefix(client, cast):
    login(client, cast.finance_clerk)
    assert "Bạn chưa tạo khóa nào" in client.get(reverse("api_tokens")).content.decode()
    response = client.post(reverse("api_tokens"), {"name": "Phần mềm văn phòng"})
    assert response.status_code == 201
    secret = response.context["secret"]
    body = response.content.decode()
    assert secret in body and "chỉ hiện <strong>một lần</strong>" in body
    token = ApiToken.objects.get(user=cast.finance_clerk)
    assert token.name == "Phần mềm văn phòng"
    assert Api(client, secret).get("/members").status_code == 200
    again = client.get(reverse("api_tokens")).content.decode()
    assert secret not in again
    assert f"slh_{token.prefix}_…" in again and "Phần mềm văn phòng" in again


def test_a_key_without_a_name_is_not_made_and_the_page_says_why(client, cast):
    login(client, cast.finance_clerk)
    response = client.post(reverse("api_tokens"), {"name": "  "})
    assert response.status_code == 400
    assert "Hãy đặt tên cho khóa" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_key_on_the_page_stops_it_and_says_so(client, cast):
    token, secret = ApiToken.issue(cast.finance_clerk, "Phần mềm cũ")
    login(client, cast.finance_clerk)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    body = response.content.decode()
    assert "Đã thu hồi khóa “Phần mềm cũ”" in body and "Đã thu hồi" in body
    refusal(Api(client, secret).get("/members"), 401)


def test_nobody_can_revoke_or_see_the_key_of_another_user(client, cast):
    token, secret = ApiToken.issue(cast.finance_clerk, "Khóa của văn thư")
    login(client, cast.health_secretary)
    assert "Khóa của văn thư" not in client.get(reverse("api_tokens")).content.decode()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_the_keys_page_only_revokes_with_a_post(client, cast):
    token, _secret = ApiToken.issue(cast.finance_clerk, "tạm")
    login(client, cast.finance_clerk)
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.is_active


# --------------------------------------------------------------------------- the command


def test_create_api_token_prints_a_key_that_works(client, cast):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "lc_vanthu", "--name", "Cổng dịch vụ công", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert secret.startswith("slh_") and "\n" not in secret
    assert "Đã tạo khóa “Cổng dịch vụ công”" in err.getvalue()
    assert ApiToken.objects.get(user=cast.lc_clerk).name == "Cổng dịch vụ công"
    assert Api(client, secret).get("/letters").status_code == 200


def test_create_api_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("create_api_token", "khong_co_ai", stdout=io.StringIO(), stderr=io.StringIO())
