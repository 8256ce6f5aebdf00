"""manage.py export_book: the refusals (the PDF itself is checked in test_printed.py)."""

import pytest
from django.core.management import CommandError, call_command


def test_an_unknown_card_is_a_clear_vietnamese_error(cast, tmp_path):
    target = tmp_path / "so.pdf"
    with pytest.raises(CommandError, match="Không có đảng viên nào mang số thẻ 12345678"):
        call_command("export_book", "--card", "12345678", "-o", str(target))
    assert not target.exists()


def test_a_term_the_member_has_no_book_in_is_refused(cast, tmp_path):
    card, target = cast.member.party_card_number, str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="Không có nhiệm kỳ 2030-2035"):
        call_command("export_book", "--card", card, "--term", "2030-2035", "-o", target)
    with pytest.raises(CommandError, match="không đúng dạng"):
        call_command("export_book", "--card", card, "--term", "2025", "-o", target)


def test_the_command_exits_non_zero_with_the_message_on_stderr(cast, capsys, tmp_path):
    from documents.management.commands.export_book import Command

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "export_book", "--card", "00000000", "-o", str(tmp_path / "x.pdf")])
    assert exited.value.code != 0
    assert "Không có đảng viên nào mang số thẻ 00000000" in capsys.readouterr().err
