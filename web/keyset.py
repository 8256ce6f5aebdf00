"""Lists of any length, paged by their sort key ("keyset"): `?sau=` / `?truoc=` instead of OFFSET.

A page after row R is "the first `per_page` rows whose key comes after R's key", read from the index
of the order whatever the depth: page 200 costs what page 1 costs. The key is the list's order,
ending with a unique column (the id), written into the link of "Trang sau" / "Trang trước":
`?sau=<sort key>,<id>` (each value percent-encoded, joined by commas).

What the clerk sees (`templates/web/partials/keyset_pager.html`):
- the number of rows, exact up to `CAP`; past it "hơn 10.000" — a count with a LIMIT, so a list of a
  whole province is not counted row by row on every page;
- "Dòng 51–100" (the rows before the page counted the same way, capped);
- "Trang đầu", "‹ Trang trước", "Trang sau ›"; numbered pages (`?trang=N`, OFFSET of at most
  `LINKED_PAGES` pages) while the list is that short.

Queries: the first page and a numbered page run three (the capped count, the page's ids, its rows);
a page after or before a key four (the count, the rows before it, the ids, the rows). A `?sau=` that cannot be read
(edited by hand, an old link) gives the first page, never an error.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from django.db.models import Expression, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, QueryDict

from orgs.text import MAX_ID, to_id

PAGE_SIZE = 50
CAP = 10_000  # counts above this are shown as "hơn 10.000"
LINKED_PAGES = 20  # numbered page links (and `?trang=N`) for lists of at most this many pages
PARAMS = ("trang", "sau", "truoc")

# what one value of a key may be: a sort key (digits, orgs.text.name_sort_key), an id, a date, a text
DIGITS, INT, DATE, TEXT = "digits", "int", "date", "text"


@dataclass(frozen=True)
class Key:
    """One column of a list's order: a field path (or an expression), its kind, its direction."""

    field: str | Expression
    kind: str = INT
    descending: bool = False
    # a nullable column: NULL is read as this value (NULLs sort first on SQLite, last on PostgreSQL)
    default: Any = None

    def expression(self) -> Any:
        value = F(self.field) if isinstance(self.field, str) else self.field
        return value if self.default is None else Coalesce(value, Value(self.default))

    def parse(self, raw: str) -> Any:
        """The value of a cursor part, or None when it cannot be one (then the cursor is ignored)."""
        text = unquote(raw)
        if self.kind == DIGITS:
            return text if text.isascii() and (text.isdigit() or text == "") and len(text) <= 400 else None
        if self.kind == INT:
            ok = text.isascii() and text.isdigit() and len(text) <= 19
            return int(text) if ok and int(text) <= MAX_ID else None
        if self.kind == DATE:
            try:
                return datetime.date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                return None
        return text if len(text) <= 400 and "\x00" not in text else None

    def write(self, value: Any) -> str:
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return quote(str(value), safe="")


def order_of(keys: Sequence[Key]) -> list[Any]:
    """The keys as `order_by` arguments (for the same order outside the screens: prints, exports)."""
    order: list[Any] = []
    for key in keys:
        if isinstance(key.field, str) and key.default is None:
            order.append(f"-{key.field}" if key.descending else key.field)
        else:
            order.append(key.expression().desc() if key.descending else key.expression().asc())
    return order


def _alias(i: int) -> str:
    return f"keyset_{i}"


def _after(keys: Sequence[Key], values: Sequence[Any], *, backwards: bool = False, inclusive: bool = False) -> Q:
    """Rows after (backwards: before) `values` in the order of `keys`; `inclusive`: and the row itself.

    Written as `k0 >= v0 AND (k0 > v0 OR (k0 = v0 AND k1 > v1) OR …)`: the first conjunct is a plain
    range on the leading key that an index on it (or on (scope column, key)) can start from.
    """
    later = Q()
    last = len(keys) - 1
    for i, key in enumerate(keys):
        forward = key.descending == backwards  # the comparison that means "after" for this key
        op = ("gt" if forward else "lt") + ("e" if inclusive and i == last else "")
        step = Q(**{_alias(j): values[j] for j in range(i)}) & Q(**{f"{_alias(i)}__{op}": values[i]})
        later = step if i == 0 else later | step
    forward = keys[0].descending == backwards
    return Q(**{f"{_alias(0)}__{'gte' if forward else 'lte'}": values[0]}) & later


@dataclass
class KeysetPage:
    """One page of a list and what its pager needs; iterates over its rows like a Django Page."""

    object_list: list[Any]
    count: int  # exact when not `capped`
    capped: bool
    per_page: int
    start: int | None  # position of the first row (1-based), None when past the cap
    next_query: str | None
    previous_query: str | None
    first_query: str | None  # None on the first page
    links: list[tuple[int, str, bool]] = field(default_factory=list)  # (number, query, is this page)
    cap: int = CAP

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: int) -> Any:
        return self.object_list[index]

    @property
    def paginator(self) -> KeysetPage:
        """`page.paginator.count` as with Django's Page (templates and tests read it)."""
        return self

    @property
    def end(self) -> int | None:
        return None if self.start is None else self.start + len(self.object_list) - 1

    @property
    def has_next(self) -> bool:
        return self.next_query is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_query is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous or self.first_query is not None

    @property
    def num_pages(self) -> int | None:
        return None if self.capped else max(1, -(-self.count // self.per_page))

    @property
    def number(self) -> int | None:
        if self.start is None or self.capped:
            return None
        return (self.start - 1) // self.per_page + 1


def _query(request: HttpRequest, **param: str) -> str:
    """The current filters without any page parameter, plus `param`."""
    kept: QueryDict = request.GET.copy()
    for name in PARAMS:
        kept.pop(name, None)
    for name, value in param.items():
        kept[name] = value
    return kept.urlencode(safe=",")


def _cursor(request: HttpRequest, name: str, keys: Sequence[Key]) -> list[Any] | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    parts = raw.split(",")
    if len(parts) != len(keys):
        return None
    values = [key.parse(part) for key, part in zip(keys, parts, strict=True)]
    return None if any(v is None for v in values) else values


def _load(queryset: QuerySet[Any], page: QuerySet[Any]) -> list[Any]:
    """The rows of a page in two queries: their ids in order (only the joins the order and the
    filters need), then the rows by id with everything the list shows (`select_related`, computed
    columns). In one query PostgreSQL joins the related tables first, in the order written (past
    `join_collapse_limit`), and narrows to the scope last: seconds instead of milliseconds at
    2.5 million members (docs/performance.md, "Plans")."""
    ids = list(page.values_list("pk", flat=True))
    by_pk = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """`SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`: only the ids are selected, so that the
    list's computed columns (a book's state, …) are not computed for every counted row."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    keys: Sequence[Key],
    *,
    per_page: int = PAGE_SIZE,
    cap: int | None = None,
    rows_from: QuerySet[Any] | None = None,
) -> KeysetPage:
    """The page of `queryset` the request asks for, in the order of `keys` (the last one unique).

    `rows_from`: where the page's rows are loaded from by id, with what the screen shows of them
    (select_related, computed columns) — without the scope's filter, which the ids have been
    through already (the ids come from `queryset` only). By default `queryset` itself, so that a
    scope's semi-join is computed again for the 50 ids (≈ 45 ms for a committee of 5,629 books).
    """
    cap = CAP if cap is None else cap
    aliases = {_alias(i): key.expression() for i, key in enumerate(keys)}
    annotated = queryset.annotate(**aliases)
    loader = annotated if rows_from is None else rows_from.annotate(**aliases)
    forward = [f"-{_alias(i)}" if k.descending else _alias(i) for i, k in enumerate(keys)]
    backward = [_alias(i) if k.descending else f"-{_alias(i)}" for i, k in enumerate(keys)]

    count = _capped_count(queryset, cap)
    capped = count > cap
    after, before = _cursor(request, "sau", keys), _cursor(request, "truoc", keys)
    number = to_id(request.GET.get("trang"))
    start: int | None = 1
    more_before = False
    if after is not None:
        # the rows up to the cursor (itself included, if it still exists) come before this page
        up_to = _capped_count(annotated.filter(_after(keys, after, backwards=True, inclusive=True)), cap)
        rows = _load(loader, annotated.filter(_after(keys, after)).order_by(*forward)[: per_page + 1])
        start = up_to + 1 if up_to <= cap else None
        more_before = up_to > 0
    elif (
        before is not None
        and (ahead := _capped_count(annotated.filter(_after(keys, before, backwards=True)), cap)) > per_page
    ):
        found = _load(loader, annotated.filter(_after(keys, before, backwards=True)).order_by(*backward)[:per_page])
        found.reverse()
        rows = [*found, None]  # the cursor row follows: there is a next page
        start = ahead - per_page + 1 if ahead <= cap else None
        more_before = True
    elif before is None and number is not None and 1 < number <= LINKED_PAGES and (number - 1) * per_page < count:
        offset = (number - 1) * per_page
        rows = _load(loader, annotated.order_by(*forward)[offset : offset + per_page + 1])
        start = offset + 1
        more_before = True
    else:
        # the first page; also "Trang trước" from the second page (at most a page before it)
        rows = _load(loader, annotated.order_by(*forward)[: per_page + 1])
    has_next = len(rows) > per_page
    rows = [row for row in rows[:per_page] if row is not None]

    def key_of(row: Any) -> str:
        return ",".join(key.write(getattr(row, _alias(i))) for i, key in enumerate(keys))

    page = KeysetPage(
        object_list=rows,
        count=min(count, cap + 1),
        capped=capped,
        per_page=per_page,
        start=start if rows else None,
        next_query=_query(request, sau=key_of(rows[-1])) if has_next and rows else None,
        previous_query=_query(request, truoc=key_of(rows[0])) if more_before and rows else None,
        first_query=_query(request) if more_before else None,
        cap=cap,
    )
    pages = page.num_pages
    if pages is not None and 1 < pages <= LINKED_PAGES:
        current = page.number
        page.links = [
            (n, _query(request, trang=str(n)) if n > 1 else _query(request), n == current) for n in range(1, pages + 1)
        ]
    return page
