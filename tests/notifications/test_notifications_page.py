"""/thong-bao/: a user's notifications, the unread count in the header, marking them read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from notifications.models import Notification, NotificationKind
from orgs.text import fold
from tests.cast import PASSWORD

LIST = reverse("notifications:list")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def notify(user, org, title="Có giấy giới thiệu mới cần tiếp nhận", *, body="", minutes_ago=0, **fields):
    fields.setdefault("kind", NotificationKind.LETTER_TO_RECEIVE)
    fields.setdefault("link", reverse("home"))
    return Notification.objects.create(
        recipient=user,
        organisation=org,
        title=title,
        body=body,
        search_text=fold(f"{title} {body}"),
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        **fields,
    )


def many(user, org, n, start=0):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            organisation=org,
            kind=NotificationKind.COMMENT_TO_WRITE,
            title="Có phiếu xin ý kiến nhận xét cần viết",
            body=f"Đồng chí Trần Thị Thử {i}: nhận xét năm 2026.",
            search_text=f"co phieu xin y kien nhan xet can viet tran thi thu {i}",
            link="/",
            created_at=now - datetime.timedelta(minutes=i),
        )
        for i in range(start, start + n)
    )


def test_the_header_shows_the_number_of_unread_notifications_on_every_page(client, cast):
    notify(cast.lc_clerk, cast.long_chau)
    notify(cast.lc_clerk, cast.long_chau, read_at=timezone.now())
    notify(cast.lc_clerk, cast.long_chau)
    notify(cast.lc_secretary, cast.long_chau)  # someone else's
    login(client, cast.lc_clerk)
    body = client.get(reverse("home")).content.decode()
    assert 'id="chuong-thong-bao"' in body
    assert '<span class="bell-count">2<span class="visually-hidden"> chưa đọc</span></span>' in body


def test_the_header_shows_no_count_when_everything_is_read_and_99_plus_beyond_99(client, cast):
    login(client, cast.lc_clerk)
    assert "bell-count" not in client.get(reverse("home")).content.decode()
    many(cast.lc_clerk, cast.long_chau, 120)
    assert '<span class="bell-count">99+' in client.get(reverse("home")).content.decode()


def test_the_list_shows_only_my_notifications_newest_first(client, cast):
    notify(cast.lc_clerk, cast.long_chau, "Cũ hơn", minutes_ago=60)
    notify(cast.lc_clerk, cast.long_chau, "Mới nhất", body="Đồng chí Nguyễn Văn An")
    notify(cast.pk_secretary, cast.phu_khuong, "Của Phú Khương")
    login(client, cast.lc_clerk)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Mới nhất") < body.index("Cũ hơn")
    latest = Notification.objects.get(title="Mới nhất")
    assert f'hx-target="#tb-{latest.pk}"' in body
    assert "Của Phú Khương" not in body
    assert "Đảng ủy phường Long Châu ·" in body
    assert timezone.localtime(timezone.now()).strftime("%d/%m/%Y") in body
    assert "Đánh dấu tất cả 2 thông báo là đã đọc" in body


def test_a_user_without_any_role_still_has_an_empty_list(client, cast):
    login(client, cast.outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Chưa có thông báo nào." in response.content.decode()


def test_the_list_filters_unread_and_searches_without_diacritics(client, cast):
    notify(cast.lc_clerk, cast.long_chau, "Đã xong", read_at=timezone.now())
    notify(cast.lc_clerk, cast.long_chau, "Chờ tiếp nhận", body="Đồng chí Nguyễn Văn An")
    notify(cast.lc_clerk, cast.long_chau, "Chờ xác nhận", body="Đồng chí Lê Thị Bé")
    login(client, cast.lc_clerk)
    unread = client.get(LIST, {"loc": "chua-doc"}).content.decode()
    assert "Chờ tiếp nhận" in unread and "Đã xong" not in unread
    found = client.get(LIST, {"q": "nguyen van an"}).content.decode()
    assert "Chờ tiếp nhận" in found and "Chờ xác nhận" not in found
    assert "Kết quả tìm “nguyen van an”: 1 thông báo." in found


def test_mark_one_read_says_so_and_returns_to_the_list(client, cast):
    n = notify(cast.lc_clerk, cast.long_chau)
    login(client, cast.lc_clerk)
    response = client.post(reverse("notifications:mark_read", args=[n.pk]), {"next": LIST + "?loc=chua-doc"})
    assert response.status_code == 302 and response.url == LIST + "?loc=chua-doc"
    n.refresh_from_db()
    assert n.read_at is not None
    page = client.get(response.url).content.decode()
    assert "Đã đánh dấu là đã đọc: Có giấy giới thiệu mới cần tiếp nhận." in page


def test_mark_one_read_with_htmx_swaps_the_item_and_the_header_count(client, cast):
    n = notify(cast.lc_clerk, cast.long_chau, id=12345)  # an id printed without a thousands separator
    notify(cast.lc_clerk, cast.long_chau)
    login(client, cast.lc_clerk)
    response = client.post(reverse("notifications:mark_read", args=[n.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="tb-12345"' in body and "Đánh dấu đã đọc" not in body and "đã đọc" in body
    assert 'hx-swap-oob="true"' in body and '<span class="bell-count">1<' in body
    assert '<span id="so-chua-doc" hx-swap-oob="true">1</span>' in body
    assert "Đánh dấu tất cả 1 thông báo là đã đọc" in body
    assert "<html" not in body
    last = Notification.objects.exclude(pk=n.pk).get()
    done = client.post(
        reverse("notifications:mark_read", args=[last.pk]), {"next": LIST}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "bell-count" not in done and "Đánh dấu tất cả" not in done and 'id="danh-dau-het"' in done


def test_mark_all_read(client, cast):
    for _ in range(3):
        notify(cast.lc_clerk, cast.long_chau)
    other = notify(cast.lc_secretary, cast.long_chau)
    login(client, cast.lc_clerk)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.lc_clerk, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    again = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Không còn thông báo nào chưa đọc." in again.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_the_work(client, cast):
    n = notify(cast.lc_clerk, cast.long_chau, link="/chi-bo/nhan-xet/")
    login(client, cast.lc_clerk)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == "/chi-bo/nhan-xet/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_never_leaves_the_site(client, cast):
    n = notify(cast.lc_clerk, cast.long_chau, link="https://example.com/lua-dao")
    login(client, cast.lc_clerk)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.url == LIST


def test_someone_elses_notification_is_not_found(client, cast):
    n = notify(cast.lc_clerk, cast.long_chau)
    login(client, cast.pk_secretary)
    assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [("list", [], "get"), ("open", [1], "get"), ("mark_read", [1], "post"), ("mark_all_read", [], "post")],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name, args, method):
    response = getattr(client, method)(reverse(f"notifications:{name}", args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_marking_read_is_a_post(client, cast):
    n = notify(cast.lc_clerk, cast.long_chau)
    login(client, cast.lc_clerk)
    assert client.get(reverse("notifications:mark_read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_a_residence_side_notification_about_an_e2_member_is_never_shown(client, cast):
    notify(cast.lc_clerk, cast.long_chau, "Về đảng viên mật", member=cast.member)
    login(client, cast.lc_clerk)
    assert "Về đảng viên mật" in client.get(LIST).content.decode()
    Member.objects.filter(pk=cast.member.pk).update(exemption="E2", exemption_reason="Giữ bí mật")
    page = client.get(LIST).content.decode()
    assert "Về đảng viên mật" not in page and "bell-count" not in page


def test_the_list_runs_the_same_number_of_queries_for_10_or_200_notifications(client, cast):
    login(client, cast.lc_clerk)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    many(cast.lc_clerk, cast.long_chau, 10)
    few, _ = queries()
    many(cast.lc_clerk, cast.long_chau, 190, start=10)
    lots, response = queries()
    assert few == lots
    assert "Trang 1 / 4" in response.content.decode()
    second = client.get(LIST, {"trang": 2}).content.decode()
    assert "Trần Thị Thử 50:" in second and "Trần Thị Thử 49:" not in second
