"""Paging through an API list visits every row exactly once, in the list's order.

`api.common.page` loads a page in two steps (the page's ids in the list's order, then those rows
with everything the schema needs, docs/performance.md "Plans"): walking the pages must give the
same rows in the same order as one big page, whatever the page size.
"""

import datetime

import pytest
import time_machine

from tests.api.test_query_counts import add_rows

LISTS = ["/members", "/books", "/letters", "/comments", "/register", "/notices"]


def walk(user_api, path, limit):
    ids, offset = [], 0
    while True:
        body = user_api.get(path, limit=limit, offset=offset).json()
        ids += [item["id"] for item in body["items"]]
        offset += limit
        if offset >= body["count"]:
            return ids, body["count"]


@pytest.mark.parametrize("path", LISTS)
def test_walking_the_pages_visits_every_row_once_in_order(api, cast, path):
    user_api = api(cast.finance_clerk)
    with time_machine.travel(datetime.date(2026, 11, 27)):
        add_rows(cast, 23)
        whole = [item["id"] for item in user_api.get(path, limit=200).json()["items"]]
        for limit in (1, 7, 50):
            ids, count = walk(user_api, path, limit)
            assert ids == whole
            assert len(ids) == len(set(ids)) == count >= 23


def test_an_offset_past_the_end_is_an_empty_page_with_the_count(api, cast):
    user_api = api(cast.finance_clerk)
    with time_machine.travel(datetime.date(2026, 11, 27)):
        add_rows(cast, 3)
        body = user_api.get("/letters", limit=5, offset=10_000).json()
    assert body["items"] == [] and body["count"] >= 3
