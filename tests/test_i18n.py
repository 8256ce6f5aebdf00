"""Screens in Vietnamese for everyone, English for whoever picks it in the footer; every template
string goes through gettext; the committed .mo says what the .po says."""

import gettext
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.urls import reverse
from django.utils import translation

from books import actions
from books.errors import NotAllowed
from tests.cast import PASSWORD

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
LOCALE = ROOT / "locale"
# The printed legal forms (giấy giới thiệu, phiếu nhận xét, sổ theo dõi…) keep the wording the
# Party's regulation prescribes: they are Vietnamese documents whatever the screen language.
EXEMPT = {"documents"}

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def choose(client, language):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


# --------------------------------------------------------------------------- the language switch


def test_vietnamese_is_the_default_even_for_a_browser_that_asks_for_english(client, db):
    body = client.get(reverse("login"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body and "Tên đăng nhập" in body and "Mật khẩu" in body
    assert "Log in" not in body and "Username" not in body


def test_the_footer_switch_turns_the_login_page_into_english(client, db):
    choose(client, "en")
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body and "Username" in body and "Password" in body
    assert "Contact book 213" in body
    assert "Đăng nhập" not in body
    # the footer offers the way back, each language named in itself (Django spells it decomposed)
    assert '<option value="vi" lang="vi">Tiếng Việt</option>' in unicodedata.normalize("NFC", body)
    assert '<option value="en" lang="en" selected>English</option>' in body


def test_a_wrong_password_is_told_in_the_chosen_language(client, cast):
    choose(client, "en")
    response = client.post(reverse("login"), {"username": "tc_bithu", "password": "sai"})
    assert "Wrong username or password" in response.content.decode()


def test_a_user_who_chose_english_gets_the_nav_the_home_page_and_the_messages_in_english(client, cast):
    login(client, cast.finance_clerk)
    choose(client, "en")
    body = client.get("/").content.decode()
    # nav (base layout and web/workplace.py's NAV)
    assert ">Home</a>" in body and ">Start-of-year letters</a>" in body and ">Log out</button>" in body
    # the workplace overview
    assert "Members by state of their book" in body and "To introduce" in body
    assert "Comment requests 2026" in body
    assert "Đảng viên theo tình trạng sổ" not in body
    # data stays as it was entered
    assert "Đảng ủy Sở Tài chính" in body
    # a message after an action
    response = client.post(reverse("notifications:mark_all_read"), {"next": reverse("notifications:list")}, follow=True)
    page = response.content.decode()
    assert "No unread notifications left." in page
    assert "<h1>Notifications</h1>" in page


def test_a_refusal_from_the_actions_follows_the_chosen_language(client, cast):
    with translation.override("en"), pytest.raises(NotAllowed, match="You are not allowed to"):
        actions.issue_letter(cast.member, by=cast.lc_clerk)
    with translation.override("vi"), pytest.raises(NotAllowed, match="Bạn không có quyền"):
        actions.issue_letter(cast.member, by=cast.lc_clerk)


def test_switching_back_gives_vietnamese_again(client, cast):
    login(client, cast.finance_clerk)
    choose(client, "en")
    assert "Members by state of their book" in client.get("/").content.decode()
    choose(client, "vi")
    body = client.get("/", **ENGLISH_BROWSER).content.decode()
    assert "Đảng viên theo tình trạng sổ" in body and '<html lang="vi">' in body


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    body = client.get(reverse("login"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập" in body


def test_vietnamese_comes_first_and_is_the_default():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.LANGUAGES[0][0] == "vi"
    assert LOCALE in [Path(p) for p in settings.LOCALE_PATHS]


# --------------------------------------------------------------------------- the template scanner

# a string literal inside a tag or a variable, optionally already wrapped in _( )
LITERAL = re.compile(r"""(_\()?("[^"]*"|'[^']*')""")
OPENERS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}


def vietnamese(text):
    """True when `text` holds a letter outside ASCII (ạ, ơ, đ…); dashes, arrows and quotes do not count."""
    return any(ch.isalpha() and not ch.isascii() for ch in text)


def unmarked_text(source):
    """(line, text) of every piece of Vietnamese a template shows without gettext.

    Looked at: text between tags (including attribute values written out, such as
    aria-label="…"), and string literals in a variable or in a tag's arguments
    ({{ x|default:"…" }}, {% include … with label="…" %}) unless written _("…"). Not looked at:
    the inside of {% translate %}, {% blocktranslate %}…{% endblocktranslate %}, {% comment %}…
    {% endcomment %} and {# … #}.
    """
    found = []
    closing = []
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            name = contents.split()[0] if contents.split() else ""
            if not closing and name in OPENERS:
                closing.append(OPENERS[name])
                continue
            if closing:
                if name == closing[-1]:
                    closing.pop()
                continue
            if name in ("translate", "trans"):
                continue
            if any(not m.group(1) and vietnamese(m.group(2)) for m in LITERAL.finditer(contents)):
                found.append((token.lineno, "{% " + contents + " %}"))
        elif closing or token.token_type == TokenType.COMMENT:
            continue
        elif token.token_type == TokenType.VAR:
            if any(not m.group(1) and vietnamese(m.group(2)) for m in LITERAL.finditer(contents)):
                found.append((token.lineno, "{{ " + contents + " }}"))
        else:
            for offset, line in enumerate(contents.split("\n")):
                if vietnamese(line):
                    found.append((token.lineno + offset, line.strip()))
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Họ và tên</p>", [(1, "<p>Họ và tên</p>")]),
        ('<a href="/">x</a>\n<input aria-label="Tìm kiếm">', [(2, '<input aria-label="Tìm kiếm">')]),
        ('{{ value|default:"Chưa có" }}', [(1, '{{ value|default:"Chưa có" }}')]),
        ('{% include "x.html" with label="Mới" %}', [(1, '{% include "x.html" with label="Mới" %}')]),
        ("{% if x %}\n\n  Đã nhận{% endif %}", [(3, "Đã nhận")]),
        ('{% translate "Họ và tên" %} <b title="{% translate \'Đổi\' %}">', []),
        ("{% blocktranslate with n=x %}Đã gửi {{ n }} phiếu{% endblocktranslate %}", []),
        ('{{ x|yesno:_("Có,Không") }}', []),
        ("{% comment %}Ghi chú cho người sửa{% endcomment %}{# chú thích #}", []),
        ("<p>{{ member.full_name }} — → · …</p>", []),
        ("{% blocktranslate %}a{% endblocktranslate %}Còn sót", [(1, "Còn sót")]),
    ],
)
def test_the_scanner_finds_unmarked_vietnamese_and_only_that(source, expected):
    assert unmarked_text(source) == expected


def test_every_screen_template_puts_its_vietnamese_through_gettext():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        if relative.parts[0] in EXEMPT:
            continue
        for line, text in unmarked_text(path.read_text(encoding="utf-8")):
            problems.append(f"templates/{relative}:{line}: {text[:100]}")
    assert not problems, "Vietnamese outside {% translate %}:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the catalogue


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return {key: value for key, value in translations._catalog.items() if key != ""}  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian package gettext, scripts/setup.sh)")
def test_the_committed_mo_is_compiled_from_the_current_po(tmp_path):
    po = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    assert _catalog(LOCALE / "en" / "LC_MESSAGES" / "django.mo") == _catalog(fresh), (
        "locale/en/LC_MESSAGES/django.mo is stale: run `manage.py compilemessages -l en -i .venv` and commit it"
    )


def test_the_english_catalogue_covers_the_pages_everyone_sees_first():
    catalog = _catalog(LOCALE / "en" / "LC_MESSAGES" / "django.mo")
    for msgid in [
        "Đăng nhập",
        "Tên đăng nhập",
        "Đăng xuất",
        "Trang chính",
        "Ngôn ngữ",
        "Đảng viên theo tình trạng sổ",
        "Thông báo",
        "Chưa có thông báo nào.",
        "Không tìm thấy hoặc bạn không có quyền xem.",
    ]:
        assert catalog.get(msgid), msgid
