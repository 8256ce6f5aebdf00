"""Every printed document is rendered ONCE per test session module: the cast, a year's work on it,
then each PDF fetched through its print view, all inside one transaction rolled back at the end.
Tests then read the texts, fonts and page sizes (pdftotext, pdffonts, pdfinfo) without rendering
again: WeasyPrint is the slow part."""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.cast import PASSWORD
from tests.web.residence_rows import TODAY


@dataclass
class Printed:
    """One PDF: its bytes, text, fonts and page facts."""

    path: Path
    data: bytes
    text: str = ""
    fonts: list[str] = field(default_factory=list)
    embedded: list[bool] = field(default_factory=list)
    pages: int = 0
    size: str = ""


def read(path: Path) -> Printed:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-"), f"{path.name} is not a PDF"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    fonts_out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = fonts_out.splitlines()[2:]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    facts = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return Printed(
        path=path,
        data=data,
        text=" ".join(text.decode("utf-8").split()),
        fonts=[row.split()[0] for row in rows],
        embedded=[row.split()[-5] == "yes" for row in rows],
        pages=int(facts["Pages"].strip()),
        size=facts["Page size"].strip(),
    )


def _get(user: Any, url: str) -> bytes:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """{name: Printed} for every kind of document, plus the facts the tests compare with."""
    from books import actions
    from books.models import CommentStatus, IntroductionLetter, RegulationProfile, Term
    from books.profiles import ensure_default_profile_and_term
    from orgs.models import AdministrativeUnit, UnitSuccession
    from orgs.units import load_units
    from tests.cast import Cast, comment_at

    folder = tmp_path_factory.mktemp("pdf")
    out: dict[str, Any] = {}
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        if not AdministrativeUnit.objects.exists():
            load_units(AdministrativeUnit, UnitSuccession)
        ensure_default_profile_and_term(RegulationProfile, Term)
        with time_machine.travel(datetime.date(2026, 1, 5)):
            cast = Cast.create()
            others = [cast.member_factory(full_name=f"Đỗ Thị Ữ {n}") for n in range(11)]
            # the start-of-year batch: cast.member's letter comes last, number 12
            letters = actions.issue_letters([*others, cast.member], by=cast.finance_clerk)
        with time_machine.travel(datetime.date(2026, 1, 10)):
            actions.confirm_letter(letters[-1], cell=cast.lc_cell_1, by=cast.lc_clerk)
            actions.confirm_letter(letters[0], cell=cast.lc_cell_1, by=cast.lc_clerk)
        with time_machine.travel(TODAY):
            returned = comment_at(cast, CommentStatus.RETURNED)
            signed = comment_at(cast, CommentStatus.SIGNED, others[0])
        with time_machine.travel(TODAY):
            letter = IntroductionLetter.objects.get(pk=letters[-1].pk)
            book = cast.book(cast.member)
            urls = {
                "letter": (cast.finance_clerk, reverse("documents:letter", args=[letter.pk])),
                "batch": (cast.finance_clerk, reverse("documents:letters_of_year") + "?nam=2026"),
                "comment": (cast.finance_clerk, reverse("documents:comment", args=[returned.pk])),
                "comment_not_back": (cast.finance_clerk, reverse("documents:comment", args=[signed.pk])),
                "comment_residence": (cast.lc_clerk, reverse("documents:comment", args=[signed.pk])),
                "blank_letter": (cast.finance_clerk, reverse("documents:blank", args=["1-213"])),
                "blank_comment": (cast.lc_clerk, reverse("documents:blank", args=["3-213"])),
                "register": (cast.lc_clerk, reverse("documents:register")),
                "book": (cast.member_user, reverse("documents:book", args=[book.pk])),
                "report": (cast.board_officer, reverse("documents:report")),
            }
            for name, (user, url) in urls.items():
                path = folder / f"{name}.pdf"
                path.write_bytes(_get(user, url))
                out[name] = read(path)
            exported = folder / "export.pdf"
            call_command("export_book", "--card", cast.member.party_card_number, "--term", "2025-2030", "-o", exported)
            out["export"] = read(exported)
            out["facts"] = {
                "letter_number": letter.display_number,
                "others": [m.full_name for m in others],
                "card": cast.member.party_card_number,
                "criteria": [c["label"] for c in book.profile.criteria],
                "signed_text": "Gương mẫu, tích cực tham gia phong trào của khóm.",
            }
        transaction.set_rollback(True)
    return out
