"""The whole year of the 213 process, done through the API alone by the cast's keys."""

import datetime

import time_machine

from tests.cast import full_comment


def on(day):
    return time_machine.travel(day)


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content.decode())
    return response.json()


def test_a_year_from_the_letters_in_january_to_the_rating_in_december(api, cast):
    finance, lc, lc_cell, lc_secretary = (
        api(cast.finance_clerk),
        api(cast.lc_clerk),
        api(cast.lc_cell_secretary),
        api(cast.lc_secretary),
    )
    other = cast.member_factory(full_name="Đỗ Thị Hai")

    # January: the workplace clerk finds who to introduce and signs their letters at once
    with on(datetime.date(2026, 1, 12)):
        to_introduce = ok(finance.get("/members", state="to_introduce"))
        assert [m["full_name"] for m in to_introduce["items"]] == ["Nguyễn Văn An", "Đỗ Thị Hai"]
        letters = ok(finance.post("/letters/issue", {"member_ids": [m["id"] for m in to_introduce["items"]]}))
        assert [x["number"] for x in letters] == ["1-GGT/ĐU", "2-GGT/ĐU"]

    # the residence committee receives both and assigns Khóm 1 and Khóm 2
    with on(datetime.date(2026, 1, 20)):
        waiting = ok(lc.get("/letters", status="issued"))["items"]
        assert {x["id"] for x in waiting} == {x["id"] for x in letters}
        cell_of = {"Nguyễn Văn An": cast.lc_cell_1.pk, "Đỗ Thị Hai": cast.lc_cell_2.pk}
        items = [{"letter_id": x["id"], "cell_id": cell_of[x["full_name"]]} for x in waiting]
        received = ok(lc.post("/letters/confirm", {"items": items}))
        assert {x["status"] for x in received} == {"received"}
        assert ok(finance.get("/members", state="received"))["count"] == 2
        assert [r["cell"]["name"] for r in ok(lc.get("/register"))["items"]] == ["Chi bộ Khóm 1", "Chi bộ Khóm 2"]

    # June: Khóm 1 meets
    with on(datetime.date(2026, 6, 25)):
        meeting = ok(
            lc_cell.post(
                "/meetings",
                {
                    "cell_id": cast.lc_cell_1.pk,
                    "held_on": "2026-06-20",
                    "attendance": [{"member_id": cast.member.pk, "present": True}],
                },
            )
        )
        assert meeting["present"] == 1

    # October: the campaign asks Long Châu for both comments
    with on(datetime.date(2026, 10, 2)):
        campaign = ok(finance.post("/campaigns", {"committee_id": cast.finance.pk}))
        assert campaign["created"] == 2
        assert campaign["by_residence_committee"][0]["residence_committee"]["id"] == cast.long_chau.pk

    # the cell secretary of Khóm 1, on her phone, drafts then signs An's comment
    with on(datetime.date(2026, 10, 10)):
        [mine] = ok(lc_cell.get("/comments", status="requested"))["items"]
        assert mine["member"]["full_name"] == "Nguyễn Văn An"
        content = full_comment()
        ok(lc_cell.post(f"/comments/{mine['id']}/write", {"criteria": content["criteria"], "summary": "tot"}))
    with on(datetime.date(2026, 10, 20)):
        signed = ok(lc_cell.post(f"/comments/{mine['id']}/sign", {"front_participant": content["front_participant"]}))
        assert signed["status"] == "signed" and signed["signer_title"] == "T/M CHI ỦY, BÍ THƯ"
        # Khóm 2 has no secretary with a login: the committee enters the paper form, naming the signer
        [hai] = ok(lc.get("/comments", residence_cell=cast.lc_cell_2.pk))["items"]
        ok(lc.post(f"/comments/{hai['id']}/sign", {**full_comment(), "on_behalf_of": "Bùi Văn Chín"}))

    # the committee certifies and returns both
    with on(datetime.date(2026, 10, 25)):
        for comment_id in (mine["id"], hai["id"]):
            assert ok(lc_secretary.post(f"/comments/{comment_id}/certify"))["status"] == "certified"
    with on(datetime.date(2026, 11, 1)):
        for comment_id in (mine["id"], hai["id"]):
            assert ok(lc_secretary.post(f"/comments/{comment_id}/return"))["status"] == "returned"

    # November: the workplace acknowledges; nothing is late
    with on(datetime.date(2026, 11, 5)):
        returned = ok(finance.get("/comments", status="returned"))["items"]
        assert len(returned) == 2
        for comment in returned:
            assert ok(finance.post(f"/comments/{comment['id']}/acknowledge"))["status"] == "acknowledged"
        assert ok(finance.get("/comments", overdue="true"))["count"] == 0

    # December: the rating shows the comment it relied on
    with on(datetime.date(2026, 12, 10)):
        book = cast.book(cast.member)
        rating = ok(finance.post(f"/books/{book.pk}/rating", {"year": 2026, "level": "good"}), 201)
        assert rating["comment_id"] == mine["id"] and rating["without_comment"] is False
        timeline = ok(finance.get(f"/books/{book.pk}"))
        assert [c["status"] for c in timeline["comments"]] == ["acknowledged"]
        assert timeline["comments"][0]["summary_label"] == "Hoàn thành tốt trách nhiệm nơi cư trú"
        assert timeline["ratings"][0]["comment_id"] == mine["id"]
        verbs = [e["verb"] for e in timeline["events"]]
        for verb in (
            "letter_issued",
            "letter_received",
            "comment_requested",
            "comment_drafted",
            "comment_signed",
            "comment_certified",
            "comment_returned",
            "comment_acknowledged",
            "rating_recorded",
        ):
            assert verb in verbs, verb
        assert verbs.index("letter_issued") < verbs.index("comment_signed") < verbs.index("rating_recorded")
        # the residence side saw the comments all year, but never the rating
        assert "ratings" not in ok(lc.get(f"/members/{cast.member.pk}"))
        assert other.pk in {m["id"] for m in ok(lc.get("/members"))["items"]}
