"""The whole year of one member, action by action, as the regulation describes it."""

import datetime

import time_machine

from books import actions
from books.models import CommentStatus, Event, LetterStatus, ResidenceRegisterEntry


def test_a_member_goes_through_the_whole_year(cast):
    member = cast.member
    with time_machine.travel(datetime.date(2026, 1, 10)):
        letter = actions.issue_letter(member, by=cast.finance_clerk)
        assert letter.status == LetterStatus.ISSUED
        assert letter.display_number == "1-GGT/ĐU"
        assert letter.signer_name == "Trần Quốc Hùng"
        actions.confirm_letter(letter, cell=cast.lc_cell_1, by=cast.lc_clerk)
        entry = ResidenceRegisterEntry.objects.get(member=member, left_on__isnull=True)
        assert entry.cell == cast.lc_cell_1
    with time_machine.travel(datetime.date(2026, 6, 20)):
        actions.record_meeting(
            cast.lc_cell_1, held_on=datetime.date(2026, 6, 20), attendance={member.pk: True}, by=cast.lc_cell_secretary
        )
    with time_machine.travel(datetime.date(2026, 10, 2)):
        result = actions.open_campaign(cast.finance, by=cast.finance_clerk)
        assert len(result.created) == 1
        again = actions.open_campaign(cast.finance, by=cast.finance_clerk)
        assert again.created == [] and again.already == 1
        request = result.created[0]
        assert request.residence_cell == cast.lc_cell_1
    with time_machine.travel(datetime.date(2026, 10, 20)):
        criteria = {c["key"]: "Gương mẫu, tích cực." for c in request.book.profile.criteria}
        actions.write_comment(request, by=cast.lc_cell_secretary, criteria=criteria)
        request = actions.sign_comment(
            request,
            by=cast.lc_cell_secretary,
            summary="tot",
            front_participant="Bà Lê Thị Ba, Trưởng ban công tác Mặt trận",
        )
        assert request.signer_title == "T/M CHI ỦY, BÍ THƯ"
        actions.certify_comment(request, by=cast.lc_secretary)
        actions.return_comment(request, by=cast.lc_clerk)
    with time_machine.travel(datetime.date(2026, 11, 5)):
        request = actions.acknowledge_comment(request, by=cast.finance_clerk)
        assert request.status == CommentStatus.ACKNOWLEDGED
    with time_machine.travel(datetime.date(2026, 12, 15)):
        rating = actions.record_rating(cast.book(member), year=2026, level="good", by=cast.finance_cell_secretary)
        assert rating.comment == request and not rating.without_comment
    verbs = list(Event.objects.filter(book=cast.book(member)).order_by("pk").values_list("verb", flat=True))
    assert verbs == [
        "member_registered",
        "letter_issued",
        "letter_received",
        "comment_requested",
        "comment_drafted",
        "comment_signed",
        "comment_certified",
        "comment_returned",
        "comment_acknowledged",
        "rating_recorded",
    ]
