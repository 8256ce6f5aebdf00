"""Screens driven with generated POST data, as the right user: never a server error; an invalid post
re-renders the bound form with what was typed and writes nothing."""

from __future__ import annotations

import html

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from books.models import ResidenceRegisterEntry
from tests.cast import PASSWORD, introduce, unchanged
from tests.properties.strategies import FAST, names, typed


def test_the_violation_notice_page_keeps_what_was_typed_and_writes_nothing_when_invalid(cast, client):
    introduce(cast, cast.member)
    entry = ResidenceRegisterEntry.objects.get(member=cast.member)
    assert client.login(username=cast.lc_clerk.username, password=PASSWORD)
    url = reverse("residence:raise_notice", args=[entry.pk])

    @FAST
    @given(observed_on=typed, description=st.one_of(typed, names))
    def check(observed_on, description):
        from web.residence import NoticeForm

        if NoticeForm({"observed_on": observed_on, "description": description}).is_valid():
            return  # a valid notice is the action's test
        with unchanged(entry, cast.member):
            response = client.post(url, {"observed_on": observed_on, "description": description})
        assert response.status_code in (200, 400)
        page = response.content.decode()
        assert 'class="field-error"' in page or 'role="alert"' in page
        kept = description.strip()
        if kept and "\x00" not in kept and len(kept) <= 4000:
            assert html.escape(kept, quote=False) in page or html.escape(kept) in page

    check()
