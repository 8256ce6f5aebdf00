"""The 2-process letter batch gives the same pages as the one-process PDF."""

import datetime
import shutil
import subprocess

import pytest
import time_machine

from books import actions
from books.models import IntroductionLetter
from documents import batch, content, pdf
from tests.cast import introduce

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (scripts/setup.sh)")


def pages(data, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")


@pytest.mark.django_db
def test_the_letters_laid_out_by_two_processes_equal_the_single_process_pdf_page_for_page(cast, tmp_path):
    with time_machine.travel(datetime.date(2026, 3, 2)):
        members = [cast.member, *(cast.member_factory() for _ in range(4))]
        for member in members[:3]:
            introduce(cast, member)
        actions.issue_letters(members[3:], by=cast.finance_secretary)
    letters = list(content.letter_rows(IntroductionLetter.objects.exclude(status="draft")).order_by("pk"))
    docs = content.letter_docs(letters)
    assert len(docs) == 5
    single = pdf.render_pdf("documents/letters.html", {"docs": docs, "title": "Giấy giới thiệu"})
    parallel = batch.render_parallel("documents/letters.html", docs, {"title": "Giấy giới thiệu"}, workers=2, chunk=2)
    one, two = pages(single, tmp_path, "single"), pages(parallel, tmp_path, "parallel")
    assert len(one) == len(two) >= 5
    assert two == one
    assert "GIẤY GIỚI THIỆU" in one[0]
    for letter in letters:
        assert letter.full_name in "".join(two)
